"""Celery tasks of the notification outbox; each takes ids and is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from core.locks import single_run

from .delivery import notification_deliver, notifications_deliver, notifications_relay, notifications_retry_due


@shared_task(acks_late=True, ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """Deliver a batch of outbox rows (outbox.services.queue_deliveries); a repeat of the message
    finds them claimed or done and does nothing. Answers how many ended how."""
    counts: dict[str, int] = {}
    for result in notifications_deliver(notification_ids).values():
        counts[result] = counts.get(result, 0) + 1
    return counts


@shared_task(acks_late=True, ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    """Deliver one outbox row: the task of one id that queue_deliveries sent before batches (still
    consumed after an upgrade); a repeat finds the row claimed or done and does nothing."""
    return notification_deliver(notification_id)


# The relay is what recovers from a dead worker, so a relay that died with its worker must not hold
# its lock for long: the lock lasts a little longer than Celery lets the task run (its time limit),
# never longer than a lease. A run only claims and queues rows (milliseconds to a few seconds).
RELAY_TIME_LIMIT = 40
RELAY_LOCK = timedelta(seconds=RELAY_TIME_LIMIT + 5)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=RELAY_TIME_LIMIT - 10, time_limit=RELAY_TIME_LIMIT)
@single_run("outbox.relay_notifications", ttl=RELAY_LOCK)
def relay_notifications() -> int:
    return notifications_relay()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=RELAY_TIME_LIMIT - 10, time_limit=RELAY_TIME_LIMIT)
@single_run("outbox.retry_notifications", ttl=RELAY_LOCK)
def retry_notifications() -> int:
    return notifications_retry_due()


# The names these tasks had while the outbox was part of the partners app: a message queued under
# one of them before an upgrade (a delivery waiting on its countdown, a beat tick) is still consumed
# by a worker of this version, and runs the task of the new name in the worker's process.
@shared_task(name="partners.tasks.deliver_notification", acks_late=True, ignore_result=True)
def legacy_deliver_notification(notification_id: int) -> str:
    return deliver_notification(notification_id)


@shared_task(name="partners.tasks.relay_notifications", acks_late=True, ignore_result=True)
def legacy_relay_notifications() -> int:
    return relay_notifications()


@shared_task(name="partners.tasks.retry_notifications", acks_late=True, ignore_result=True)
def legacy_retry_notifications() -> int:
    return retry_notifications()
