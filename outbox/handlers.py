"""The outbox's subscriber to the domain events (core.events): it writes the notification rows."""

from __future__ import annotations

from core.events import subscribe
from core.models import DomainEvent

from .audiences import AUDIENCES
from .services import notifications_for_event, notifications_for_events


def write_outbox(event: DomainEvent) -> None:
    """Runs in the transaction of the change: the notifications commit or roll back with it."""
    notifications_for_event(event=event)


def write_outbox_many(events: list[DomainEvent]) -> None:
    """The same for a batch of events (``core.events.record_events``), in one pass."""
    notifications_for_events(events)


# Subscribed to exactly the event types that tell someone (outbox.audiences).
for event_type, rules in AUDIENCES.items():
    if rules:
        subscribe(event_type, many=write_outbox_many)(write_outbox)
