"""Celery tasks of the notification outbox; each takes ids and is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from core.locks import single_run

from .delivery import notification_deliver, notifications_relay, notifications_retry_due


@shared_task(acks_late=True, ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    """Deliver one outbox row; a repeat of the message finds it claimed or done and does nothing."""
    return notification_deliver(notification_id)


@shared_task(acks_late=True, ignore_result=True)
@single_run("partners.relay_notifications", ttl=timedelta(minutes=5))
def relay_notifications() -> int:
    return notifications_relay()


@shared_task(acks_late=True, ignore_result=True)
@single_run("partners.retry_notifications", ttl=timedelta(minutes=5))
def retry_notifications() -> int:
    return notifications_retry_due()
