"""The movement state machine: which transition goes from which status, who may make it, and what
it stamps on the movement.

``planned -> boarding -> departed -> arrived -> closed``, and ``cancelled`` with a reason before
departure. Starting the boarding locks the manifest (docs/domain.md "Operations"). The machine has
the shape of every machine of the project (core.machine), like the referral machine
(caseload.workflow): one table, read by the service, the pages and the API alike. What a transition
does to the passengers (no-shows at departure, seats freed when it ends, the transport referrals
following the movement) is the service's, because it touches other rows than the movement's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.machine import Machine, Reason, Transition

from .models import Movement
from .models import MovementStatus as S

OFFICE = "office"  # a staff member of the organising office
CHIEF = "chief"  # the Chief of Mission of the organising office


def roles_on(actor: Any, movement: Movement) -> frozenset[str]:
    """The sides the actor is on for this movement: staff of its office, and its Chief of Mission
    (who is staff of it too). The one answer to "who is this user to this movement"."""
    if not (getattr(actor, "is_office_staff", False) and movement.office_id in actor.office_ids):
        return frozenset()
    return frozenset({OFFICE, CHIEF}) if actor.is_chief_of(movement.office_id) else frozenset({OFFICE})


def _counts(movement: Movement, previous: str) -> dict[str, Any]:
    return {"from": previous, "to": movement.status}


MOVEMENT = Machine(
    statuses=S,
    initial=S.PLANNED,
    transitions=(
        Transition(
            "lock",
            _("Lock the manifest and start boarding"),
            frozenset({S.PLANNED}),
            S.BOARDING,
            OFFICE,
            event="movement.manifest_locked",
            payload=_counts,
            stamps=("manifest_locked_at",),
        ),
        Transition(
            "depart",
            _("Record the departure"),
            frozenset({S.BOARDING}),
            S.DEPARTED,
            OFFICE,
            event="movement.departed",
            payload=_counts,
            stamps=("actual_departure",),
        ),
        Transition(
            "arrive",
            _("Record the arrival"),
            frozenset({S.DEPARTED}),
            S.ARRIVED,
            OFFICE,
            event="movement.arrived",
            payload=_counts,
            stamps=("actual_arrival",),
        ),
        Transition(
            "close",
            _("Close the movement"),
            frozenset({S.ARRIVED}),
            S.CLOSED,
            OFFICE,
            event="movement.closed",
            payload=_counts,
        ),
        # Calling off a charter is the Chief of Mission's decision.
        Transition(
            "cancel",
            _("Cancel the movement"),
            frozenset({S.PLANNED, S.BOARDING}),
            S.CANCELLED,
            CHIEF,
            event="movement.cancelled",
            payload=_counts,
            reason=Reason("cancel_reason", _("Give the reason for cancelling.")),
        ),
    ),
    open=frozenset({S.PLANNED, S.BOARDING, S.DEPARTED, S.ARRIVED}),
    closed=frozenset({S.CLOSED, S.CANCELLED}),
    refused={
        OFFICE: _("Only staff of the organising office may do this (%(action)s)."),
        CHIEF: _("Only the Chief of Mission of the organising office may do this (%(action)s)."),
    },
    illegal=_("A movement that is %(status)s cannot be moved to %(target)s."),
)
CLOSED = MOVEMENT.closed


def transitions_from(status: str, roles: frozenset[str]) -> list[Transition]:
    """The transitions out of ``status`` that a holder of one of ``roles`` may make."""
    return [t for t in MOVEMENT.transitions_from(status) if t.by in roles]
