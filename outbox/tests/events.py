"""Emit domain events exactly as the crisis and caseload services do (core.events contract)."""

from __future__ import annotations

from django.db import transaction

from core.events import record_event


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


def referral_sent(crisis, *, government=None, partner=None, migrant=None, kind="consular", priority="urgent", **kw):
    """A referral addressed to the government or partner, sent, with its event as the caseload
    service records it."""
    from caseload.tests.factories import MigrantFactory, ReferralFactory

    with transaction.atomic():
        referral = ReferralFactory(
            migrant=migrant or MigrantFactory(crisis=crisis, office=crisis.office),
            kind=kind,
            priority=priority,
            recipient_government=government,
            recipient_partner=partner,
            **kw,
        )
        return record_event(
            "referral.sent",
            subject=referral,
            crisis_id=referral.crisis_id,
            office_id=referral.office_id,
            payload={
                "kind": kind,
                "priority": priority,
                "recipient_type": referral.recipient_type,
                "recipient_id": referral.recipient_id,
            },
        )
