"""Crises with their sector plan, made the way the system makes them: through the crisis events."""

from __future__ import annotations

from django.db import transaction

from core.events import record_event
from crises.models import Crisis
from crises.tests.factories import CrisisFactory


def registered_crisis(**kwargs) -> Crisis:
    """A crisis whose ``crisis.registered`` event has fired (event contract), so it has its plan."""
    with transaction.atomic():
        crisis = CrisisFactory(**kwargs)
        record_event(
            "crisis.registered",
            subject=crisis,
            actor=kwargs.get("created_by"),
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={
                "code": crisis.code,
                "name": crisis.name,
                "crisis_type": crisis.crisis_type,
                "phase": crisis.phase,
            },
        )
    return crisis


def change_phase(crisis: Crisis, phase: str, *, actor=None, reason: str = "The situation moved on.") -> Crisis:
    """Move the crisis and fire ``crisis.phase_changed`` as the contract says."""
    with transaction.atomic():
        old = crisis.phase
        crisis.phase = phase
        crisis.save(update_fields=["phase", "updated_at"])
        record_event(
            "crisis.phase_changed",
            subject=crisis,
            actor=actor,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={"from": old, "to": phase, "reason": reason},
        )
    return crisis
