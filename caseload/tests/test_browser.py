"""Staff register a migrant and refer them to Egypt; Egypt issues a travel document and completes."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.models import Migrant, Referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))


def test_consular_referral_from_registration_to_completion(page, login, live_server, transactional_db, demo, libya):
    # staff_lby registers a migrant.
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_list')}")
    page.get_by_role("link", name="Register a migrant").click()
    page.get_by_label("Crisis", exact=True).select_option(str(libya.pk))
    page.get_by_label("Given name", exact=True).fill("Mahmoud")
    page.get_by_label("Family name", exact=True).fill("El-Sayed")
    page.get_by_label("Sex", exact=True).select_option("male")
    page.get_by_label("Date of birth", exact=True).fill("1988-07-14")
    page.get_by_label("Nationality", exact=True).select_option("EGY")
    page.get_by_label("Travel document", exact=True).select_option("lost")
    page.get_by_label("Current country", exact=True).select_option("LBY")
    page.get_by_label("Population group", exact=True).select_option("international_migrant")
    page.get_by_label("Phone", exact=True).fill("+20 100 555 1234")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/caseload/migrants/\d+/$"))
    migrant = Migrant.objects.get(family_name="El-Sayed")

    # ... records the consent to share with Egypt, and sends a consular referral.
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label(demo["governments"]["EGY"].name).check()
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(re.compile(rf"/caseload/migrants/{migrant.pk}/$"))
    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Kind", exact=True).select_option("consular")
    page.get_by_label("Government", exact=True).select_option(str(demo["governments"]["EGY"].pk))
    page.get_by_label("Priority", exact=True).select_option("urgent")
    page.get_by_label("What is asked").fill("Emergency travel document: passport lost in Tripoli.")
    page.get_by_role("button", name="Save referral").click()
    page.wait_for_url(re.compile(r"/caseload/referrals/\d+/$"))
    referral = Referral.objects.get(migrant=migrant)
    assert page.locator("#referral-status").inner_text() == "Sent"
    _logout(page)

    # gov_egy sees it in the inbox, acknowledges, starts, records the document and completes.
    login(page, "gov_egy")
    page.goto(f"{live_server.url}{reverse('caseload:inbox')}")
    page.locator(f'tr[data-referral="{referral.pk}"] a').click()
    page.wait_for_url(re.compile(rf"/caseload/referrals/{referral.pk}/$"))
    assert "Mahmoud" in page.locator("#disclosed-fields").inner_text()
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
    page.get_by_role("button", name="Complete").click()
    assert page.locator("#referral-status").inner_text() == "Completed"
    _logout(page)

    # staff_lby sees it completed.
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_detail', args=[migrant.pk])}")
    card = page.locator(f'[data-referral="{referral.pk}"]')
    assert card.locator("[data-status]").inner_text() == "Completed"
    assert Referral.objects.get(pk=referral.pk).document_number == "ETD-EGY-2026-0042"
