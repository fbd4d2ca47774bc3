"""Registering a household together, and the consent given at registration."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caseload import services
from caseload.models import Consent, Migrant
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _person(**overrides):
    person = {
        "given_name": "Amal",
        "family_name": "Idris",
        "sex": "female",
        "date_of_birth": datetime.date(1990, 1, 1),
        "nationality": "SDN",
        "document_status": "none",
        "languages": ["ar"],
        "vulnerabilities": [],
    }
    person.update(overrides)
    return person


SHARED = {
    "location_country": "LBY",
    "site": "Tajoura",
    "population_group": "international_migrant",
    "intention": "return",
    "legal_basis": "consent",
}


def test_a_household_is_registered_together_in_a_constant_number_of_queries(
    users, demo, libya, django_assert_max_num_queries
):
    office = demo["offices"]["lby"]
    people = [_person(given_name=name) for name in ("Amal", "Yusuf", "Mariam", "Omar", "Huda")]
    people[4] = _person(given_name="Huda", date_of_birth=None, estimated_age=6, vulnerabilities=["medical_need"])
    with django_assert_max_num_queries(12) as queries:
        migrants = services.household_register(
            actor=users["staff_lby"], office=office, crisis=libya, shared=SHARED, members=people
        )
    # A row more costs no query more.
    with django_assert_max_num_queries(len(queries.captured_queries)):
        services.household_register(
            actor=users["staff_lby"], office=office, crisis=libya, shared=SHARED, members=people + [_person()]
        )
    assert len(migrants) == 5
    household = migrants[0].household
    assert household.startswith("LBY-HH-")
    saved = Migrant.objects.filter(household=household)
    assert saved.count() == 5
    assert {m.crisis_id for m in saved} == {libya.pk} and {m.site for m in saved} == {"Tajoura"}
    assert saved.get(given_name="Huda").estimated_age == 6
    assert AuditEntry.objects.filter(object_type="caseload.migrant", action="create").count() == 11


def test_a_household_is_all_or_nothing_with_errors_per_person(users, demo, libya):
    office = demo["offices"]["lby"]
    future = timezone.localdate() + datetime.timedelta(days=5)
    people = [_person(), _person(phone="not a phone", date_of_birth=future), _person(date_of_birth=None)]
    with pytest.raises(ValidationError) as caught:
        services.household_register(
            actor=users["staff_lby"],
            office=office,
            crisis=libya,
            shared={**SHARED, "household": "HH-77"},
            members=people,
        )
    shared, per_person = services.member_errors(caught.value)
    assert shared == {}
    assert set(per_person) == {1, 2}
    assert {"phone", "date_of_birth"} <= set(per_person[1])
    assert set(per_person[2]) == {"date_of_birth"}  # neither a date of birth nor an age
    assert not Migrant.objects.filter(household="HH-77").exists()


def test_a_household_needs_two_people_and_an_office_of_ones_own(users, demo, libya):
    with pytest.raises(ValidationError):
        services.household_register(
            actor=users["staff_lby"], office=demo["offices"]["lby"], crisis=libya, shared=SHARED, members=[_person()]
        )
    with pytest.raises(Exception) as caught:
        services.household_register(
            actor=users["staff_tun"],
            office=demo["offices"]["lby"],
            crisis=libya,
            shared=SHARED,
            members=[_person()] * 2,
        )
    assert caught.type.__name__ == "PermissionDenied"


def _household_post(libya, office, rows):
    data = {
        "crisis": libya.pk,
        "office": office.pk,
        "household": "HH-FORM",
        "location_country": "Libya",
        "site": "Zuwara",
        "population_group": "international_migrant",
        "intention": "undecided",
        "legal_basis": "consent",
        "member-TOTAL_FORMS": str(len(rows)),
        "member-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"member-{index}-{key}"] = value
    return data


def test_the_household_page_registers_the_filled_rows_and_skips_empty_ones(users, demo, libya, client_for):
    client = client_for(users["staff_lby"])
    url = reverse("caseload:household_create")
    page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('class="household-person"') == 3
    row = {
        "given_name": "Ali",
        "family_name": "Musa",
        "sex": "male",
        "date_of_birth": "1985-04-04",
        "nationality": "Sudan",
        "document_status": "none",
        "languages": "Arabic",
    }
    data = _household_post(libya, demo["offices"]["lby"], [row, {**row, "given_name": "Fatima", "sex": "female"}, {}])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    people = Migrant.objects.filter(household="HH-FORM")
    assert sorted(p.given_name for p in people) == ["Ali", "Fatima"]
    assert {(p.nationality, p.location_country, tuple(p.languages)) for p in people} == {("SDN", "LBY", ("ar",))}
    assert "household=HH-FORM" in response["Location"]
    listed = client.get(response["Location"]).content.decode()
    assert "Ali" in listed and "Fatima" in listed


def test_the_household_page_shows_each_persons_errors_and_saves_no_one(users, demo, libya, client_for):
    client = client_for(users["staff_lby"])
    row = {
        "given_name": "Ali",
        "family_name": "Musa",
        "sex": "male",
        "date_of_birth": "1985-04-04",
        "nationality": "Sudan",
        "document_status": "none",
    }
    bad = {**row, "given_name": "", "nationality": "Atlantis"}
    response = client.post(
        reverse("caseload:household_create"), _household_post(libya, demo["offices"]["lby"], [row, bad])
    )
    assert response.status_code == 400
    formset = response.context["formset"]
    assert formset.forms[0].errors == {}
    assert {"given_name", "nationality"} <= set(formset.forms[1].errors)
    page = response.content.decode()
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_member-1-given_name"' in summary and "Person 2" in summary and "Atlantis" in summary
    assert not Migrant.objects.filter(household="HH-FORM").exists()
    # "Add a person" keeps what was typed and adds a row.
    data = _household_post(libya, demo["offices"]["lby"], [row, bad])
    data["add_person"] = "1"
    response = client.post(reverse("caseload:household_create"), data)
    assert response.status_code == 200
    assert response.content.decode().count('class="household-person"') == 3
    assert 'value="Musa"' in response.content.decode()


def test_the_household_page_is_for_office_staff(users, client_for):
    url = reverse("caseload:household_create")
    for name in ("hq", "gov_egy", "unhcr"):
        assert client_for(users[name]).get(url).status_code == 403


def _registration(libya, office, **overrides):
    data = {
        "crisis": libya.pk,
        "office": office.pk,
        "given_name": "Salma",
        "family_name": "Nour",
        "sex": "female",
        "date_of_birth": "1992-06-01",
        "nationality": "Egypt",
        "document_status": "lost",
        "location_country": "Libya",
        "population_group": "international_migrant",
        "intention": "return",
        "legal_basis": "consent",
    }
    data.update(overrides)
    return data


def test_consent_given_at_registration_is_recorded_with_it(users, demo, libya, client_for, egypt):
    client = client_for(users["staff_lby"])
    data = _registration(libya, demo["offices"]["lby"], consent_governments=[egypt.pk], consent_purposes=["consular"])
    response = client.post(reverse("caseload:migrant_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    migrant = Migrant.objects.get(family_name="Nour")
    consent = Consent.objects.get(migrant=migrant)
    assert consent.government == egypt and consent.purposes == ["consular"]
    assert consent.given_on == timezone.localdate() and consent.recorded_by == users["staff_lby"]
    assert AuditEntry.objects.filter(object_type="caseload.consent", object_id=str(migrant.pk)).exists()


def test_no_consent_without_a_tick_and_half_a_consent_is_an_error(users, demo, libya, client_for, egypt):
    client = client_for(users["staff_lby"])
    page = client.get(reverse("caseload:migrant_create")).content.decode()
    assert (
        'name="consent_purposes"' in page
        and " checked" not in page.split('data-section="consent"')[1].split("</fieldset>")[0]
    )
    assert (
        client.post(reverse("caseload:migrant_create"), _registration(libya, demo["offices"]["lby"])).status_code == 302
    )
    assert not Consent.objects.filter(migrant__family_name="Nour").exists()
    # A purpose without a recipient, with a bad phone: both errors at once, nobody saved.
    data = _registration(libya, demo["offices"]["lby"], family_name="Other", consent_purposes=["consular"], phone="x")
    response = client.post(reverse("caseload:migrant_create"), data)
    assert response.status_code == 400
    assert {"consent_governments", "phone"} <= set(response.context["form"].errors)
    assert not Migrant.objects.filter(family_name="Other").exists()


def test_a_bad_consent_in_the_service_saves_neither(users, demo, libya, egypt):
    data = {**_person(family_name="Rahman"), **SHARED}
    with pytest.raises(ValidationError) as caught:
        services.migrant_register(
            actor=users["staff_lby"],
            office=demo["offices"]["lby"],
            crisis=libya,
            data=data,
            consent={"governments": [egypt], "purposes": ["no_such_purpose"]},
        )
    assert "consent_purposes" in caught.value.message_dict
    assert not Migrant.objects.filter(family_name="Rahman").exists()


def test_the_only_office_is_preselected(users, client_for):
    form = client_for(users["staff_lby"]).get(reverse("caseload:migrant_create")).context["form"]
    assert form["office"].value() == next(iter(users["staff_lby"].office_ids))
