"""Periodic work of the reports: keep the dashboards' snapshots fresh (``reports.snapshots``)."""

from __future__ import annotations

import datetime

from celery import shared_task

from core.locks import single_run

from .snapshots import refresh


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
@single_run("reports.refresh_dashboards", ttl=datetime.timedelta(minutes=12))
def refresh_dashboards() -> dict[str, int]:
    return refresh()
