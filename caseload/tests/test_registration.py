"""Registering migrants by form and API: field validation, duplicates, search and filters."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.models import Consent, Migrant, Referral

from .factories import MigrantFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _form_data(libya, office, **overrides):
    data = {
        "crisis": libya.pk,
        "office": office.pk,
        "given_name": "Mona",
        "family_name": "Abdel Fattah",
        "sex": "female",
        "date_of_birth": "1994-03-02",
        "nationality": "EGY",
        "other_nationalities": [],
        "languages": ["Arabic", "English"],
        "document_status": "lost",
        "document_number": "",
        "location_country": "LBY",
        "admin_pcode": "LY0101",
        "site": "Tajoura",
        "household": "HH-9",
        "population_group": "international_migrant",
        "vulnerabilities": ["pregnant"],
        "intention": "return",
        "phone": "+20 100 123 4567",
        "legal_basis": "consent",
    }
    data.update(overrides)
    return data


def _api_data(libya, **overrides):
    data = _form_data(libya, libya.office, **{"languages": ["ar"], **overrides})
    data.pop("office")
    return data


def test_staff_registers_a_migrant_by_form(users, client_for, demo, libya):
    client = client_for(users["staff_lby"])
    assert client.get(reverse("caseload:migrant_create")).status_code == 200
    response = client.post(reverse("caseload:migrant_create"), _form_data(libya, demo["offices"]["lby"]))
    assert response.status_code == 302, response.content.decode()[:3000]
    migrant = Migrant.objects.get(family_name="Abdel Fattah")
    assert migrant.phone == "+201001234567"
    assert migrant.languages == ["ar", "en"]
    assert migrant.vulnerabilities == ["pregnant"]
    assert migrant.family_name_norm == "abdel fattah"
    assert migrant.office == demo["offices"]["lby"] and migrant.created_by == users["staff_lby"]
    assert not migrant.is_sensitive


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nationality", "XXX"),
        ("phone", "12345"),
        ("phone", "+20 12"),
        ("date_of_birth", (timezone.localdate() + datetime.timedelta(days=2)).isoformat()),
        ("other_nationalities", ["ZZZ"]),
        ("location_country", "Lybia"),
        ("languages", ["Arabic", "Klingon!"]),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(users, client_for, api_for, demo, libya, field, value):
    before = Migrant.objects.count()
    response = client_for(users["staff_lby"]).post(
        reverse("caseload:migrant_create"), _form_data(libya, demo["offices"]["lby"], **{field: value})
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()

    api_value = value
    response = api_for(users["staff_lby"]).post(
        "/api/v1/migrants/", _api_data(libya, **{field: api_value}), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert Migrant.objects.count() == before


def test_a_date_of_birth_or_an_estimated_age_is_required(users, api_for, libya):
    response = api_for(users["staff_lby"]).post(
        "/api/v1/migrants/", _api_data(libya, date_of_birth=None, estimated_age=None), format="json"
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.json()["error"]["fields"]
    response = api_for(users["staff_lby"]).post(
        "/api/v1/migrants/", _api_data(libya, date_of_birth=None, estimated_age=34), format="json"
    )
    assert response.status_code == 201
    assert response.json()["estimated_age"] == 34


def test_api_registration_and_scoping(users, api_for, libya, demo):
    response = api_for(users["staff_lby"]).post("/api/v1/migrants/", _api_data(libya), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "+201001234567" and body["office_code"] == "lby"
    # Tunisia staff cannot register in a crisis they do not see.
    response = api_for(users["staff_tun"]).post("/api/v1/migrants/", _api_data(libya), format="json")
    assert response.status_code == 400
    assert "crisis" in response.json()["error"]["fields"]
    # A victim of trafficking is a sensitive record from registration.
    response = api_for(users["staff_lby"]).post(
        "/api/v1/migrants/",
        _api_data(libya, given_name="Aya", vulnerabilities=["victim_of_trafficking"]),
        format="json",
    )
    assert response.json()["is_sensitive"] is True


def test_duplicate_warning_on_registration(users, client_for, demo, libya):
    MigrantFactory(
        office=demo["offices"]["lby"],
        crisis=libya,
        given_name="Móna",
        family_name="ABDEL  FATTAH",
        date_of_birth=datetime.date(1994, 3, 2),
        nationality="EGY",
    )
    MigrantFactory(office=demo["offices"]["lby"], crisis=libya, given_name="Other", document_number="A 1234-567")
    client = client_for(users["staff_lby"])
    url = reverse("caseload:migrant_create")
    response = client.post(url, _form_data(libya, demo["offices"]["lby"]))
    assert response.status_code == 400
    assert "Possible duplicates" in response.content.decode()
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 0
    response = client.post(url, _form_data(libya, demo["offices"]["lby"], given_name="Zed", document_number="a1234567"))
    assert "Possible duplicates" in response.content.decode()
    # Confirmed as another person: registered.
    response = client.post(url, _form_data(libya, demo["offices"]["lby"], confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1


def test_migrant_list_search_and_filters(users, client_for, api_for, demo, libya, egypt):
    lby = demo["offices"]["lby"]
    hassan = MigrantFactory(office=lby, crisis=libya, given_name="Mahmoud", family_name="Hassan", nationality="EGY")
    rahman = MigrantFactory(
        office=lby, crisis=libya, given_name="Abdul", family_name="Rahman", nationality="BGD", document_number="BX-991"
    )
    rahman.document_number_norm = "BX991"
    rahman.save()
    older = MigrantFactory(
        office=lby,
        crisis=libya,
        given_name="Issa",
        family_name="Maïga",
        nationality="NER",
        vulnerabilities=["older_person"],
    )
    ReferralFactory(migrant=rahman, recipient_government=demo["governments"]["BGD"], kind="transport", status="sent")

    def refs(query):
        api = {m["id"] for m in api_for(users["staff_lby"]).get(f"/api/v1/migrants/?{query}").json()["results"]}
        html = client_for(users["staff_lby"]).get(reverse("caseload:migrant_list") + "?" + query).content.decode()
        page = {m.pk for m in (hassan, rahman, older) if m.reference in html}
        assert api == page, (query, api, page)
        return api

    assert refs("q=hass") == {hassan.pk}
    assert refs("q=mahmoud+hassan") == {hassan.pk}
    assert refs("q=bx991") == {rahman.pk}
    assert refs("q=BX-991") == {rahman.pk}
    assert refs("nationality=BGD") == {rahman.pk}
    assert refs("vulnerability=older_person") == {older.pk}
    assert refs("referral_kind=transport") == {rahman.pk}
    assert refs("referral_kind=transport&referral_status=completed") == set()
    assert refs("referral_status=sent") == {rahman.pk}
    assert refs(f"crisis={libya.pk}") == {hassan.pk, rahman.pk, older.pk}


def test_a_document_number_search_lists_no_one_by_the_name_key_of_its_letters(users, client_for, api_for, demo, libya):
    """ "P56067994" and "BX-991" have the name keys "b" and "bks": a search for either lists the
    person with that document, not people whose names have those keys."""
    lby = demo["offices"]["lby"]
    holder = MigrantFactory(
        office=lby, crisis=libya, given_name="Samir", family_name="Zaki", document_number="P56067994"
    )
    holder.document_number_norm = "P56067994"
    holder.save()
    bo = MigrantFactory(office=lby, crisis=libya, given_name="Bo", family_name="Pi", nationality="SEN")
    bakes = MigrantFactory(office=lby, crisis=libya, given_name="Bakes", family_name="Bo", nationality="SEN")
    for query in ("P56067994", "p56067994", "P56067994 "):
        api = {m["id"] for m in api_for(users["staff_lby"]).get("/api/v1/migrants/", {"q": query}).json()["results"]}
        html = client_for(users["staff_lby"]).get(reverse("caseload:migrant_list"), {"q": query}).content.decode()
        assert api == {holder.pk}, query
        assert holder.reference in html and bo.reference not in html and bakes.reference not in html
    assert {
        m["id"] for m in api_for(users["staff_lby"]).get("/api/v1/migrants/", {"q": "BX-991"}).json()["results"]
    } == set()
    # Words without figures still search the names, next to a document number or alone.
    assert {m["id"] for m in api_for(users["staff_lby"]).get("/api/v1/migrants/", {"q": "bo"}).json()["results"]} >= {
        bo.pk,
        bakes.pk,
    }
    found = api_for(users["staff_lby"]).get("/api/v1/migrants/", {"q": "samir P999"}).json()["results"]
    assert {m["id"] for m in found} == {holder.pk}


def test_browser_referral_and_consent_forms(users, client_for, demo, libya, egypt):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    client = client_for(users["staff_lby"])
    # Without consent, sending is refused on the override field; nothing saved.
    response = client.post(
        reverse("caseload:referral_create", args=[migrant.pk]),
        {"kind": "consular", "recipient_government": egypt.pk, "priority": "urgent", "send": "on"},
    )
    assert response.status_code == 400
    assert "override_reason" in response.context["form"].errors
    assert not Referral.objects.filter(migrant=migrant).exists()
    response = client.post(
        reverse("caseload:consent_create", args=[migrant.pk]),
        {"governments": [egypt.pk], "purposes": ["consular"], "given_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Consent.objects.get(migrant=migrant).recorded_by == users["staff_lby"]
    response = client.post(
        reverse("caseload:referral_create", args=[migrant.pk]),
        {"kind": "consular", "recipient_government": egypt.pk, "priority": "urgent", "send": "on"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(migrant=migrant)
    assert referral.status == "sent"
    detail = client.get(reverse("caseload:migrant_detail", args=[migrant.pk])).content.decode()
    assert f'data-referral="{referral.pk}"' in detail
    # Staff of another office cannot refer this migrant.
    other = client_for(users["staff_tun"]).get(reverse("caseload:referral_create", args=[migrant.pk]))
    assert other.status_code == 404


def test_staff_edit_the_case_and_withdraw_consent(users, client_for, demo, libya, egypt):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    consent = Consent.objects.create(migrant=migrant, government=egypt, purposes=["consular"], given_on="2026-02-01")
    client = client_for(users["staff_lby"])
    url = reverse("caseload:migrant_edit", args=[migrant.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(vulnerabilities=["victim_of_trafficking"], phone="not a phone")
    response = client.post(url, data)
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    migrant.refresh_from_db()
    assert migrant.vulnerabilities == [] and not migrant.is_sensitive
    data["phone"] = "+218 91 234 5678"
    assert client.post(url, data).status_code == 302
    migrant.refresh_from_db()
    assert migrant.is_sensitive and migrant.phone == "+218912345678"
    # Other offices can neither edit nor withdraw.
    assert client_for(users["staff_tun"]).get(url).status_code == 404
    withdraw = reverse("caseload:consent_withdraw", args=[consent.pk])
    assert client_for(users["staff_tun"]).post(withdraw).status_code == 404
    assert client.post(withdraw).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_duplicate_check_as_you_type(users, client_for, demo, libya):
    existing = MigrantFactory(
        office=demo["offices"]["lby"], crisis=libya, given_name="Karim", family_name="Mansour", nationality="EGY"
    )
    url = reverse("caseload:duplicate_check")
    params = {"given_name": "karim", "family_name": "MANSOUR", "nationality": "EGY", "date_of_birth": "1990-05-17"}
    html = client_for(users["staff_lby"]).get(url, params).content.decode()
    assert existing.reference in html
    assert (
        existing.reference
        not in client_for(users["staff_lby"]).get(url, {**params, "date_of_birth": "1991-01-01"}).content.decode()
    )
    # Never a case of another office, and not for liaisons.
    assert existing.reference not in client_for(users["staff_tun"]).get(url, params).content.decode()
    assert client_for(users["gov_egy"]).get(url, params).status_code == 403


def test_an_invalid_filter_shows_its_error_and_no_rows(users, client_for, demo, libya):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    response = client_for(users["staff_lby"]).get(reverse("caseload:migrant_list"), {"nationality": "XXX"})
    assert response.status_code == 200
    assert migrant.reference not in response.content.decode()
    assert "field-error" in response.content.decode()


def test_one_submit_shows_every_error_at_once_with_a_summary(users, client_for, demo, libya):
    client = client_for(users["staff_lby"])
    response = client.post(
        reverse("caseload:migrant_create"),
        {
            "crisis": libya.pk,
            "office": demo["offices"]["lby"].pk,
            "given_name": "Amal",
            "family_name": "Said",
            "sex": "female",
            "date_of_birth": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "nationality": "EGY",
            "document_status": "none",
            "location_country": "LBY",
            "population_group": "",
            "intention": "undecided",
            "legal_basis": "consent",
            "phone": "not a phone",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"date_of_birth", "phone", "population_group"} <= set(errors)
    page = response.content.decode()
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    for field in ("date_of_birth", "phone", "population_group"):
        assert f'href="#id_{field}"' in summary
    assert not Migrant.objects.filter(family_name="Said").exists()
