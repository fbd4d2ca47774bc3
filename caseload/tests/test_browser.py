"""Staff register a migrant and refer them to Egypt; Egypt issues a travel document and completes."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.models import Migrant, Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _field(page, label):
    """The control of a form field by its label (required fields' labels end in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))


def test_consular_referral_from_registration_to_completion(
    page, login, live_server, transactional_db, demo, libya, axe_violations
):
    # staff_lby registers a migrant.
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_list')}")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Register a migrant").click()
    assert axe_violations(page) == []
    _field(page, "Crisis").select_option(str(libya.pk))
    _field(page, "Given name").fill("Mahmoud")
    _field(page, "Family name").fill("El-Sayed")
    _field(page, "Sex").select_option("male")
    _field(page, "Date of birth").fill("1988-07-14")
    _field(page, "Nationality").fill("Egypt")
    _field(page, "Travel document").select_option("lost")
    _field(page, "Current country").fill("Libya")
    _field(page, "Population group").select_option("international_migrant")
    _field(page, "Phone").fill("+20 100 555 1234")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/caseload/migrants/\d+/$"))
    migrant = Migrant.objects.get(family_name="El-Sayed")

    # ... records the consent to share with Egypt, and sends a consular referral.
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label(demo["governments"]["EGY"].name).check()
    page.locator('input[name="purposes"][value="consular"]').check()
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(re.compile(rf"/caseload/migrants/{migrant.pk}/$"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="New referral").click()
    _field(page, "Kind").select_option("consular")
    _field(page, "Government").select_option(str(demo["governments"]["EGY"].pk))
    _field(page, "Priority").select_option("urgent")
    page.get_by_label("What is asked").fill("Emergency travel document: passport lost in Tripoli.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(re.compile(r"/caseload/referrals/\d+/$"))
    referral = Referral.objects.get(migrant=migrant)
    assert page.locator("#referral-status").inner_text() == "Sent"
    _logout(page)

    # gov_egy sees it in the inbox, acknowledges, starts, records the document and completes.
    login(page, "gov_egy")
    page.goto(f"{live_server.url}{reverse('caseload:inbox')}")
    assert axe_violations(page) == []
    page.locator(f'tr[data-referral="{referral.pk}"] a').click()
    page.wait_for_url(re.compile(rf"/caseload/referrals/{referral.pk}/$"))
    assert "Mahmoud" in page.locator("#disclosed-fields").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(re.compile(rf"/caseload/referrals/{referral.pk}/$"))
    assert page.locator("#referral-status").inner_text() == "Acknowledged"
    page.get_by_role("button", name="Start").click()
    assert page.locator("#referral-status").inner_text() == "In progress"
    page.get_by_label("Document type").select_option("etd")
    page.get_by_label("Document number").fill("ETD-EGY-2026-0042")
    page.get_by_label("Date issued").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record", exact=True).click()
    assert "ETD-EGY-2026-0042" in page.locator("#outcome-document").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Complete").click()
    assert page.locator("#referral-status").inner_text() == "Completed"
    _logout(page)

    # staff_lby sees it completed.
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_detail', args=[migrant.pk])}")
    card = page.locator(f'[data-referral="{referral.pk}"]')
    assert card.locator("[data-status]").inner_text() == "Completed"
    assert Referral.objects.get(pk=referral.pk).document_number == "ETD-EGY-2026-0042"
