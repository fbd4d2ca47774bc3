"""Retention: once a crisis has been closed longer than its retention period, the personal data of
its migrants is pseudonymised (ICRC Handbook on data protection in humanitarian action: personal
data is kept no longer than the purpose of its processing needs).

What identifies a person goes (names, exact date of birth, phone, document numbers, free text, the
raw rows of imports); what the figures are made of stays (nationality, sex, year of birth, estimated
age, population group, vulnerabilities, location country and area, household, referrals' kinds,
statuses and dates), so every count and dashboard figure is the same before and after.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.audit import audit_record
from core.locks import single_run
from crises.models import Crisis

from .models import (
    CaseShare,
    Consent,
    ImportBatch,
    ImportRowError,
    ImportStagedChunk,
    Migrant,
    Referral,
    ReferralEvent,
)
from .validators import normalise_name

BATCH = 500
PSEUDONYM_GIVEN_NAME = "Pseudonymised"
AUDIT_REASON = "pseudonymised: retention period after closure"


def pseudonym_for(migrant: Migrant) -> str:
    """A stable token per record (the same on every run), from which no name can be recovered."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"migrant:{migrant.pk}".encode(), hashlib.sha256)
    return f"P-{digest.hexdigest()[:12].upper()}"


def crises_past_retention(*, today: datetime.date | None = None) -> QuerySet[Crisis]:
    """Closed crises whose retention period (their own, or the default) has run out by ``today``.

    A crisis is closed on its end date; a closed crisis without one counts from its last change."""
    today = today or timezone.localdate()
    closed = Crisis.objects.filter(status=Crisis.Status.CLOSED)
    default = settings.RETENTION_DAYS_DEFAULT
    expired = []
    for pk, end_date, updated_at, days in closed.values_list("pk", "end_date", "updated_at", "retention_days"):
        closed_on = end_date or timezone.localdate(updated_at)
        if closed_on + datetime.timedelta(days=days if days is not None else default) <= today:
            expired.append(pk)
    return Crisis.objects.filter(pk__in=expired)


def crisis_pseudonymise(*, crisis_id: int, limit: int = BATCH) -> int:
    """Pseudonymise up to ``limit`` migrants of one crisis not done yet; answer how many.

    Idempotent: a migrant is done once (``pseudonymised_at``), a second run finds nothing to do.
    One audit entry per batch names the crisis and the case references it covered."""
    now = timezone.now()
    with transaction.atomic():
        migrants = list(
            Migrant.objects.select_for_update(skip_locked=True)
            .filter(crisis_id=crisis_id, pseudonymised_at__isnull=True)
            .order_by("pk")[:limit]
        )
        if not migrants:
            return 0
        ids = [m.pk for m in migrants]
        for migrant in migrants:
            token = pseudonym_for(migrant)
            migrant.given_name = PSEUDONYM_GIVEN_NAME
            migrant.family_name = token
            migrant.other_names = ""
            migrant.given_name_norm = normalise_name(migrant.given_name)
            migrant.family_name_norm = normalise_name(token)
            migrant.given_name_key = migrant.family_name_key = ""  # the keys would still tell the name
            if migrant.date_of_birth is not None:  # the year stays, for age bands
                migrant.date_of_birth = migrant.date_of_birth.replace(month=1, day=1)
            migrant.document_number = ""
            migrant.document_number_norm = ""
            migrant.phone = ""
            migrant.site = ""
            migrant.pseudonymised_at = now
        Migrant.objects.bulk_update(
            migrants,
            [
                "given_name",
                "family_name",
                "other_names",
                "given_name_norm",
                "family_name_norm",
                "given_name_key",
                "family_name_key",
                "date_of_birth",
                "document_number",
                "document_number_norm",
                "phone",
                "site",
                "pseudonymised_at",
            ],
        )
        Consent.objects.filter(migrant_id__in=ids).update(note="")
        Referral.objects.filter(migrant_id__in=ids).update(
            request_note="",
            decline_reason="",
            consent_override_reason="",
            document_number="",
            departure_from="",
            destination="",
            outcome_note="",
        )
        ReferralEvent.objects.filter(referral__migrant_id__in=ids).exclude(note="").update(note="")
        CaseShare.objects.filter(migrant_id__in=ids).update(note="", refusal_reason="")
        crisis = Crisis.objects.get(pk=crisis_id)
        audit_record(
            actor=None,
            action="update",
            obj=crisis,
            reason=AUDIT_REASON,
            after={"migrants": len(ids), "references": [m.reference for m in migrants]},
        )
    return len(ids)


def crisis_import_rows_clear(*, crisis_id: int) -> int:
    """The raw rows kept by imports into the crisis (previews, rejected rows, the checked rows of an
    import not saved yet) hold names too."""
    with transaction.atomic():
        batches = ImportBatch.objects.filter(crisis_id=crisis_id)
        cleared = ImportRowError.objects.filter(batch__in=batches).exclude(values=[]).update(values=[])
        ImportStagedChunk.objects.filter(batch__in=batches).delete()
        batches.exclude(preview=[]).update(preview=[])
    return cleared


@shared_task(acks_late=True)
@single_run("caseload.pseudonymise_expired")
def pseudonymise_expired() -> int:
    """Pseudonymise the migrants of every crisis closed longer than its retention period."""
    total = 0
    for crisis_id in crises_past_retention().values_list("pk", flat=True):
        while done := crisis_pseudonymise(crisis_id=crisis_id):
            total += done
        crisis_import_rows_clear(crisis_id=crisis_id)
    return total
