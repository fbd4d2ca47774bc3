"""The overview dashboard counts the people moved per crisis, destination and week (reports/), from
what each user may see; its snapshots keep working with the new figures."""

import pytest

from accounts.tests.factories import office_staff
from movements import services
from movements.models import Passenger
from reports.dashboard import dashboard_for
from reports.snapshots import dashboard_cached

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db


def _rows(board, key):
    return dict(next(t for t in board.tables if t.key == key).rows)


def test_people_moved_per_crisis_destination_and_week(staff, users, libya, convoy):
    people = [register(staff, libya, given_name=f"P{i}") for i in range(3)]
    trafficked = register(staff, libya, given_name="Protected", vulnerabilities=["victim_of_trafficking"])
    services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[*people, trafficked])
    services.movement_transition(actor=staff, movement_id=convoy.pk, to="boarding")
    services.passengers_board_all(actor=staff, movement_id=convoy.pk)
    services.passenger_board(
        actor=staff, passenger_id=Passenger.objects.get(migrant=people[2]).pk, status="offloaded", reason="Ill"
    )
    services.movement_transition(actor=staff, movement_id=convoy.pk, to="departed")
    services.movement_transition(actor=staff, movement_id=convoy.pk, to="arrived")
    plan_movement(staff, libya)  # planned: nobody moved yet
    hq = dashboard_for(type(users["hq"]).objects.get(pk=users["hq"].pk))
    assert hq.people_moved == 3
    assert _rows(hq, "moved-crisis") == {f"{libya.code} {libya.name}": [3]}
    assert _rows(hq, "moved-destination") == {"Tunisia (TUN)": [3]}
    assert sum(values[0] for values in _rows(hq, "moved-week").values()) == 3
    plain = office_staff(libya.office, username="plain_dashboard")
    assert dashboard_for(plain).people_moved == 2  # the victim of trafficking is not theirs to count
    assert dashboard_for(users["staff_tun"]).people_moved == 0
    snapshot = dashboard_cached(type(users["hq"]).objects.get(pk=users["hq"].pk))
    assert snapshot.people_moved == 3 and _rows(snapshot, "moved-destination") == {"Tunisia (TUN)": [3]}
