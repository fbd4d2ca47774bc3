"""The movements API: roles refused (403) before their input is read, bad input named and nothing
saved, passengers added in one request with a preview, removed while planned; constant queries."""

import pytest

from core.models import DomainEvent
from movements.models import Movement, Passenger

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db

NEW = {
    "crisis": None,
    "kind": "evacuation",
    "mode": "air",
    "carrier": "Tunisair charter",
    "origin_country": "LBY",
    "origin_place": "Tripoli",
    "origin_timezone": "Africa/Tripoli",
    "destination_country": "EGY",
    "destination_place": "Cairo",
    "destination_timezone": "Africa/Cairo",
    "planned_departure": "2026-12-20T08:00:00Z",
    "planned_arrival": "2026-12-20T10:30:00Z",
    "seat_capacity": 150,
    "transit_points": [{"country": "TUN", "place": "Djerba"}],
    "escorts": [{"kind": "medical", "name": "Dr. Amal Fathi"}],
}


def test_planning_through_the_api(api_for, users, libya):
    response = api_for(users["staff_lby"]).post("/api/v1/movements/", {**NEW, "crisis": libya.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned" and body["transit_points"] == [{"order": 1, "country": "TUN", "place": "Djerba"}]
    assert body["escorts"][0]["name"] == "Dr. Amal Fathi"


def test_a_role_that_may_not_plan_is_refused_before_its_input_is_read(api_for, users):
    for who in ("hq", "gov_egy", "unhcr"):
        response = api_for(users[who]).post("/api/v1/movements/", {"seat_capacity": "many"}, format="json")
        assert response.status_code == 403


def test_bad_input_names_the_field_and_saves_nothing(api_for, users, libya):
    api = api_for(users["staff_lby"])
    response = api.post(
        "/api/v1/movements/",
        {**NEW, "crisis": libya.pk, "seat_capacity": 0, "destination_timezone": "Nowhere/Land"},
        format="json",
    )
    assert response.status_code == 400
    assert "seat_capacity" in response.json()["error"]["fields"]
    response = api.post(
        "/api/v1/movements/", {**NEW, "crisis": libya.pk, "destination_timezone": "Nowhere/Land"}, format="json"
    )
    assert response.status_code == 400 and "destination_timezone" in response.json()["error"]["fields"]
    assert not Movement.objects.exists() and not DomainEvent.objects.filter(type="movement.scheduled").exists()


def test_passengers_preview_add_and_remove(api_for, users, libya, convoy):
    staff = users["staff_lby"]
    people = [register(staff, libya, given_name=f"G{i}", household="HH-API") for i in range(3)]
    api = api_for(staff)
    url = f"/api/v1/movements/{convoy.pk}/passengers/"
    preview = api.post(url, {"household": "HH-API", "dry_run": True}, format="json").json()
    assert len(preview["added"]) == 3 and not Passenger.objects.exists()
    unknown = api.post(url, {"migrants": [people[0].pk, 999999]}, format="json")
    assert unknown.status_code == 400 and "migrants" in unknown.json()["error"]["fields"]
    assert not Passenger.objects.exists()
    bad_filter = api.post(url, {"filter": {"nationality": "XXX"}}, format="json")
    assert bad_filter.status_code == 400 and "filter.nationality" in bad_filter.json()["error"]["fields"]
    added = api.post(url, {"filter": {"nationality": "BGD", "q": "Hossain"}}, format="json")
    assert added.status_code == 201 and len(added.json()["added"]) == 3
    listed = api.get(url).json()
    seat = listed[0]["id"]
    assert (
        api.patch(f"{url}{seat}/", {"fitness": "fit_with_escort"}, format="json").json()["fitness"] == "fit_with_escort"
    )
    assert api.patch(f"{url}{seat}/", {"fitness": "tired"}, format="json").status_code == 400
    assert api.delete(f"{url}{seat}/").status_code == 204
    assert Movement.objects.get(pk=convoy.pk).seats_taken == 2
    # Another office's staff and HQ may not write: 404 and 403, before the body is read.
    assert api_for(users["staff_tun"]).post(url, {"bad": 1}, format="json").status_code == 404
    assert api_for(users["hq"]).post(url, {"bad": 1}, format="json").status_code == 403
    assert api_for(users["hq"]).delete(f"{url}{listed[1]['id']}/").status_code == 403


def test_transition_through_the_api(api_for, users, libya, convoy):
    staff = users["staff_lby"]
    api = api_for(staff)
    api.post(f"/api/v1/movements/{convoy.pk}/passengers/", {"migrants": [register(staff, libya).pk]}, format="json")
    assert api.post(f"/api/v1/movements/{convoy.pk}/transition/", {"to": "flying"}, format="json").status_code == 400
    response = api.post(f"/api/v1/movements/{convoy.pk}/transition/", {"to": "boarding"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "boarding"
    refused = api.post(f"/api/v1/movements/{convoy.pk}/transition/", {"to": "cancelled", "reason": "x"}, format="json")
    assert refused.status_code == 403  # the Chief of Mission's
    events = api.get(f"/api/v1/movements/{convoy.pk}/events/").json()
    assert [e["action"] for e in events] == ["schedule", "lock"]


def test_the_manifest_pages_take_as_many_queries_for_many_passengers_as_for_few(client_for, users, libya):
    staff = users["staff_lby"]
    client = client_for(staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from movements import services

    def queries(movement) -> dict[str, int]:
        counts = {}
        for url in (f"/movements/{movement.pk}/", f"/movements/{movement.pk}/manifest/office/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts[url.split("/", 3)[-1]] = len(ctx.captured_queries)
        return counts

    small, large = plan_movement(staff, libya), plan_movement(staff, libya, seat_capacity=40)
    services.passengers_add(actor=staff, movement_id=small.pk, migrants=[register(staff, libya, given_name="Solo")])
    services.passengers_add(
        actor=staff, movement_id=large.pk, migrants=[register(staff, libya, given_name=f"M{i}") for i in range(30)]
    )
    assert list(queries(small).values()) == list(queries(large).values())
