"""Keep each crisis's sector plan in step with the crisis (event contract: crisis.* events)."""

from __future__ import annotations

from core.events import subscribe
from core.models import DomainEvent
from crises.models import Crisis

from .services import sector_plan_propose


def _crisis_of(event: DomainEvent) -> Crisis | None:
    if event.crisis_id is None:
        return None
    return Crisis.objects.filter(pk=event.crisis_id).first()


@subscribe("crisis.registered")
def propose_plan_on_registration(event: DomainEvent) -> None:
    """A newly registered crisis gets the plan Annex I proposes for its type and phase."""
    crisis = _crisis_of(event)
    if crisis is not None:
        sector_plan_propose(crisis=crisis, phase=event.payload.get("phase") or crisis.phase, actor=event.actor)


@subscribe("crisis.phase_changed")
def repropose_plan_on_phase_change(event: DomainEvent) -> None:
    """A phase change proposes the next phase's plan; what the office set is kept."""
    crisis = _crisis_of(event)
    if crisis is not None:
        sector_plan_propose(crisis=crisis, phase=event.payload.get("to") or crisis.phase, actor=event.actor)


@subscribe("crisis.updated")
def repropose_plan_on_type_change(event: DomainEvent) -> None:
    """A corrected crisis type changes which scenario of Annex I applies."""
    if "crisis_type" not in (event.payload.get("fields") or []):
        return
    crisis = _crisis_of(event)
    if crisis is not None:
        sector_plan_propose(crisis=crisis, actor=event.actor)
