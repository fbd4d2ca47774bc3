"""Periodic work of the crisis registry."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from core.locks import single_run

from .services import level_reviews_remind


@shared_task(acks_late=True)
@single_run("crises.remind_level_reviews", ttl=timedelta(minutes=30))
def remind_level_reviews() -> int:
    """Record ``level.review_due`` for each level declaration near or past its review date, once
    per due date (the SOP's validity; L3 follows the IASC scale-up: 6 months, one extension)."""
    return level_reviews_remind()
