"""Delivery in batches (outbox.delivery.notifications_deliver, the task deliver_notifications): one
task claims its ids, sends every webhook at once and every e-mail on one SMTP connection, and
records each outcome by the same rules as a delivery alone, in a number of queries that does not
grow with the batch."""

import json

import pytest
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from accounts.tests.factories import GovernmentFactory
from core.events import record_event
from crises.tests.factories import CrisisFactory
from outbox.conf import conf
from outbox.delivery import notification_deliver, notifications_deliver, send_budget
from outbox.models import DeliveryAttempt, Notification, WebhookEndpoint
from outbox.services import queue_deliveries
from outbox.tasks import deliver_notifications

from .factories import ContactFactory, SubscriptionFactory, WebhookEndpointFactory
from .receiver import Receiver
from .smtp import SmtpServer
from .workers import RedisServer, producer_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis():
    return CrisisFactory(code="LBY-2011-001", level=1)


@pytest.fixture
def egypt(crisis):
    government = GovernmentFactory(country="EGY")
    SubscriptionFactory(government=government, partner=None, event_type="crisis.updated", crisis=crisis)
    return government


def crisis_updated(crisis, government) -> list[Notification]:
    """One crisis event, told to each endpoint and contact of the subscribed government."""
    with transaction.atomic():
        event = record_event(
            "crisis.updated",
            subject=crisis,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={"fields": ["name"]},
        )
    return list(Notification.objects.filter(event=event, government=government).order_by("id"))


def test_one_task_delivers_webhooks_and_emails_and_records_each_attempt(crisis, egypt, settings):
    with Receiver() as receiver, SmtpServer() as smtp:
        settings.MAILERS = smtp.mailers()
        endpoints = [WebhookEndpointFactory(government=egypt, url=f"{receiver.url}/{i}") for i in range(5)]
        for i in range(3):
            ContactFactory(government=egypt, email=f"desk{i}@egy.example")
        rows = crisis_updated(crisis, egypt)
        ids = [n.pk for n in rows]
        assert len(ids) == 8

        assert deliver_notifications(ids) == {"delivered": 8}
        assert deliver_notifications(ids) == {"skipped": 8}  # a repeated message sends nothing

    assert smtp.connections == 1  # one SMTP connection for the batch's three e-mails
    by_uid = {n.webhook_id: n for n in rows}
    assert sorted(m["X-MCOF-Notification"] for m in smtp.messages) == sorted(
        n.webhook_id for n in rows if n.channel == "email"
    )
    assert sorted(m["To"] for m in smtp.messages) == [f"desk{i}@egy.example" for i in range(3)]
    # Each webhook once, to its own endpoint, signed with that endpoint's secret, its own webhook-id.
    assert len(receiver.requests) == 5
    secrets = {e.url: e.secret for e in endpoints}
    for request in receiver.requests:
        notification = by_uid[request.headers["webhook-id"]]
        Webhook(secrets[notification.endpoint.url]).verify(request.body, request.headers)
        assert json.loads(request.body) == notification.payload
    for notification in Notification.objects.filter(pk__in=ids):
        assert (notification.status, notification.attempts, notification.claim_token) == ("delivered", 1, "")
        assert notification.delivered_at is not None
    attempts = DeliveryAttempt.objects.filter(notification_id__in=ids)
    assert sorted(a.notification_id for a in attempts) == sorted(ids)
    assert all(a.succeeded and a.number == 1 for a in attempts)
    assert {a.response_code for a in attempts} == {200, None}  # e-mails have no response code


def test_a_failing_endpoint_in_a_batch_does_not_fail_the_others(crisis, egypt, settings):
    with (
        Receiver() as ok,
        Receiver(respond=lambda n: 503) as failing,
        Receiver(respond=lambda n: 410) as gone,
        SmtpServer(refuse={"bounced@egy.example"}) as smtp,
    ):
        settings.MAILERS = smtp.mailers()
        hooks = {
            "ok": WebhookEndpointFactory(government=egypt, url=ok.url),
            "503": WebhookEndpointFactory(government=egypt, url=failing.url),
            "410": WebhookEndpointFactory(government=egypt, url=gone.url),
            "closed": WebhookEndpointFactory(government=egypt, url="http://127.0.0.1:9/hook"),  # nothing listens
            "paused": WebhookEndpointFactory(government=egypt, url=ok.url + "/paused"),
        }
        ContactFactory(government=egypt, email="desk@egy.example")
        ContactFactory(government=egypt, email="bounced@egy.example")
        rows = crisis_updated(crisis, egypt)
        WebhookEndpoint.objects.filter(pk=hooks["paused"].pk).update(status=WebhookEndpoint.Status.PAUSED)

        results = notifications_deliver([n.pk for n in rows])

    name_of = {e.pk: name for name, e in hooks.items()}
    outcome = {name_of.get(n.endpoint_id, n.address): results[n.pk] for n in rows}
    assert outcome == {
        "ok": "delivered",
        "503": "retry",
        "410": "gone",
        "closed": "retry",
        "paused": "cancelled",
        "desk@egy.example": "delivered",
        "bounced@egy.example": "retry",
    }
    assert (len(ok.requests), len(failing.requests), len(gone.requests)) == (1, 1, 1)
    assert smtp.connections == 1 and [m["To"] for m in smtp.messages] == ["desk@egy.example"]
    state = {name_of.get(n.endpoint_id, n.address): n for n in Notification.objects.filter(pk__in=results)}
    assert state["ok"].status == "delivered" and state["ok"].last_response_code == 200
    failing_row, closed, bounced = state["503"], state["closed"], state["bounced@egy.example"]
    assert (failing_row.status, failing_row.last_error, failing_row.last_response_code) == ("pending", "HTTP 503", 503)
    assert closed.status == "pending" and "ConnectError" in closed.last_error
    assert bounced.status == "pending" and "SMTPRecipientsRefused" in bounced.last_error
    for name in ("503", "closed", "bounced@egy.example"):
        assert state[name].next_attempt_at > state[name].created_at and state[name].claim_token == ""
    assert state["410"].status == "failed" and state["paused"].status == "cancelled"
    assert state["paused"].last_error == "endpoint not active"
    # One attempt for each row that was tried, none for the cancelled one.
    attempts = DeliveryAttempt.objects.filter(notification_id__in=results)
    logged = dict(attempts.values_list("notification_id", "succeeded"))
    assert logged == {n.pk: results[n.pk] == "delivered" for n in rows if results[n.pk] != "cancelled"}
    statuses = dict(WebhookEndpoint.objects.filter(pk__in=name_of).values_list("pk", "status"))
    assert statuses == {
        hooks["ok"].pk: "active",
        hooks["503"].pk: "active",
        hooks["410"].pk: "disabled",
        hooks["closed"].pk: "active",
        hooks["paused"].pk: "paused",
    }


def test_a_batch_ends_each_row_as_a_delivery_alone_does(crisis, egypt, settings):
    """The same outcomes, delivered one id at a time and in one batch: the same rows and attempts."""
    settings.NOTIFICATIONS_RETRY_JITTER = 0
    with (
        Receiver() as ok,
        Receiver(respond=lambda n: 503) as failing,
        SmtpServer(refuse={"bounced@egy.example"}) as smtp,
    ):
        settings.MAILERS = smtp.mailers()
        for url in (ok.url, failing.url, "http://127.0.0.1:9/hook", ok.url + "/paused"):
            WebhookEndpointFactory(government=egypt, url=url)
        ContactFactory(government=egypt, email="desk@egy.example")
        ContactFactory(government=egypt, email="bounced@egy.example")
        alone, batch = crisis_updated(crisis, egypt), crisis_updated(crisis, egypt)
        WebhookEndpoint.objects.filter(url=ok.url + "/paused").update(status=WebhookEndpoint.Status.PAUSED)

        one_by_one = [notification_deliver(n.pk) for n in alone]
        together = notifications_deliver([n.pk for n in batch])

    assert one_by_one == [together[n.pk] for n in batch]
    assert set(one_by_one) == {"delivered", "retry", "cancelled"}

    def ending(n: Notification) -> tuple:
        n.refresh_from_db()
        waited = round((n.next_attempt_at - n.created_at).total_seconds() / 10) if n.status == "pending" else None
        attempts = [
            (a.number, a.response_code, a.error.split(":")[0], a.succeeded) for a in n.attempts_log.order_by("id")
        ]
        destination = n.endpoint.url if n.endpoint_id else n.address
        return (destination, n.status, n.attempts, n.last_response_code, n.last_error.split(":")[0], waited, attempts)

    assert [ending(n) for n in alone] == [ending(n) for n in batch]


def _batch_of(crisis, government, receiver, count):
    for i in range(count):
        WebhookEndpointFactory(government=government, url=f"{receiver.url}/{i}")
    return [n.pk for n in crisis_updated(crisis, government)]


@pytest.mark.parametrize("answer", [200, 503])
def test_a_batch_of_20_takes_as_many_queries_as_a_batch_of_2(crisis, answer, django_assert_max_num_queries):
    """Claim, read, record: a handful of queries for the batch, whatever its size (about 10 per
    delivery when each was a task of its own). Retries too: each row waits its own jittered time,
    written in the same UPDATE."""
    small, large = GovernmentFactory(country="EGY"), GovernmentFactory(country="BGD")
    for government in (small, large):
        SubscriptionFactory(government=government, partner=None, event_type="crisis.updated", crisis=crisis)
    with Receiver(respond=lambda n: answer) as receiver:
        two = _batch_of(crisis, small, receiver, 2)
        twenty = _batch_of(crisis, large, receiver, 20)
        # Claim (UPDATE), read (SELECT), record (INSERT the attempts, SELECT the rows still ours FOR
        # UPDATE, one UPDATE per kind of outcome), two SET LOCAL; the rest are the test's savepoints.
        with django_assert_max_num_queries(11) as for_two:
            notifications_deliver(two)
        with django_assert_max_num_queries(len(for_two.captured_queries)):
            results = notifications_deliver(twenty)
    assert len(receiver.requests) == 22
    assert set(results.values()) == {"delivered" if answer == 200 else "retry"}
    assert DeliveryAttempt.objects.filter(notification_id__in=twenty).count() == 20
    if answer == 503:
        waits = set(Notification.objects.filter(pk__in=twenty).values_list("next_attempt_at", flat=True))
        assert len(waits) == 20  # jittered: each row its own


def test_emails_not_started_within_the_batch_time_are_retried_not_lost(crisis, egypt, settings):
    settings.NOTIFICATIONS_BATCH_SEND_SECONDS = 0
    with SmtpServer() as smtp:
        settings.MAILERS = smtp.mailers()
        ContactFactory(government=egypt, email="desk@egy.example")
        ContactFactory(government=egypt, email="duty@egy.example")
        rows = crisis_updated(crisis, egypt)
        assert set(notifications_deliver([n.pk for n in rows]).values()) == {"retry"}
    assert smtp.messages == []
    for n in Notification.objects.filter(pk__in=[n.pk for n in rows]):
        assert (n.status, n.attempts, n.last_error) == ("pending", 1, "Not sent: the batch ran out of time")


def test_webhooks_not_started_within_the_batch_time_are_retried_not_lost(crisis, egypt, settings):
    settings.NOTIFICATIONS_BATCH_SEND_SECONDS = 0
    with Receiver() as receiver:
        for i in range(3):
            WebhookEndpointFactory(government=egypt, url=f"{receiver.url}/{i}")
        rows = crisis_updated(crisis, egypt)
        assert set(notifications_deliver([n.pk for n in rows]).values()) == {"retry"}
    assert receiver.requests == []
    assert set(Notification.objects.filter(pk__in=[n.pk for n in rows]).values_list("status", "last_error")) == {
        ("pending", "Not sent: the batch ran out of time")
    }


@pytest.mark.parametrize(
    ("lease", "timeout", "smtp_timeout"),
    [
        (60, 10.0, 20),  # production: mcof_site.settings, MAILERS with EMAIL_BACKEND=smtp
        (5, 1.0, 1),  # the fault runs (outbox/tests/faults.py TIMINGS)
    ],
)
def test_a_batch_is_sent_within_its_lease(settings, lease, timeout, smtp_timeout):
    """The last message a batch starts, at the end of its send budget, ends before the lease does:
    a webhook within connect, write and read, each at most the HTTP timeout; an e-mail within the
    SMTP timeout. So the relay never frees a batch that is still sending."""
    settings.NOTIFICATIONS_LEASE_SECONDS = lease
    settings.NOTIFICATIONS_HTTP_TIMEOUT = timeout
    budget = send_budget()
    assert 0 < budget <= lease / 2
    assert budget + 3 * timeout <= lease
    assert budget + smtp_timeout < lease


def test_queue_deliveries_sends_one_task_per_batch_of_ids(settings):
    """Up to NOTIFICATIONS_BATCH_SIZE ids per message, on a broker of the test's own."""
    import base64

    import redis

    size = conf("NOTIFICATIONS_BATCH_SIZE")
    server = RedisServer()
    server.start()
    try:
        with producer_broker(server.url):
            assert queue_deliveries(list(range(1, 2 * size + 21))) == 2 * size + 20
        messages = [json.loads(m) for m in redis.Redis.from_url(server.url).lrange("celery", 0, -1)]
    finally:
        server.stop()
    assert {m["headers"]["task"] for m in messages} == {"outbox.tasks.deliver_notifications"}
    batches = sorted((json.loads(base64.b64decode(m["body"]))[0][0] for m in messages), key=len, reverse=True)
    assert [len(b) for b in batches] == [size, size, 20]
    assert sorted(pk for b in batches for pk in b) == list(range(1, 2 * size + 21))
