"""The browser pages of movements: times typed and shown in each place's zone, stored in UTC; the
preview of adding passengers names who is refused and why and warns of a split household."""

import datetime

import pytest

from movements import services
from movements.models import Movement

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db


def test_times_are_typed_and_shown_in_the_place_zone_and_stored_in_utc(client_for, users, libya):
    client = client_for(users["staff_lby"])
    response = client.post(
        "/movements/new/",
        {
            "crisis": libya.pk,
            "kind": "return",
            "mode": "air",
            "carrier": "Biman charter",
            "origin_country": "LBY",
            "origin_place": "Tripoli, Mitiga airport",
            "origin_timezone": "Africa/Tripoli",
            "planned_departure": "2026-12-20T10:00",
            "destination_country": "BGD",
            "destination_place": "Dhaka",
            "destination_timezone": "Asia/Dhaka",
            "planned_arrival": "2026-12-21T06:30",
            "transit_points": "TUN, Djerba-Zarzis airport",
            "seat_capacity": 120,
            "operational_escort_names": "Samir Lahmar",
            "medical_escort_names": "",
            "operational_escorts": 0,
            "medical_escorts": 1,
        },
    )
    movement = Movement.objects.get(carrier="Biman charter")
    assert response.status_code == 302
    assert movement.planned_departure == datetime.datetime(2026, 12, 20, 8, 0, tzinfo=datetime.UTC)
    assert movement.planned_arrival == datetime.datetime(2026, 12, 21, 0, 30, tzinfo=datetime.UTC)
    assert [(p.country, p.place) for p in movement.transit_points.all()] == [("TUN", "Djerba-Zarzis airport")]
    assert list(movement.escorts.values_list("name", flat=True)) == ["Samir Lahmar"]
    page = client.get(f"/movements/{movement.pk}/").content.decode()
    assert "2026-12-20 10:00 EET" in page and "2026-12-21 06:30 +06" in page


def test_the_preview_names_the_refused_and_warns_of_a_split_household(client_for, users, libya, convoy):
    staff = users["staff_lby"]
    elsewhere = register(staff, libya, given_name="Booked", household="HH-SPLIT")
    other = plan_movement(staff, libya)
    services.passengers_add(actor=staff, movement_id=other.pk, migrants=[elsewhere])
    sister = register(staff, libya, given_name="Sister", household="HH-SPLIT")
    register(staff, libya, given_name="Brother", household="HH-SPLIT")
    page = (
        client_for(staff)
        .post(f"/movements/{convoy.pk}/passengers/add/", {"references": f"{elsewhere.reference} {sister.reference}"})
        .content.decode()
    )
    assert f"Already on movement {other.reference}" in page
    assert 'data-reference="' + sister.reference + '"' in page
    assert "Household HH-SPLIT is split" in page
    assert not convoy.passengers.exists()  # a preview adds nobody


def test_a_victim_of_trafficking_is_listed_only_for_those_who_may_see_them(client_for, users, libya, convoy):
    from accounts.tests.factories import office_staff

    staff = users["staff_lby"]
    protected = register(staff, libya, given_name="Protected", vulnerabilities=["victim_of_trafficking"])
    services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[protected, register(staff, libya)])
    assert protected.reference in client_for(staff).get(f"/movements/{convoy.pk}/").content.decode()
    plain = client_for(office_staff(libya.office, username="plain_views"))
    assert protected.reference not in plain.get(f"/movements/{convoy.pk}/").content.decode()
    assert (
        protected.reference
        not in b"".join(plain.get(f"/movements/{convoy.pk}/manifest/carrier.csv").streaming_content).decode()
    )
