"""Dashboard figures: what each role may see, nothing more, in a fixed number of queries."""

from __future__ import annotations

import datetime
import re
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import office_staff
from caseload.tests.factories import MigrantFactory, ReferralFactory
from crises.tests.factories import CrisisFactory
from reports.dashboard import Filters, dashboard_for, inbox_counts
from reports.models import DashboardSnapshot

from .conftest import NOW, completed

pytestmark = pytest.mark.django_db


def table(dashboard, key):
    return next(t for t in dashboard.tables if t.key == key)


def rows(dashboard, key) -> dict[str, list]:
    return dict(table(dashboard, key).rows)


def fresh(user):
    """The user as a new request loads it (no cached memberships or grants)."""
    return type(user).objects.get(pk=user.pk)


# --- Figures per role -----------------------------------------------------------------------------
def test_hq_sees_every_crisis_case_and_referral(world):
    board = dashboard_for(fresh(world.users["hq"]))
    assert board.totals == {
        "crises": 3,
        "migrants": 15,
        "referrals": 12,
        "open_referrals": 7,  # sent 5, acknowledged 1, in progress 1
        "overdue_referrals": 2,
    }
    # Crises by phase (rows) and level (columns: Level 3, Level 2, Level 1, No level).
    assert rows(board, "crises") == {
        "Before: prevention and preparedness": [0, 1, 0, 0],
        "During: emergency response": [1, 0, 0, 0],
        "After: transition and recovery": [0, 0, 0, 1],
    }
    assert table(board, "crises").totals == [1, 1, 0, 1]
    assert rows(board, "caseload-crisis") == {
        "LBY-T Libya (test)": [9],
        "TUN-T Tunisia (test)": [4],
        "HTI-T Haiti (test)": [2],
    }
    assert rows(board, "caseload-nationality") == {
        "Egypt (EGY)": [6],
        "Niger (NER)": [4],
        "Bangladesh (BGD)": [3],
        "Haiti (HTI)": [2],
    }
    # Columns: draft, sent, acknowledged, in progress, completed, declined, cancelled.
    assert rows(board, "referrals") == {
        "Consular assistance": [1, 2, 1, 1, 2, 0, 0],
        "Transport assistance": [0, 1, 0, 0, 0, 0, 0],
        "Counter-trafficking protection": [0, 1, 0, 0, 0, 0, 0],
        "Health support": [0, 1, 0, 0, 1, 0, 0],
        "Shelter": [0, 0, 0, 0, 1, 0, 0],
    }
    # Overdue, by priority: life-saving, urgent, normal.
    assert rows(board, "overdue") == {"Consular assistance": [0, 1, 0], "Transport assistance": [0, 0, 1]}
    # Median days from sent to completed, and how many completed referrals it is taken over.
    assert rows(board, "median") == {
        "Consular assistance": [3.5, 2],
        "Health support": [1.0, 1],
        "Shelter": [3.0, 1],
    }


def test_an_office_sees_its_own_data_only(world):
    board = dashboard_for(fresh(world.users["staff_lby"]))
    assert board.totals == {"crises": 1, "migrants": 9, "referrals": 8, "open_referrals": 5, "overdue_referrals": 1}
    assert set(rows(board, "caseload-crisis")) == {"LBY-T Libya (test)"}
    assert rows(board, "caseload-nationality") == {"Egypt (EGY)": [6], "Bangladesh (BGD)": [3]}
    assert rows(board, "overdue") == {"Transport assistance": [0, 0, 1]}
    assert rows(board, "median") == {"Consular assistance": [3.5, 2]}
    assert "Counter-trafficking protection" in rows(board, "referrals")  # with the sensitive permission

    tunisia = dashboard_for(fresh(world.users["staff_tun"]))
    assert tunisia.totals == {"crises": 1, "migrants": 4, "referrals": 3, "open_referrals": 2, "overdue_referrals": 1}
    assert rows(tunisia, "caseload-nationality") == {"Niger (NER)": [4]}
    assert rows(tunisia, "median") == {"Health support": [1.0, 1]}
    assert "LBY-T Libya (test)" not in rows(tunisia, "caseload-crisis")


def test_staff_without_the_sensitive_permission_do_not_count_sensitive_records(world):
    plain = office_staff(world.offices["lby"])
    board = dashboard_for(plain)
    assert board.totals["migrants"] == 8  # not the victim
    assert board.totals["referrals"] == 7  # not the counter-trafficking referral
    assert "Counter-trafficking protection" not in rows(board, "referrals")


def test_a_liaison_sees_the_counts_of_its_inbox(world):
    egypt = inbox_counts(fresh(world.users["gov_egy"]))
    # Sent, acknowledged, two completed: never the draft, never the victim's referral.
    assert (egypt.total, egypt.open, egypt.overdue) == (4, 2, 0)
    assert {status: n for status, _label, n in egypt.by_status if n} == {"sent": 1, "acknowledged": 1, "completed": 2}
    assert "draft" not in {status for status, _label, _n in egypt.by_status}
    unhcr = inbox_counts(fresh(world.users["unhcr"]))
    assert (unhcr.total, unhcr.open, unhcr.overdue) == (4, 2, 1)
    assert dict(unhcr.by_kind.rows) == {
        "Transport assistance": [1, 0, 0, 0, 0, 0],
        "Health support": [1, 0, 0, 1, 0, 0],
        "Shelter": [0, 0, 0, 1, 0, 0],
    }


# --- Filters ------------------------------------------------------------------------------------
def test_filters_by_crisis_country_and_period(world):
    hq = fresh(world.users["hq"])
    by_crisis = dashboard_for(hq, Filters(crisis_id=world.crises.tun.pk))
    assert by_crisis.totals == {"crises": 1, "migrants": 4, "referrals": 3, "open_referrals": 2, "overdue_referrals": 1}
    by_country = dashboard_for(hq, Filters(country="HTI"))
    assert by_country.totals["migrants"] == 2 and by_country.totals["crises"] == 1
    # A country the Libya crisis affects (transit) brings that crisis in, as in the crisis list.
    from crises.models import CrisisCountry

    CrisisCountry.objects.create(crisis=world.crises.lby, country="TUN")
    assert dashboard_for(hq, Filters(country="TUN")).totals["migrants"] == 13
    # Period: migrants registered and referrals created in it; crises active in it.
    MigrantFactory(office=world.offices["hti"], crisis=world.crises.hti, created_at=NOW - datetime.timedelta(days=400))
    today = NOW.date()
    recent = dashboard_for(hq, Filters(date_from=today - datetime.timedelta(days=30), date_to=today))
    assert recent.totals["migrants"] == 15
    assert dashboard_for(hq).totals["migrants"] == 16
    old = dashboard_for(hq, Filters(date_to=datetime.date(2010, 6, 1)))
    assert old.totals["crises"] == 1  # Haiti began in January 2010; the others later
    assert old.totals["migrants"] == 0


def test_filters_offer_only_what_the_user_may_see(world, client_for):
    html = client_for(world.users["staff_tun"]).get("/").content.decode()
    assert "TUN-T" in html and "LBY-T" not in html
    response = client_for(world.users["staff_tun"]).get(f"/?crisis={world.crises.lby.pk}")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert 'data-total="migrants"' not in response.content.decode()  # no figures under a refused filter


# --- The page -----------------------------------------------------------------------------------
def _totals(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-total="(\w+)">(\d+)<', html)}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (
            "hq",
            {
                "crises": 3,
                "migrants": 15,
                "referrals": 12,
                "open_referrals": 7,
                "people_moved": 0,
                "overdue_referrals": 2,
            },
        ),
        (
            "staff_lby",
            {
                "crises": 1,
                "migrants": 9,
                "referrals": 8,
                "open_referrals": 5,
                "people_moved": 0,
                "overdue_referrals": 1,
            },
        ),
        (
            "staff_tun",
            {
                "crises": 1,
                "migrants": 4,
                "referrals": 3,
                "open_referrals": 2,
                "people_moved": 0,
                "overdue_referrals": 1,
            },
        ),
        (
            "staff_hti",
            {
                "crises": 1,
                "migrants": 2,
                "referrals": 1,
                "open_referrals": 0,
                "people_moved": 0,
                "overdue_referrals": 0,
            },
        ),
        ("gov_egy", {"referrals": 4, "open_referrals": 2, "overdue_referrals": 0}),
        ("gov_bgd", {"referrals": 1, "open_referrals": 1, "overdue_referrals": 0}),
        ("unhcr", {"referrals": 4, "open_referrals": 2, "overdue_referrals": 1}),
    ],
)
def test_overview_page_shows_each_role_its_figures(world, client_for, username, expected):
    response = client_for(world.users[username]).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _totals(html) == expected
    if username.startswith(("hq", "staff")):
        # One chart per figure that has something to draw (Haiti has no overdue referral).
        assert html.count("<canvas") == (5 if username == "staff_hti" else 6)
        assert html.count('class="dashboard-table"') == 9  # and the three of people moved
        assert 'id="dashboard-charts"' in html and 'type="application/json"' in html
        assert "chart.umd.min.js" in html
        assert 'style="' not in html and "onclick" not in html
    else:
        assert "<canvas" not in html and "chart.umd.min.js" not in html


# --- Constant number of queries ----------------------------------------------------------------
def _grow(world, n: int) -> None:
    """More crises, nationalities, cases and referrals of every kind and status, in every office."""
    nationalities = ["SDN", "ERI", "ETH", "SOM", "MLI", "GHA", "NGA", "SEN", "CMR", "TGO", "BEN", "GIN"]
    government = world.referrals.egy_sent.recipient_government
    for i in range(n):
        office = world.offices[("lby", "tun", "hti")[i % 3]]
        crisis = CrisisFactory(office=office, level=(i % 3) + 1, phase=("before", "during", "after")[i % 3])
        migrant = MigrantFactory(office=office, crisis=crisis, nationality=nationalities[i % len(nationalities)])
        ReferralFactory(migrant=migrant, recipient_government=government, kind="consular", **completed(9, 1 + i % 4))
        ReferralFactory(migrant=migrant, recipient_government=government, kind="transport", priority="life_saving")


@pytest.mark.parametrize("username", ["hq", "staff_lby", "staff_tun"])
def test_dashboard_takes_six_queries_whatever_the_data(world, username, django_assert_num_queries):
    user = fresh(world.users[username])
    user.office_ids, user.office_ids_with("view_sensitive_records")  # the request loads these once
    with django_assert_num_queries(6):
        small = dashboard_for(user)
    _grow(world, 24)
    with django_assert_num_queries(6):
        large = dashboard_for(user)
    assert large.totals["migrants"] > small.totals["migrants"]


def test_overview_page_takes_as_many_queries_for_much_data_as_for_little(world, client_for):
    def queries(username: str) -> int:
        client = client_for(world.users[username])
        DashboardSnapshot.objects.all().delete()  # the figures computed live, not read from a snapshot
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    usernames = ["hq", "staff_lby", "gov_egy", "unhcr"]
    before = {username: queries(username) for username in usernames}
    _grow(world, 30)
    assert {username: queries(username) for username in usernames} == before
    # And with every filter on.
    client = client_for(world.users["hq"])
    DashboardSnapshot.objects.all().delete()
    query = f"?crisis={world.crises.lby.pk}&country=LBY&date_from=2026-01-01&date_to=2030-01-01"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/" + query).status_code == 200
    assert len(ctx.captured_queries) <= before["hq"] + 1  # the chosen crisis is looked up to validate it


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_cont is PostgreSQL's")
def test_median_in_the_database_matches_the_python_median(world):
    _grow(world, 11)
    from caseload.models import Referral

    durations = [
        (r.closed_at - r.sent_at).total_seconds() / 86400
        for r in Referral.objects.filter(kind="consular", status="completed")
    ]
    board = dashboard_for(fresh(world.users["hq"]))
    assert rows(board, "median")["Consular assistance"] == [round(statistics.median(durations), 1), len(durations)]


# --- API -------------------------------------------------------------------------------------
def test_dashboard_api_per_role(world, api_for):
    body = api_for(world.users["staff_tun"]).get("/api/v1/dashboard/").json()
    assert body["totals"]["migrants"] == 4
    assert {t["key"] for t in body["tables"]} == {
        "crises",
        "caseload-crisis",
        "caseload-nationality",
        "referrals",
        "overdue",
        "median",
        "moved-crisis",
        "moved-destination",
        "moved-week",
    }
    inbox = api_for(world.users["unhcr"]).get("/api/v1/dashboard/").json()
    assert (inbox["total"], inbox["overdue"]) == (4, 1)
    hq = api_for(world.users["hq"])
    assert hq.get(f"/api/v1/dashboard/?crisis={world.crises.hti.pk}").json()["totals"]["migrants"] == 2
    refused = hq.get("/api/v1/dashboard/?date_from=2026-02-01&date_to=2026-01-01")
    assert refused.status_code == 400 and "date_to" in refused.json()["error"]["fields"]
