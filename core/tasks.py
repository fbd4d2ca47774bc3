from celery import shared_task

from mcof_site.systemd import sd_notify

from .heartbeat import heartbeat_record
from .models import TaskLock


@shared_task(acks_late=True, ignore_result=True, expires=60)
def heartbeat() -> str:
    """A no-op that travels through the broker: the worker running it writes the time (core.heartbeat)
    and pets the systemd watchdog. No lock: two heartbeats at once write the same row, harmlessly."""
    now = heartbeat_record()
    sd_notify("WATCHDOG=1")
    return now.isoformat()


@shared_task(acks_late=True)
def touch_lock(name: str) -> str:
    """Record that a worker processed a task; used by the health check and worker tests."""
    from django.utils import timezone

    lock, _ = TaskLock.objects.get_or_create(name=name)
    now = timezone.now()
    TaskLock.objects.filter(pk=lock.pk).update(last_finished_at=now)
    return now.isoformat()


@shared_task(acks_late=True, ignore_result=True)
def expire_idempotency_keys() -> int:
    """Forget the Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (core.idempotency)."""
    from datetime import timedelta

    from django.utils import timezone

    from .idempotency import key_hours
    from .locks import task_lock
    from .models import IdempotencyKey

    with task_lock("core.expire_idempotency_keys", timedelta(minutes=10)) as acquired:
        if not acquired:
            return 0
        since = timezone.now() - timedelta(hours=key_hours())
        deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=since).delete()
        return deleted
