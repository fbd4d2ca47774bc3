"""The referral state machine, consent, priorities, outcomes, events and the overdue reminder."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from caseload import services
from caseload.models import PRIORITY_DUE, Referral, ReferralEvent, ReferralStatus
from caseload.tasks import remind_overdue_referrals
from caseload.workflow import BY_TARGET, TRANSITIONS
from core.models import AuditEntry, DomainEvent

from .factories import ConsentFactory, MigrantFactory, ReferralFactory

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def case(demo, libya, egypt):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    ConsentFactory(migrant=migrant, government=egypt)
    return migrant


def _referral(case, egypt, status):
    sent = None if status == S.DRAFT else timezone.now()
    extra = {"decline_reason": "no"} if status == S.DECLINED else {}
    return ReferralFactory(migrant=case, recipient_government=egypt, status=status, sent_at=sent, **extra)


def _actor_for(transition, users):
    return users["staff_lby"] if transition.by == "office" else users["gov_egy"]


ILLEGAL = [(status, t.target) for status in S.values for t in TRANSITIONS if status not in t.sources]


@pytest.mark.parametrize(("status", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_message(users, case, egypt, status, target):
    referral = _referral(case, egypt, status)
    actor = _actor_for(BY_TARGET[target], users)
    if status == S.DRAFT and actor.is_liaison:
        # A draft is not visible to the recipient at all.
        with pytest.raises(Referral.DoesNotExist):
            services.referral_transition(actor=actor, referral_id=referral.pk, to=target, reason="r")
        return
    with pytest.raises(ValidationError) as info:
        services.referral_transition(actor=actor, referral_id=referral.pk, to=target, reason="r")
    assert "cannot be moved to" in str(info.value.message_dict["to"])
    referral.refresh_from_db()
    assert referral.status == status
    assert not ReferralEvent.objects.filter(referral=referral).exists()


def test_illegal_transition_through_the_api_answers_400_with_a_message(users, api_for, case, egypt):
    referral = _referral(case, egypt, S.SENT)
    response = api_for(users["gov_egy"]).post(
        f"/api/v1/referrals/{referral.pk}/transition/", {"to": "completed"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot be moved to" in response.json()["error"]["fields"]["to"][0]


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.action)
def test_each_transition_is_refused_to_the_wrong_role(users, api_for, case, egypt, transition):
    status = next(iter(sorted(transition.sources - {S.DRAFT}) or transition.sources))
    referral = _referral(case, egypt, status)
    wrong = users["gov_egy"] if transition.by == "office" else users["staff_lby"]
    if status == S.DRAFT:
        wrong = users["staff_tun"]  # only another office's staff could even try; they cannot see it
    with pytest.raises((PermissionDenied, Referral.DoesNotExist)) as info:
        services.referral_transition(actor=wrong, referral_id=referral.pk, to=transition.target, reason="r")
    if info.type is PermissionDenied:
        assert "Only" in str(info.value)
        response = api_for(wrong).post(
            f"/api/v1/referrals/{referral.pk}/transition/", {"to": transition.target, "reason": "r"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["error"]["message"].startswith("Only")
    referral.refresh_from_db()
    assert referral.status == status
    # HQ reads but acts on nothing.
    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=users["hq"], referral_id=referral.pk, to=transition.target, reason="r")


def test_full_life_of_a_consular_referral_records_events(users, case, egypt):
    staff, gov = users["staff_lby"], users["gov_egy"]
    referral = services.referral_create(
        actor=staff, migrant=case, kind="consular", recipient_government=egypt, priority="urgent", send=True
    )
    assert referral.status == S.SENT
    assert referral.due_at == referral.sent_at + datetime.timedelta(hours=72)
    services.referral_transition(actor=gov, referral_id=referral.pk, to=S.ACKNOWLEDGED, note="received")
    services.referral_transition(actor=gov, referral_id=referral.pk, to=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as info:
        services.referral_transition(actor=gov, referral_id=referral.pk, to=S.COMPLETED)
    assert "document_number" in info.value.message_dict
    services.referral_record_outcome(
        actor=gov,
        referral_id=referral.pk,
        outcome={"document_type": "etd", "document_number": "ETD-1", "document_issued_on": timezone.localdate()},
    )
    services.referral_transition(actor=gov, referral_id=referral.pk, to=S.COMPLETED)
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.document_number == "ETD-1" and referral.closed_at

    steps = list(
        ReferralEvent.objects.filter(referral=referral).values_list("action", "from_status", "to_status", "actor")
    )
    assert steps == [
        ("create", "", S.DRAFT, staff.pk),
        ("send", S.DRAFT, S.SENT, staff.pk),
        ("acknowledge", S.SENT, S.ACKNOWLEDGED, gov.pk),
        ("start", S.ACKNOWLEDGED, S.IN_PROGRESS, gov.pk),
        ("record_outcome", S.IN_PROGRESS, S.IN_PROGRESS, gov.pk),
        ("complete", S.IN_PROGRESS, S.COMPLETED, gov.pk),
    ]
    events = list(DomainEvent.objects.filter(subject_type="referral", subject_id=referral.pk).order_by("id"))
    assert [e.type for e in events] == ["referral.sent"] + ["referral.transitioned"] * 3
    assert events[0].payload == {
        "kind": "consular",
        "priority": "urgent",
        "recipient_type": "government",
        "recipient_id": egypt.pk,
    }
    assert events[-1].payload == {
        "from": "in_progress",
        "to": "completed",
        "kind": "consular",
        "recipient_type": "government",
        "recipient_id": egypt.pk,
    }
    assert all(e.crisis_id == case.crisis_id and e.office_id == case.office_id for e in events)


@pytest.mark.parametrize("priority", ["normal", "urgent", "life_saving"])
def test_priority_sets_the_due_time(users, case, egypt, priority):
    referral = services.referral_create(
        actor=users["staff_lby"],
        migrant=case,
        kind="consular",
        recipient_government=egypt,
        priority=priority,
        send=True,
    )
    assert referral.due_at - referral.sent_at == PRIORITY_DUE[priority]


def test_decline_needs_a_reason_and_transport_completion_needs_its_outcome(users, case, egypt):
    gov = users["gov_egy"]
    referral = _referral(case, egypt, S.SENT)
    with pytest.raises(ValidationError) as info:
        services.referral_transition(actor=gov, referral_id=referral.pk, to=S.DECLINED, reason="  ")
    assert "reason" in info.value.message_dict
    services.referral_transition(actor=gov, referral_id=referral.pk, to=S.DECLINED, reason="Not our national")
    referral.refresh_from_db()
    assert referral.status == S.DECLINED and referral.decline_reason == "Not our national"

    transport = ReferralFactory(migrant=case, recipient_government=egypt, kind="transport", status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as info:
        services.referral_transition(actor=gov, referral_id=transport.pk, to=S.COMPLETED)
    assert {"departure_from", "destination", "travel_date"} <= set(info.value.message_dict)
    with pytest.raises(ValidationError) as info:  # a consular field on a transport referral
        services.referral_transition(
            actor=gov, referral_id=transport.pk, to=S.COMPLETED, outcome={"document_number": "X"}
        )
    assert "document_number" in info.value.message_dict
    services.referral_transition(
        actor=gov,
        referral_id=transport.pk,
        to=S.COMPLETED,
        outcome={
            "departure_from": "Misrata port",
            "destination": "Alexandria",
            "travel_date": datetime.date(2026, 3, 1),
        },
    )
    assert Referral.objects.get(pk=transport.pk).status == S.COMPLETED


def test_sending_needs_consent_or_an_override_with_a_reason(users, api_for, demo, libya, bangladesh):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya, nationality="BGD")
    staff, chief = users["staff_lby"], users["com_lby"]
    draft = services.referral_create(
        actor=staff, migrant=migrant, kind="consular", recipient_government=bangladesh, priority="normal"
    )
    with pytest.raises(ValidationError) as info:
        services.referral_transition(actor=staff, referral_id=draft.pk, to=S.SENT)
    assert "consent" in info.value.message_dict["override_reason"][0]
    # staff_lby does not hold override_consent.
    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=staff, referral_id=draft.pk, to=S.SENT, override_reason="vital interest")
    response = api_for(staff).post(
        f"/api/v1/referrals/{draft.pk}/transition/", {"to": "sent", "override_reason": "x"}, format="json"
    )
    assert response.status_code == 403
    assert Referral.objects.get(pk=draft.pk).status == S.DRAFT
    # The Chief of Mission holds it: the override and its reason go to the audit trail.
    services.referral_transition(
        actor=chief, referral_id=draft.pk, to=S.SENT, override_reason="Vital interest: evacuation tomorrow"
    )
    draft.refresh_from_db()
    assert draft.status == S.SENT and draft.consent_overridden_by == chief
    entry = AuditEntry.objects.get(action="override", object_id=str(draft.pk))
    assert entry.reason == "Vital interest: evacuation tomorrow" and entry.actor == chief

    # With consent naming the recipient, no override is needed.
    ConsentFactory(migrant=migrant, government=bangladesh)
    sent = services.referral_create(
        actor=staff, migrant=migrant, kind="consular", recipient_government=bangladesh, priority="normal", send=True
    )
    assert sent.status == S.SENT and not sent.consent_override_reason


def test_overdue_referrals_are_listed_and_reminded_once_per_due_time(users, client_for, api_for, case, egypt):
    past = timezone.now() - datetime.timedelta(days=20)
    late = ReferralFactory(migrant=case, recipient_government=egypt, status=S.ACKNOWLEDGED, sent_at=past)
    on_time = ReferralFactory(migrant=case, recipient_government=egypt, status=S.SENT)
    closed_late = ReferralFactory(
        migrant=case, recipient_government=egypt, status=S.COMPLETED, sent_at=past, document_number="x"
    )
    ids = {r["id"] for r in api_for(users["gov_egy"]).get("/api/v1/referrals/?overdue=true").json()["results"]}
    assert ids == {late.pk}
    html = client_for(users["gov_egy"]).get(reverse("caseload:inbox") + "?overdue=true").content.decode()
    assert f'data-referral="{late.pk}"' in html and f'data-referral="{on_time.pk}"' not in html
    html = client_for(users["staff_lby"]).get(reverse("caseload:referral_list") + "?overdue=true").content.decode()
    assert f'data-referral="{late.pk}"' in html and f'data-referral="{closed_late.pk}"' not in html

    assert remind_overdue_referrals() == 1
    assert remind_overdue_referrals() == 0
    events = DomainEvent.objects.filter(type="referral.overdue")
    assert [e.subject_id for e in events] == [late.pk]
    assert events[0].payload["due_at"] == late.due_at.isoformat()
    # A new due time (e.g. after a change of priority) is reminded again.
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert remind_overdue_referrals() == 1


def test_transition_through_the_browser_shows_a_message(users, client_for, case, egypt):
    referral = _referral(case, egypt, S.SENT)
    client = client_for(users["gov_egy"])
    url = reverse("caseload:referral_transition", args=[referral.pk])
    response = client.post(url, {"to": "completed"}, follow=True)
    assert "cannot be moved to" in response.content.decode()
    response = client.post(url, {"to": "acknowledged"}, follow=True)
    assert Referral.objects.get(pk=referral.pk).status == S.ACKNOWLEDGED
    response = client.post(url, {"to": "cancelled"}, follow=True)
    assert "Only the owning office" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == S.ACKNOWLEDGED


def test_the_office_cannot_write_the_recipients_outcome(users, case, egypt):
    draft = _referral(case, egypt, S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.referral_transition(
            actor=users["staff_lby"], referral_id=draft.pk, to=S.SENT, outcome={"document_number": "FAKE"}
        )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.document_number == ""
