"""The outbox's batch path (``notifications_for_events``, behind ``core.events.record_events``) writes
the same notifications as the one-event path, event by event, in a number of queries that does not
grow with the events."""

import pytest

from accounts.tests.factories import GovernmentFactory, PartnerFactory, government_liaison, hq_user, office_staff
from caseload.tests.factories import ConsentFactory, MigrantFactory, ReferralFactory
from core.models import DomainEvent
from crises.tests.factories import CrisisFactory
from outbox.models import Notification
from outbox.services import notifications_for_event, notifications_for_events

from .factories import ContactFactory, SubscriptionFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db

FIELDS = (
    "event_id",
    "event_type",
    "channel",
    "recipient_type",
    "government_id",
    "partner_id",
    "endpoint_id",
    "address",
    "language",
    "reason",
    "payload",
    "crisis_id",
    "office_id",
    "referral_id",
    "subject_type",
    "subject_id",
    "status",
)


def event(event_type, subject, *, actor=None, crisis=None, office_id=None, payload=None):
    """A domain event row as ``record_event(s)`` writes it, without its subscribers running."""
    return DomainEvent.objects.create(
        type=event_type,
        actor=actor,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        crisis_id=crisis.pk if crisis else None,
        office_id=office_id if office_id is not None else getattr(crisis, "office_id", None),
        payload=payload or {},
    )


def rows(notifications):
    return [tuple(getattr(n, f) for f in FIELDS) for n in notifications]


@pytest.fixture
def world():
    """Recipients of every kind the audiences name, and one event of each kind of audience."""
    crisis = CrisisFactory(code="LBY-2026-009", name="Libya floods", level=3)
    office = crisis.office
    staff = office_staff(office, email="officer@lby.example")
    chief = office_staff(office, chief=True, email="chief@lby.example", language="ar")
    office_staff(office, email="", username="no-mail")  # no address: never told
    hq = hq_user(email="desk@hq.example", language="fr")
    hq_user(email="duty@hq.example")
    egypt = GovernmentFactory(country="EGY")
    bangladesh = GovernmentFactory(country="BGD")
    niger = GovernmentFactory(country="NER", is_active=False)
    unhcr = PartnerFactory(code="unhcr")
    WebhookEndpointFactory(government=egypt)
    WebhookEndpointFactory(government=egypt, event_types=["crisis."])  # not for referrals
    WebhookEndpointFactory(government=bangladesh, status="paused")
    paused_owner = WebhookEndpointFactory(government=None, partner=unhcr)
    ContactFactory(government=egypt, email="consular@egy.example")
    ContactFactory(government=bangladesh, email="mofa@bgd.example", language="fr")
    ContactFactory(government=niger, email="nobody@ner.example")
    ContactFactory(government=None, partner=unhcr, email="ops@unhcr.example")
    SubscriptionFactory(partner=unhcr, event_type="crisis.", country=crisis.country)
    liaison = government_liaison(egypt)

    def referral(government=None, partner=None, **kw):
        migrant = MigrantFactory(crisis=crisis, office=office, **kw.pop("migrant", {}))
        return ReferralFactory(migrant=migrant, recipient_government=government, recipient_partner=partner, **kw)

    to_egypt = [referral(government=egypt) for _ in range(3)]
    to_bangladesh = referral(government=bangladesh, kind="transport")
    to_unhcr = referral(partner=unhcr, kind="protection")
    to_niger = referral(government=niger)
    hidden = referral(government=bangladesh, kind="counter_trafficking")  # sensitive, no consent: not told
    consented = referral(government=egypt, kind="counter_trafficking")
    ConsentFactory(migrant=consented.migrant, government=egypt, purposes=["counter_trafficking"])

    def moved(r, actor, to="in_progress"):
        return event(
            "referral.transitioned",
            r,
            actor=actor,
            crisis=crisis,
            payload={"from": "acknowledged", "to": to, "kind": r.kind, "recipient_type": r.recipient_type},
        )

    events = [
        *(moved(r, staff) for r in to_egypt),
        moved(to_bangladesh, staff),
        moved(to_unhcr, staff, to="completed"),
        moved(to_niger, staff),
        moved(hidden, staff),
        moved(consented, staff),
        moved(to_egypt[0], liaison, to="acknowledged"),  # the recipient acted: the office is told
        moved(to_egypt[1], None),
        event("referral.overdue", to_unhcr, crisis=crisis, payload={"overdue": True}),
        event("crisis.updated", crisis, actor=hq, crisis=crisis, payload={"fields": ["name"]}),
        event("level.proposed", crisis, actor=chief, crisis=crisis, payload={"level": 1}),
        event("level.proposed", crisis, actor=staff, crisis=crisis, payload={"level": 2}),
        event("webhook.paused", paused_owner, payload={"url": paused_owner.url, "reason": "500"}),
        event("sitrep.drafted", crisis, crisis=crisis),  # nobody is told
    ]
    return events


def test_the_batch_writes_the_notifications_of_the_events_one_by_one(world):
    one_by_one = [n for e in world for n in notifications_for_event(event=e)]
    expected = rows(one_by_one)
    assert {"webhook", "email"} <= {row[2] for row in expected}
    assert {"government", "partner", "hq", "staff"} <= {row[3] for row in expected}
    Notification.objects.all().delete()

    batch = notifications_for_events(world)

    assert sorted(rows(batch), key=repr) == sorted(expected, key=repr)
    # Each notification its own webhook-id, stored.
    assert len({n.uid for n in batch}) == len(batch) == Notification.objects.count()
    assert sorted(rows(Notification.objects.all()), key=repr) == sorted(expected, key=repr)


def test_the_batch_resolves_the_audiences_once_not_per_event(world, django_assert_max_num_queries):
    moves = [e for e in world if e.type == "referral.transitioned"]
    told = len(notifications_for_events(moves))
    # 20 times the events on the same ten referrals: the same queries as once.
    many = [
        DomainEvent.objects.create(
            type=e.type,
            actor_id=e.actor_id,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            crisis_id=e.crisis_id,
            office_id=e.office_id,
            payload=e.payload,
        )
        for _ in range(20)
        for e in moves
    ]
    with django_assert_max_num_queries(16):
        written = notifications_for_events(many)
    assert len(written) == 20 * told
