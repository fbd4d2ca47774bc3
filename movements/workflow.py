"""The movement state machine: which transition goes from which status, and who may make it.

``planned -> boarding -> departed -> arrived -> closed``, and ``cancelled`` with a reason before
departure. Starting the boarding locks the manifest (docs/domain.md "Operations"). The same pattern as the
referral machine (caseload.workflow): one table of transitions, read by the service, the pages and
the API alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import MovementStatus as S

OFFICE = "office"  # a staff member of the organising office
CHIEF = "chief"  # the Chief of Mission of the organising office


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    by: str  # OFFICE or CHIEF
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("lock", _("Lock the manifest and start boarding"), frozenset({S.PLANNED}), S.BOARDING, OFFICE),
    Transition("depart", _("Record the departure"), frozenset({S.BOARDING}), S.DEPARTED, OFFICE),
    Transition("arrive", _("Record the arrival"), frozenset({S.DEPARTED}), S.ARRIVED, OFFICE),
    Transition("close", _("Close the movement"), frozenset({S.ARRIVED}), S.CLOSED, OFFICE),
    # Calling off a charter is the Chief of Mission's decision.
    Transition(
        "cancel", _("Cancel the movement"), frozenset({S.PLANNED, S.BOARDING}), S.CANCELLED, CHIEF, needs_reason=True
    ),
)
BY_TARGET: dict[str, Transition] = {t.target: t for t in TRANSITIONS}
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
CLOSED = frozenset({S.CLOSED, S.CANCELLED})


def transitions_from(status: str, roles: frozenset[str] | None = None) -> list[Transition]:
    """The transitions out of ``status``; with ``roles``, only those a holder of one of them may make."""
    return [t for t in TRANSITIONS if status in t.sources and (roles is None or t.by in roles)]
