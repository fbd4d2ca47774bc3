from celery import shared_task
from django.utils import timezone

from .locks import single_run
from .models import TaskLock


@shared_task(acks_late=True)
@single_run("core.heartbeat")
def heartbeat() -> str:
    """Proves a worker and beat are alive: the health page reads when it last ran."""
    now = timezone.now()
    TaskLock.objects.filter(name="core.heartbeat").update(last_finished_at=now)
    return now.isoformat()


@shared_task(acks_late=True)
def touch_lock(name: str) -> str:
    """Record that a worker processed a task; used by the health check and worker tests."""
    lock, _ = TaskLock.objects.get_or_create(name=name)
    now = timezone.now()
    TaskLock.objects.filter(pk=lock.pk).update(last_finished_at=now)
    return now.isoformat()
