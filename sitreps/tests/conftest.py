"""Fixtures of the sitrep tests: the demo accounts, a Libya crisis of the demo office at a chosen
level (approved through the crises services), migrants registered through the caseload service."""

import datetime

import pytest

from crises import services as crises_services
from crises.tests.factories import CrisisFactory
from movements.tests.conftest import register  # noqa: F401 - shared helper
from sitreps import services

SCORES = {"score_scale": 3, "score_urgency": 3, "score_complexity": 3, "score_capacity": 3, "score_risk": 3}


def declare(crisis, level, users):
    """Propose and approve ``level`` as the SOP wants it (L1: the Chief of Mission; L2, L3: HQ)."""
    proposer = users["staff_lby"]
    approver = users["com_lby"] if level == 1 and (crisis.level or 0) <= 1 else users["hq"]
    proposal = crises_services.escalation_propose(
        crisis=crisis, actor=proposer, level=level, justification="The situation calls for it.", **SCORES
    )
    crises_services.escalation_approve(proposal=proposal, actor=approver, comment="Approved.")
    crisis.refresh_from_db()
    return crisis


@pytest.fixture
def crisis(demo, users):
    crisis = CrisisFactory(
        office=demo["offices"]["lby"],
        code="LBY-2011-SR",
        name="Libya 2011 (sitreps)",
        start_date=datetime.date(2011, 2, 1),
    )
    return declare(crisis, 1, users)


@pytest.fixture
def staff(users):
    return users["staff_lby"]


@pytest.fixture
def chief(users):
    return users["com_lby"]


@pytest.fixture
def hq(users):
    return users["hq"]


def publish(sitrep, *, author, approver):
    services.sitrep_transition(actor=author, sitrep_id=sitrep.pk, to="submitted")
    services.sitrep_transition(actor=approver, sitrep_id=sitrep.pk, to="approved")
    return services.sitrep_transition(actor=approver, sitrep_id=sitrep.pk, to="published")
