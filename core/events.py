"""Domain events: record one in the caller's transaction and let subscribers react there.

Every business service calls ``record_event`` inside its ``transaction.atomic`` block. Other
apps subscribe in their ``AppConfig.ready`` without the emitting code knowing about them::

    @subscribe("referral.")          # a prefix, or an exact type such as "crisis.registered"
    def on_referral(event): ...

Handlers run synchronously in the same transaction: if one raises, the change rolls back.
Anything slow belongs in a Celery task queued from the handler with ``transaction.on_commit``.

A handler may also give the form it takes for a batch (``record_events``, a movement's thousand
referrals): ``subscribe("referral.transitioned", many=on_referrals)(on_referral)``; the batch form
gets every event of the batch at once and must do what the one-event form would do for each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from .models import DomainEvent

Handler = Callable[[DomainEvent], None]
BatchHandler = Callable[[list[DomainEvent]], None]
_subscribers: list[tuple[str, Handler]] = []
# The batch form of a handler, when it has one (``record_events`` calls it once for the batch).
_batch_forms: dict[Handler, BatchHandler] = {}


def subscribe(pattern: str, *, many: BatchHandler | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for an exact event type, or for every type starting with ``pattern``
    when it ends with a dot; ``"*"`` subscribes to everything. ``many``, when given, is the same
    handler for a list of events, which ``record_events`` calls once instead of the handler per event."""

    def register(handler: Handler) -> Handler:
        if (pattern, handler) not in _subscribers:
            _subscribers.append((pattern, handler))
        if many is not None:
            _batch_forms[handler] = many
        return handler

    return register


def _matches(pattern: str, event_type: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("."):
        return event_type.startswith(pattern)
    return pattern == event_type


def record_event(
    event_type: str,
    *,
    subject: models.Model,
    actor: Any = None,
    crisis_id: int | None = None,
    office_id: int | None = None,
    payload: dict | None = None,
) -> DomainEvent:
    """Write the event row and run its subscribers; must be called inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside transaction.atomic()")
    event = DomainEvent.objects.create(
        type=event_type,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        crisis_id=crisis_id,
        office_id=office_id,
        payload=payload or {},
    )
    for pattern, handler in list(_subscribers):
        if _matches(pattern, event_type):
            handler(event)
    return event


@dataclass(frozen=True)
class EventRecord:
    """One event of a batch for ``record_events``."""

    subject: models.Model
    crisis_id: int | None = None
    office_id: int | None = None
    payload: dict = field(default_factory=dict)


def record_events(event_type: str, records: Iterable[EventRecord], *, actor: Any = None) -> list[DomainEvent]:
    """``record_event`` for many subjects at once (a movement's thousand referrals): the rows in one
    INSERT, then the subscribers, in the caller's transaction: a handler with a batch form
    (``subscribe(..., many=...)``) once with every event, any other once per event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must be called inside transaction.atomic()")
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    events = DomainEvent.objects.bulk_create(
        DomainEvent(
            type=event_type,
            actor_id=actor_id,
            subject_type=record.subject._meta.model_name,
            subject_id=record.subject.pk,
            crisis_id=record.crisis_id,
            office_id=record.office_id,
            payload=record.payload,
        )
        for record in records
    )
    if not events:
        return events
    for pattern, handler in list(_subscribers):
        if not _matches(pattern, event_type):
            continue
        many = _batch_forms.get(handler)
        if many is not None:
            many(list(events))
        else:
            for event in events:
                handler(event)
    return events
