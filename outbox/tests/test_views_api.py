import pytest

from crises.tests.factories import CrisisFactory
from outbox.delivery import notification_deliver
from outbox.models import Notification, WebhookEndpoint

from . import events
from .factories import WebhookEndpointFactory
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def libya(demo):
    return CrisisFactory(office=demo["offices"]["lby"], code="LBY-2011-901")


@pytest.fixture
def egypt_hook(demo):
    return WebhookEndpointFactory(government=demo["governments"]["EGY"], url="http://127.0.0.1:9/hook")


@pytest.fixture
def sent(demo, libya, egypt_hook):
    """Three referral notifications to Egypt's endpoint, from the Libya office."""
    return [
        Notification.objects.get(event=events.referral_sent(libya, government=demo["governments"]["EGY"]))
        for _ in range(3)
    ]


def test_the_notification_api_is_scoped_to_each_role(users, api_for, sent, django_assert_max_num_queries):
    expected = {"hq": 3, "com_lby": 3, "staff_lby": 3, "gov_egy": 3, "staff_tun": 0, "staff_hti": 0, "gov_bgd": 0}
    expected["unhcr"] = 0
    for username, count in expected.items():
        response = api_for(users[username]).get("/api/v1/notifications/")
        assert response.status_code == 200, username
        assert len(response.json()["results"]) == count, username
        detail = api_for(users[username]).get(f"/api/v1/notifications/{sent[0].pk}/")
        assert detail.status_code == (200 if count else 404), username
    with django_assert_max_num_queries(6):
        response = api_for(users["hq"]).get("/api/v1/notifications/?page_size=2")
    assert response.json()["results"][0]["webhook_id"] == sent[-1].webhook_id


def test_the_notification_list_keeps_a_constant_number_of_queries(
    users, api_for, sent, django_assert_num_queries, django_assert_max_num_queries
):
    for notification in sent:
        notification_deliver(notification.pk)  # one failed attempt each (nothing listens on port 9)
    client = api_for(users["hq"])
    client.get("/api/v1/notifications/?page_size=1")
    with django_assert_max_num_queries(4) as one:
        client.get("/api/v1/notifications/?page_size=1")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/notifications/?page_size=3")
    assert all(len(row["attempts_log"]) == 1 for row in response.json()["results"])


def test_only_hq_resends(users, api_for, sent):
    notification = sent[0]
    assert api_for(users["gov_egy"]).post(f"/api/v1/notifications/{notification.pk}/resend/").status_code == 403
    assert api_for(users["staff_lby"]).post(f"/api/v1/notifications/{notification.pk}/resend/").status_code == 403
    assert api_for(users["staff_hti"]).post(f"/api/v1/notifications/{notification.pk}/resend/").status_code == 404
    Notification.objects.filter(pk=notification.pk).update(status="failed", attempts=10)
    response = api_for(users["hq"]).post(f"/api/v1/notifications/{notification.pk}/resend/")
    assert response.status_code == 200
    assert response.json()["status"] == "pending" and response.json()["attempts"] == 0
    assert response.json()["webhook_id"] == notification.webhook_id


def test_hq_manages_webhooks_and_liaisons_see_only_their_own(users, api_for, demo, egypt_hook):
    for username in ("staff_lby", "com_lby", "gov_egy", "unhcr"):
        response = api_for(users[username]).post(
            "/api/v1/webhooks/", {"url": "https://x.example/h", "government": egypt_hook.government_id}, format="json"
        )
        assert response.status_code == 403, username
    hq = api_for(users["hq"])
    response = hq.post(
        "/api/v1/webhooks/",
        {"url": "https://unhcr.example/hooks", "partner": demo["partners"]["unhcr"].pk, "event_types": ["referral."]},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    both = hq.post("/api/v1/webhooks/", {"url": "https://x.example/h"}, format="json")
    assert both.status_code == 400 and "owner" in both.json()["error"]["fields"]
    bad_type = hq.post(
        "/api/v1/webhooks/",
        {"url": "https://x.example/h", "partner": demo["partners"]["unhcr"].pk, "event_types": ["migrant.created"]},
        format="json",
    )
    assert bad_type.status_code == 400 and "event_types" in bad_type.json()["error"]["fields"]

    egy = api_for(users["gov_egy"]).get("/api/v1/webhooks/").json()["results"]
    assert [e["id"] for e in egy] == [egypt_hook.pk] and "secret" not in egy[0]
    assert api_for(users["gov_bgd"]).get(f"/api/v1/webhooks/{egypt_hook.pk}/").status_code == 404
    assert api_for(users["unhcr"]).get(f"/api/v1/webhooks/{created['id']}/").status_code == 200
    assert api_for(users["staff_lby"]).get("/api/v1/webhooks/").json()["results"] == []

    rotated = hq.post(f"/api/v1/webhooks/{egypt_hook.pk}/rotate-secret/").json()
    assert rotated["secret"] != egypt_hook.secret and rotated["previous_secret_expires_at"]
    assert hq.post(f"/api/v1/webhooks/{egypt_hook.pk}/pause/", {"reason": "maintenance"}).json()["status"] == "paused"
    assert hq.post(f"/api/v1/webhooks/{egypt_hook.pk}/resume/").json()["status"] == "active"
    assert (
        hq.patch(f"/api/v1/webhooks/{egypt_hook.pk}/", {"url": "https://egy.example/new"}, format="json").status_code
        == 200
    )
    assert hq.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204


def test_delivery_log_pages_are_scoped(users, client_for, sent, libya, demo):
    hq = client_for(users["hq"])
    assert hq.get("/partners/notifications/").status_code == 200
    page = hq.get(f"/partners/notifications/crisis/{libya.pk}/")
    assert page.status_code == 200 and page.content.decode().count("referral.sent") == 3
    referral_page = client_for(users["staff_lby"]).get(f"/partners/notifications/referral/{sent[0].referral_id}/")
    assert referral_page.status_code == 200
    assert client_for(users["staff_hti"]).get(f"/partners/notifications/crisis/{libya.pk}/").status_code == 404
    assert client_for(users["staff_hti"]).get(f"/partners/notifications/{sent[0].pk}/").status_code == 404
    hti_log = client_for(users["staff_hti"]).get("/partners/notifications/").content.decode()
    assert "referral.sent" not in hti_log
    detail = client_for(users["gov_egy"]).get(f"/partners/notifications/{sent[0].pk}/")
    assert detail.status_code == 200 and "Send again" not in detail.content.decode()
    assert client_for(users["gov_egy"]).post(f"/partners/notifications/{sent[0].pk}/resend/").status_code == 403


def test_hq_manages_endpoints_in_the_browser(users, client_for, demo):
    for username in ("staff_lby", "gov_egy", "unhcr"):
        assert client_for(users[username]).get("/partners/webhooks/").status_code == 403
        assert client_for(users[username]).get("/partners/webhooks/new/").status_code == 403
    hq = client_for(users["hq"])
    with Receiver() as receiver:
        response = hq.post(
            "/partners/webhooks/new/",
            {"government": demo["governments"]["BGD"].pk, "url": receiver.url, "event_types": ["referral.sent"]},
        )
        endpoint = WebhookEndpoint.objects.get(url=receiver.url)
        assert response.status_code == 302 and endpoint.event_types == ["referral.sent"]
        page = hq.get(f"/partners/webhooks/{endpoint.pk}/").content.decode()
        assert endpoint.secret in page
        hq.post(f"/partners/webhooks/{endpoint.pk}/pause/", {"reason": "receiver moving"})
        endpoint.refresh_from_db()
        assert endpoint.status == "paused" and endpoint.status_reason == "receiver moving"
        hq.post(f"/partners/webhooks/{endpoint.pk}/resume/")
        hq.post(f"/partners/webhooks/{endpoint.pk}/rotate-secret/")
        endpoint.refresh_from_db()
        assert endpoint.status == "active" and endpoint.previous_secret
    assert "Webhook endpoints" in hq.get("/partners/").content.decode()
