"""Periodic work of the caseload: remind recipients of overdue referrals, once per due time."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from core.locks import single_run

from .models import Referral
from .retention import pseudonymise_expired  # noqa: F401 - the worker registers the periodic task
from .selectors import overdue
from .services import referral_remind_overdue

BATCH = 500


@shared_task(acks_late=True)
@single_run("caseload.remind_overdue_referrals")
def remind_overdue_referrals() -> int:
    """Record a ``referral.overdue`` event for each open referral past its due time that has not
    been reminded for that due time yet; the notifications app turns the event into messages."""
    now = timezone.now()
    due = list(
        overdue(Referral.objects.all(), now)
        .exclude(overdue_reminded_for=F("due_at"))
        .values_list("pk", "due_at")
        .order_by("due_at")[:BATCH]
    )
    return sum(referral_remind_overdue(referral_id=pk, due_at=due_at) for pk, due_at in due)


# --- Imports -------------------------------------------------------------------------------------
@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def process_import(batch_id: int) -> str:
    """Check or save the rows of an import, resuming where the last run stopped; a long import
    hands over to a fresh task every few seconds so that one worker is never held for long."""
    from celery.exceptions import SoftTimeLimitExceeded

    from .imports import BUSY, MORE, import_run

    try:
        outcome = import_run(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        outcome = MORE
    if outcome == MORE:
        process_import.delay(batch_id)
    elif outcome == BUSY:
        # Another run holds the batch; if it died, its lease expires and this run takes over.
        process_import.apply_async((batch_id,), countdown=30)
    return outcome


@shared_task(acks_late=True)
@single_run("caseload.expire_checked_imports")
def expire_checked_imports() -> int:
    """Fail the checked imports left unsaved too long, deleting the checked rows they keep."""
    from .imports import import_expire_checked

    return import_expire_checked()


# --- Possible duplicates -------------------------------------------------------------------------
def _find_duplicates_of(office_id: int, crisis_id: int | None = None) -> int:
    from core.locks import task_lock

    from .dedup import duplicates_find_since_last_run

    # One run per office at a time: an on-demand run and the periodic one never overlap on it.
    with task_lock(f"caseload.find_duplicates.{office_id}", timedelta(minutes=5)) as acquired:
        return duplicates_find_since_last_run(office_id=office_id, crisis_id=crisis_id) if acquired else 0


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def find_duplicates(office_id: int, crisis_id: int | None = None) -> int:
    """Store the new possible duplicates of one office (on demand, or after an import)."""
    return _find_duplicates_of(office_id, crisis_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def check_duplicates_of(office_id: int, migrant_ids: list[int]) -> int:
    """Compare a new or changed registration with the rest of its office, as soon as it is saved.
    No lock: storing a pair twice stores it once (caseload.dedup.duplicates_find)."""
    from .dedup import duplicates_find

    return duplicates_find(office_id=office_id, migrant_ids=list(migrant_ids))


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
@single_run("caseload.find_all_duplicates", ttl=timedelta(minutes=10))
def find_all_duplicates() -> int:
    """The periodic run: the new possible duplicates of every office that has migrants."""
    from .models import Migrant

    offices = Migrant.objects.filter(merged_into__isnull=True).values_list("office_id", flat=True).distinct()
    return sum(_find_duplicates_of(pk) for pk in offices.order_by("office_id"))
