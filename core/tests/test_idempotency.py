"""Idempotent writes (core.idempotency): a registration sent again with the same Idempotency-Key
exists once and gets the first answer; the same key with another body answers 422; a refused
request frees its key; a key expires after 24 hours; two requests with the same key at the same
moment make one record; a key belongs to whoever sent it."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from caseload.models import Migrant
from core.models import IdempotencyKey
from core.tasks import expire_idempotency_keys

pytestmark = pytest.mark.django_db


def a_libya_crisis(demo):
    from crises.tests.factories import CrisisFactory

    return CrisisFactory(office=demo["offices"]["lby"], code="LBY-2011-IDEM", name="Libya 2011 (test)")


@pytest.fixture
def libya(demo):
    return a_libya_crisis(demo)


def person(libya, **values) -> dict:
    return {
        "crisis": libya.pk,
        "given_name": "Mona",
        "family_name": "Abdel Fattah",
        "sex": "female",
        "date_of_birth": "1994-03-02",
        "nationality": "EGY",
        "location_country": "LBY",
        "legal_basis": "consent",
        "document_status": "lost",
        "population_group": "international_migrant",
        **values,
    }


def test_a_replay_gets_the_first_answer_and_creates_nothing(api_for, users, libya):
    api = api_for(users["staff_lby"])
    first = api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="reg-0001")
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="reg-0001")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1
    other = api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="reg-0002")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 2


def test_the_same_key_with_another_body_answers_422(api_for, users, libya):
    api = api_for(users["staff_lby"])
    assert api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    changed = api.post("/api/v1/migrants/", person(libya, given_name="Amal"), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()["error"]["fields"]
    assert not Migrant.objects.filter(given_name="Amal").exists()


def test_a_refused_request_frees_its_key_for_the_corrected_one(api_for, users, libya):
    api = api_for(users["staff_lby"])
    bad = api.post("/api/v1/migrants/", person(libya, sex="x"), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 400 and "sex" in bad.json()["error"]["fields"]
    assert not IdempotencyKey.objects.exists()
    good = api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert good.status_code == 201 and Migrant.objects.filter(family_name="Abdel Fattah").count() == 1


def test_a_key_expires_after_24_hours(api_for, users, libya):
    api = api_for(users["staff_lby"])
    api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="k3")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    later = api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="k3")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert expire_idempotency_keys() == 1 and not IdempotencyKey.objects.exists()


def test_a_key_belongs_to_its_sender_and_a_bad_key_is_refused(api_for, client_for, demo, users, libya):
    staff, chief = api_for(users["staff_lby"]), api_for(users["com_lby"])
    assert staff.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="k4").status_code == 201
    theirs = chief.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="k4")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    bad = staff.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="a key with spaces")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["error"]["fields"]
    # The browser's forms too: a form sent twice with its key (the page's queue retrying) saves once.
    from crises.tests.factories import CrisisFactory
    from displacement.models import Site

    haiti = CrisisFactory(office=demo["offices"]["hti"], code="HTI-2010-IDEM", country="HTI", movement="internal")
    browser = client_for(users["staff_hti"])
    form = {
        "name": "Camp Corail",
        "site_type": "camp",
        "admin1_name": "Ouest",
        "admin1_pcode": "HT01",
        "latitude": "18.6",
        "longitude": "-72.4",
    }
    url = f"/displacement/crises/{haiti.pk}/sites/new/"
    first = browser.post(url, form, HTTP_IDEMPOTENCY_KEY="form-1")
    second = browser.post(url, form, HTTP_IDEMPOTENCY_KEY="form-1")
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Site.objects.filter(name="Camp Corail").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_key_at_once_make_one_record(api_for, demo):
    libya = a_libya_crisis(demo)
    answers: list[int] = []
    start = threading.Barrier(2)

    def send() -> None:
        try:
            api = api_for(demo["users"]["staff_lby"])
            start.wait()
            answers.append(
                api.post("/api/v1/migrants/", person(libya), format="json", HTTP_IDEMPOTENCY_KEY="same").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [201, 201]
    assert Migrant.objects.filter(family_name="Abdel Fattah").count() == 1


# --- Conflicts: an edit made on an old version is shown, not lost -----------------------------------
def test_an_edit_on_an_old_version_answers_409_with_both_versions(api_for, users, libya):
    api = api_for(users["staff_lby"])
    made = api.post("/api/v1/migrants/", person(libya), format="json").json()
    url = f"/api/v1/migrants/{made['id']}/"
    seen = made["updated_at"]
    # Someone else changes the phone and the site meanwhile.
    other = api_for(users["com_lby"]).patch(url, {"phone": "+218 91 000 0000", "site": "Tajoura"}, format="json")
    assert other.status_code == 200 and other.json()["updated_at"] != seen
    # The offline edit, made on the version seen, changes the phone too, and the household.
    late = api.patch(url, {"phone": "+20 100 123 4567", "household": "HH-9", "updated_at": seen}, format="json")
    assert late.status_code == 409
    body = late.json()
    # Only the phone changed on both sides; the household only here: still nothing is saved.
    assert body["error"]["code"] == "conflict" and set(body["error"]["fields"]) == {"phone"}
    assert body["current"] == {"phone": "+218910000000"}
    assert body["yours"] == {"phone": "+20 100 123 4567"}
    now = api.get(url).json()
    assert now["phone"] == "+218910000000" and now["household"] == "" and now["updated_at"] == body["updated_at"]
    # Chosen field by field and sent again on the current version: saved.
    again = api.patch(
        url, {"phone": "+218910000000", "household": "HH-9", "updated_at": body["updated_at"]}, format="json"
    )
    assert again.status_code == 200 and again.json()["household"] == "HH-9"
    # An edit on an old version that changes nothing that differs from now is no conflict.
    same = api.patch(url, {"site": "Tajoura", "updated_at": seen}, format="json")
    assert same.status_code == 200
