"""Faults injected against the real servers (PostgreSQL, Redis, a Celery worker).

- The database connection lost in the middle of a request: the backend serving the request is
  terminated (pg_terminate_backend from another connection) between two writes of a service; the
  answer is a clean error and nothing is half-written.
- Redis (the broker) down: a write through the API still succeeds, its notification waits in the
  outbox, and goes out once the broker is back.
- The database connections of a worker terminated between two tasks: its next task checks the
  connection, opens a new one and delivers, the first time (mcof_site.celery).
- Each fault of bench/faults.py (broker, worker, database, receiver) under the production worker:
  outbox/tests/test_delivery_faults.py.
- A worker killed during delivery: outbox/tests/test_worker_delivery.py
  ::test_a_worker_killed_mid_batch_loses_nothing (1000 deliveries, SIGKILL mid-batch) and
  ::test_redis_stopped_and_started_during_a_run_loses_nothing cover it; not repeated here.
"""

from __future__ import annotations

import datetime
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client

from accounts.tests.factories import GovernmentFactory, OfficeFactory, office_staff
from caseload.models import Referral, ReferralEvent
from caseload.services import consent_record, migrant_register, referral_create
from conftest import _database_url_of_test_db, wait_for
from crises.services import crisis_register
from outbox.models import Notification

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FAULTS = {"injected": 0, "survived": 0}


def _referral_world(*, send: bool):
    office = OfficeFactory(code="flt", country="LBY")
    chief = office_staff(office, chief=True, username="flt_chief")
    government = GovernmentFactory(country="EGY")
    crisis = crisis_register(
        actor=chief,
        office=office,
        name="Fault crisis",
        crisis_type="man_made",
        movement="cross_border",
        country="LBY",
        start_date=datetime.date(2026, 1, 1),
    )
    migrant = migrant_register(
        actor=chief,
        office=office,
        crisis=crisis,
        data={
            "given_name": "Amina",
            "family_name": "Yusuf",
            "sex": "female",
            "estimated_age": 30,
            "nationality": "EGY",
            "document_status": "lost",
            "location_country": "LBY",
            "population_group": "international_migrant",
        },
    )
    consent_record(
        actor=chief,
        migrant=migrant,
        governments=[government],
        purposes=["consular"],
        given_on=datetime.date(2026, 1, 2),
    )
    referral = referral_create(
        actor=chief, migrant=migrant, kind="consular", recipient_government=government, priority="normal", send=send
    )
    return chief, government, migrant, referral


def _client(user) -> Client:
    from accounts.mfa import VERIFIED_SESSION_KEY

    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[VERIFIED_SESSION_KEY] = user.pk
    session.save()
    return client


def test_database_connection_lost_mid_request_leaves_nothing_half_written():
    chief, _, _, referral = _referral_world(send=False)
    client = _client(chief)
    dsn = _database_url_of_test_db().replace("postgres://", "postgresql://")
    state = {"fired": False}

    def cut_after_the_referral_update(execute, sql, params, many, context):
        # The service has updated the referral and is about to write its history: the server
        # drops the connection now (as a failover or an operator's kill would).
        if not state["fired"] and sql.lstrip().upper().startswith('INSERT INTO "CASELOAD_REFERRALEVENT"'):
            state["fired"] = True
            pid = connection.connection.info.backend_pid
            with psycopg.connect(dsn, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            time.sleep(0.2)
        return execute(sql, params, many, context)

    FAULTS["injected"] += 1
    with connection.execute_wrapper(cut_after_the_referral_update):
        response = client.post(f"/caseload/referrals/{referral.pk}/transition/", {"to": "sent"})
    assert state["fired"], "the fault was injected inside the service"
    connection.close()  # the next query opens a new connection, as the next request would
    assert response.status_code in (500, 503)
    assert b"Traceback" not in response.content and b"psycopg" not in response.content
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == "draft" and fresh.sent_at is None, "the referral's update was rolled back"
    assert ReferralEvent.objects.filter(referral=referral, to_status="sent").count() == 0
    assert Notification.objects.count() == 0
    # The system keeps working: the same request succeeds on a new connection.
    response = client.post(f"/caseload/referrals/{referral.pk}/transition/", {"to": "sent"})
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    FAULTS["survived"] += 1


def test_broker_down_writes_succeed_and_notifications_wait_in_the_outbox(settings):
    from outbox.delivery import notifications_relay
    from outbox.tests.factories import WebhookEndpointFactory
    from outbox.tests.receiver import Receiver
    from outbox.tests.workers import RedisServer, producer_broker, start_worker, stop

    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = 0
    chief, government, _, referral = _referral_world(send=False)
    client = _client(chief)
    server = RedisServer()  # our own broker, never the shared one
    worker = None
    FAULTS["injected"] += 1
    with Receiver() as receiver, producer_broker(server.url):
        WebhookEndpointFactory(government=government, url=receiver.url)
        # The broker is down (not started): the write goes through all the same.
        response = client.post(f"/caseload/referrals/{referral.pk}/transition/", {"to": "sent"})
        assert response.status_code == 302
        assert Referral.objects.get(pk=referral.pk).status == "sent"
        waiting = Notification.objects.filter(referral_id=referral.pk)
        assert waiting.count() == 1 and waiting.get().status != "delivered"
        server.start()
        try:
            worker = start_worker(database_url=_database_url_of_test_db(), broker_url=server.url, name="flt")

            def sent() -> bool:
                notifications_relay()
                return waiting.get().status == "delivered"

            assert wait_for(sent, timeout=120, interval=1)
            assert receiver.count() >= 1
        finally:
            if worker is not None:
                stop(worker)
            server.stop()
    FAULTS["survived"] += 1
    print(f"\nfaults injected: {FAULTS['injected']}, survived: {FAULTS['survived']}")


def test_a_worker_whose_database_connection_was_terminated_delivers_its_next_task():
    """PostgreSQL drops the worker's connection while it waits for work (a failover, a restart): the
    next delivery opens a new connection and succeeds on its first attempt, with no relay to send it
    again. Without the check around each task it fails on the dead connection, as would every task
    in that process until Celery renews the connection (CELERY_DB_REUSE_MAX tasks later)."""
    from crises.tests.factories import CrisisFactory
    from outbox.models import DeliveryAttempt
    from outbox.tests import events
    from outbox.tests.factories import WebhookEndpointFactory
    from outbox.tests.receiver import Receiver
    from outbox.tests.workers import RedisServer, producer_broker, start_worker, stop, worker_log

    government = GovernmentFactory(country="EGY")
    crisis = CrisisFactory(code="LBY-2011-001")
    database_url = _database_url_of_test_db()
    server = RedisServer(port=6393)
    server.start()
    worker = None
    FAULTS["injected"] += 1
    try:
        with Receiver() as receiver, producer_broker(server.url):
            WebhookEndpointFactory(government=government, url=receiver.url)
            worker = start_worker(database_url=database_url, broker_url=server.url, name="pgt")
            first = Notification.objects.get(event=events.referral_sent(crisis, government=government))
            assert wait_for(lambda: Notification.objects.get(pk=first.pk).status == "delivered", timeout=90)
            with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as admin:
                terminated = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND pid <> %s AND backend_type = 'client backend'",
                    [connection.connection.info.backend_pid],
                ).fetchone()[0]
            assert terminated >= 1
            second = Notification.objects.get(event=events.referral_sent(crisis, government=government))
            arrived = wait_for(lambda: Notification.objects.get(pk=second.pk).status == "delivered", timeout=30)
            assert arrived, worker_log(worker)
    finally:
        if worker is not None:
            stop(worker)
        server.stop()
    assert DeliveryAttempt.objects.filter(notification=second).count() == 1
    assert receiver.count() == 2
    FAULTS["survived"] += 1
