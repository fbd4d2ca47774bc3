"""staff_lby registers a crisis and proposes Level 3; hq approves; the crisis page shows it."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from crises.models import Crisis, LevelProposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _field(page, label):
    """The control of a form field by its label (required fields' labels end in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))


def test_register_propose_level_3_and_hq_approves(page, login, live_server, transactional_db, demo, demo_crises):
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('crises:list')}")
    page.get_by_role("button", name="Register a crisis").click()
    _field(page, "Name").fill("Sabha clashes")
    _field(page, "Type").select_option("man_made")
    _field(page, "Phase").select_option("during")
    _field(page, "Movement").select_option("both")
    _field(page, "Country in crisis").select_option("LBY")
    _field(page, "Other affected countries").fill("TUN, DZA")
    _field(page, "Nationalities of migrants caught in the crisis").fill("NER, TCD, SDN")
    _field(page, "GLIDE number").fill("OT-2026-000123-LBY")
    _field(page, "Start date").fill("2026-10-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/crises/\d+/$"))
    crisis = Crisis.objects.get(name="Sabha clashes")
    assert crisis.code == "LBY-2026-001"
    assert page.get_by_text("LBY-2026-001").first.is_visible()

    page.get_by_role("link", name="Propose a level").click()
    _field(page, "Proposed level").select_option("3")
    for label in ("Scale", "Urgency", "Complexity", "Capacity (gap)", "Risk of failure to deliver"):
        _field(page, label).select_option("5")
    _field(page, "Justification").fill("Thousands of migrants trapped; the office cannot cope alone.")
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_url(re.compile(rf"/crises/{crisis.pk}/$"))
    assert page.locator(".level-timeline [data-status='pending']").count() == 1
    _logout(page)

    login(page, "hq")
    page.goto(f"{live_server.url}{reverse('crises:approvals')}")
    proposal = LevelProposal.objects.get(crisis=crisis)
    card = page.locator(f"[data-proposal='{proposal.pk}']")
    card.get_by_label("Comment").fill("Approved: scale-up per the SOP.")
    card.get_by_role("button", name="Approve Level 3").click()
    page.wait_for_url(re.compile(r"/crises/approvals/$"))
    assert page.locator(f"[data-proposal='{proposal.pk}']").count() == 0

    page.goto(f"{live_server.url}{reverse('crises:detail', kwargs={'pk': crisis.pk})}")
    assert page.locator("[data-field='level']").inner_text().strip() == "Level 3"
    timeline = page.locator(".level-timeline")
    assert timeline.locator("[data-status='approved']").count() == 1
    text = timeline.inner_text()
    assert (
        "Level 3 declared" in text
        and f"Decided by {User.objects.get(username='hq').get_full_name()}" in text
        and "scale-up per the SOP" in text
    )
    crisis.refresh_from_db()
    assert crisis.level == 3
    # The coordination list shows on the page: the State in crisis and the countries of origin.
    assert page.locator("[data-rule='country_of_origin']").count() == 3


def test_crisis_pages_are_accessible(page, login, live_server, transactional_db, demo, demo_crises, axe_violations):
    libya = demo_crises["libya"]
    login(page, "com_lby")
    for name, kwargs in (
        ("crises:list", {}),
        ("crises:detail", {"pk": libya.pk}),
        ("crises:register", {}),
        ("crises:propose", {"pk": libya.pk}),
        ("crises:approvals", {}),
        ("crises:policies", {}),
    ):
        page.goto(f"{live_server.url}{reverse(name, kwargs=kwargs)}")
        assert axe_violations(page) == [], name
