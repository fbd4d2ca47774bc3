"""The server's side of the boarding checklist offline: the empty frame the service worker answers
with (no movement, no passenger in it), and a mark sent twice with the same Idempotency-Key (a
timeout, then a retry from the browser's queue) applied once."""

import pytest
from django.urls import reverse

from core.models import AuditEntry, IdempotencyKey
from movements import services
from movements.models import Passenger

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def boarding(staff, libya):
    movement = plan_movement(staff, libya)
    people = [
        register(staff, libya, given_name="Rahim", family_name="Hossain", document_number="BG1000001"),
        register(staff, libya, given_name="Salma", family_name="Akter", document_number="BG1000002"),
    ]
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=people)
    services.movement_transition(actor=staff, movement_id=movement.pk, to="boarding")
    return movement


def test_the_offline_frame_holds_no_passenger_and_is_for_office_staff(client_for, users, boarding):
    staff = client_for(users["staff_lby"])
    response = staff.get(reverse("movements:boarding_offline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-boarding-shell" in page and 'id="gate-list"' in page
    assert "Hossain" not in page and "BG1000001" not in page and boarding.reference not in page
    assert client_for(users["gov_bgd"]).get(reverse("movements:boarding_offline")).status_code == 403

    # The checklist itself names the movement's state, which says whether the browser keeps a copy.
    checklist = staff.get(reverse("movements:boarding", args=[boarding.pk])).content.decode()
    assert f'data-boarding="{boarding.pk}" data-boarding-status="boarding"' in checklist
    assert checklist.count("data-offline-mark") == 4  # each passenger: the marks, the offloading
    filtered = staff.get(reverse("movements:boarding", args=[boarding.pk]), {"q": "Rahim"}).content.decode()
    assert "data-boarding-filtered" in filtered  # a search's answer is not kept as the checklist


def test_a_mark_sent_twice_with_the_same_key_applies_once(client_for, users, boarding):
    staff = client_for(users["staff_lby"])
    seat = Passenger.objects.get(movement=boarding, migrant__family_name="Hossain")
    url = reverse("movements:boarding_mark", args=[boarding.pk, seat.pk])
    headers = {"HTTP_IDEMPOTENCY_KEY": "mark-1", "HTTP_HX_REQUEST": "true"}
    first = staff.post(url, {"mark": "boarded"}, **headers)
    assert first.status_code == 200 and "data-mark-error" not in first.content.decode()
    staff.post(url, {"mark": "booked"}, HTTP_IDEMPOTENCY_KEY="mark-2", HTTP_HX_REQUEST="true")
    replay = staff.post(url, {"mark": "boarded"}, **headers)  # the first answer again; nothing done
    assert replay["Idempotent-Replayed"] == "true" and replay.content == first.content
    seat.refresh_from_db()
    assert seat.boarding_status == "booked"
    marks = AuditEntry.objects.filter(object_type__icontains="passenger", object_id=str(seat.pk), action="update")
    assert [e.after["boarding_status"] for e in marks.order_by("at", "pk")] == ["boarded", "booked"]
    assert IdempotencyKey.objects.count() == 2


def test_a_refused_mark_answers_the_row_with_the_servers_error(client_for, users, boarding, staff):
    seat = Passenger.objects.get(movement=boarding, migrant__family_name="Akter")
    services.movement_transition(actor=staff, movement_id=boarding.pk, to="departed")
    seat.refresh_from_db()
    before = (seat.boarding_status, seat.boarding_recorded_by_id)
    url = reverse("movements:boarding_mark", args=[boarding.pk, seat.pk])
    staff_client = client_for(users["staff_lby"])
    answer = staff_client.post(url, {"mark": "boarded"}, HTTP_IDEMPOTENCY_KEY="k", HTTP_HX_REQUEST="true")
    page = answer.content.decode()
    assert "data-mark-error" in page and "Passengers board while the movement is boarding." in page
    seat.refresh_from_db()
    assert (seat.boarding_status, seat.boarding_recorded_by_id) == before
