"""Two offices add the same person to their movements at the same moment: two real database
transactions in two threads; the partial unique index lets one through and the other is told who has them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from caseload.models import CaseShare
from caseload.tests.test_concurrency import _race  # two real transactions released together
from crises.models import CrisisCountry
from movements import services
from movements.models import Movement, Passenger

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_offices_adding_one_person_at_once_book_them_once(demo, libya, users):
    lby, tun = demo["offices"]["lby"], demo["offices"]["tun"]
    staff_lby = users["staff_lby"]
    CrisisCountry.objects.get_or_create(crisis=libya, country="TUN")
    person = register(staff_lby, libya)
    # The case is shared with the Tunisia office, which organises its own movement in the crisis.
    CaseShare.objects.create(migrant=person, from_office=lby, to_office=tun, kind="share", status="accepted")
    staff_tun = users["staff_tun"]
    flight = plan_movement(staff_lby, libya)
    # The Tunisia office organises its own movement in the crisis (made directly: its staff plan
    # only in crises of their office, and this one is Libya's).
    bus = Movement.objects.create(
        reference="TUN-MOV-TEST",
        crisis=libya,
        office=tun,
        kind="evacuation",
        mode="land",
        carrier="Medenine buses",
        origin_country="LBY",
        origin_place="Zuwara",
        origin_timezone="Africa/Tripoli",
        destination_country="TUN",
        destination_place="Choucha camp",
        destination_timezone="Africa/Tunis",
        planned_departure=flight.planned_departure,
        planned_arrival=flight.planned_arrival + datetime.timedelta(hours=1),
        seat_capacity=40,
    )
    results = _race(
        [
            lambda: services.passengers_add(actor=staff_lby, movement_id=flight.pk, migrants=[person]),
            lambda: services.passengers_add(actor=staff_tun, movement_id=bus.pk, migrants=[person]),
        ]
    )
    succeeded = [r for r in results if isinstance(r, services.AddPlan)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(succeeded) == 1 and len(refused) == 1, results
    winner = succeeded[0].movement
    assert winner.reference in str(refused[0]) and person.reference in str(refused[0])
    assert list(Passenger.objects.filter(migrant=person).values_list("movement_id", flat=True)) == [winner.pk]
    loser = bus if winner.pk == flight.pk else flight
    assert Movement.objects.get(pk=loser.pk).seats_taken == 0
    assert Movement.objects.get(pk=winner.pk).seats_taken == 1


def test_the_last_seat_taken_twice_at_once_goes_once(demo, libya, users):
    staff = users["staff_lby"]
    movement = plan_movement(staff, libya, seat_capacity=1)
    first, second = register(staff, libya, given_name="One"), register(staff, libya, given_name="Two")
    results = _race(
        [
            lambda: services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[first]),
            lambda: services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[second]),
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["AddPlan", "ValidationError"]
    assert Movement.objects.get(pk=movement.pk).seats_taken == 1
    assert Passenger.objects.filter(movement=movement).count() == 1
