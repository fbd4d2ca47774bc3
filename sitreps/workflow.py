"""The sitrep state machine: ``draft -> submitted -> approved -> published`` (docs/domain.md
"Situation reports").

The office writes and submits; the approver is the Chief of Mission of the office for a Level 1
crisis and an HQ emergency coordinator for Levels 2 and 3 (the line of authority of the level,
docs/domain.md "Emergency levels"), never the sitrep's author; the approver publishes. Submission
freezes the figures (``sitreps.services``). The shape is ``core.machine``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from core.machine import Machine, Transition

from .models import SitrepStatus as S

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Sitrep

OFFICE = "office"  # staff of the sitrep's office
APPROVER = "approver"  # the level's authority, not the author


def approver_kind(level: int | None) -> str:
    """``chief_of_mission`` for Level 1 (or no level yet), ``hq`` for Levels 2 and 3."""
    return "hq" if level in (2, 3) else "chief_of_mission"


def is_approver(user: User, sitrep: Sitrep) -> bool:
    if not user.is_authenticated or not user.is_active or sitrep.author_id == user.pk or user.pk in sitrep.contributors:
        return False
    if approver_kind(sitrep.level) == "hq":
        return user.is_hq
    return user.is_office_staff and user.is_chief_of(sitrep.office_id)


def sides_of(user: User, sitrep: Sitrep) -> frozenset[str]:
    """Every side ``user`` may act on for ``sitrep`` (a Chief of Mission is office staff too)."""
    sides = set()
    if user.is_authenticated and user.is_office_staff and sitrep.office_id in user.office_ids:
        sides.add(OFFICE)
    if is_approver(user, sitrep):
        sides.add(APPROVER)
    return frozenset(sides)


def side_for(user: User, sitrep: Sitrep, transition: Transition) -> str | None:
    """The side the user acts on for this transition, or None (refused)."""
    return transition.by if transition.by in sides_of(user, sitrep) else None


def _payload(sitrep: Sitrep, previous: str) -> dict[str, Any]:
    return {"number": sitrep.number, "level": sitrep.level, "from": previous, "to": sitrep.status}


MOVED, PUBLISHED = "sitrep.transitioned", "sitrep.published"

SITREP = Machine(
    statuses=S,
    initial=S.DRAFT,
    transitions=(
        Transition(
            "submit",
            _("Submit for approval"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            OFFICE,
            MOVED,
            _payload,
            stamps=("submitted_at",),
        ),
        Transition(
            "approve",
            _("Approve"),
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            APPROVER,
            MOVED,
            _payload,
            stamps=("approved_at",),
        ),
        Transition(
            "publish",
            _("Publish"),
            frozenset({S.APPROVED}),
            S.PUBLISHED,
            APPROVER,
            PUBLISHED,
            _payload,
            stamps=("published_at",),
        ),
        # The approver may send a submitted report back to the office, which edits it again.
        Transition("return", _("Return to the office"), frozenset({S.SUBMITTED}), S.DRAFT, APPROVER, MOVED, _payload),
    ),
    open=frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED}),
    closed=frozenset({S.PUBLISHED}),
    refused={
        OFFICE: _("Only staff of the office may do this (%(action)s)."),
        APPROVER: _(
            "Only the approver of the level may do this (%(action)s): the Chief of Mission for Level 1, "
            "an HQ emergency coordinator for Levels 2 and 3, and never the author."
        ),
    },
    illegal=_("A situation report that is %(status)s cannot be moved to %(target)s."),
)
