"""Tasks of displacement tracking: a round's import, checked then saved by the worker so that a
table of thousands of sites never holds a request (the page shows the progress)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def check_round_import(import_id: int) -> str:
    from .imports import round_import_check

    return round_import_check(import_id)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def save_round_import(import_id: int) -> str:
    from .imports import round_import_save

    return round_import_save(import_id)
