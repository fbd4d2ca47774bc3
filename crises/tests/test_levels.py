"""Level proposals and decisions by every role (docs/domain.md "Emergency levels")."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts.tests.factories import hq_user, office_staff
from core.models import DomainEvent
from crises import selectors, services
from crises.models import Crisis, LevelPolicy, LevelPolicyRevision, LevelProposal

from .conftest import SCORES

pytestmark = pytest.mark.django_db

OUTSIDERS_404 = ["staff_hti", "gov_egy", "gov_bgd", "unhcr"]


def escalations_url(crisis):
    return f"/api/v1/crises/{crisis.pk}/escalations/"


def proposal_body(level=3, **extra):
    return {"level": level, "justification": "Mass movements across the border.", **SCORES, **extra}


@pytest.mark.parametrize(
    ("username", "expected"),
    [("staff_lby", 201), ("com_lby", 201), ("hq", 403), ("staff_tun", 403)] + [(u, 404) for u in OUTSIDERS_404],
)
def test_who_may_propose_a_level(api_for, users, crisis, username, expected):
    response = api_for(users[username]).post(escalations_url(crisis), proposal_body(), format="json")
    assert response.status_code == expected, response.content
    assert LevelProposal.objects.filter(crisis=crisis).count() == (1 if expected == 201 else 0)
    assert DomainEvent.objects.filter(type="level.proposed").count() == (1 if expected == 201 else 0)


def test_a_proposal_records_its_event_with_direction(api_for, users, crisis):
    response = api_for(users["staff_lby"]).post(escalations_url(crisis), proposal_body(2), format="json")
    assert response.status_code == 201
    event = DomainEvent.objects.get(type="level.proposed")
    assert event.payload == {"level": 2, "previous_level": None, "direction": "up"}
    assert event.crisis_id == crisis.pk and event.office_id == crisis.office_id
    assert event.subject_type == "levelproposal" and event.subject_id == response.json()["id"]


# --- Decisions: who approves each level ----------------------------------------------------
L1_DECIDERS = {"com_lby": 200, "staff_lby": 403, "hq": 403, "staff_tun": 403, **dict.fromkeys(OUTSIDERS_404, 404)}
L23_DECIDERS = {"hq": 200, "com_lby": 403, "staff_lby": 403, "staff_tun": 403, **dict.fromkeys(OUTSIDERS_404, 404)}


@pytest.mark.parametrize(
    ("level", "username", "expected"),
    [(1, u, code) for u, code in L1_DECIDERS.items()]
    + [(2, u, code) for u, code in L23_DECIDERS.items()]
    + [(3, u, code) for u, code in L23_DECIDERS.items()],
)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_who_may_decide_each_level(api_for, users, crisis, propose, level, username, expected, decision):
    proposal = propose(crisis, users["staff_lby"], level)
    response = api_for(users[username]).post(
        f"/api/v1/escalations/{proposal.pk}/{decision}/", {"comment": "Checked with the office."}, format="json"
    )
    assert response.status_code == expected, response.content
    proposal.refresh_from_db()
    crisis.refresh_from_db()
    if expected == 200:
        assert proposal.status == ("approved" if decision == "approve" else "rejected")
        assert proposal.decided_by == users[username]
        assert crisis.level == (level if decision == "approve" else None)
        assert (
            DomainEvent.objects.filter(type={"approve": "level.approved", "reject": "level.rejected"}[decision]).count()
            == 1
        )
    else:
        assert proposal.status == "pending" and proposal.decided_by is None
        assert crisis.level is None
        assert not DomainEvent.objects.filter(type__in=["level.approved", "level.rejected"]).exists()


def test_a_proposer_never_approves_its_own(users, crisis, propose):
    com = users["com_lby"]
    proposal = propose(crisis, com, 1)  # the Chief of Mission proposes the level it would approve
    for decide in (services.escalation_approve, services.escalation_reject):
        with pytest.raises(PermissionDenied):
            decide(proposal=proposal, actor=com, comment="mine")
    assert not selectors.can_decide(com, proposal)
    # nor does it appear in the proposer's approvals queue
    from crises.selectors import proposals_awaiting

    assert not proposals_awaiting(com).exists()


def test_an_hq_proposer_cannot_approve_its_own(users, crisis, propose):
    """An HQ coordinator who is also an office member proposes; a second HQ coordinator decides."""
    both = hq_user(username="hq_member")
    proposal = propose(crisis, users["staff_lby"], 3)
    proposal.proposed_by = both
    proposal.save(update_fields=["proposed_by"])
    with pytest.raises(PermissionDenied):
        services.escalation_approve(proposal=proposal, actor=both)
    services.escalation_approve(proposal=proposal, actor=users["hq"])
    assert Crisis.objects.get(pk=crisis.pk).level == 3


def test_a_chief_of_another_office_cannot_approve_level_1(users, offices, crisis, propose):
    other_chief = office_staff(offices["tun"], chief=True, username="com_tun")
    proposal = propose(crisis, users["staff_lby"], 1)
    with pytest.raises(PermissionDenied):
        services.escalation_approve(proposal=proposal, actor=other_chief)


def test_rejecting_needs_a_comment(api_for, users, crisis, propose):
    proposal = propose(crisis, users["staff_lby"], 3)
    response = api_for(users["hq"]).post(f"/api/v1/escalations/{proposal.pk}/reject/", {}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()["error"]["fields"]
    assert LevelProposal.objects.get(pk=proposal.pk).status == "pending"


def test_the_level_is_the_last_approved_one_up_and_down(users, crisis, propose):
    hq, com, staff = users["hq"], users["com_lby"], users["staff_lby"]
    services.escalation_approve(proposal=propose(crisis, staff, 2), actor=hq)
    services.escalation_approve(proposal=propose(crisis, staff, 3), actor=hq)
    rejected = propose(crisis, staff, 1)
    services.escalation_reject(proposal=rejected, actor=hq, comment="Too early to scale down.")
    assert Crisis.objects.get(pk=crisis.pk).level == 3
    down = propose(crisis, com, 2)
    assert down.direction == "down" and down.previous_level == 3
    # Leaving Level 3 takes the Level 3 authority: HQ, not the Chief of Mission.
    with pytest.raises(PermissionDenied):
        services.escalation_approve(proposal=down, actor=users["com_lby"])
    services.escalation_approve(proposal=down, actor=hq)
    crisis.refresh_from_db()
    assert crisis.level == 2 and crisis.level_declaration_id == down.pk
    event = DomainEvent.objects.filter(type="level.approved").order_by("-id").first()
    assert event.payload == {"level": 2, "previous_level": 3}
    assert [p.status for p in LevelProposal.objects.filter(crisis=crisis).order_by("id")] == [
        "approved",
        "approved",
        "rejected",
        "approved",
    ]


def test_a_decided_proposal_cannot_be_decided_again(api_for, users, crisis, propose):
    proposal = propose(crisis, users["staff_lby"], 3)
    client = api_for(users["hq"])
    assert client.post(f"/api/v1/escalations/{proposal.pk}/approve/", {}, format="json").status_code == 200
    again = client.post(f"/api/v1/escalations/{proposal.pk}/reject/", {"comment": "no"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"
    assert LevelProposal.objects.get(pk=proposal.pk).status == "approved"


def test_one_pending_proposal_at_a_time(users, crisis, propose):
    propose(crisis, users["staff_lby"], 2)
    with pytest.raises(ValidationError) as exc:
        propose(crisis, users["com_lby"], 3)
    assert "non_field_errors" in exc.value.message_dict


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (proposal_body(level=4), "level"),
        (proposal_body(level=0), "level"),
        (proposal_body(level="three"), "level"),
        (proposal_body(score_scale=6), "score_scale"),
        (proposal_body(score_risk=0), "score_risk"),
        (proposal_body(justification=""), "justification"),
    ],
)
def test_bad_proposals_name_the_field_and_save_nothing(api_for, users, crisis, body, field):
    response = api_for(users["staff_lby"]).post(escalations_url(crisis), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not LevelProposal.objects.exists()
    assert not DomainEvent.objects.filter(type="level.proposed").exists()


def test_proposing_the_current_level_is_refused(users, crisis, propose):
    services.escalation_approve(proposal=propose(crisis, users["staff_lby"], 2), actor=users["hq"])
    with pytest.raises(ValidationError) as exc:
        propose(crisis, users["staff_lby"], 2)
    assert "level" in exc.value.message_dict


def test_history_via_api(api_for, users, crisis, propose):
    services.escalation_approve(proposal=propose(crisis, users["staff_lby"], 3), actor=users["hq"])
    response = api_for(users["com_lby"]).get(escalations_url(crisis))
    assert response.status_code == 200
    [entry] = response.json()
    assert entry["level"] == 3 and entry["status"] == "approved" and entry["decided_by"] == "hq"
    assert entry["review_due"]


def test_approvals_queue_api(api_for, users, crisis, propose):
    proposal = propose(crisis, users["staff_lby"], 3)
    hq_queue = api_for(users["hq"]).get("/api/v1/escalations/awaiting/").json()["results"]
    assert [p["id"] for p in hq_queue] == [proposal.pk]
    com_queue = api_for(users["com_lby"]).get("/api/v1/escalations/awaiting/").json()["results"]
    assert com_queue == []


# --- Two approvals at the same moment --------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_leave_exactly_one_decision(demo, users, offices):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    crisis = services.crisis_register(
        actor=users["staff_lby"],
        office=offices["lby"],
        name="Race",
        crisis_type="man_made",
        movement="internal",
        country="LBY",
        start_date=datetime.date(2026, 1, 1),
    )
    proposal = services.escalation_propose(
        crisis=crisis, actor=users["staff_lby"], level=3, justification="Now.", **SCORES
    )
    deciders = [users["hq"], hq_user(username="hq_second")]
    barrier = threading.Barrier(len(deciders))
    outcomes: list[str] = []

    def decide(actor, kind):
        try:
            barrier.wait(timeout=10)
            if kind == "approve":
                services.escalation_approve(proposal=proposal, actor=actor, comment="go")
            else:
                services.escalation_reject(proposal=proposal, actor=actor, comment="no")
            outcomes.append(kind)
        except services.ProposalAlreadyDecided:
            outcomes.append("already_decided")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(deciders[0], "approve")),
        threading.Thread(target=decide, args=(deciders[1], "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes).count("already_decided") == 1, outcomes
    proposal.refresh_from_db()
    assert proposal.status in ("approved", "rejected")
    assert DomainEvent.objects.filter(type__in=["level.approved", "level.rejected"]).count() == 1
    crisis.refresh_from_db()
    assert crisis.level == (3 if proposal.status == "approved" else None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_approvals(demo, users, offices):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    crisis = services.crisis_register(
        actor=users["staff_lby"],
        office=offices["lby"],
        name="Race two",
        crisis_type="man_made",
        movement="internal",
        country="LBY",
        start_date=datetime.date(2026, 1, 1),
    )
    proposal = services.escalation_propose(
        crisis=crisis, actor=users["staff_lby"], level=2, justification="x", **SCORES
    )
    deciders = [users["hq"], hq_user(username="hq_b"), hq_user(username="hq_c")]
    barrier = threading.Barrier(len(deciders))
    outcomes: list[str] = []

    def decide(actor):
        try:
            barrier.wait(timeout=10)
            services.escalation_approve(proposal=proposal, actor=actor)
            outcomes.append("approved")
        except services.ProposalAlreadyDecided:
            outcomes.append("already_decided")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(d,)) for d in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already_decided", "already_decided", "approved"]
    assert DomainEvent.objects.filter(type="level.approved", subject_id=proposal.pk).count() == 1


# --- The SOP as data ---------------------------------------------------------------------
def test_the_sop_is_seeded_as_the_design_says():
    policies = LevelPolicy.objects.current()
    assert policies[1].approver == "chief_of_mission"
    assert policies[2].approver == policies[3].approver == "hq"
    assert (policies[3].validity_months, policies[3].extension_months, policies[3].max_extensions) == (6, 3, 1)


def test_hq_edits_the_sop_with_history(users, client_for):
    policy = LevelPolicy.objects.current()[2]
    before = LevelPolicyRevision.objects.filter(policy=policy).count()
    response = client_for(users["hq"]).post(
        "/crises/levels/2/edit/",
        {
            "approver": "hq",
            "validity_months": 4,
            "extension_months": 2,
            "max_extensions": 1,
            "sitrep_cadence_days": 10,
            "notify": ["office", "hq"],
            "reason": "Shorter review",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.validity_months == 4 and policy.sitrep_cadence_days == 10 and policy.updated_by == users["hq"]
    revision = LevelPolicyRevision.objects.filter(policy=policy).order_by("-id").first()
    assert LevelPolicyRevision.objects.filter(policy=policy).count() == before + 1
    assert revision.values["validity_months"] == 4 and revision.reason == "Shorter review"


@pytest.mark.parametrize("username", ["com_lby", "staff_lby", "gov_egy", "unhcr"])
def test_only_hq_edits_the_sop(users, client_for, username):
    response = client_for(users[username]).post("/crises/levels/3/edit/", {"validity_months": 1, "reason": "x"})
    assert response.status_code == 403
    assert LevelPolicy.objects.current()[3].validity_months == 6
    with pytest.raises(PermissionDenied):
        services.level_policy_update(policy=LevelPolicy.objects.current()[3], actor=users[username], validity_months=1)


def test_an_edited_sop_changes_who_approves(users, crisis, propose):
    services.level_policy_update(
        policy=LevelPolicy.objects.current()[2], actor=users["hq"], approver="chief_of_mission"
    )
    proposal = propose(crisis, users["staff_lby"], 2)
    with pytest.raises(PermissionDenied):
        services.escalation_approve(proposal=proposal, actor=users["hq"])
    services.escalation_approve(proposal=proposal, actor=users["com_lby"])
    proposal.refresh_from_db()
    assert proposal.policy_snapshot["approver"] == "chief_of_mission"


# --- Review reminders ----------------------------------------------------------------------
def test_review_reminder_once_per_due_date(users, crisis, propose):
    from crises.tasks import remind_level_reviews

    services.escalation_approve(proposal=propose(crisis, users["staff_lby"], 3), actor=users["hq"])
    crisis.refresh_from_db()
    due = crisis.level_review_due
    assert due is not None
    far = due - datetime.timedelta(days=60)
    assert services.level_reviews_remind(today=far) == 0
    soon = due - datetime.timedelta(days=3)
    assert services.level_reviews_remind(today=soon) == 1
    assert services.level_reviews_remind(today=soon) == 0
    assert services.level_reviews_remind(today=due + datetime.timedelta(days=5)) == 0  # same due date
    events = list(DomainEvent.objects.filter(type="level.review_due"))
    assert len(events) == 1
    assert events[0].payload == {"level": 3, "due": due.isoformat(), "overdue": False}
    assert events[0].subject_type == "levelproposal" and events[0].subject_id == crisis.level_declaration_id

    # A new due date (a new declaration) is reminded again, here already overdue.
    new_due = due - datetime.timedelta(days=200)
    Crisis.objects.filter(pk=crisis.pk).update(level_review_due=new_due)
    assert remind_level_reviews() == 1  # the periodic task, run for today
    last = DomainEvent.objects.filter(type="level.review_due").order_by("-id").first()
    assert last.payload["overdue"] is True and last.payload["due"] == new_due.isoformat()
    assert remind_level_reviews() == 0


def test_closed_crises_are_not_reminded(users, crisis, propose):
    services.escalation_approve(proposal=propose(crisis, users["staff_lby"], 3), actor=users["hq"])
    Crisis.objects.filter(pk=crisis.pk).update(status="closed", level_review_due=datetime.date(2020, 1, 1))
    assert services.level_reviews_remind() == 0


# --- Extension of a level's validity -----------------------------------------------------------
def test_level_3_extends_once_by_three_months(api_for, users, crisis, propose):
    services.escalation_approve(proposal=propose(crisis, users["staff_lby"], 3), actor=users["hq"])
    crisis.refresh_from_db()
    due = crisis.level_review_due
    for username, expected in (("com_lby", 403), ("staff_lby", 403), ("staff_hti", 404), ("gov_egy", 404)):
        assert api_for(users[username]).post(f"/api/v1/crises/{crisis.pk}/extend-level/", {}).status_code == expected
    response = api_for(users["hq"]).post(f"/api/v1/crises/{crisis.pk}/extend-level/", {"comment": "Still acute."})
    assert response.status_code == 200, response.content
    crisis.refresh_from_db()
    assert crisis.level_review_due == services.add_months(due, 3) and crisis.level_extensions == 1
    event = DomainEvent.objects.get(type="level.extended")
    assert event.payload == {"level": 3, "due": crisis.level_review_due.isoformat(), "extension": 1}
    again = api_for(users["hq"]).post(f"/api/v1/crises/{crisis.pk}/extend-level/", {})
    assert again.status_code == 400
    assert Crisis.objects.get(pk=crisis.pk).level_extensions == 1


def test_level_1_is_extended_by_its_chief_of_mission(client_for, users, crisis, propose):
    services.escalation_approve(proposal=propose(crisis, users["staff_lby"], 1), actor=users["com_lby"])
    assert client_for(users["hq"]).post(f"/crises/{crisis.pk}/extend-level/").status_code == 403
    page = client_for(users["com_lby"]).get(f"/crises/{crisis.pk}/").content.decode()
    assert 'data-action="extend"' in page
    assert client_for(users["com_lby"]).post(f"/crises/{crisis.pk}/extend-level/").status_code == 302
    assert Crisis.objects.get(pk=crisis.pk).level_extensions == 1
