"""Who is told follows the SOP (docs/domain.md "Who is told"), per event type and role.

A level proposal is told to its approvers (the Chief of Mission for Level 1, HQ for Levels 2 and 3)
and the proposing office, never outside the organisation, whatever the subscriptions say; a
government or partner hears of approved levels only. A referral's step is told to the other side of
the one who made it, never to that person. The services record the events; the outbox writes the
rows these tests read."""

from __future__ import annotations

import datetime

import pytest

from caseload import services as caseload_services
from caseload.tests.factories import MigrantFactory
from crises import services as crises_services
from crises.tests.factories import CrisisFactory
from outbox.models import Notification, Subscription
from partners.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SCORES = {"score_scale": 2, "score_urgency": 2, "score_complexity": 2, "score_capacity": 2, "score_risk": 2}


@pytest.fixture
def world(demo):
    """Egypt and UNHCR subscribe to everything and have a desk each; the Libya office has a crisis."""
    egypt, unhcr = demo["governments"]["EGY"], demo["partners"]["unhcr"]
    ContactFactory(government=egypt, email="desk@egypt.example")
    ContactFactory(government=None, partner=unhcr, email="desk@unhcr.example")
    Subscription.objects.create(government=egypt, event_type="*")
    Subscription.objects.create(partner=unhcr, event_type="*")
    crisis = CrisisFactory(office=demo["offices"]["lby"], country="LBY")
    return {"crisis": crisis, "egypt": egypt, "unhcr": unhcr}


def _told(event_type: str) -> dict[str, set[str]]:
    """Who was told of the last event of this type: by recipient type, each e-mail address or owner."""
    rows = Notification.objects.filter(event_type=event_type)
    last = rows.order_by("-event_id").values_list("event_id", flat=True).first()
    told: dict[str, set[str]] = {}
    for row in rows.filter(event_id=last).select_related("government", "partner"):
        who = row.address or str(row.government or row.partner)
        told.setdefault(row.recipient_type, set()).add(who)
    return told


def _propose(users, crisis, level, actor="staff_lby"):
    return crises_services.escalation_propose(
        crisis=crisis, actor=users[actor], level=level, justification="Scale and urgency", **SCORES
    )


def test_a_level_1_proposal_is_told_to_the_chief_of_mission_and_the_office_only(users, world):
    _propose(users, world["crisis"], 1)
    told = _told("level.proposed")
    # The Chief of Mission approves Level 1; the proposer (staff_lby) is not told of their own act.
    assert told == {"staff": {"com_lby@mcof.invalid"}}


def test_a_level_2_proposal_is_told_to_hq_and_the_office_and_nobody_outside(users, world):
    _propose(users, world["crisis"], 2, actor="com_lby")
    told = _told("level.proposed")
    assert told == {"hq": {"hq@mcof.invalid"}, "staff": {"staff_lby@mcof.invalid"}}
    assert not Notification.objects.filter(recipient_type__in=["government", "partner"]).exists()


def test_a_rejected_proposal_stays_inside_and_an_approved_level_goes_out(users, world):
    proposal = _propose(users, world["crisis"], 2, actor="com_lby")
    crises_services.escalation_reject(proposal=proposal, actor=users["hq"], comment="Not yet")
    told = _told("level.rejected")
    assert set(told) <= {"hq", "staff"} and "hq@mcof.invalid" not in told.get("hq", set())
    assert "com_lby@mcof.invalid" in told["staff"]

    proposal = _propose(users, world["crisis"], 2, actor="com_lby")
    crises_services.escalation_approve(proposal=proposal, actor=users["hq"])
    told = _told("level.approved")
    # Governments and partners hear of an approved level (here through their subscriptions).
    assert "desk@egypt.example" in told["government"] and "desk@unhcr.example" in told["partner"]
    # Outside the organisation only an approved level was ever told.
    outside = Notification.objects.filter(recipient_type__in=["government", "partner"])
    assert set(outside.values_list("event_type", flat=True)) == {"level.approved"}


@pytest.fixture
def referral(users, world, demo):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=world["crisis"])
    caseload_services.consent_record(
        actor=users["staff_lby"],
        migrant=migrant,
        governments=[world["egypt"]],
        purposes=["consular"],
        given_on=datetime.date(2026, 2, 1),
    )
    return caseload_services.referral_create(
        actor=users["staff_lby"],
        migrant=migrant,
        kind="consular",
        recipient_government=world["egypt"],
        priority="normal",
        send=True,
    )


def test_a_sent_referral_is_told_to_its_recipient(referral):
    assert _told("referral.sent") == {"government": {"desk@egypt.example"}}


def test_a_step_of_the_government_is_told_to_the_office_not_to_the_government(users, referral):
    caseload_services.referral_transition(actor=users["gov_egy"], referral_id=referral.pk, to="acknowledged")
    told = _told("referral.transitioned")
    assert told == {"staff": {"staff_lby@mcof.invalid", "com_lby@mcof.invalid"}}


def test_a_step_of_the_office_is_told_to_the_government_not_to_the_office(users, referral):
    caseload_services.referral_transition(actor=users["com_lby"], referral_id=referral.pk, to="cancelled")
    assert _told("referral.transitioned") == {"government": {"desk@egypt.example"}}


def test_an_overdue_referral_is_told_to_both_sides(users, referral):
    caseload_services.referral_remind_overdue(referral_id=referral.pk, due_at=referral.due_at)
    told = _told("referral.overdue")
    assert told == {"government": {"desk@egypt.example"}, "staff": {"staff_lby@mcof.invalid", "com_lby@mcof.invalid"}}
