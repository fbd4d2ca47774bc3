"""Stateful property tests of the two workflows that carry authority: referral transitions
(caseload.workflow, docs/domain.md "Caseload") and emergency level proposals (MC/2355 main text para 21:
levels declared by proposal, approved by someone else; the crisis's level is the last approved one).

Hypothesis drives random sequences of calls of the real services by random roles and checks the
invariants after every step."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.tests.factories import GovernmentFactory, OfficeFactory, government_liaison, hq_user, office_staff
from caseload.models import Referral, ReferralEvent, ReferralStatus
from caseload.services import consent_record, migrant_register, referral_create, referral_transition
from caseload.workflow import BY_TARGET, CLOSED, OFFICE, RECIPIENT
from crises.models import Crisis, LevelProposal
from crises.services import crisis_register, escalation_approve, escalation_propose, escalation_reject

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=12,
    stateful_step_count=12,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
REFUSED = (ValidationError, PermissionDenied, Http404, Referral.DoesNotExist, LevelProposal.DoesNotExist)
SEQ = {"n": 0, "steps": 0}


def _unique(prefix: str) -> str:
    SEQ["n"] += 1
    return f"{prefix}{SEQ['n']}"


def _office_and_people():
    office = OfficeFactory(code=_unique("sm"), country="LBY")
    people = {
        "staff": office_staff(office, username=_unique("sm_staff")),
        "staff2": office_staff(office, username=_unique("sm_staff")),
        "chief": office_staff(office, chief=True, username=_unique("sm_chief")),
        "hq": hq_user(username=_unique("sm_hq")),
        "hq2": hq_user(username=_unique("sm_hq")),
        "outsider": office_staff(OfficeFactory(code=_unique("smx"), country="TUN"), username=_unique("sm_out")),
    }
    crisis = crisis_register(
        actor=people["chief"],
        office=office,
        name=_unique("State machine crisis "),
        crisis_type="man_made",
        movement="cross_border",
        country="LBY",
        start_date=datetime.date(2026, 1, 1),
        nationalities=["EGY"],
    )
    return office, people, crisis


class ReferralMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        office, self.people, crisis = _office_and_people()
        government = GovernmentFactory(country="EGY")
        self.people["gov"] = government_liaison(government, username=_unique("sm_gov"))
        self.people["other_gov"] = government_liaison(GovernmentFactory(country="BGD"), username=_unique("sm_gov"))
        chief = self.people["chief"]
        migrant = migrant_register(
            actor=chief,
            office=office,
            crisis=crisis,
            data={
                "given_name": "Omar",
                "family_name": "Said",
                "sex": "male",
                "date_of_birth": datetime.date(1990, 1, 1),
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
        self.referral = referral_create(
            actor=chief, migrant=migrant, kind="consular", recipient_government=government, priority="normal"
        )
        self.status = self.referral.status

    def _side(self, role: str) -> str | None:
        return {"staff": OFFICE, "chief": OFFICE, "gov": RECIPIENT}.get(role)

    @rule(
        role=st.sampled_from(["staff", "chief", "hq", "gov", "other_gov", "outsider"]),
        to=st.sampled_from([*ReferralStatus.values, "bogus"]),
        reason=st.sampled_from(["", "No consular presence in the area"]),
    )
    def transition(self, role, to, reason):
        SEQ["steps"] += 1
        transition = BY_TARGET.get(to)
        legal = bool(
            transition
            and self.status in transition.sources
            and self._side(role) == transition.by
            and (reason or not transition.needs_reason)
        )
        outcome = {"document_type": "etd", "document_number": "ETD-1", "document_issued_on": datetime.date(2026, 3, 1)}
        try:
            referral_transition(
                actor=self.people[role],
                referral_id=self.referral.pk,
                to=to,
                reason=reason,
                note="step",
                outcome=outcome if to == ReferralStatus.COMPLETED else None,
            )
            done = True
        except REFUSED:
            done = False
        assert done == legal, f"{role} {self.status} -> {to}: {'done' if done else 'refused'}, legal={legal}"
        if done:
            self.status = to

    @invariant()
    def status_follows_the_history(self):
        if not hasattr(self, "referral"):
            return
        referral = Referral.objects.get(pk=self.referral.pk)
        assert referral.status == self.status
        history = list(ReferralEvent.objects.filter(referral=referral).order_by("at", "pk"))
        current = ReferralStatus.DRAFT
        for event in history:
            if not event.from_status:  # the creation
                current = event.to_status
                continue
            assert event.from_status == current, "each step starts where the last one ended"
            step = BY_TARGET[event.to_status]
            assert current in step.sources and current not in CLOSED, f"{current} -> {event.to_status} is not legal"
            current = event.to_status
        assert current == referral.status, "the status is reached by the recorded transitions"


class LevelMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        _, self.people, self.crisis = _office_and_people()

    @rule(role=st.sampled_from(["staff", "staff2", "chief", "hq", "outsider"]), level=st.integers(1, 3))
    def propose(self, role, level):
        SEQ["steps"] += 1
        pending_before = LevelProposal.objects.filter(crisis=self.crisis, status="pending").count()
        try:
            escalation_propose(
                crisis=self.crisis,
                actor=self.people[role],
                level=level,
                justification="Random step",
                score_scale=3,
                score_urgency=3,
                score_complexity=3,
                score_capacity=3,
                score_risk=3,
            )
            done = True
        except REFUSED:
            done = False
        if done:
            assert role in ("staff", "staff2", "chief"), "only the owning office proposes"
            assert pending_before == 0, "a second pending proposal was accepted"

    @rule(role=st.sampled_from(["staff", "staff2", "chief", "hq", "hq2", "outsider"]), approve=st.booleans())
    def decide(self, role, approve):
        SEQ["steps"] += 1
        proposal = LevelProposal.objects.filter(crisis=self.crisis, status="pending").first()
        if proposal is None:
            return
        actor = self.people[role]
        try:
            if approve:
                escalation_approve(proposal=proposal, actor=actor, comment="ok")
            else:
                escalation_reject(proposal=proposal, actor=actor, comment="not now")
            done = True
        except REFUSED:
            done = False
        if done:
            assert proposal.proposed_by_id != actor.pk, "a proposer decided their own proposal"
            if proposal.level == 1 and proposal.direction == "up" and (proposal.previous_level or 0) < 1:
                assert role in ("chief", "hq", "hq2")
            else:
                assert role in ("chief", "hq", "hq2")
            if role == "chief":
                assert proposal.level == 1 or (proposal.previous_level or 0) <= 1, "L2/L3 are decided by HQ"

    @invariant()
    def level_is_the_last_approved(self):
        if not hasattr(self, "crisis"):
            return
        crisis = Crisis.objects.get(pk=self.crisis.pk)
        proposals = LevelProposal.objects.filter(crisis=crisis)
        assert proposals.filter(status="pending").count() <= 1
        last = proposals.filter(status="approved").order_by("decided_at", "pk").last()
        assert crisis.level == (last.level if last else None)
        for proposal in proposals.exclude(status="pending"):
            assert proposal.decided_by_id != proposal.proposed_by_id


def test_referral_transitions_keep_their_invariants():
    run_state_machine_as_test(ReferralMachine, settings=SETTINGS)


def test_level_proposals_keep_their_invariants():
    run_state_machine_as_test(LevelMachine, settings=SETTINGS)
    print(f"\nstate machines: {SEQ['steps']} steps")
