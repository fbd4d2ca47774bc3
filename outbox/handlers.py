"""Subscribers to the domain events (core.events) that write the notification outbox."""

from __future__ import annotations

from core.events import subscribe
from core.models import DomainEvent

from .services import notifications_for_event


@subscribe("crisis.")
@subscribe("level.")
@subscribe("referral.")
@subscribe("webhook.")
def write_outbox(event: DomainEvent) -> None:
    """Runs in the transaction of the change: the notifications commit or roll back with it."""
    notifications_for_event(event=event)
