"""Each rule of a movement, through the one service module (movements.services)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from caseload import services as caseload_services
from caseload.models import Referral
from core.models import AuditEntry, DomainEvent
from movements import services
from movements.models import Movement, MovementEvent, Passenger

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db


def board_ready(staff, movement, *people):
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=people)
    return services.movement_transition(actor=staff, movement_id=movement.pk, to="boarding")


def passenger(movement, migrant):
    return Passenger.objects.get(movement=movement, migrant=migrant)


def test_planning_records_the_scheduled_event_and_the_audit(staff, convoy):
    assert convoy.status == "planned" and convoy.reference.startswith("LBY-MOV-")
    event = DomainEvent.objects.get(type="movement.scheduled", subject_id=convoy.pk)
    assert event.payload["destination_country"] == "TUN" and "carrier" not in event.payload
    assert AuditEntry.objects.filter(object_type="movements.movement", object_id=str(convoy.pk)).exists()


def test_bad_movement_input_names_the_field_and_saves_nothing(staff, libya):
    with pytest.raises(ValidationError) as caught:
        plan_movement(staff, libya, origin_timezone="Mars/Olympus", seat_capacity=0)
    assert {"origin_timezone", "seat_capacity"} <= set(caught.value.message_dict)
    assert not Movement.objects.exists()


def test_seats_are_never_exceeded(staff, libya):
    movement = plan_movement(staff, libya, seat_capacity=2)
    people = [register(staff, libya, given_name=f"P{i}") for i in range(3)]
    plan = services.passengers_add(actor=staff, movement_id=movement.pk, migrants=people)
    assert len(plan.added) == 2 and [r.reason for r in plan.refused] == ["No seat left."]
    with pytest.raises(ValidationError):
        services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[people[2]])
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.filter(pk=movement.pk).update(seats_taken=3)


def test_a_household_is_kept_together_when_seats_are_short(staff, libya):
    movement = plan_movement(staff, libya, seat_capacity=2)
    family = [register(staff, libya, given_name=n, household="HH-9") for n in ("A", "B", "C")]
    single = register(staff, libya, given_name="D")
    plan = services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[*family, single])
    assert [m.pk for m in plan.added] == [single.pk]
    assert {r.migrant_id for r in plan.refused} == {m.pk for m in family}


def test_the_manifest_lists_households_then_people_alone_in_the_order_they_were_registered(staff, libya):
    from django.db import connection

    with connection.cursor() as cursor:  # record numbers across a power of ten: 98, 99, 100, 101
        cursor.execute("SELECT setval(pg_get_serial_sequence('caseload_migrant', 'id'), 97)")
    alone = [register(staff, libya, given_name=f"Alone{i}") for i in range(3)]
    family = register(staff, libya, given_name="F", household="HH-1")
    assert [m.pk for m in [*alone, family]] == [98, 99, 100, 101]
    movement = plan_movement(staff, libya, seat_capacity=10)
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[alone[2], family, alone[0], alone[1]])
    manifest = Passenger.objects.filter(movement=movement).order_by("order").values_list("migrant_id", flat=True)
    assert list(manifest) == [family.pk, *(m.pk for m in alone)]


def test_a_split_household_is_warned_about(staff, convoy, libya):
    mother = register(staff, libya, given_name="Nasrin", household="HH-7")
    son = register(staff, libya, given_name="Karim", household="HH-7")
    plan = services.passengers_plan(actor=staff, movement=convoy, migrants=[mother])
    assert any(son.reference in warning for warning in plan.warnings)
    plan = services.passengers_plan(actor=staff, movement=convoy, migrants=[mother, son])
    assert not [w for w in plan.warnings if "HH-7" in w]


def test_a_person_is_on_one_open_movement_at_a_time(staff, libya, convoy):
    person = register(staff, libya)
    services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[person])
    other = plan_movement(staff, libya)
    with pytest.raises(ValidationError) as caught:
        services.passengers_add(actor=staff, movement_id=other.pk, migrants=[person])
    assert convoy.reference in str(caught.value)
    # Once the first is cancelled, the person may be booked again.
    services.movement_transition(
        actor=libya.office.memberships.get(is_chief_of_mission=True).user,
        movement_id=convoy.pk,
        to="cancelled",
        reason="Road closed",
    )
    services.passengers_add(actor=staff, movement_id=other.pk, migrants=[person])
    # The database holds the rule whatever the code does.
    Passenger.objects.filter(movement=other).update(holds_seat=False)
    Passenger.objects.filter(movement=convoy).update(holds_seat=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Passenger.objects.filter(movement=other).update(holds_seat=True)


def test_a_cross_border_movement_does_not_lock_while_a_passenger_lacks_a_document(staff, chief, libya, convoy):
    documented = register(staff, libya, given_name="Jamal")
    lost = register(staff, libya, given_name="Shahid", document_status="lost", document_number="")
    services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[documented, lost])
    with pytest.raises(ValidationError) as caught:
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="boarding")
    assert lost.reference in str(caught.value) and documented.reference not in str(caught.value)
    assert Movement.objects.get(pk=convoy.pk).status == "planned"
    # A reason without the permission is refused; staff_lby does not hold it.
    with pytest.raises(PermissionDenied):
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="boarding", override_reason="Urgent")
    # Staff record the document they checked.
    services.passenger_update(
        actor=staff, passenger_id=passenger(convoy, lost).pk, data={"document_type": "etd", "document_number": "E-1"}
    )
    movement = services.movement_transition(actor=staff, movement_id=convoy.pk, to="boarding")
    assert movement.status == "boarding" and movement.manifest_locked_at
    assert passenger(convoy, lost).document_checked_by == staff


def test_a_permission_holder_locks_without_a_document_with_a_reason(chief, staff, libya, convoy):
    from guardian.shortcuts import assign_perm

    assign_perm("accounts.override_travel_document", chief, libya.office)
    chief = type(chief).objects.get(pk=chief.pk)
    lost = register(staff, libya, document_status="lost", document_number="")
    services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[lost])
    movement = services.movement_transition(
        actor=chief, movement_id=convoy.pk, to="boarding", override_reason="Documents issued at the border"
    )
    assert movement.document_override_reason == "Documents issued at the border"
    assert AuditEntry.objects.filter(action="override", object_id=str(convoy.pk), object_type="movements.movement")


def test_an_internal_movement_locks_without_travel_documents(staff, libya):
    movement = plan_movement(
        staff,
        libya,
        destination_country="LBY",
        destination_place="Benghazi port",
        destination_timezone="Africa/Tripoli",
    )
    board_ready(staff, movement, register(staff, libya, document_status="none", document_number=""))
    assert Movement.objects.get(pk=movement.pk).status == "boarding"


def test_an_unaccompanied_child_needs_a_named_escort(staff, libya):
    movement = plan_movement(staff, libya)
    child = register(
        staff,
        libya,
        given_name="Rina",
        date_of_birth=datetime.date(2013, 5, 1),
        vulnerabilities=["unaccompanied_child"],
    )
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[child])
    seat = passenger(movement, child)
    assert seat.special_needs == ["unaccompanied_child"]
    with pytest.raises(ValidationError) as caught:
        services.movement_transition(actor=staff, movement_id=movement.pk, to="boarding")
    assert child.reference in str(caught.value)
    escort = movement.escorts.create(kind="operational", name="Samir Lahmar")
    services.passenger_update(actor=staff, passenger_id=seat.pk, data={"escort": escort})
    services.movement_transition(actor=staff, movement_id=movement.pk, to="boarding")


def test_an_unfit_passenger_cannot_board(staff, libya, convoy):
    sick = register(staff, libya)
    board_ready(staff, convoy, sick)
    seat = passenger(convoy, sick)
    services.passenger_update(actor=staff, passenger_id=seat.pk, data={"fitness": "unfit"})
    assert Passenger.objects.get(pk=seat.pk).fitness_assessed_by == staff
    with pytest.raises(ValidationError):
        services.passenger_board(actor=staff, passenger_id=seat.pk, status="boarded")
    with pytest.raises(IntegrityError), transaction.atomic():
        Passenger.objects.filter(pk=seat.pk).update(boarding_status="boarded")
    with pytest.raises(ValidationError):
        services.passenger_board(actor=staff, passenger_id=seat.pk, status="offloaded")
    services.passenger_board(actor=staff, passenger_id=seat.pk, status="offloaded", reason="Unfit to travel")
    assert Movement.objects.get(pk=convoy.pk).seats_taken == 0


def test_the_manifest_is_locked_from_boarding_on(staff, libya, convoy):
    first = register(staff, libya)
    board_ready(staff, convoy, first)
    with pytest.raises(ValidationError):
        services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[register(staff, libya)])
    with pytest.raises(ValidationError):
        services.passenger_remove(actor=staff, passenger_id=passenger(convoy, first).pk)


def test_only_legal_transitions_by_allowed_roles_each_kept_as_an_event(staff, chief, users, libya, convoy):
    with pytest.raises(ValidationError):
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="arrived")
    for outsider in (users["staff_tun"], users["hq"], users["gov_bgd"]):
        with pytest.raises(PermissionDenied):
            services.movement_transition(actor=outsider, movement_id=convoy.pk, to="boarding")
    with pytest.raises(PermissionDenied):  # cancelling is the Chief of Mission's
        services.movement_transition(actor=staff, movement_id=convoy.pk, to="cancelled", reason="Fuel")
    with pytest.raises(ValidationError):
        services.movement_transition(actor=chief, movement_id=convoy.pk, to="cancelled", reason=" ")
    services.movement_transition(actor=chief, movement_id=convoy.pk, to="cancelled", reason="Road closed")
    event = MovementEvent.objects.get(movement=convoy, action="cancel")
    assert (event.actor, event.from_status, event.note) == (chief, "planned", "Road closed")
    assert DomainEvent.objects.filter(type="movement.cancelled", subject_id=convoy.pk).count() == 1


def test_the_referrals_follow_the_movement(staff, users, libya, convoy, bangladesh):
    travellers = [register(staff, libya, given_name=f"T{i}") for i in range(3)]
    referrals = []
    for person in travellers:
        caseload_services.consent_record(
            actor=staff,
            migrant=person,
            governments=[bangladesh],
            purposes=["transport"],
            given_on=datetime.date(2026, 2, 1),
        )
        referral = caseload_services.referral_create(
            actor=staff, migrant=person, kind="transport", recipient_government=bangladesh, priority="urgent", send=True
        )
        referrals.append(referral)
    caseload_services.referral_transition(actor=users["gov_bgd"], referral_id=referrals[0].pk, to="acknowledged")
    board_ready(staff, convoy, *travellers)
    services.passenger_board(actor=staff, passenger_id=passenger(convoy, travellers[0]).pk, status="boarded")
    services.passenger_board(actor=staff, passenger_id=passenger(convoy, travellers[1]).pk, status="boarded")
    services.passenger_board(actor=staff, passenger_id=passenger(convoy, travellers[2]).pk, status="no_show")
    statuses = [Referral.objects.get(pk=r.pk).status for r in referrals]
    assert statuses == ["in_progress", "in_progress", "sent"]
    services.movement_transition(actor=staff, movement_id=convoy.pk, to="departed")
    movement = services.movement_transition(actor=staff, movement_id=convoy.pk, to="arrived")
    done = Referral.objects.get(pk=referrals[0].pk)
    assert done.status == "completed"
    assert (done.departure_from, done.destination) == ("Tripoli, Tajoura transit site", "Ras Ajdir border crossing")
    assert done.travel_date == movement.origin_time(movement.actual_departure).date()
    assert Referral.objects.get(pk=referrals[2].pk).status == "sent"
    steps = list(done.events.values_list("action", "note"))
    assert [a for a, _n in steps] == ["create", "send", "acknowledge", "start", "complete"]
    assert convoy.reference in steps[-1][1]
    trail = AuditEntry.objects.filter(
        object_type="caseload.referral", object_id=str(done.pk), after__by_movement=convoy.reference
    )
    assert trail.count() == 2


def test_closing_frees_the_passengers_for_another_movement(staff, libya, convoy):
    person = register(staff, libya)
    board_ready(staff, convoy, person)
    services.passenger_board(actor=staff, passenger_id=passenger(convoy, person).pk, status="boarded")
    for to in ("departed", "arrived", "closed"):
        services.movement_transition(actor=staff, movement_id=convoy.pk, to=to)
    onward = plan_movement(staff, libya)
    services.passengers_add(actor=staff, movement_id=onward.pk, migrants=[person])


def test_the_travel_document_of_the_consular_referral_counts(staff, users, libya, convoy, bangladesh):
    lost = register(staff, libya, document_status="lost", document_number="")
    services.passengers_add(actor=staff, movement_id=convoy.pk, migrants=[lost])
    referral = caseload_services.referral_create(
        actor=staff, migrant=lost, kind="consular", recipient_government=bangladesh, priority="urgent"
    )
    caseload_services.consent_record(
        actor=staff,
        migrant=lost,
        governments=[bangladesh],
        purposes=["consular", "transport"],
        given_on=datetime.date(2026, 2, 1),
    )
    caseload_services.referral_transition(actor=staff, referral_id=referral.pk, to="sent")
    gov = users["gov_bgd"]
    caseload_services.referral_transition(actor=gov, referral_id=referral.pk, to="acknowledged")
    caseload_services.referral_transition(
        actor=gov,
        referral_id=referral.pk,
        to="in_progress",
        outcome={
            "document_type": "etd",
            "document_number": "ETD-BGD-77",
            "document_issued_on": datetime.date(2026, 3, 1),
        },
    )
    services.movement_transition(actor=staff, movement_id=convoy.pk, to="boarding")
    seat = passenger(convoy, lost)
    assert (seat.document_type, seat.document_number, seat.document_source) == (
        "etd",
        "ETD-BGD-77",
        "consular_referral",
    )
