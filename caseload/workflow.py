"""The referral state machine: which transition goes from which status, and who may make it.

``draft -> sent -> acknowledged -> in_progress -> completed``; the recipient may decline an open
referral with a reason; the owning office may cancel one that is not closed (DESIGN "Caseload").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ReferralStatus as S

OFFICE = "office"
RECIPIENT = "recipient"


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    by: str  # OFFICE or RECIPIENT
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("send", _("Send"), frozenset({S.DRAFT}), S.SENT, OFFICE),
    Transition("acknowledge", _("Acknowledge"), frozenset({S.SENT}), S.ACKNOWLEDGED, RECIPIENT),
    Transition("start", _("Start"), frozenset({S.ACKNOWLEDGED}), S.IN_PROGRESS, RECIPIENT),
    Transition("complete", _("Complete"), frozenset({S.IN_PROGRESS}), S.COMPLETED, RECIPIENT),
    Transition(
        "decline",
        _("Decline"),
        frozenset({S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS}),
        S.DECLINED,
        RECIPIENT,
        needs_reason=True,
    ),
    Transition("cancel", _("Cancel"), frozenset({S.DRAFT, S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS}), S.CANCELLED, OFFICE),
)
BY_TARGET: dict[str, Transition] = {t.target: t for t in TRANSITIONS}
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
CLOSED = frozenset({S.COMPLETED, S.DECLINED, S.CANCELLED})


def transitions_from(status: str, by: str | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources and (by is None or t.by == by)]
