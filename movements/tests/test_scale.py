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
from outbox.selectors import notifications_visible_to
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
    log = notifications_visible_to(staff)  # the delivery log, as the office reads it
    before = log.filter(event_type="referral.transitioned").count()

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
    told = log.filter(event__in=events, government=bangladesh)
    assert told.count() == log.filter(event_type="referral.transitioned").count() - before
    assert set(told.values_list("channel", flat=True)) == {"email", "webhook"}
    assert told.values("event").distinct().count() == 2 * PASSENGERS
    assert told.count() == 2 * 2 * PASSENGERS


def test_the_movement_page_shows_the_manifest_a_page_at_a_time(
    client_for, staff, ship, monkeypatch, django_assert_max_num_queries
):
    from movements import views

    monkeypatch.setattr(views, "MANIFEST_PAGE_SIZE", 20)
    client = client_for(staff)
    client.get(f"/movements/{ship.pk}/")
    with django_assert_max_num_queries(30):
        first = client.get(f"/movements/{ship.pk}/").content.decode()
    assert first.count("<tr data-passenger=") == 20
    assert 'data-count="booked">50<' in first  # the figures count every passenger
    assert "Page 1 of 3" in first and "?page=2#manifest-title" in first
    last = client.get(f"/movements/{ship.pk}/?page=3").content.decode()
    assert last.count("<tr data-passenger=") == 10
    assert "Karim49 Hossain" in last and "?page=2#manifest-title" in last
    assert client.get(f"/movements/{ship.pk}/?page=99").content.decode().count("<tr data-passenger=") == 10


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_manifest_download_reads_no_record_row_by_row(client_for, staff, ship, fmt, django_assert_max_num_queries):
    client = client_for(staff)
    with django_assert_max_num_queries(30):
        response = client.get(f"/movements/{ship.pk}/manifest/office.{fmt}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    if fmt == "csv":
        lines = body.decode().splitlines()
        assert len(lines) == 2 + PASSENGERS and "Karim49" in lines[-1]
    else:
        # The workbook is built once per revision of the manifest and kept (as the PDF is).
        assert client.get(f"/movements/{ship.pk}/manifest/office.xlsx").content == body
        services.passenger_update(
            actor=staff, passenger_id=Passenger.objects.filter(movement=ship).first().pk, data={"seat": "12A"}
        )
        assert client.get(f"/movements/{ship.pk}/manifest/office.xlsx").content != body
