"""The referral state machine, whole: its transitions and their effects, who may make each, which
statuses are open or closed, when an outcome is recorded, and when a referral is overdue.

``draft -> sent -> acknowledged -> in_progress -> completed``; the recipient may decline an open
referral with a reason; the owning office may cancel one that is not closed (docs: "Caseload").
Sending shares the migrant's data with the recipient: the consent naming it is read first
(``caseload.services``), and the priority sets the due time (``PRIORITY_DUE``).

The shape is ``core.machine``'s; its docstring says how to add another machine on this pattern.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.machine import Machine, Reason, Transition
from sectors.referral_kinds import ReferralKind

from .models import PRIORITY_DUE
from .models import ReferralStatus as S

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Referral

OFFICE = "office"
RECIPIENT = "recipient"

# What the recipient records of its work, per kind; a referral of these kinds completes only with
# all of them (framework, Sector 12: "emergency travel documents or laissez-passer"; Sector 3).
OUTCOME_FIELDS: dict[str, tuple[str, ...]] = {
    ReferralKind.CONSULAR: ("document_type", "document_number", "document_issued_on"),
    ReferralKind.TRANSPORT: ("departure_from", "destination", "travel_date"),
}
# The recipient records the outcome while it works on the referral.
OUTCOME_STATUSES = frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS})


def side_of(user: User, referral: Referral) -> str | None:
    """The side ``user`` acts on for ``referral``: its owning office, its recipient, or neither."""
    if user.is_office_staff and referral.office_id in user.office_ids:
        return OFFICE
    if user.is_government_liaison and referral.recipient_government_id == user.government_id:
        return RECIPIENT
    if user.is_partner_liaison and referral.recipient_partner_id == user.partner_id:
        return RECIPIENT
    return None


def may_record_outcome(side: str | None, status: str) -> bool:
    return side == RECIPIENT and status in OUTCOME_STATUSES


def _outcome_complete(referral: Referral) -> None:
    missing = [f for f in OUTCOME_FIELDS.get(referral.kind, ()) if not getattr(referral, f)]
    if missing:
        raise ValidationError({f: [_("Record this before completing the referral.")] for f in missing})


def _due(referral: Referral, at: datetime) -> None:
    referral.due_at = at + PRIORITY_DUE[referral.priority]


def _recipient(referral: Referral) -> dict[str, Any]:
    return {"kind": referral.kind, "recipient_type": referral.recipient_type, "recipient_id": referral.recipient_id}


def _sent(referral: Referral, previous: str) -> dict[str, Any]:
    return {**_recipient(referral), "priority": referral.priority}


def _moved(referral: Referral, previous: str) -> dict[str, Any]:
    return {"from": previous, "to": referral.status, **_recipient(referral)}


SENT, MOVED = "referral.sent", "referral.transitioned"
CLOSING = ("closed_at",)

REFERRAL = Machine(
    statuses=S,
    initial=S.DRAFT,
    transitions=(
        Transition(
            "send",
            _("Send"),
            frozenset({S.DRAFT}),
            S.SENT,
            OFFICE,
            SENT,
            _sent,
            stamps=("sent_at",),
            effects=(_due,),
            needs_consent=True,
        ),
        Transition("acknowledge", _("Acknowledge"), frozenset({S.SENT}), S.ACKNOWLEDGED, RECIPIENT, MOVED, _moved),
        Transition("start", _("Start"), frozenset({S.ACKNOWLEDGED}), S.IN_PROGRESS, RECIPIENT, MOVED, _moved),
        Transition(
            "complete",
            _("Complete"),
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            RECIPIENT,
            MOVED,
            _moved,
            stamps=CLOSING,
            checks=(_outcome_complete,),
        ),
        Transition(
            "decline",
            _("Decline"),
            frozenset({S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS}),
            S.DECLINED,
            RECIPIENT,
            MOVED,
            _moved,
            stamps=CLOSING,
            reason=Reason("decline_reason", _("Give the reason for declining.")),
        ),
        Transition(
            "cancel",
            _("Cancel"),
            frozenset({S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS}),
            S.CANCELLED,
            OFFICE,
            MOVED,
            _moved,
            stamps=CLOSING,
        ),
    ),
    open=frozenset({S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS}),
    closed=frozenset({S.COMPLETED, S.DECLINED, S.CANCELLED}),
    refused={
        OFFICE: _("Only the owning office may do this (%(action)s)."),
        RECIPIENT: _("Only the recipient may do this (%(action)s)."),
    },
    illegal=_("A referral that is %(status)s cannot be moved to %(target)s."),
)
TRANSITIONS = REFERRAL.transitions
BY_TARGET = REFERRAL.by_target
OPEN = REFERRAL.open
CLOSED = REFERRAL.closed


def transitions_from(status: str, by: str | None = None) -> list[Transition]:
    return REFERRAL.transitions_from(status, by)


# --- Overdue: an open referral past its due time ------------------------------------------------
# The one rule, in its two forms: a condition for querysets (lists, filters, counts, the reminder
# task) and a test of one loaded referral (a detail page, a line of a list, a serializer).
def overdue_q(now: datetime | None = None) -> Q:
    return Q(status__in=OPEN, due_at__lt=now or timezone.now())


def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    return bool(referral.status in OPEN and referral.due_at and referral.due_at < (now or timezone.now()))
