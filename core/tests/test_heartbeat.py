"""The worker's heartbeat (core.heartbeat): a worker that consumes is told from one that does not."""

import os
import socket
import tempfile
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import wait_for
from core.heartbeat import HEARTBEAT, worker_health
from core.models import TaskLock
from core.tasks import heartbeat

pytestmark = pytest.mark.django_db


def _age(seconds: float) -> None:
    TaskLock.objects.update_or_create(
        name=HEARTBEAT, defaults={"last_finished_at": timezone.now() - timedelta(seconds=seconds)}
    )


def test_no_heartbeat_yet_is_not_consuming():
    health = worker_health()
    assert (health.consuming, health.age_seconds) == (False, None)
    with pytest.raises(CommandError, match="not consuming: last heartbeat never") as raised:
        call_command("worker_health")
    assert raised.value.returncode == 1


def test_a_heartbeat_older_than_a_minute_is_not_consuming(settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    _age(59)
    out = StringIO()
    call_command("worker_health", stdout=out)
    assert out.getvalue().startswith("consuming: last heartbeat 59 s ago")
    _age(61)
    with pytest.raises(CommandError, match=r"not consuming: last heartbeat 61 s ago \(max 60 s\)"):
        call_command("worker_health")
    call_command("worker_health", "--max-age", "120", stdout=StringIO())


def test_health_reports_the_heartbeat_age(client):
    _age(12)
    worker = client.get("/health/").json()["worker"]
    assert worker["consuming"] is True
    assert 12 <= worker["heartbeat_age_seconds"] < 20
    _age(3600)
    response = client.get("/health/")
    assert response.json()["worker"]["consuming"] is False
    assert response.status_code == 200  # the web still serves; the worker's watchdog restarts it


def test_the_heartbeat_pets_the_systemd_watchdog(monkeypatch):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
            manager.bind(path)
            manager.settimeout(2)
            monkeypatch.setenv("NOTIFY_SOCKET", path)
            heartbeat()
            assert manager.recv(100) == b"WATCHDOG=1"
    assert worker_health().consuming


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_consuming_from_the_broker_writes_the_heartbeat(celery_worker_process):
    assert not worker_health().consuming
    heartbeat.delay()
    assert wait_for(lambda: worker_health().consuming, timeout=60)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_backlog_of_tasks_does_not_hold_back_the_heartbeat():
    """The heartbeat has a queue of its own (CELERY_TASK_ROUTES): a worker that starts on thousands
    of queued tasks runs it among the first, so a busy worker is never taken for a quiet one."""
    import redis

    from conftest import _database_url_of_test_db
    from core.tasks import touch_lock
    from outbox.tests.workers import RedisServer, producer_broker, start_worker, stop

    server = RedisServer()
    server.start()
    try:
        with producer_broker(server.url):
            for n in range(2000):
                touch_lock.delay(f"test.backlog.{n % 20}")
            heartbeat.delay()
            broker = redis.Redis.from_url(server.url)
            assert broker.llen("celery") == 2000 and broker.llen("heartbeat") == 1
            worker = start_worker(database_url=_database_url_of_test_db(), broker_url=server.url)
            try:
                assert wait_for(lambda: worker_health().consuming, timeout=60)
                assert broker.llen("celery") > 1000  # most of the backlog still waits
            finally:
                stop(worker)
    finally:
        server.stop()
