"""Periodic work of the situation reports."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from core.locks import single_run

from .services import sitreps_cycle


@shared_task(acks_late=True)
@single_run("sitreps.draft_and_remind", ttl=timedelta(minutes=30))
def draft_and_remind() -> dict[str, int]:
    """Draft each crisis's next report a day before it is due; remind the office once when one is
    overdue (sitreps.services.sitreps_cycle)."""
    return sitreps_cycle()
