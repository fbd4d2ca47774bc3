"""List filters, the events' transaction, bad level input in the browser, concurrent codes."""

import datetime
import threading

import pytest
from django.db import connection

from core import events
from crises import services
from crises.models import Crisis, LevelProposal

from .conftest import SCORES

pytestmark = pytest.mark.django_db


@pytest.fixture
def several(users, offices):
    def register(name, **values):
        base = {
            "crisis_type": "man_made",
            "movement": "internal",
            "country": "LBY",
            "start_date": datetime.date(2026, 1, 1),
        }
        base.update(values)
        return services.crisis_register(actor=users["staff_lby"], office=offices["lby"], name=name, **base)

    floods = register("Floods", crisis_type="sudden_natural", phase="before", glide="FL-2026-000001-LBY")
    conflict = register("Conflict", movement="cross_border", other_countries=["TUN"])
    cholera = register("Cholera", crisis_type="health")
    services.escalation_approve(
        proposal=services.escalation_propose(
            crisis=conflict, actor=users["staff_lby"], level=2, justification="x", **SCORES
        ),
        actor=users["hq"],
    )
    services.crisis_update(
        crisis=cholera, actor=users["staff_lby"], status="closed", end_date=datetime.date(2026, 2, 1)
    )
    return {"floods": floods, "conflict": conflict, "cholera": cholera}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("crisis_type=sudden_natural", {"floods"}),
        ("phase=before", {"floods"}),
        ("level=2", {"conflict"}),
        ("level=none", {"floods", "cholera"}),
        ("country=TUN", {"conflict"}),
        ("country=lby", {"floods", "conflict", "cholera"}),
        ("status=closed", {"cholera"}),
        ("q=flo", {"floods"}),
        ("q=FL-2026", {"floods"}),
        ("status=active&crisis_type=man_made", {"conflict"}),
    ],
)
def test_list_filters_in_the_api_and_the_page(users, several, api_for, client_for, query, expected):
    codes = {several[name].code for name in expected}
    rows = api_for(users["hq"]).get(f"/api/v1/crises/?{query}").json()["results"]
    assert {row["code"] for row in rows} == codes
    page = client_for(users["hq"]).get(f"/crises/?{query}")
    assert {c.code for c in page.context["page"].object_list} == codes


def test_events_share_the_transaction_of_the_change(users, offices):
    """A subscriber that fails rolls the registration back: event and change commit together."""

    def refuse(event):
        raise RuntimeError("subscriber failed")

    events._subscribers.append(("crisis.registered", refuse))
    try:
        with pytest.raises(RuntimeError):
            services.crisis_register(
                actor=users["staff_lby"],
                office=offices["lby"],
                name="Rolled back",
                crisis_type="man_made",
                movement="internal",
                country="LBY",
                start_date=datetime.date(2026, 1, 1),
            )
    finally:
        events._subscribers.remove(("crisis.registered", refuse))
    assert not Crisis.objects.filter(name="Rolled back").exists()


@pytest.mark.parametrize(
    ("field", "value"), [("level", "4"), ("level", "0"), ("score_scale", "9"), ("justification", "")]
)
def test_bad_proposal_in_the_form_names_the_field_and_saves_nothing(users, client_for, crisis, field, value):
    body = {"level": "3", **{k: str(v) for k, v in SCORES.items()}, "justification": "Because.", field: value}
    response = client_for(users["staff_lby"]).post(f"/crises/{crisis.pk}/propose/", body)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not LevelProposal.objects.exists()


def test_propose_form_saves(users, client_for, crisis):
    body = {"level": "1", **{k: str(v) for k, v in SCORES.items()}, "justification": "Because."}
    response = client_for(users["staff_lby"]).post(f"/crises/{crisis.pk}/propose/", body)
    assert response.status_code == 302
    assert LevelProposal.objects.get().level == 1


@pytest.mark.parametrize("username", ["hq", "staff_tun"])
def test_propose_form_refused_to_who_may_not_propose(users, client_for, crisis, username):
    assert client_for(users[username]).get(f"/crises/{crisis.pk}/propose/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_codes(demo, users, offices):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    barrier = threading.Barrier(3)
    codes: list[str] = []

    def register(n):
        try:
            barrier.wait(timeout=10)
            crisis = services.crisis_register(
                actor=users["staff_lby"],
                office=offices["lby"],
                name=f"Same moment {n}",
                crisis_type="man_made",
                movement="internal",
                country="LBY",
                start_date=datetime.date(2030, 1, 1),
            )
            codes.append(crisis.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(codes) == ["LBY-2030-001", "LBY-2030-002", "LBY-2030-003"]


def test_admin_pages_for_hq(users, client_for, crisis, propose):
    from crises.models import LevelPolicy, LevelPolicyRevision

    propose(crisis, users["staff_lby"], 2)
    client = client_for(users["hq"])
    for url in (
        "/admin/crises/crisis/",
        f"/admin/crises/crisis/{crisis.pk}/change/",
        "/admin/crises/levelproposal/",
        "/admin/crises/levelpolicy/",
    ):
        assert client.get(url).status_code == 200, url
    policy = LevelPolicy.objects.current()[1]
    before = LevelPolicyRevision.objects.filter(policy=policy).count()
    response = client.post(
        f"/admin/crises/levelpolicy/{policy.pk}/change/",
        {
            "approver": "chief_of_mission",
            "validity_months": 3,
            "extension_months": 3,
            "max_extensions": 1,
            "sitrep_cadence_days": 30,
            "notify": '["office"]',
            "revisions-TOTAL_FORMS": 0,
            "revisions-INITIAL_FORMS": 0,
            "revisions-MIN_NUM_FORMS": 0,
            "revisions-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    policy.refresh_from_db()
    assert policy.validity_months == 3 and policy.notify == ["office"]
    assert LevelPolicyRevision.objects.filter(policy=policy).count() == before + 1
