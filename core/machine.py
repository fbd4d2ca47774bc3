"""The shape of a workflow: its statuses, the transitions between them and what each one does.

A machine is a table, declared once in ``<app>/workflow.py``; the app's service applies it and
nothing else decides which status may follow which. Each :class:`Transition` row says from which
statuses it starts, which status it reaches, which side may make it (the sides are the app's own
words, such as the owning office and the recipient), and its effects on the object: the timestamps
it sets, the reason it requires and where that is kept, the checks that must pass before it, any
other field it computes, and the domain event it records.

The service of a transition does the same steps in every app (``caseload.services.referral_transition``
is the model)::

    transition = MACHINE.transition_to(to)                 # unknown target: ValidationError on "to"
    with transaction.atomic():
        obj = <the row, locked with select_for_update>      # then its scope: not visible -> 404
        MACHINE.check(transition, status=obj.status, side=side_of(actor, obj), reason=reason)
        previous = obj.status
        transition.apply(obj, at=timezone.now(), reason=reason)   # checks, stamps, effects, status
        obj.save(); <history row>; audit_record(...)
        record_event(transition.event, subject=obj, ..., payload=transition.payload(obj, previous))

To add a machine (``movements.workflow`` is the second: ``planned -> boarding -> departed -> arrived
-> closed``, and ``cancelled`` before departure):

1. ``models.py``: the statuses as ``TextChoices`` (``MovementStatus``), a ``status`` field, one
   timestamp field per stamp (``departed_at``, ``arrived_at``, ``closed_at``) and the check
   constraints that hold whatever the code does.
2. ``<app>/workflow.py``: the sides (``ORGANISER = "organiser"``...), ``side_of(user, obj)`` (the one
   answer to "which side is this user on"), and ``MOVEMENT = Machine(...)`` with one
   ``Transition`` per target; the open and closed statuses are declared there, and every
   "is it still open / is it late" question reads them (``caseload.workflow.overdue_q`` is the
   pattern for a queryset condition).
3. ``services.py``: ``movement_transition(*, actor, movement_id, to, ...)`` following the steps above.
4. ``tests/``: every (status, target) pair the table does not list is refused, every transition is
   refused to the other side, and each effect is set (``caseload/tests/test_referrals.py``).

This module knows no app: it imports Django only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext as _

Text = str | Promise
# A check raises ValidationError (naming the field) when the object may not take the transition yet.
Check = Callable[[Any], None]
# An effect sets fields of the object from the moment of the transition.
Effect = Callable[[Any, datetime], None]
Payload = Callable[[Any, str], dict[str, Any]]


@dataclass(frozen=True)
class Reason:
    """The transition needs a reason: ``missing`` is the message when none is given, ``field`` the
    field of the object that keeps it."""

    field: str
    missing: Text


def _no_payload(obj: Any, previous: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Transition:
    action: str  # the verb, recorded in the history ("send", "depart")
    label: Text  # the button
    sources: frozenset[str]  # the statuses it starts from
    target: str  # the status it reaches (one transition per target)
    by: str  # the side that may make it
    event: str  # the domain event it records (codes and states only in its payload)
    payload: Payload = _no_payload  # (obj, previous status) -> the event's payload
    stamps: tuple[str, ...] = ()  # datetime fields set to the moment of the transition
    reason: Reason | None = None
    checks: tuple[Check, ...] = ()  # run before anything changes
    effects: tuple[Effect, ...] = ()  # other fields it sets, after the stamps
    needs_consent: bool = False  # it shares personal data: the service reads the consent first

    @property
    def needs_reason(self) -> bool:
        return self.reason is not None

    def apply(self, obj: Any, *, at: datetime, reason: str = "") -> None:
        """Run the checks, then set the stamps, the reason, the effects and the status on ``obj``
        (unsaved: the service saves it with the rest of its transaction)."""
        for check in self.checks:
            check(obj)
        for name in self.stamps:
            setattr(obj, name, at)
        if self.reason is not None:
            setattr(obj, self.reason.field, reason.strip())
        for effect in self.effects:
            effect(obj, at)
        obj.status = self.target


@dataclass(frozen=True)
class Machine:
    """The transitions of one kind of object, and the messages of its refusals.

    ``refused`` maps each side to the message shown to anyone else who tries its transitions
    (``%(action)s`` is the transition's label); ``illegal`` is the message for a target that the
    current status does not lead to (``%(status)s``, ``%(target)s``)."""

    statuses: type[TextChoices]
    initial: str
    transitions: tuple[Transition, ...]
    open: frozenset[str]
    closed: frozenset[str]
    refused: Mapping[str, Text]
    illegal: Text
    by_target: dict[str, Transition] = field(init=False, repr=False)
    by_action: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        known = set(self.statuses.values)
        targets = [t.target for t in self.transitions]
        actions = [t.action for t in self.transitions]
        if len(set(targets)) != len(targets) or len(set(actions)) != len(actions):
            raise ValueError("one transition per target and per action")
        for t in self.transitions:
            if not (t.sources | {t.target}) <= known:
                raise ValueError(f"{t.action}: a status that is not one of {self.statuses.__name__}")
            if t.sources & self.closed:
                raise ValueError(f"{t.action}: a closed status leads nowhere")
            if t.by not in self.refused:
                raise ValueError(f"{t.action}: no refusal message for the side {t.by!r}")
        if self.open & self.closed or self.initial in self.closed:
            raise ValueError("a status is open or closed, not both")
        object.__setattr__(self, "by_target", {t.target: t for t in self.transitions})
        object.__setattr__(self, "by_action", {t.action: t for t in self.transitions})

    def transition_to(self, target: str) -> Transition:
        transition = self.by_target.get(target)
        if transition is None:
            raise ValidationError({"to": [_("Unknown status %(status)s.") % {"status": target}]})
        return transition

    def transitions_from(self, status: str, by: str | None = None) -> list[Transition]:
        """The transitions open from ``status`` (to the side ``by`` only, when given)."""
        return [t for t in self.transitions if status in t.sources and (by is None or t.by == by)]

    def check(self, transition: Transition, *, status: str, side: str | None, reason: str = "") -> None:
        """Refuse a transition to the wrong side (PermissionDenied), from a status it does not start
        from, or without the reason it needs (ValidationError naming the field)."""
        if side != transition.by:
            raise PermissionDenied(str(self.refused[transition.by]) % {"action": transition.label})
        if status not in transition.sources:
            raise ValidationError(
                {
                    "to": [
                        str(self.illegal)
                        % {
                            "status": self.statuses(status).label.lower(),
                            "target": self.statuses(transition.target).label.lower(),
                        }
                    ]
                }
            )
        if transition.reason is not None and not reason.strip():
            raise ValidationError({"reason": [transition.reason.missing]})

    def is_open(self, status: str) -> bool:
        return status in self.open

    def is_closed(self, status: str) -> bool:
        return status in self.closed
