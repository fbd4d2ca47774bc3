"""A real Celery worker process takes a task from the real broker; its effect lands in the database."""

import pytest

from conftest import wait_for
from core.models import TaskLock
from core.tasks import touch_lock


@pytest.mark.worker
def test_a_real_worker_consumes_a_task_from_the_broker(celery_worker_process):
    assert not TaskLock.objects.filter(name="worker-proof").exists()
    touch_lock.delay("worker-proof")
    arrived = wait_for(
        lambda: TaskLock.objects.filter(name="worker-proof", last_finished_at__isnull=False).exists(), timeout=60
    )
    assert arrived, celery_worker_process.stderr.read1().decode() if celery_worker_process.poll() is not None else ""
