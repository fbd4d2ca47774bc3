"""A real Celery worker delivers the movement notifications to a local webhook receiver, signed as
every webhook (Standard Webhooks), with a thin payload linking the movement through the API."""

import json

import pytest
from django.conf import settings as django_settings
from standardwebhooks.webhooks import Webhook

from conftest import wait_for
from movements import services
from outbox.selectors import notifications_visible_to
from outbox.tests.factories import WebhookEndpointFactory
from outbox.tests.receiver import Receiver

from .conftest import plan_movement, register

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_env() -> dict:
    return {"DJANGO_SETTINGS_MODULE": "outbox.tests.settings_worker", "MCOF_TEST_SETTINGS": json.dumps({})}


def test_the_destination_government_receives_each_milestone_signed(celery_worker_process, demo, libya, users):
    staff = users["staff_lby"]
    tunisia = demo["governments"].get("TUN") or type(demo["governments"]["EGY"]).objects.create(
        country="TUN", name="Government of Tunisia"
    )
    with Receiver() as receiver:
        endpoint = WebhookEndpointFactory(government=tunisia, url=receiver.url, event_types=["movement."])
        convoy = plan_movement(staff, libya)
        services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[register(staff, libya)])
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="boarding")
        services.passengers_board_all(actor=staff, movement_id=convoy.pk)
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="departed")
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="arrived")
        expected = ["movement.scheduled", "movement.manifest_locked", "movement.departed", "movement.arrived"]
        assert wait_for(lambda: receiver.count() >= 4, timeout=60), celery_worker_process.stderr
    payloads = [Webhook(endpoint.secret).verify(r.body, r.headers) for r in receiver.requests]
    assert sorted(p["type"] for p in payloads) == sorted(expected)
    for payload in payloads:
        assert payload["data"] == {
            "object": "movement",
            "id": convoy.pk,
            "crisis": libya.code,
            "api_url": f"{django_settings.SITE_URL}/api/v1/movements/{convoy.pk}/",
        }
    # The delivery log as the organising office reads it.
    sent = notifications_visible_to(type(staff).objects.get(pk=staff.pk)).filter(endpoint_id=endpoint.pk)
    assert sent.count() == 4
    assert set(sent.values_list("status", flat=True)) == {"delivered"}
    assert set(sent.values_list("reason", flat=True)) == {"movement_destination"}
    # The thin payload carries no person: no name, no document number.
    assert all(b"Rahim" not in r.body and b"BG1234567" not in r.body for r in receiver.requests)
