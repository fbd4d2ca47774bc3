"""Periodic and queued work of the reports: keep the dashboards' snapshots fresh
(``reports.snapshots``) and build the large exports (``reports.export_jobs``)."""

from __future__ import annotations

import datetime

from celery import shared_task

from core.locks import single_run

from .snapshots import refresh


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
@single_run("reports.refresh_dashboards", ttl=datetime.timedelta(minutes=12))
def refresh_dashboards() -> dict[str, int]:
    return refresh()


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1860)
def build_export(job_id: int) -> str:
    """Build one export's file; a second delivery of the same message finds the job taken."""
    from .export_jobs import export_job_run

    return export_job_run(job_id)


@shared_task(acks_late=True)
@single_run("reports.expire_exports")
def expire_exports() -> int:
    from .export_jobs import export_jobs_expire

    return export_jobs_expire()
