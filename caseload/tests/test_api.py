"""The whole referral journey through the API, as an integrator (or a government system) runs it."""

import pytest

from caseload.models import Referral

from .factories import MigrantFactory

pytestmark = pytest.mark.django_db


def test_api_journey_register_consent_refer_and_complete(users, api_for, libya, egypt):
    office = api_for(users["staff_lby"])
    response = office.post(
        "/api/v1/migrants/",
        {
            "crisis": libya.pk,
            "given_name": "Rahim",
            "family_name": "Uddin",
            "sex": "male",
            "estimated_age": 31,
            "nationality": "EGY",
            "document_status": "none",
            "location_country": "LBY",
            "population_group": "international_migrant",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    migrant_id = response.json()["id"]

    response = office.post(
        "/api/v1/referrals/",
        {"migrant": migrant_id, "kind": "consular", "recipient_government": egypt.pk, "send": True},
        format="json",
    )
    assert response.status_code == 400
    assert "override_reason" in response.json()["error"]["fields"]
    assert not Referral.objects.filter(migrant_id=migrant_id).exists()

    response = office.post(f"/api/v1/migrants/{migrant_id}/consents/", {"governments": [egypt.pk]}, format="json")
    assert response.status_code == 400 and "given_on" in response.json()["error"]["fields"]
    response = office.post(
        f"/api/v1/migrants/{migrant_id}/consents/", {"governments": [egypt.pk], "given_on": "2026-03-01"}, format="json"
    )
    assert response.status_code == 400 and "purposes" in response.json()["error"]["fields"]
    response = office.post(
        f"/api/v1/migrants/{migrant_id}/consents/",
        {"governments": [egypt.pk], "purposes": ["consular"], "given_on": "2026-03-01"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()[0]["government"] == egypt.pk
    # The API says in plain words what each purpose shares.
    [purpose] = response.json()[0]["purposes"]
    assert purpose["purpose"] == "consular" and "travel document" in purpose["shares"]
    assert office.get(f"/api/v1/migrants/{migrant_id}/consents/").json()[0]["recorded_by"] == "staff_lby"

    response = office.post(
        "/api/v1/referrals/",
        {
            "migrant": migrant_id,
            "kind": "consular",
            "recipient_government": egypt.pk,
            "priority": "life_saving",
            "send": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    referral_id = response.json()["id"]
    assert response.json()["status"] == "sent"

    gov = api_for(users["gov_egy"])
    for target in ("acknowledged", "in_progress"):
        response = gov.post(f"/api/v1/referrals/{referral_id}/transition/", {"to": target}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == target
    response = gov.post(f"/api/v1/referrals/{referral_id}/outcome/", {"departure_from": "Tripoli"}, format="json")
    assert response.status_code == 400 and "departure_from" in response.json()["error"]["fields"]
    response = gov.post(
        f"/api/v1/referrals/{referral_id}/outcome/",
        {"document_type": "laissez_passer", "document_number": "LP-77", "document_issued_on": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["document_number"] == "LP-77"
    assert set(response.json()["migrant"]) >= {"given_name", "nationality"}
    assert "household" not in response.json()["migrant"]
    # The office cannot record the recipient's outcome.
    assert (
        office.post(f"/api/v1/referrals/{referral_id}/outcome/", {"outcome_note": "x"}, format="json").status_code
        == 403
    )
    response = gov.post(f"/api/v1/referrals/{referral_id}/transition/", {"to": "completed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    body = office.get(f"/api/v1/referrals/{referral_id}/").json()
    assert body["status"] == "completed" and body["migrant"] == migrant_id and body["overdue"] is False


def test_api_partial_update_of_a_migrant(users, api_for, demo, libya):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    url = f"/api/v1/migrants/{migrant.pk}/"
    office = api_for(users["staff_lby"])
    response = office.patch(url, {"phone": "123"}, format="json")
    assert response.status_code == 400 and "phone" in response.json()["error"]["fields"]
    response = office.patch(url, {"intention": "onward", "languages": ["ar", "fr"]}, format="json")
    assert response.status_code == 200
    assert response.json()["intention"] == "onward" and response.json()["languages"] == ["ar", "fr"]
    assert response.json()["family_name"] == migrant.family_name  # untouched fields stay
    assert api_for(users["staff_tun"]).patch(url, {"intention": "stay"}, format="json").status_code == 404
    assert api_for(users["hq"]).patch(url, {"intention": "stay"}, format="json").status_code == 403
    assert api_for(users["gov_egy"]).patch(url, {"intention": "stay"}, format="json").status_code == 404


def test_referral_api_refuses_liaisons_and_hidden_migrants(users, api_for, demo, libya, egypt):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    payload = {"migrant": migrant.pk, "kind": "consular", "recipient_government": egypt.pk}
    assert api_for(users["gov_egy"]).post("/api/v1/referrals/", payload, format="json").status_code == 403
    assert api_for(users["staff_tun"]).post("/api/v1/referrals/", payload, format="json").status_code == 404
    response = api_for(users["staff_lby"]).post(
        "/api/v1/referrals/", {**payload, "recipient_partner": demo["partners"]["unhcr"].pk}, format="json"
    )
    assert response.status_code == 400 and "recipient_government" in response.json()["error"]["fields"]
    response = api_for(users["staff_lby"]).post("/api/v1/referrals/", {**payload, "kind": "teleport"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]
    assert not Referral.objects.exists()
