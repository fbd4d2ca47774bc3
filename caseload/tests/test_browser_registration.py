"""The registration forms in a real chromium: every error of a submit at once with a summary that
links to each field, the sections, the pickers, and a household registered together."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.models import Consent, Migrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _field(page, label):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_one_submit_shows_every_error_with_a_summary_linking_to_each_field(
    page, login, live_server, transactional_db, demo, libya, axe_violations
):
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:migrant_create')}")
    legends = page.locator("fieldset.form-section > legend").all_inner_texts()
    assert legends == ["Identity", "Documents", "Location", "Vulnerabilities", "Consent"]
    assert _field(page, "Registering office").input_value() == str(demo["offices"]["lby"].pk)
    assert page.locator("#id_nationality").get_attribute("list") == "country-names"
    assert page.locator("#country-names option").count() > 240
    assert axe_violations(page) == []

    future = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    _field(page, "Crisis").select_option(str(libya.pk))
    _field(page, "Given name").fill("Amal")
    _field(page, "Family name").fill("Said")
    _field(page, "Sex").select_option("female")
    _field(page, "Date of birth").fill(future)
    _field(page, "Nationality").fill("Egypt")
    _field(page, "Languages").fill("Arabic")
    page.get_by_label("Languages 2").fill("Elvish")
    _field(page, "Phone").fill("not a phone")
    _field(page, "Travel document").select_option("lost")
    _field(page, "Current country").fill("Libya")
    _field(page, "Population group").select_option("international_migrant")
    page.locator('input[name="consent_purposes"][value="consular"]').check()  # a purpose, no recipient
    page.get_by_role("button", name="Register", exact=True).click()

    summary = page.locator("[data-error-summary]")
    # The page's offline queue sends the form itself and then shows the server's answer: wait for it.
    summary.wait_for(state="visible")
    links = summary.get_by_role("link")
    texts = links.all_inner_texts()
    # Everything wrong in one go: the future date of birth with the bad phone and the rest.
    for label in ("Date of birth", "Phone", "Languages", "Governments the person agreed to share with"):
        assert any(text.startswith(label) for text in texts), texts
    assert any("Elvish" in text for text in texts)
    # What was typed is still there, and a summary link takes the focus to its field.
    assert _field(page, "Given name").input_value() == "Amal"
    assert _field(page, "Nationality").input_value() == "Egypt"
    summary.get_by_role("link", name=re.compile("^Phone")).click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    assert axe_violations(page) == []
    assert not Migrant.objects.filter(family_name="Said").exists()

    # Corrected, with the consent to share with Egypt for a consular referral: one submit saves both.
    _field(page, "Date of birth").fill("1990-02-03")
    _field(page, "Phone").fill("+20 100 555 1234")
    page.get_by_label("Languages 2").fill("French")
    page.locator("[data-field='consent_governments']").get_by_label(demo["governments"]["EGY"].name).check()
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url(re.compile(r"/caseload/migrants/\d+/(#.*)?$"))  # the summary link's #id_phone kept
    migrant = Migrant.objects.get(family_name="Said")
    assert migrant.nationality == "EGY" and migrant.languages == ["ar", "fr"]
    assert list(Consent.objects.filter(migrant=migrant).values_list("purposes", flat=True)) == [["consular"]]


def test_a_household_is_registered_on_one_page_at_390_px(
    page, login, live_server, transactional_db, demo, libya, axe_violations
):
    login(page, "staff_lby")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('caseload:migrant_create')}")
    page.get_by_role("link", name="Register a household or group together").click()
    page.wait_for_url(re.compile(r"/household/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    shared = page.locator("[data-section='shared']")
    _field(shared, "Crisis").select_option(str(libya.pk))
    _field(shared, "Group or household").fill("HH-DUNE")
    _field(shared, "Current country").fill("Libya")
    _field(shared, "Population group").select_option("international_migrant")
    people = [("Ali", "male", "1980-01-01"), ("Zeinab", "female", "1984-05-05")]
    for index, (name, sex, born) in enumerate(people):
        person = page.locator(f"[data-person='{index}']")
        _field(person, "Given name").fill(name)
        _field(person, "Family name").fill("Adam")
        _field(person, "Sex").select_option(sex)
        _field(person, "Date of birth").fill(born)
        _field(person, "Nationality").fill("Sudan")
        _field(person, "Travel document").select_option("none")
    # A third person with no name and a bad nationality: errors on that row only, nobody saved.
    third = page.locator("[data-person='2']")
    _field(third, "Family name").fill("Adam")
    _field(third, "Nationality").fill("Atlantis")
    page.get_by_role("button", name="Register everyone").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert all(text.startswith("Person 3") for text in summary.get_by_role("link").all_inner_texts())
    assert third.locator(".field-error").count() >= 3
    assert page.locator("[data-person='0'] .field-error").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    assert not Migrant.objects.filter(household="HH-DUNE").exists()

    # The third person is really the children's grandmother, of an estimated age.
    _field(third, "Given name").fill("Halima")
    _field(third, "Sex").select_option("female")
    _field(third, "Estimated age").fill("70")
    _field(third, "Nationality").fill("Sudan")
    _field(third, "Travel document").select_option("none")
    third.get_by_label("Older person").check()
    page.get_by_role("button", name="Register everyone").click()
    page.wait_for_url(re.compile(r"/caseload/\?household=HH-DUNE"))
    household = Migrant.objects.filter(household="HH-DUNE")
    assert household.count() == 3 and {m.nationality for m in household} == {"SDN"}
    assert household.get(given_name="Halima").vulnerabilities == ["older_person"]
    assert page.get_by_text("3 people registered together as HH-DUNE.").is_visible()
