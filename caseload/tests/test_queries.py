"""List pages and endpoints keep a constant number of queries whatever the page size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload.models import Consent

from .factories import MigrantFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(demo, libya):
    lby = demo["offices"]["lby"]
    egypt, unhcr = demo["governments"]["EGY"], demo["partners"]["unhcr"]
    for n in range(60):
        migrant = MigrantFactory(office=lby, crisis=libya, vulnerabilities=["medical_need"] if n % 3 else [])
        Consent.objects.create(migrant=migrant, government=egypt, purposes=["consular"], given_on="2026-02-01")
        ReferralFactory(migrant=migrant, recipient_government=egypt, kind="consular", status="sent")
        ReferralFactory(migrant=migrant, recipient_partner=unhcr, kind="shelter", status="acknowledged")
    return lby


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response


def _rows(response):
    if response.get("Content-Type", "").startswith("application/json"):
        return len(response.json()["results"])
    return response.content.decode().count("<tr data-referral=") or response.content.decode().count(
        "caseload/migrants/"
    )


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("staff_lby", "/caseload/"),
        ("staff_lby", "/caseload/?nationality=EGY&vulnerability=medical_need&referral_kind=consular&q=hassan"),
        ("hq", "/caseload/"),
        ("staff_lby", "/caseload/referrals/"),
        ("staff_lby", "/caseload/referrals/?status=sent&overdue=false"),
        ("gov_egy", "/caseload/inbox/"),
        ("gov_egy", "/caseload/inbox/?kind=consular&status=sent&overdue=false"),
        ("unhcr", "/caseload/inbox/"),
    ],
)
def test_list_pages_constant_queries(users, client_for, caseload, username, url):
    client = client_for(users[username])
    sep = "&" if "?" in url else "?"
    client.get(url)  # warm up the session
    small, small_response = _count(client, f"{url}{sep}page_size=1")
    large, large_response = _count(client, f"{url}{sep}page_size=50")
    assert _rows(large_response) > _rows(small_response) >= 1
    assert small == large


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("staff_lby", "/api/v1/migrants/"),
        ("staff_lby", "/api/v1/migrants/?nationality=EGY&vulnerability=medical_need&referral_status=sent"),
        ("hq", "/api/v1/migrants/"),
        ("staff_lby", "/api/v1/referrals/"),
        ("hq", "/api/v1/referrals/?kind=shelter"),
        ("gov_egy", "/api/v1/referrals/"),
        ("gov_egy", "/api/v1/referrals/?overdue=false&status=sent"),
        ("unhcr", "/api/v1/referrals/"),
    ],
)
def test_endpoints_constant_queries(users, api_for, caseload, username, url):
    client = api_for(users[username])
    sep = "&" if "?" in url else "?"
    client.get(url)
    small, small_response = _count(client, f"{url}{sep}page_size=1")
    large, large_response = _count(client, f"{url}{sep}page_size=50")
    assert len(large_response.json()["results"]) > len(small_response.json()["results"]) == 1
    assert small == large
    # And the next page by cursor costs the same.
    next_url = small_response.json()["next"]
    assert next_url
    more, _ = _count(client, next_url)
    assert more == small


def test_list_pages_never_count_the_table(users, client_for, api_for, caseload):
    for client, url in (
        (client_for(users["staff_lby"]), "/caseload/"),
        (client_for(users["gov_egy"]), reverse("caseload:inbox")),
        (api_for(users["staff_lby"]), "/api/v1/migrants/"),
    ):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_crisis_filter_reads_the_crises_once(users, client_for, caseload, libya, demo):
    """The options printed and the choice checked come from one read of the user's crises."""
    from crises.tests.factories import CrisisFactory

    elsewhere = CrisisFactory(office=demo["offices"]["hti"], country="HTI", code="HTI-TEST-1", name="Elsewhere")
    client = client_for(users["staff_lby"])
    client.get("/caseload/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/caseload/?crisis={libya.pk}")
    assert response.status_code == 200
    assert len([q for q in ctx.captured_queries if 'FROM "crises_crisis"' in q["sql"]]) == 1
    assert len(re.findall(r'href="/caseload/migrants/\d+/"', response.content.decode())) == 50
    # A crisis the office does not see is refused like one that does not exist, naming the field.
    refused = client.get(f"/caseload/?crisis={elsewhere.pk}")
    page = refused.content.decode()
    assert refused.status_code == 200
    assert not re.findall(r'href="/caseload/migrants/\d+/"', page)
    assert "Select a valid choice" in page
    assert "HTI-TEST-1" not in page


def test_the_lines_of_the_lists_escape_what_people_typed(demo, libya, client_for, users):
    """The caseload and referral lines are written in Python (caseload.rows): a name is shown as
    typed, never read as markup."""
    lby = demo["offices"]["lby"]
    typed = '<img src=x onerror="alert(1)"> & Aya'
    migrant = MigrantFactory(office=lby, crisis=libya, given_name=typed, family_name="O'Brien <b>", reference="R<1>")
    ReferralFactory(migrant=migrant, recipient_government=demo["governments"]["EGY"], kind="consular")
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Aya O&#x27;Brien &lt;b&gt;"
    client = client_for(users["staff_lby"])
    for url in (reverse("caseload:migrant_list"), reverse("caseload:referral_list")):
        page = client.get(url).content.decode()
        assert escaped in page, url
        assert typed not in page and "<b>" not in page.split("<tbody>", 1)[1]
    assert ">R&lt;1&gt;</a>" in client.get(reverse("caseload:migrant_list")).content.decode()
