"""A movement's group steps take a number of queries that does not grow with its passengers: boarding
all and the arrival move every transport referral, write their events, audit entries and
notifications in bulk (bench/movements.py times them with 1,000 passengers)."""

import datetime

import pytest

from caseload import services as caseload_services
from caseload.models import Referral
from core.models import DomainEvent
from movements import services
from movements.models import Passenger
from outbox.models import Notification
from outbox.tests.factories import ContactFactory, WebhookEndpointFactory

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db

PASSENGERS = 50
# Boarding and arrival of 50 people: a per-passenger query would put either far above this.
MAX_QUERIES = 45


@pytest.fixture
def ship(staff, libya, bangladesh):
    ContactFactory(government=bangladesh, email="consular.wing@bgd.example")
    WebhookEndpointFactory(government=bangladesh)
    movement = plan_movement(
        staff,
        libya,
        mode="sea",
        destination_country="BGD",
        destination_place="Chittagong port",
        destination_timezone="Asia/Dhaka",
        seat_capacity=PASSENGERS,
    )
    people = []
    for i in range(PASSENGERS):
        person = register(staff, libya, given_name=f"Karim{i}", document_number=f"BM{i:07d}")
        caseload_services.consent_record(
            actor=staff,
            migrant=person,
            governments=[bangladesh],
            purposes=["transport"],
            given_on=datetime.date(2026, 2, 1),
        )
        caseload_services.referral_create(
            actor=staff, migrant=person, kind="transport", recipient_government=bangladesh, priority="urgent", send=True
        )
        people.append(person)
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=people)
    services.movement_transition(actor=staff, movement_id=movement.pk, to="boarding")
    return movement


def test_boarding_all_and_the_arrival_take_a_constant_number_of_queries(
    staff, ship, bangladesh, django_assert_max_num_queries
):
    referrals = Referral.objects.filter(migrant__passages__movement=ship, kind="transport")
    before = Notification.objects.filter(event_type="referral.transitioned").count()

    with django_assert_max_num_queries(MAX_QUERIES):
        boarded, refusals = services.passengers_board_all(actor=staff, movement_id=ship.pk)
    assert (boarded, refusals) == (PASSENGERS, [])
    assert set(referrals.values_list("status", flat=True)) == {"in_progress"}

    services.movement_transition(actor=staff, movement_id=ship.pk, to="departed")
    with django_assert_max_num_queries(MAX_QUERIES):
        services.movement_transition(actor=staff, movement_id=ship.pk, to="arrived")
    assert set(referrals.values_list("status", flat=True)) == {"completed"}
    assert Passenger.objects.filter(movement=ship, boarding_status="boarded").count() == PASSENGERS

    # Each referral's two steps are a referral.transitioned event, and Bangladesh, the recipient, is
    # told of each as it would be of one referral moved alone.
    events = DomainEvent.objects.filter(type="referral.transitioned", subject_id__in=referrals.values("pk"))
    assert events.count() == 2 * PASSENGERS
    told = Notification.objects.filter(event__in=events, government=bangladesh)
    assert told.count() == Notification.objects.filter(event_type="referral.transitioned").count() - before
    assert set(told.values_list("channel", flat=True)) == {"email", "webhook"}
    assert told.values("event").distinct().count() == 2 * PASSENGERS
    assert told.count() == 2 * 2 * PASSENGERS
