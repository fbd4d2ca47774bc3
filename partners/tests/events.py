"""Emit domain events exactly as the crisis and caseload services do (core.events contract)."""

from __future__ import annotations

from django.db import transaction

from core.events import record_event


class ReferralRef:
    """The subject of a referral event when the test has no referral row to point at."""

    class _meta:  # noqa: N801 - mirrors a model's _meta for record_event
        model_name = "referral"

    def __init__(self, pk: int) -> None:
        self.pk = pk


def crisis_registered(crisis, actor=None):
    with transaction.atomic():
        return record_event(
            "crisis.registered",
            subject=crisis,
            actor=actor,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={
                "code": crisis.code,
                "name": crisis.name,
                "crisis_type": crisis.crisis_type,
                "phase": crisis.phase,
            },
        )


def level_approved(crisis, level: int, previous_level: int | None = None, subject=None):
    with transaction.atomic():
        return record_event(
            "level.approved",
            subject=subject or crisis,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={"level": level, "previous_level": previous_level},
        )


def referral_sent(crisis, *, referral_id: int, government=None, partner=None, kind="consular", priority="urgent"):
    recipient = government or partner
    with transaction.atomic():
        return record_event(
            "referral.sent",
            subject=ReferralRef(referral_id),
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={
                "kind": kind,
                "priority": priority,
                "recipient_type": "government" if government else "partner",
                "recipient_id": recipient.pk,
            },
        )
