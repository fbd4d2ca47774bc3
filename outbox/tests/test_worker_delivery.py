"""Delivery through a real Celery worker, the real Redis and a real HTTP receiver (docs/domain.md
"Notifications"): exactly what the outbox promises, that nothing is lost on the way."""

import json
import os
import signal
import time
from collections import defaultdict
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accounts.tests.factories import GovernmentFactory
from caseload.tests.factories import MigrantFactory
from conftest import _database_url_of_test_db, wait_for
from crises.tests.factories import CrisisFactory
from outbox.conf import conf
from outbox.delivery import notifications_relay
from outbox.models import DeliveryAttempt, Notification

from . import events
from .factories import WebhookEndpointFactory
from .receiver import Receiver
from .workers import RedisServer, free_port, producer_broker, start_worker, stop, worker_log

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST_RETRIES = {"NOTIFICATIONS_RETRY_DELAYS": [0.3] * 9, "NOTIFICATIONS_RETRY_JITTER": 0.2}


@pytest.fixture
def celery_worker_env() -> dict:
    return {"DJANGO_SETTINGS_MODULE": "outbox.tests.settings_worker", "MCOF_TEST_SETTINGS": json.dumps(FAST_RETRIES)}


@pytest.fixture
def egypt():
    return GovernmentFactory(country="EGY")


@pytest.fixture
def crisis():
    return CrisisFactory(code="LBY-2011-001")


def delivered(count: int) -> bool:
    return Notification.objects.filter(status="delivered").count() >= count


def send_referrals(crisis, government, count: int, per_transaction: int = 100) -> None:
    migrant = MigrantFactory(crisis=crisis, office=crisis.office)
    for start in range(0, count, per_transaction):
        with transaction.atomic():
            for _ in range(min(per_transaction, count - start)):
                events.referral_sent(crisis, government=government, migrant=migrant)


def assert_each_delivered_with_one_stable_id(receiver: Receiver, count: int) -> int:
    """Every notification reached the receiver; a repeat carries the same webhook-id. Answers
    the number of repeats."""
    expected = dict(Notification.objects.values_list("referral_id", "uid"))
    ids_per_referral = defaultdict(set)
    for request in receiver.requests:
        ids_per_referral[json.loads(request.body)["data"]["id"]].add(request.headers["webhook-id"])
    assert len(expected) == count
    assert set(ids_per_referral) == set(expected)
    for referral_id, webhook_ids in ids_per_referral.items():
        assert webhook_ids == {f"msg_{expected[referral_id].hex}"}
    assert Notification.objects.exclude(status="delivered").count() == 0
    return len(receiver.requests) - count


def test_a_sent_referral_reaches_the_receiver_once_signed(celery_worker_process, crisis, egypt):
    with Receiver() as receiver:
        endpoint = WebhookEndpointFactory(government=egypt, url=receiver.url)
        event = events.referral_sent(crisis, government=egypt)
        notification = Notification.objects.get(event=event)
        assert wait_for(lambda: delivered(1), timeout=30), celery_worker_process.stderr
    [request] = receiver.requests
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "referral.sent"
    assert payload["data"] == {
        "object": "referral",
        "id": notification.referral_id,
        "crisis": "LBY-2011-001",
        "api_url": f"{django_settings.SITE_URL}/api/v1/referrals/{notification.referral_id}/",
    }
    assert request.headers["webhook-id"] == f"msg_{notification.uid.hex}"
    assert DeliveryAttempt.objects.filter(notification=notification).count() == 1


def test_a_receiver_failing_three_times_gets_it_on_the_fourth_attempt(celery_worker_process, crisis, egypt):
    with Receiver(respond=lambda n: 500 if n < 3 else 200) as receiver:
        WebhookEndpointFactory(government=egypt, url=receiver.url)
        notification = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
        assert wait_for(lambda: delivered(1), timeout=60)
    assert [r.status for r in receiver.requests] == [500, 500, 500, 200]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    attempts = list(DeliveryAttempt.objects.filter(notification=notification).order_by("at"))
    assert [(a.number, a.response_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 500, False),
        (4, 200, True),
    ]
    assert all(a.error == "HTTP 500" for a in attempts[:3])


def test_messages_queued_under_the_task_names_of_the_partners_app_still_deliver(celery_worker_process, crisis, egypt):
    """The outbox's tasks were named partners.tasks.* before it had an app of its own: a message of
    such a name still on the broker after an upgrade (a delivery, a beat tick of the relay) is
    consumed by a worker of this version and delivers."""
    from mcof_site.celery import app

    with Receiver() as receiver:
        WebhookEndpointFactory(government=egypt, url=receiver.url)
        with producer_broker(f"redis://127.0.0.1:{free_port()}/0"):  # their own messages are lost
            first = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
            second = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
        app.send_task("partners.tasks.deliver_notification", args=[first.pk])
        assert wait_for(lambda: Notification.objects.get(pk=first.pk).status == "delivered", timeout=30)
        assert Notification.objects.get(pk=second.pk).status == "pending"
        long_ago = timezone.now() - timedelta(hours=1)
        Notification.objects.filter(pk=second.pk).update(next_attempt_at=long_ago, queued_at=long_ago)
        app.send_task("partners.tasks.relay_notifications")
        assert wait_for(lambda: delivered(2), timeout=30)
    assert receiver.count() == 2


def _queue_length(broker_url: str) -> int:
    return redis.Redis.from_url(broker_url).llen("celery")


def _relay_when_queue_drained(broker_url: str):
    """The periodic relay, as beat would run it, once the broker holds nothing more."""

    def check() -> bool:
        try:
            if _queue_length(broker_url) == 0:
                notifications_relay()
        except redis.ConnectionError:
            pass
        return Notification.objects.exclude(status="delivered").count() == 0

    return check


def test_a_worker_killed_mid_batch_loses_nothing(transactional_db, crisis, egypt, settings):
    from mcof_site.celery import app

    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = 1
    broker_url = django_settings.CELERY_BROKER_URL
    app.control.purge()
    database_url = _database_url_of_test_db()
    worker_settings = {"NOTIFICATIONS_LEASE_SECONDS": 2}
    pool = {"pool": "threads", "concurrency": 4}  # several deliveries in flight when it dies
    with Receiver() as receiver:
        WebhookEndpointFactory(government=egypt, url=receiver.url)
        first = start_worker(
            database_url=database_url, broker_url=broker_url, overrides=worker_settings, name="k1", **pool
        )
        try:
            send_referrals(crisis, egypt, 1000)
            assert wait_for(lambda: receiver.count() >= 150, timeout=120)
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            assert Notification.objects.exclude(status="delivered").exists()
            second = start_worker(
                database_url=database_url, broker_url=broker_url, overrides=worker_settings, name="k2", **pool
            )
            try:
                assert wait_for(_relay_when_queue_drained(broker_url), timeout=180, interval=1)
            finally:
                stop(second)
        finally:
            stop(first)
    repeats = assert_each_delivered_with_one_stable_id(receiver, 1000)
    # At most those in flight when the worker died: a batch is sent, then recorded, so each of the
    # four tasks at once may have sent its whole batch and recorded none of it.
    assert repeats <= pool["concurrency"] * conf("NOTIFICATIONS_BATCH_SIZE")


def _unacked(broker_url: str) -> int:
    """Messages the worker has taken from the broker and not yet acknowledged (kombu's redis
    transport keeps them in the ``unacked`` hash): deliveries in flight, retries on a countdown."""
    return redis.Redis.from_url(broker_url).hlen("unacked")


# Retries ride the broker on a countdown, as in production (NOTIFICATIONS_COUNTDOWN_MAX_SECONDS):
# after the first attempts fail, the worker holds every retry as an unacknowledged message.
BROKER_RETRIES = {"NOTIFICATIONS_RETRY_DELAYS": [40] * 9, "NOTIFICATIONS_LEASE_SECONDS": 5}


def test_redis_killed_under_the_production_worker_loses_nothing(transactional_db, crisis, egypt, settings):
    """The production worker (prefork, gossip, mingle, heartbeat: scripts/run.sh) holding
    unacknowledged messages when Redis dies reconnects once Redis is back and delivers everything,
    each once under one webhook-id. Without mcof_site.kombu_fix it exits ("Unrecoverable error:
    AttributeError: 'NoneType' object has no attribute 'hostname'")."""
    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = 1
    database_url = _database_url_of_test_db()
    server = RedisServer()
    server.start()
    worker = None
    try:
        # The first attempt of each notification fails: its retry waits on a countdown in the worker.
        with Receiver(respond=lambda n: 500 if n < 200 else 200) as receiver, producer_broker(server.url):
            WebhookEndpointFactory(government=egypt, url=receiver.url)
            worker = start_worker(
                database_url=database_url, broker_url=server.url, overrides=BROKER_RETRIES, production=True
            )
            send_referrals(crisis, egypt, 200)

            def idle_holding_retries() -> bool:
                return receiver.count() >= 200 and _queue_length(server.url) == 0 and _unacked(server.url) >= 20

            assert wait_for(idle_holding_retries, timeout=120), worker_log(worker)
            held = _unacked(server.url)
            server.stop()  # whatever was queued is gone with it, and the worker's connection breaks
            send_referrals(crisis, egypt, 100)  # committed while the broker is down
            time.sleep(2)
            server.start()
            drained = _relay_when_queue_drained(server.url)
            assert wait_for(lambda: worker.poll() is not None or drained(), timeout=180, interval=1)
            assert worker.poll() is None, f"the worker exited holding {held} unacked messages:\n{worker_log(worker)}"
    finally:
        if worker is not None:
            stop(worker)
        server.stop()
    assert held >= 20
    assert_each_delivered_with_one_stable_id(receiver, 300)
