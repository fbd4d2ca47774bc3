"""The API: scoped like the pages, a role that may not write refused before its body is read, bad
input naming the field and saving nothing."""

import datetime

import pytest

from displacement.models import FlowCount, RoundStatus, SiteAssessment

from .conftest import assessment_data, site_data

pytestmark = pytest.mark.django_db


def test_office_staff_add_a_site_and_a_bad_one_names_the_field(api_for, staff, haiti):
    api = api_for(staff)
    bad = api.post("/api/v1/sites/", {**site_data(), "crisis": haiti.pk, "latitude": "123"}, format="json")
    assert bad.status_code == 400 and "latitude" in bad.json()["error"]["fields"]
    made = api.post("/api/v1/sites/", {**site_data(), "crisis": haiti.pk}, format="json")
    assert made.status_code == 201 and made.json()["code"].startswith(haiti.code)
    assert api.get(f"/api/v1/sites/?crisis={haiti.pk}").json()["results"][0]["name"] == "Camp 1"


def test_the_round_from_entry_to_validation(api_for, staff, chief, haiti, site):
    api = api_for(staff)
    round = api.post(
        "/api/v1/rounds/", {"crisis": haiti.pk, "start_date": "2010-03-01", "end_date": "2010-03-31"}, format="json"
    ).json()
    url = f"/api/v1/rounds/{round['id']}/"
    wrong = api.post(f"{url}assessments/", {**assessment_data(female_0_4=9), "site": site.pk}, format="json")
    assert wrong.status_code == 400 and "individuals" in wrong.json()["error"]["fields"]
    assert not SiteAssessment.objects.exists()
    ok = api.post(f"{url}assessments/", {**assessment_data(), "site": site.pk}, format="json")
    assert ok.status_code == 200 and ok.json()["individuals"] == 40
    assert api.post(f"{url}transition/", {"to": "submitted"}, format="json").json()["status"] == RoundStatus.SUBMITTED
    refused = api.post(f"{url}transition/", {"to": "validated"}, format="json")
    assert refused.status_code == 403
    done = api_for(chief).post(f"{url}transition/", {"to": "validated"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == RoundStatus.VALIDATED
    edit = api.post(f"{url}assessments/", {**assessment_data(households=12), "site": site.pk}, format="json")
    assert edit.status_code == 400 and "reason" in edit.json()["error"]["fields"]
    fixed = api.post(
        f"{url}assessments/",
        {**assessment_data(households=12), "site": site.pk, "correction_reason": "Recount"},
        format="json",
    )
    assert fixed.status_code == 200 and fixed.json()["revision"] == 1


def test_outsiders_get_404_and_cannot_write(api_for, users, open_round, site):
    for name in ("staff_lby", "gov_egy", "unhcr"):
        api = api_for(users[name])
        assert api.get(f"/api/v1/rounds/{open_round.pk}/").status_code == 404
        assert api.get(f"/api/v1/sites/{site.pk}/").status_code == 404
        answer = api.post(f"/api/v1/rounds/{open_round.pk}/assessments/", {}, format="json")
        assert answer.status_code == 404
    assert api_for(users["gov_egy"]).post("/api/v1/sites/", {}, format="json").status_code == 403


def test_a_day_posted_twice_is_one_row(api_for, staff, haiti):
    api = api_for(staff)
    point = api.post(
        "/api/v1/flow-points/",
        {
            "crisis": haiti.pk,
            "name": "Malpasse",
            "point_type": "border_crossing",
            "country": "HTI",
            "latitude": "18.5",
            "longitude": "-71.9",
        },
        format="json",
    ).json()
    row = {"direction": "out", "nationality": "HTI", "reason": "economic", "destination_country": "DOM", "males": 5}
    url = f"/api/v1/flow-points/{point['id']}/counts/"
    for males in (5, 7):
        answer = api.post(url, {"date": "2010-02-01", "rows": [{**row, "males": males}]}, format="json")
        assert answer.status_code == 200
    assert FlowCount.objects.get().males == 7
    bad = api.post(url, {"date": "2010-02-01", "rows": [{**row, "nationality": "QQQ"}]}, format="json")
    assert bad.status_code == 400 and "rows.0.nationality" in bad.json()["error"]["fields"]
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert "date" in api.post(url, {"date": future, "rows": [row]}, format="json").json()["error"]["fields"]
    assert api.get(url).json()[0]["males"] == 7
