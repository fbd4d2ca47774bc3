"""Lists and the crisis page keep a constant number of queries whatever their size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crises import services

pytestmark = pytest.mark.django_db


def add_crises(users, offices, count, start=0):
    for n in range(start, start + count):
        crisis = services.crisis_register(
            actor=users["staff_lby"],
            office=offices["lby"],
            name=f"Crisis {n}",
            crisis_type="man_made",
            movement="both",
            country="LBY",
            start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            other_countries=["TUN", "EGY"],
            nationalities=["BGD", "NER"],
        )
        proposal = services.escalation_propose(
            crisis=crisis,
            actor=users["staff_lby"],
            level=2,
            justification="x",
            score_scale=3,
            score_urgency=3,
            score_complexity=3,
            score_capacity=3,
            score_risk=3,
        )
        services.escalation_approve(proposal=proposal, actor=users["hq"])


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
        assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["hq", "staff_lby"])
def test_list_page_queries_are_constant(users, offices, client_for, username):
    client = client_for(users[username])
    add_crises(users, offices, 2)
    few = count_queries(lambda: client.get("/crises/?phase=during"))
    add_crises(users, offices, 8, start=2)
    many = count_queries(lambda: client.get("/crises/?phase=during"))
    assert many == few


@pytest.mark.parametrize("username", ["hq", "staff_lby"])
def test_list_api_queries_are_constant(users, offices, api_for, username):
    client = api_for(users[username])
    add_crises(users, offices, 2)
    few = count_queries(lambda: client.get("/api/v1/crises/"))
    add_crises(users, offices, 8, start=2)
    many = count_queries(lambda: client.get("/api/v1/crises/"))
    assert many == few
    assert len(client.get("/api/v1/crises/").json()["results"]) == 10


def test_escalation_list_api_queries_are_constant(users, offices, api_for):
    client = api_for(users["hq"])
    add_crises(users, offices, 2)
    few = count_queries(lambda: client.get("/api/v1/escalations/"))
    add_crises(users, offices, 6, start=2)
    many = count_queries(lambda: client.get("/api/v1/escalations/"))
    assert many == few


def test_crisis_page_queries_are_constant(users, offices, client_for, crisis, propose, django_assert_max_num_queries):
    client = client_for(users["staff_lby"])
    url = f"/crises/{crisis.pk}/"

    def grow(rounds):
        for n in range(rounds):
            crisis.refresh_from_db()
            level = 2 if crisis.level == 3 else 3
            services.escalation_approve(proposal=propose(crisis, users["staff_lby"], level), actor=users["hq"])
            phase = "after" if crisis.phase == "during" else "during"
            services.crisis_phase_change(crisis=crisis, actor=users["staff_lby"], phase=phase, reason=f"r{n}")
            services.affected_figure_record(
                crisis=crisis,
                actor=users["staff_lby"],
                group="idps",
                figure=100 * n,
                as_of=datetime.date(2026, 3, 1) + datetime.timedelta(days=crisis.phase_changes.count()),
                source="DTM",
            )

    grow(1)
    few = count_queries(lambda: client.get(url))
    grow(5)
    many = count_queries(lambda: client.get(url))
    assert many == few
    with django_assert_max_num_queries(25):
        client.get(url)


def test_approvals_page_queries_are_constant(users, offices, client_for):
    from crises.models import Crisis

    client = client_for(users["hq"])

    def pending(names):
        for name in names:
            crisis = services.crisis_register(
                actor=users["staff_lby"],
                office=offices["lby"],
                name=name,
                crisis_type="health",
                movement="internal",
                country="LBY",
                start_date=datetime.date(2026, 1, 1),
            )
            services.escalation_propose(
                crisis=crisis,
                actor=users["staff_lby"],
                level=3,
                justification="x",
                score_scale=3,
                score_urgency=3,
                score_complexity=3,
                score_capacity=3,
                score_risk=3,
            )

    pending(["a"])
    few = count_queries(lambda: client.get("/crises/approvals/"))
    pending(["b", "c", "d", "e"])
    many = count_queries(lambda: client.get("/crises/approvals/"))
    assert many == few
    assert Crisis.objects.count() == 5
