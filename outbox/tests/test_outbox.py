import base64
import datetime
import hashlib
import hmac

import pytest
from django.core import mail
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from accounts.tests.factories import GovernmentFactory, PartnerFactory, hq_user
from core.models import DomainEvent
from crises.tests.factories import CrisisFactory
from outbox.delivery import notification_deliver, notifications_relay, sign, webhook_request
from outbox.models import DeliveryAttempt, Notification, WebhookEndpoint
from outbox.services import webhook_endpoint_rotate_secret

from . import events
from .factories import ContactFactory, SubscriptionFactory, WebhookEndpointFactory
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis():
    return CrisisFactory(code="LBY-2011-001", name="Libya 2011")


def test_referral_event_reaches_only_its_recipient(crisis):
    egypt = GovernmentFactory(country="EGY")
    bangladesh = GovernmentFactory(country="BGD")
    egypt_hook = WebhookEndpointFactory(government=egypt)
    WebhookEndpointFactory(government=bangladesh)
    ContactFactory(government=egypt, email="consular@egy.example")
    # Bangladesh subscribes to every referral event: it still sees only referrals addressed to it.
    SubscriptionFactory(government=bangladesh, partner=None, event_type="referral.")

    event = events.referral_sent(crisis, government=egypt)

    rows = Notification.objects.filter(event=event)
    assert {(n.channel, n.government_id) for n in rows} == {("webhook", egypt.pk), ("email", egypt.pk)}
    webhook = rows.get(channel="webhook")
    assert webhook.endpoint == egypt_hook
    assert (
        webhook.referral_id == event.subject_id and webhook.crisis == crisis and webhook.office_id == crisis.office_id
    )
    assert webhook.payload == {
        "type": "referral.sent",
        "timestamp": webhook.payload["timestamp"],
        "data": {
            "object": "referral",
            "id": event.subject_id,
            "crisis": "LBY-2011-001",
            "api_url": f"http://127.0.0.1:8000/api/v1/referrals/{event.subject_id}/",
        },
    }


def test_crisis_event_goes_to_subscribers_matching_filters_and_hq_for_level_2_and_3(crisis):
    unhcr = PartnerFactory(code="unhcr")
    ocha = PartnerFactory(code="ocha")
    other = PartnerFactory(code="ngo")
    SubscriptionFactory(partner=unhcr, event_type="level.", country=crisis.country)
    SubscriptionFactory(partner=ocha, event_type="level.approved", crisis=crisis)
    SubscriptionFactory(partner=other, event_type="level.", country="HTI")  # another country: not told
    for partner in (unhcr, ocha, other):
        ContactFactory(government=None, partner=partner)
    hq = hq_user(email="coordinator@hq.example", language="fr")

    event = events.level_approved(crisis, level=3, previous_level=2)

    rows = Notification.objects.filter(event=event)
    assert {n.partner_id for n in rows if n.partner_id} == {unhcr.pk, ocha.pk}
    hq_rows = [n for n in rows if n.recipient_type == "hq"]
    assert [(n.address, n.language, n.reason) for n in hq_rows] == [(hq.email, "fr", "level_3")]

    level_1 = events.level_approved(crisis, level=1)
    assert not Notification.objects.filter(event=level_1, recipient_type="hq").exists()


def test_paused_endpoints_and_inactive_organisations_are_not_told(crisis):
    egypt = GovernmentFactory(country="EGY")
    WebhookEndpointFactory(government=egypt, status=WebhookEndpoint.Status.PAUSED)
    WebhookEndpointFactory(government=egypt, event_types=["referral.overdue"])
    inactive = PartnerFactory(is_active=False)
    ContactFactory(government=None, partner=inactive)

    assert Notification.objects.filter(event=events.referral_sent(crisis, government=egypt)).count() == 0
    assert Notification.objects.filter(event=events.referral_sent(crisis, partner=inactive)).count() == 0


def test_a_rolled_back_change_leaves_no_notification(crisis):
    egypt = GovernmentFactory(country="EGY")
    WebhookEndpointFactory(government=egypt)
    with pytest.raises(RuntimeError), transaction.atomic():
        events.referral_sent(crisis, government=egypt)
        assert Notification.objects.count() == 1
        raise RuntimeError("the change fails after its event was recorded")
    assert Notification.objects.count() == 0
    assert DomainEvent.objects.count() == 0


def test_webhook_is_signed_per_standard_webhooks_and_both_secrets_sign_during_rotation(crisis, django_user_model):
    egypt = GovernmentFactory(country="EGY")
    endpoint = WebhookEndpointFactory(government=egypt)
    old_secret = endpoint.secret
    event = events.referral_sent(crisis, government=egypt)
    notification = Notification.objects.get(event=event)

    headers, body = webhook_request(notification)
    assert headers["webhook-id"] == f"msg_{notification.uid.hex}"
    payload = Webhook(old_secret).verify(body, headers)
    assert payload["type"] == "referral.sent"
    # The algorithm written out: HMAC-SHA256 over "id.timestamp.body", base64, "v1," prefix.
    key = base64.b64decode(old_secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"

    hq = hq_user()
    webhook_endpoint_rotate_secret(endpoint=endpoint, actor=hq)
    notification.refresh_from_db()
    endpoint.refresh_from_db()
    headers, body = webhook_request(notification)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(body, headers)  # the receiver not yet switched over
    Webhook(endpoint.secret).verify(body, headers)  # the receiver already switched
    assert sign(endpoint.secret, "msg_x", 1, b"{}") != sign(old_secret, "msg_x", 1, b"{}")


def test_delivery_in_process_claims_once_and_logs_the_attempt(crisis):
    egypt = GovernmentFactory(country="EGY")
    with Receiver() as receiver:
        WebhookEndpointFactory(government=egypt, url=receiver.url)
        notification = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
        assert notification_deliver(notification.pk) == "delivered"
        assert notification_deliver(notification.pk) == "skipped"  # a repeated message does nothing
    assert receiver.count() == 1
    notification.refresh_from_db()
    assert notification.status == "delivered" and notification.attempts == 1
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.response_code == 200 and attempt.succeeded


def test_410_disables_the_endpoint_and_tells_its_owner_and_hq(crisis):
    egypt = GovernmentFactory(country="EGY")
    ContactFactory(government=egypt, email="consular@egy.example", language="fr")
    hq_user(email="hq@hq.example")
    with Receiver(respond=lambda n: 410) as receiver:
        endpoint = WebhookEndpointFactory(government=egypt, url=receiver.url)
        notification = Notification.objects.get(event=events.referral_sent(crisis, government=egypt), channel="webhook")
        assert notification_deliver(notification.pk) == "gone"
    endpoint.refresh_from_db()
    assert endpoint.status == WebhookEndpoint.Status.DISABLED
    told = Notification.objects.filter(event_type="webhook.disabled")
    assert {(n.recipient_type, n.address) for n in told} == {
        ("government", "consular@egy.example"),
        ("hq", "hq@hq.example"),
    }
    assert all(n.channel == "email" for n in told)


def test_the_last_failure_pauses_the_endpoint(crisis, settings):
    settings.NOTIFICATIONS_RETRY_DELAYS = [0, 0]
    settings.NOTIFICATIONS_RETRY_JITTER = 0
    egypt = GovernmentFactory(country="EGY")
    with Receiver(respond=lambda n: 503) as receiver:
        endpoint = WebhookEndpointFactory(government=egypt, url=receiver.url)
        notification = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
        assert [notification_deliver(notification.pk) for _ in range(3)] == ["retry", "retry", "failed"]
    endpoint.refresh_from_db()
    notification.refresh_from_db()
    assert endpoint.status == WebhookEndpoint.Status.PAUSED
    assert notification.status == "failed"
    assert list(notification.attempts_log.values_list("number", "response_code")) == [(1, 503), (2, 503), (3, 503)]
    assert DomainEvent.objects.filter(type="webhook.paused", subject_id=endpoint.pk).exists()


def test_email_is_in_the_contacts_language_without_personal_data(crisis):
    egypt = GovernmentFactory(country="EGY")
    ContactFactory(government=egypt, email="consulat@egy.example", language="fr")
    notification = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
    assert notification_deliver(notification.pk) == "delivered"
    [message] = mail.outbox
    assert message.to == ["consulat@egy.example"]
    assert message.subject == f"[MCOF] Nouvelle orientation {notification.referral_id}"
    assert "Ce message ne contient aucune donnée personnelle" in message.body
    assert "Ahmed" not in message.body and "Hassan" not in message.body  # the migrant's names stay in the app
    assert f"http://127.0.0.1:8000/caseload/referrals/{notification.referral_id}/" in message.body
    assert "LBY-2011-001" in message.body


def test_each_contact_of_one_event_reads_the_email_in_its_own_language(crisis):
    """One referral told to a government with a French and an Arabic contact: each message is rendered
    in its recipient's language, and the second does not inherit the first's."""
    egypt = GovernmentFactory(country="EGY")
    ContactFactory(government=egypt, email="consulat@egy.example", language="fr")
    ContactFactory(government=egypt, email="qunsuliya@egy.example", language="ar")
    event = events.referral_sent(crisis, government=egypt)
    for notification in Notification.objects.filter(event=event).order_by("address"):
        assert notification_deliver(notification.pk) == "delivered"
    messages = {m.to[0]: m for m in mail.outbox}
    referral_id = Notification.objects.filter(event=event).first().referral_id
    arabic, french = messages["qunsuliya@egy.example"], messages["consulat@egy.example"]
    assert arabic.subject == f"[MCOF] إحالة جديدة {referral_id}"
    assert "لا تحتوي هذه الرسالة على أي بيانات شخصية" in arabic.body
    assert "افتح التطبيق للاطلاع على التفاصيل" in arabic.body
    assert "Nouvelle orientation" not in arabic.body and "personal data" not in arabic.body
    assert french.subject == f"[MCOF] Nouvelle orientation {referral_id}"


def test_an_hq_coordinator_who_reads_arabic_is_told_in_arabic(crisis):
    hq_user(email="munassiq@hq.example", language="ar")
    event = events.level_approved(crisis, level=3, previous_level=2)
    [notification] = Notification.objects.filter(event=event, recipient_type="hq")
    assert notification.language == "ar"
    assert notification_deliver(notification.pk) == "delivered"
    [message] = mail.outbox
    assert message.subject == f"[MCOF] اعتُمد المستوى 3 للأزمة {crisis.code}"
    assert "المستوى: 3 (سابقًا 2)" in message.body


def test_relay_frees_a_dead_workers_claim_and_resends_lost_messages(crisis, settings):
    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = 0
    egypt = GovernmentFactory(country="EGY")
    WebhookEndpointFactory(government=egypt)
    dead = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
    lost = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
    done = Notification.objects.get(event=events.referral_sent(crisis, government=egypt))
    Notification.objects.filter(pk=dead.pk).update(status="sending", claim_token="x", claimed_until="2000-01-01T00:00Z")
    Notification.objects.filter(pk=done.pk).update(status="delivered")

    assert notifications_relay() == 2  # queued on the real broker

    dead.refresh_from_db()
    assert dead.status == "pending" and dead.claim_token == ""
    lost_before = lost.queued_at
    lost.refresh_from_db()
    assert lost.queued_at > lost_before
    settings.NOTIFICATIONS_RELAY_GRACE_SECONDS = 60
    assert notifications_relay() == 0  # just queued: not lost yet


def test_a_sensitive_referral_never_reaches_a_government_its_consent_does_not_name(crisis):
    from caseload.tests.factories import ConsentFactory, MigrantFactory

    egypt = GovernmentFactory(country="EGY")
    WebhookEndpointFactory(government=egypt)
    migrant = MigrantFactory(crisis=crisis, office=crisis.office, vulnerabilities=["trafficking_victim"])
    event = events.referral_sent(crisis, government=egypt, migrant=migrant, kind="counter_trafficking")
    assert not Notification.objects.filter(event=event).exists()

    ConsentFactory(migrant=migrant, government=egypt)
    event = events.referral_sent(crisis, government=egypt, migrant=migrant, kind="counter_trafficking")
    assert Notification.objects.filter(event=event, government=egypt).count() == 1


def test_through_the_services_registering_a_crisis_and_sending_a_referral(demo, users):
    from caseload import services as caseload_services
    from caseload.tests.factories import ConsentFactory, MigrantFactory
    from crises.services import crisis_register

    libya_government = GovernmentFactory(country="LBY", name="Government of Libya")
    ContactFactory(government=libya_government, email="crisis-cell@lby.example")
    egypt = demo["governments"]["EGY"]
    egypt_hook = WebhookEndpointFactory(government=egypt)

    crisis = crisis_register(
        actor=users["staff_lby"],
        office=demo["offices"]["lby"],
        name="Libya 2011",
        crisis_type="man_made",
        movement="cross_border",
        country="LBY",
        start_date=datetime.date(2011, 2, 15),
    )
    registered = Notification.objects.get(event_type="crisis.registered")
    assert registered.government == libya_government  # the State in crisis (Annex I para 7)
    assert registered.reason == "coordination:state_in_crisis"
    assert registered.payload["data"]["code"] == crisis.code

    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=crisis, nationality="EGY")
    ConsentFactory(migrant=migrant, government=egypt)
    referral = caseload_services.referral_create(
        actor=users["staff_lby"], migrant=migrant, kind="consular", recipient_government=egypt, priority="urgent"
    )
    assert not Notification.objects.filter(referral_id=referral.pk).exists()  # a draft tells nobody
    caseload_services.referral_transition(actor=users["staff_lby"], referral_id=referral.pk, to="sent")
    sent = Notification.objects.get(referral_id=referral.pk)
    assert (sent.event_type, sent.endpoint, sent.recipient_type) == ("referral.sent", egypt_hook, "government")
    caseload_services.referral_transition(actor=users["gov_egy"], referral_id=referral.pk, to="acknowledged")
    # The government acted: the other side (the office's staff) is told, not the government itself.
    told = Notification.objects.filter(referral_id=referral.pk, event_type="referral.transitioned")
    assert {n.address for n in told} == {users["staff_lby"].email, users["com_lby"].email}
    assert not told.filter(government__isnull=False).exists()


def test_demo_subscriptions_are_idempotent(demo):
    from outbox.demo import seed
    from outbox.models import Subscription

    first = seed()
    seed()
    assert Subscription.objects.count() == len(first["subscriptions"]) == 2
