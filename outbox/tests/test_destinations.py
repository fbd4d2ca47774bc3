"""Webhooks never go into the application's own network: refused when an endpoint is saved (a
literal private address, a local host name) and again at each delivery, after the name is resolved."""

from __future__ import annotations

import socket

import pytest
from django.utils import timezone

from outbox.delivery import notification_deliver
from outbox.destinations import url_problem
from outbox.models import DeliveryAttempt, Notification, WebhookEndpoint

from . import events
from .receiver import Receiver
from .test_views_api import egypt_hook, libya  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PRIVATE = [
    "http://127.0.0.1:8000/hook",
    "http://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "http://172.16.5.4/hook",
    "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost:5432/",
    "http://api.localhost/hook",
    "http://printer.local/hook",
    "http://intranet/hook",
    "http://224.0.0.1/hook",
]


@pytest.fixture
def guarded(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize("url", PRIVATE)
def test_a_private_destination_is_refused_by_the_api_naming_the_url(url, guarded, users, api_for, demo):
    response = api_for(users["hq"]).post(
        "/api/v1/webhooks/", {"url": url, "government": demo["governments"]["EGY"].pk}, format="json"
    )
    assert response.status_code == 400, url
    assert "url" in response.json()["error"]["fields"], response.json()
    assert not WebhookEndpoint.objects.filter(url=url).exists()


def test_the_browser_form_refuses_a_private_destination_and_accepts_a_public_one(
    guarded, users, client_for, api_for, demo
):
    hq = client_for(users["hq"])
    egypt = demo["governments"]["EGY"].pk
    refused = hq.post("/partners/webhooks/new/", {"government": egypt, "url": "http://169.254.169.254/latest/"})
    assert refused.status_code in (200, 400)
    assert "not a public address" in refused.content.decode()
    assert not WebhookEndpoint.objects.exists()
    accepted = hq.post("/partners/webhooks/new/", {"government": egypt, "url": "https://203.0.114.9/hook"})
    assert accepted.status_code == 302
    # An existing endpoint cannot be moved onto a private address either.
    endpoint = WebhookEndpoint.objects.get()
    moved = api_for(users["hq"]).patch(f"/api/v1/webhooks/{endpoint.pk}/", {"url": "http://10.0.0.8/"}, format="json")
    assert moved.status_code == 400 and "url" in moved.json()["error"]["fields"], moved.json()
    endpoint.refresh_from_db()
    assert endpoint.url == "https://203.0.114.9/hook"


def test_public_addresses_and_names_pass_the_check_made_on_saving(guarded):
    for url in ("https://8.8.8.8/hook", "https://[2001:4860:4860::8888]/hook", "https://hooks.example.org/in"):
        assert url_problem(url, resolve=False) is None, url


def test_delivery_to_an_endpoint_turned_private_is_refused_and_logged(settings, demo, libya, egypt_hook):  # noqa: F811
    """An endpoint saved while allowed (a local trial), then the guard on: nothing reaches the
    receiver, and the attempt says why."""
    with Receiver() as receiver:
        egypt_hook.url = receiver.url
        egypt_hook.save(update_fields=["url"])
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        notification = Notification.objects.get(
            event=events.referral_sent(libya, government=demo["governments"]["EGY"]), endpoint=egypt_hook
        )
        notification_deliver(notification.pk)
        assert receiver.requests == []
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.response_code is None
    assert "Not sent" in attempt.error and "127.0.0.1" in attempt.error
    # With the guard lifted, the same receiver gets it.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver() as receiver:
        egypt_hook.url = receiver.url
        egypt_hook.save(update_fields=["url"])
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
        notification_deliver(notification.pk)
        assert len(receiver.requests) == 1


def test_a_host_name_resolving_to_a_private_address_is_refused_at_delivery(guarded):
    """At delivery the name is resolved: this machine's own names resolve to a loopback address."""
    for host in ("localhost", socket.gethostname()):
        problem = url_problem(f"http://{host}:8000/hook", resolve=True)
        assert problem and "resolves to a private address" in problem, (host, problem)
    assert "does not resolve" in url_problem("http://no-such-host.invalid/hook", resolve=True)


class RebindingResolver:
    """A DNS server that answers a public address first and 127.0.0.1 after (DNS rebinding)."""

    def __init__(self, host: str, real=socket.getaddrinfo) -> None:
        self.host, self.real, self.answers = host, real, []

    def __call__(self, host, port, *args, **kwargs):
        if host != self.host:
            return self.real(host, port, *args, **kwargs)
        address = "203.0.114.9" if not self.answers else "127.0.0.1"
        self.answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


def test_the_address_checked_is_the_address_connected_to(guarded, settings, monkeypatch, demo, libya, egypt_hook):  # noqa: F811
    """The name answers a public address to the check and 127.0.0.1 to a second lookup: the
    delivery connects to the address it checked (which does not answer here), never to the
    receiver listening on 127.0.0.1, and the name is looked up once."""
    import outbox.delivery

    settings.NOTIFICATIONS_HTTP_TIMEOUT = 1.0
    monkeypatch.setattr(outbox.delivery, "_client", None)  # a client made with the short timeout
    resolver = RebindingResolver("hooks.example.org")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        egypt_hook.url = f"http://hooks.example.org:{port}/hook"
        egypt_hook.save(update_fields=["url"])
        notification = Notification.objects.get(
            event=events.referral_sent(libya, government=demo["governments"]["EGY"]), endpoint=egypt_hook
        )
        notification_deliver(notification.pk)
        assert receiver.requests == []
    assert resolver.answers == ["203.0.114.9"]
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.succeeded is False and attempt.response_code is None
    assert "Connect" in attempt.error or "Timeout" in attempt.error, attempt.error


def test_a_name_resolving_to_a_private_address_at_connection_is_not_sent(guarded, monkeypatch, demo, libya, egypt_hook):  # noqa: F811
    import outbox.delivery

    monkeypatch.setattr(outbox.delivery, "_client", None)
    resolver = RebindingResolver("hooks.example.org")
    resolver.answers.append("the public answer went to someone else")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with Receiver() as receiver:
        egypt_hook.url = f"http://hooks.example.org:{receiver.server.server_address[1]}/hook"
        egypt_hook.save(update_fields=["url"])
        notification = Notification.objects.get(
            event=events.referral_sent(libya, government=demo["governments"]["EGY"]), endpoint=egypt_hook
        )
        notification_deliver(notification.pk)
        assert receiver.requests == []
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.error.startswith("Not sent: hooks.example.org resolves to a private address: 127.0.0.1")
