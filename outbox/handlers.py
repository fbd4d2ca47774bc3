"""The outbox's subscriber to the domain events (core.events): it writes the notification rows."""

from __future__ import annotations

from core.events import subscribe
from core.models import DomainEvent

from .audiences import AUDIENCES
from .services import notifications_for_event


def write_outbox(event: DomainEvent) -> None:
    """Runs in the transaction of the change: the notifications commit or roll back with it."""
    notifications_for_event(event=event)


# Subscribed to exactly the event types that tell someone (outbox.audiences).
for event_type, rules in AUDIENCES.items():
    if rules:
        subscribe(event_type)(write_outbox)
