"""The referral form preselects nothing and sends only on "Send"; a partner clears a suggested
government and the other way round; a counter-trafficking referral to a government warns in red."""

import re

import pytest
from django.urls import reverse

from caseload.models import Referral
from core.models import DomainEvent

from .factories import MigrantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def egyptian(demo, libya):
    return MigrantFactory(office=demo["offices"]["lby"], crisis=libya, nationality="EGY")


def _open_form(page, login, live_server, migrant):
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:referral_create', args=[migrant.pk])}")


def test_an_untouched_form_sends_nothing(page, login, live_server, demo, egyptian, axe_violations):
    _open_form(page, login, live_server, egyptian)
    assert axe_violations(page) == []
    assert page.locator("[name=kind]").input_value() == ""
    assert page.locator("[name=recipient_government]").input_value() == ""
    assert page.locator("[name=recipient_partner]").input_value() == ""
    assert page.locator("[name=send][type=checkbox]").count() == 0
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert not Referral.objects.filter(migrant=egyptian).exists()
    # Chosen as consular, the government of nationality is suggested; saving keeps a draft, unsent.
    page.locator("[name=kind]").select_option("consular")
    assert page.locator("[name=recipient_government]").input_value() == str(demo["governments"]["EGY"].pk)
    assert page.locator("#suggestion").is_visible()
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(re.compile(r"/caseload/referrals/\d+/$"))
    referral = Referral.objects.get(migrant=egyptian)
    assert referral.status == "draft" and referral.sent_at is None
    assert not DomainEvent.objects.filter(type="referral.sent").exists()


def test_choosing_a_partner_clears_the_government_and_back(page, login, live_server, demo, egyptian):
    _open_form(page, login, live_server, egyptian)
    government, partner = page.locator("[name=recipient_government]"), page.locator("[name=recipient_partner]")
    page.locator("[name=kind]").select_option("consular")
    assert government.input_value() == str(demo["governments"]["EGY"].pk)
    partner.select_option(str(demo["partners"]["unhcr"].pk))
    assert government.input_value() == ""
    government.select_option(str(demo["governments"]["BGD"].pk))
    assert partner.input_value() == ""
    # Another kind drops only a suggestion, never a government chosen by hand.
    page.locator("[name=kind]").select_option("health")
    assert government.input_value() == str(demo["governments"]["BGD"].pk)


def test_a_trafficking_referral_to_a_government_warns_in_red(page, login, live_server, demo, egyptian, axe_violations):
    _open_form(page, login, live_server, egyptian)
    warning = page.locator("#trafficking-warning")
    page.locator("[name=kind]").select_option("counter_trafficking")
    # No government was suggested for this kind: nothing to warn about yet.
    assert page.locator("[name=recipient_government]").input_value() == ""
    assert not warning.is_visible()
    page.locator("[name=recipient_government]").select_option(str(demo["governments"]["EGY"].pk))
    assert warning.is_visible()
    color = warning.evaluate("el => getComputedStyle(el).color")
    red, green, blue = (int(v) for v in re.findall(r"\d+", color)[:3])
    assert red > 120 and green < 60 and blue < 60, color
    assert axe_violations(page) == []
    # Sending without the confirmation is refused, and nothing is saved.
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_load_state()
    assert not Referral.objects.filter(migrant=egyptian).exists()
    assert page.locator("#trafficking-warning").is_visible()
    page.locator("[name=recipient_partner]").select_option(str(demo["partners"]["unhcr"].pk))
    assert not warning.is_visible()
