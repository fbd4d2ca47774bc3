"""Writes of movements and their manifests: one function per business action, each in one transaction.

Every rule of a movement lives here, once (and in the database where a constraint can hold it):

- seats are never exceeded (the movement's row is locked while passengers are added; the database
  refuses ``seats_taken > seat_capacity``);
- a person is on at most one movement that is not closed or cancelled (a partial unique index on
  ``Passenger.holds_seat``: of two offices adding the same person at the same moment, one succeeds and
  the other is told who has them);
- a cross-border movement cannot lock its manifest while a passenger lacks a travel document (the
  error names them), unless a holder of the office's ``override_travel_document`` permission records
  why;
- an unaccompanied child needs a named escort; an unfit passenger cannot board (also a constraint);
- a household split across movements is warned about;
- the passengers' transport referrals follow the movement: boarding moves each to in progress, the
  arrival completes it with the journey as its outcome, through the caseload's one service for it.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Office
from caseload.models import DocumentStatus, Migrant, Vulnerability
from caseload.selectors import consular_travel_documents, migrants_visible_to
from caseload.services import OVERRIDE_PERMISSION, transport_referrals_follow_movement
from core.audit import audit_record
from core.countries import validate_iso3
from core.events import record_event
from crises.models import Crisis
from crises.selectors import crises_visible_to
from partners.models import Partner

from .models import (
    SEAT_HOLDING,
    BoardingStatus,
    DocumentSource,
    Escort,
    Fitness,
    Movement,
    MovementEvent,
    MovementStatus,
    Passenger,
    SpecialNeed,
    TransitPoint,
    TravelDocumentType,
)
from .workflow import CLOSED, MOVEMENT, OFFICE, roles_on

# Per-office permission (django-guardian, accounts.Office): lock a manifest while a passenger of a
# cross-border movement has no travel document, with a reason.
DOCUMENT_OVERRIDE_PERMISSION = "override_travel_document"

MOVEMENT_FIELDS = (
    "kind",
    "mode",
    "carrier",
    "service_number",
    "origin_country",
    "origin_place",
    "origin_timezone",
    "destination_country",
    "destination_place",
    "destination_timezone",
    "planned_departure",
    "planned_arrival",
    "seat_capacity",
    "operational_escorts",
    "medical_escorts",
    "receiving_partner",
)
# Vulnerabilities of the case record that are special needs on board.
NEEDS_FROM_VULNERABILITIES = {
    Vulnerability.UNACCOMPANIED_CHILD: SpecialNeed.UNACCOMPANIED_CHILD,
    Vulnerability.PREGNANT: SpecialNeed.PREGNANT,
    Vulnerability.OLDER_PERSON: SpecialNeed.OLDER_PERSON,
}


# --- Who may ----------------------------------------------------------------------------------------
def _require_office(actor, movement: Movement) -> None:
    if OFFICE not in roles_on(actor, movement):
        raise PermissionDenied(_("Only staff of the organising office may do this."))


def _locked_movement(movement_id: int) -> Movement:
    return Movement.objects.select_for_update(of=("self",)).select_related("crisis").get(pk=movement_id)


def _name(migrant: Migrant) -> str:
    return f"{migrant.given_name} {migrant.family_name} ({migrant.reference})"


def _bump(movement: Movement) -> None:
    Movement.objects.filter(pk=movement.pk).update(manifest_revision=F("manifest_revision") + 1)


# --- Planning a movement ------------------------------------------------------------------------------
def _new_reference(office: Office) -> str:
    return f"{office.code.upper()}-MOV-{secrets.token_hex(3).upper()}"


def _check_movement(movement: Movement) -> None:
    errors: dict[str, list[str]] = {}
    try:
        movement.full_clean(exclude=["crisis", "office", "created_by", "reference"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (
        movement.planned_departure
        and movement.planned_arrival
        and movement.planned_arrival < movement.planned_departure
    ):
        errors.setdefault("planned_arrival", []).append(_("The arrival cannot be before the departure."))
    if errors:
        raise ValidationError(errors)


def _clean_transit_points(points: Iterable[dict]) -> list[TransitPoint]:
    cleaned = []
    for order, point in enumerate(points, start=1):
        country, place = (point.get("country") or "").strip().upper(), (point.get("place") or "").strip()
        if not place:
            raise ValidationError({"transit_points": [_("Give the place of transit point %(n)s.") % {"n": order}]})
        try:
            validate_iso3(country)
        except ValidationError:
            raise ValidationError(
                {"transit_points": [_("Transit point %(n)s: choose a country.") % {"n": order}]}
            ) from None
        cleaned.append(TransitPoint(order=order, country=country, place=place[:200]))
    return cleaned


def _clean_escorts(escorts: Iterable[dict]) -> list[Escort]:
    cleaned, seen = [], set()
    for escort in escorts:
        kind, name = escort.get("kind"), (escort.get("name") or "").strip()
        if kind not in Escort.Kind.values:
            raise ValidationError({"escorts": [_("An escort is operational or medical.")]})
        if name and (kind, name) not in seen:
            seen.add((kind, name))
            cleaned.append(Escort(kind=kind, name=name[:200]))
    return cleaned


def movement_create(
    *,
    actor,
    office: Office,
    crisis: Crisis,
    data: dict[str, Any],
    transit_points: Iterable[dict] = (),
    escorts: Iterable[dict] = (),
    request: HttpRequest | None = None,
) -> Movement:
    """Plan a movement of ``office`` in ``crisis``: ``movement.scheduled`` tells the destination."""
    if not (actor.is_office_staff and office.pk in actor.office_ids):
        raise PermissionDenied(_("Only office staff plan movements."))
    if not crises_visible_to(actor).filter(pk=crisis.pk, office_id=office.pk).exists():
        raise ValidationError({"crisis": [_("Choose a crisis of your office.")]})
    values = {k: v for k, v in data.items() if k in MOVEMENT_FIELDS}
    partner = values.get("receiving_partner")
    if partner is not None and not isinstance(partner, Partner):
        raise ValidationError({"receiving_partner": [_("Unknown partner organisation.")]})
    movement = Movement(office=office, crisis=crisis, created_by=actor, reference=_new_reference(office), **values)
    _check_movement(movement)
    points = _clean_transit_points(transit_points)
    named = _clean_escorts(escorts)
    with transaction.atomic():
        movement.save()
        for point in points:
            point.movement = movement
        TransitPoint.objects.bulk_create(points)
        for escort in named:
            escort.movement = movement
        Escort.objects.bulk_create(named)
        MovementEvent.objects.create(movement=movement, action="schedule", to_status=movement.status, actor=actor)
        audit_record(
            actor=actor,
            action="create",
            obj=movement,
            request=request,
            after={"reference": movement.reference, "kind": movement.kind, "mode": movement.mode},
        )
        record_event("movement.scheduled", **_event(movement, actor=actor))
    return movement


def _event(movement: Movement, *, actor, **extra) -> dict:
    """The keyword arguments of a movement's domain event: codes, states and counts only (the manifest
    is fetched through the authenticated API)."""
    return {
        "subject": movement,
        "actor": actor,
        "crisis_id": movement.crisis_id,
        "office_id": movement.office_id,
        "payload": {
            "kind": movement.kind,
            "mode": movement.mode,
            "status": movement.status,
            "origin_country": movement.origin_country,
            "destination_country": movement.destination_country,
            "seats": movement.seat_capacity,
            **extra,
        },
    }


# --- Adding passengers ------------------------------------------------------------------------------
@dataclass
class Refusal:
    migrant_id: int
    reference: str
    name: str
    reason: str


@dataclass
class AddPlan:
    """Who would be added (in manifest order) and who is refused and why; warnings to read first."""

    movement: Movement
    added: list[Migrant] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    passengers: list[Passenger] = field(default_factory=list)


def travel_document_of(migrant: Migrant, consular: dict[int, tuple[str, str]]) -> tuple[str, str, str]:
    """(type, number, where it was found): a valid passport on the case record, else the emergency
    travel document or laissez-passer recorded on the consular referral, else nothing. A case
    record's document that came from a consular referral (``Migrant.document_source``) is that one."""
    if migrant.document_source_id is not None and migrant.pk in consular:
        kind, number = consular[migrant.pk]
        return kind, number, DocumentSource.CONSULAR_REFERRAL
    if migrant.document_status == DocumentStatus.VALID and migrant.document_number:
        return TravelDocumentType.PASSPORT, migrant.document_number, DocumentSource.CASE_RECORD
    if migrant.pk in consular:
        kind, number = consular[migrant.pk]
        return kind, number, DocumentSource.CONSULAR_REFERRAL
    return "", "", ""


def _special_needs(migrant: Migrant) -> list[str]:
    return [
        need for vulnerability, need in NEEDS_FROM_VULNERABILITIES.items() if vulnerability in migrant.vulnerabilities
    ]


def _household_warnings(actor, movement: Movement, migrants: list[Migrant]) -> list[str]:
    """A household of the added people with members neither added nor already on this movement."""
    households = {m.household for m in migrants if m.household}
    if not households:
        return []
    added = {m.pk for m in migrants}
    on_board = set(
        Passenger.objects.filter(movement=movement, boarding_status__in=SEAT_HOLDING).values_list(
            "migrant_id", flat=True
        )
    )
    left_behind: dict[str, list[str]] = defaultdict(list)
    members = (
        migrants_visible_to(actor)
        .filter(crisis_id=movement.crisis_id, household__in=households)
        .exclude(pk__in=added | on_board)
        .values_list("household", "reference")
        .order_by("household", "reference")
    )
    for household, reference in members:
        left_behind[household].append(reference)
    return [
        _("Household %(household)s is split: %(references)s not on this movement.")
        % {"household": household, "references": ", ".join(references)}
        for household, references in sorted(left_behind.items())
    ]


def passengers_plan(*, actor, movement: Movement, migrants: Iterable[Migrant]) -> AddPlan:
    """The preview of adding ``migrants`` (people the actor sees) to the manifest, households kept
    together; nothing is written."""
    _require_office(actor, movement)
    if movement.status != MovementStatus.PLANNED:
        raise ValidationError({"migrants": [_("The manifest is locked: passengers are added while planned.")]})
    plan = AddPlan(movement=movement)
    # Households first, each one's members together; then the people travelling alone, in the order
    # they were registered (by number, not as text: "~100" sorted before "~99").
    candidates = sorted(
        {m.pk: m for m in migrants}.values(), key=lambda m: (0, m.household, m.pk) if m.household else (1, "", m.pk)
    )
    ids = [m.pk for m in candidates]
    elsewhere = dict(
        Passenger.objects.filter(migrant_id__in=ids, holds_seat=True).values_list("migrant_id", "movement__reference")
    )
    here = set(Passenger.objects.filter(movement=movement, migrant_id__in=ids).values_list("migrant_id", flat=True))
    acceptable: list[Migrant] = []
    for migrant in candidates:
        reason = None
        if migrant.pk in here:
            reason = _("Already on this movement.")
        elif migrant.pk in elsewhere:
            reason = _("Already on movement %(reference)s.") % {"reference": elsewhere[migrant.pk]}
        elif migrant.crisis_id != movement.crisis_id:
            reason = _("Registered in another crisis.")
        elif migrant.pseudonymised_at is not None:
            reason = _("The personal data of this case was erased.")
        if reason:
            plan.refused.append(Refusal(migrant.pk, migrant.reference, _name(migrant), reason))
        else:
            acceptable.append(migrant)
    # Seats: whole households first come, first served; a household that does not fit stays together.
    seats = movement.seat_capacity - movement.seats_taken
    groups: dict[str, list[Migrant]] = defaultdict(list)
    for migrant in acceptable:
        groups[migrant.household or f"~{migrant.pk}"].append(migrant)
    for members in groups.values():
        if len(members) <= seats:
            plan.added.extend(members)
            seats -= len(members)
            continue
        reason = _("No seat left.") if len(members) == 1 else _("Not enough seats left for the whole household.")
        plan.refused.extend(Refusal(m.pk, m.reference, _name(m), reason) for m in members)
    consular = consular_travel_documents([m.pk for m in plan.added])
    plan.documents = {m.pk: travel_document_of(m, consular) for m in plan.added}
    missing = [m for m in plan.added if not plan.documents[m.pk][1]]
    if missing and movement.is_cross_border:
        plan.warnings.append(
            _("No travel document yet (needed before the manifest locks): %(names)s.")
            % {"names": ", ".join(_name(m) for m in missing[:20]) + (" …" if len(missing) > 20 else "")}
        )
    plan.warnings += _household_warnings(actor, movement, plan.added)
    return plan


def _clash(movement: Movement, migrant_ids: list[int]) -> ValidationError:
    """The people another transaction booked meanwhile, named with the movement that has them."""
    taken = (
        Passenger.objects.filter(migrant_id__in=migrant_ids, holds_seat=True)
        .exclude(movement=movement)
        .select_related("migrant", "movement")
    )
    names = [
        _("%(name)s is already on movement %(reference)s.")
        % {"name": _name(p.migrant), "reference": p.movement.reference}
        for p in taken
    ]
    return ValidationError({"migrants": names or [_("These people were added to another movement meanwhile.")]})


def passengers_add(
    *, actor, movement_id: int, migrants: Iterable[Migrant], request: HttpRequest | None = None
) -> AddPlan:
    """Add the acceptable people of the plan to the manifest; when none is acceptable, nothing is
    written and the error names why. The movement's row is locked while seats are counted."""
    migrants = list(migrants)
    with transaction.atomic():
        movement = _locked_movement(movement_id)
        plan = passengers_plan(actor=actor, movement=movement, migrants=migrants)
        if not plan.added:
            reasons = [f"{r.name}: {r.reason}" for r in plan.refused] or [_("Choose at least one person.")]
            raise ValidationError({"migrants": reasons})
        start = (Passenger.objects.filter(movement=movement).aggregate(n=Max("order"))["n"] or 0) + 1
        now = timezone.now()
        rows = []
        for position, migrant in enumerate(plan.added):
            kind, number, source = plan.documents[migrant.pk]
            rows.append(
                Passenger(
                    movement=movement,
                    migrant=migrant,
                    order=start + position,
                    document_type=kind,
                    document_number=number,
                    document_source=source,
                    special_needs=_special_needs(migrant),
                    added_by=actor,
                    added_at=now,
                )
            )
        try:
            with transaction.atomic():
                plan.passengers = Passenger.objects.bulk_create(rows)
        except IntegrityError:
            raise _clash(movement, [m.pk for m in plan.added]) from None
        Movement.objects.filter(pk=movement.pk).update(
            seats_taken=F("seats_taken") + len(rows), manifest_revision=F("manifest_revision") + 1
        )
        audit_record(
            actor=actor,
            action="update",
            obj=movement,
            request=request,
            reason="passengers added",
            after={"added": [m.pk for m in plan.added], "refused": [r.migrant_id for r in plan.refused]},
        )
    movement.refresh_from_db()
    plan.movement = movement
    return plan


def passenger_remove(*, actor, passenger_id: int, request: HttpRequest | None = None) -> None:
    """Take a passenger off a manifest that is not locked yet."""
    with transaction.atomic():
        passenger = Passenger.objects.select_related("movement").get(pk=passenger_id)
        movement = _locked_movement(passenger.movement_id)
        _require_office(actor, movement)
        if movement.status != MovementStatus.PLANNED:
            raise ValidationError({"passenger": [_("The manifest is locked: passengers are removed while planned.")]})
        seat = passenger.boarding_status in SEAT_HOLDING
        passenger.delete()
        Movement.objects.filter(pk=movement.pk).update(
            seats_taken=F("seats_taken") - (1 if seat else 0), manifest_revision=F("manifest_revision") + 1
        )
        audit_record(
            actor=actor,
            action="update",
            obj=movement,
            request=request,
            reason="passenger removed",
            after={"removed": passenger.migrant_id},
        )


# --- A passenger's record on the manifest ---------------------------------------------------------------
PASSENGER_FIELDS = ("seat", "fitness", "special_needs", "escort", "document_type", "document_number")


def passenger_update(
    *, actor, passenger_id: int, data: dict[str, Any], request: HttpRequest | None = None
) -> Passenger:
    """Record a passenger's seat, fitness to travel (who assessed it and when), special needs, escort
    or travel document (checked by the actor), or share them without consent with a reason."""
    with transaction.atomic():
        passenger = Passenger.objects.select_for_update(of=("self",)).select_related("migrant").get(pk=passenger_id)
        movement = _locked_movement(passenger.movement_id)
        _require_office(actor, movement)
        if movement.status in CLOSED:
            raise ValidationError({"passenger": [_("The movement is over: its manifest is kept as it was.")]})
        changed = [name for name in PASSENGER_FIELDS if name in data]
        late = movement.status in (MovementStatus.DEPARTED, MovementStatus.ARRIVED)
        if late and set(changed) - {"special_needs"}:
            raise ValidationError({changed[0]: [_("The movement has left: only special needs may still change.")]})
        now = timezone.now()
        errors: dict[str, list[str]] = {}
        if "seat" in data:
            passenger.seat = (data["seat"] or "").strip()[:16]
        if "fitness" in data:
            if data["fitness"] not in ("", *Fitness.values):
                errors["fitness"] = [_("Choose fit, fit with an escort or unfit.")]
            elif data["fitness"] == Fitness.UNFIT and passenger.boarding_status == BoardingStatus.BOARDED:
                errors["fitness"] = [_("An unfit passenger cannot be on board: offload them first.")]
            else:
                passenger.fitness = data["fitness"]
                passenger.fitness_assessed_by, passenger.fitness_assessed_at = actor, now
        if "special_needs" in data:
            needs = list(dict.fromkeys(data["special_needs"] or []))
            if any(need not in SpecialNeed.values for need in needs):
                errors["special_needs"] = [_("Choose special needs from the list.")]
            passenger.special_needs = needs
        if "escort" in data:
            escort = data["escort"]
            if escort is not None and escort.movement_id != movement.pk:
                errors["escort"] = [_("Choose an escort of this movement.")]
            passenger.escort = escort
        if "document_type" in data or "document_number" in data:
            kind = data.get("document_type", passenger.document_type)
            number = (data.get("document_number", passenger.document_number) or "").strip()
            if kind not in ("", *TravelDocumentType.values):
                errors["document_type"] = [_("Choose a passport, an emergency travel document or a laissez-passer.")]
            elif bool(kind) != bool(number):
                errors["document_number"] = [_("Give both the type and the number of the document.")]
            else:
                passenger.document_type, passenger.document_number = kind, number[:64]
                passenger.document_source = DocumentSource.CHECKED if number else ""
                passenger.document_checked_by, passenger.document_checked_at = (actor, now) if number else (None, None)
        if errors:
            raise ValidationError(errors)
        passenger.save()
        _bump(movement)
        audit_record(actor=actor, action="update", obj=passenger, request=request, after={"fields": changed})
    return passenger


def passenger_share_override(*, actor, passenger_id: int, reason: str, request: HttpRequest | None = None) -> Passenger:
    """Share a passenger with the destination government and the receiving agency without their
    consent: the office's ``override_consent`` permission and a reason, in the audit trail. A victim of
    trafficking is never shared without consent (docs/domain.md "Sensitive records")."""
    with transaction.atomic():
        passenger = Passenger.objects.select_for_update(of=("self",)).select_related("migrant").get(pk=passenger_id)
        movement = _locked_movement(passenger.movement_id)
        _require_office(actor, movement)
        if not reason.strip():
            raise ValidationError({"share_override_reason": [_("Give the reason for sharing without consent.")]})
        if movement.office_id not in actor.office_ids_with(OVERRIDE_PERMISSION):
            raise PermissionDenied(_("You do not hold the permission to share data without consent."))
        if passenger.migrant.is_sensitive:
            raise ValidationError(
                {"share_override_reason": [_("A sensitive record is shared only with the person's consent.")]}
            )
        passenger.share_override_reason = reason.strip()
        passenger.share_overridden_by = actor
        passenger.save(update_fields=["share_override_reason", "share_overridden_by"])
        _bump(movement)
        audit_record(
            actor=actor,
            action="override",
            obj=passenger,
            request=request,
            reason=passenger.share_override_reason,
            after={"consent": "overridden", "movement": movement.reference},
        )
    return passenger


def _needs_escort(passenger: Passenger) -> bool:
    return passenger.is_unaccompanied_child and passenger.escort_id is None


def _boarding_refusal(passenger: Passenger) -> str | None:
    """Why a passenger may not board, or None: unfit to travel, an unaccompanied child without a named escort."""
    who = {"name": _name(passenger.migrant)}
    if passenger.fitness == Fitness.UNFIT:
        return _("%(name)s is unfit to travel and cannot board.") % who
    if _needs_escort(passenger):
        return _("%(name)s is an unaccompanied child: name an escort first.") % who
    return None


def passengers_board_all(
    *, actor, movement_id: int, passenger_ids: Iterable[int] | None = None, request: HttpRequest | None = None
) -> tuple[int, list[str]]:
    """Board a group at once (every booked passenger, or those named): the same rules as one by one,
    in bulk; those who may not board stay booked and are named. Answers (boarded, refusals)."""
    with transaction.atomic():
        movement = _locked_movement(movement_id)
        _require_office(actor, movement)
        if movement.status != MovementStatus.BOARDING:
            raise ValidationError({"status": [_("Passengers board while the movement is boarding.")]})
        booked = Passenger.objects.select_for_update(of=("self",)).filter(
            movement=movement, boarding_status=BoardingStatus.BOOKED
        )
        if passenger_ids is not None:
            booked = booked.filter(pk__in=list(passenger_ids))
        ready, refusals = [], []
        # What the boarding rules read (fitness, escort, needs) and the name of whoever may not board.
        fields = ("migrant_id", "fitness", "escort_id", "special_needs", "order")
        named = ("migrant__given_name", "migrant__family_name", "migrant__reference")
        for passenger in booked.select_related("migrant").only(*fields, *named).order_by("order", "id"):
            refusal = _boarding_refusal(passenger)
            if refusal:
                refusals.append(refusal)
            else:
                ready.append(passenger)
        now = timezone.now()
        Passenger.objects.filter(pk__in=[p.pk for p in ready]).update(
            boarding_status=BoardingStatus.BOARDED, boarded_at=now, boarding_recorded_by=actor
        )
        _bump(movement)
        audit_record(
            actor=actor,
            action="update",
            obj=movement,
            request=request,
            reason="passengers boarded",
            after={"boarded": [p.migrant_id for p in ready]},
        )
        transport_referrals_follow_movement(
            actor=actor,
            migrant_ids=[p.migrant_id for p in ready],
            movement_reference=movement.reference,
            stage="boarded",
            request=request,
        )
    return len(ready), refusals


def passenger_board(
    *, actor, passenger_id: int, status: str, reason: str = "", request: HttpRequest | None = None
) -> Passenger:
    """At the gate: boarded, no-show, offloaded (with a reason) or back to booked. Boarding moves the
    person's transport referral to in progress."""
    if status not in BoardingStatus.values:
        raise ValidationError({"status": [_("Choose booked, boarded, no-show or offloaded.")]})
    with transaction.atomic():
        passenger = (
            Passenger.objects.select_for_update(of=("self",)).select_related("migrant", "escort").get(pk=passenger_id)
        )
        movement = _locked_movement(passenger.movement_id)
        _require_office(actor, movement)
        if movement.status != MovementStatus.BOARDING:
            raise ValidationError({"status": [_("Passengers board while the movement is boarding.")]})
        refusal = _boarding_refusal(passenger) if status == BoardingStatus.BOARDED else None
        if refusal:
            raise ValidationError({"status": [refusal]})
        if status == BoardingStatus.OFFLOADED and not reason.strip():
            raise ValidationError({"reason": [_("Give the reason for offloading.")]})
        previous = passenger.boarding_status
        if previous == status:
            return passenger
        held, holds = previous in SEAT_HOLDING, status in SEAT_HOLDING
        if holds and not held and Passenger.objects.filter(migrant_id=passenger.migrant_id, holds_seat=True).exists():
            raise ValidationError(
                {"status": [_("%(name)s is on another movement now.") % {"name": _name(passenger.migrant)}]}
            )
        passenger.boarding_status = status
        passenger.offload_reason = reason.strip() if status == BoardingStatus.OFFLOADED else ""
        passenger.boarded_at = timezone.now() if status == BoardingStatus.BOARDED else None
        passenger.boarding_recorded_by = actor
        passenger.holds_seat = holds
        passenger.save()
        seats = (1 if holds else 0) - (1 if held else 0)
        Movement.objects.filter(pk=movement.pk).update(
            seats_taken=F("seats_taken") + seats, manifest_revision=F("manifest_revision") + 1
        )
        audit_record(
            actor=actor,
            action="update",
            obj=passenger,
            request=request,
            reason=passenger.offload_reason,
            before={"boarding_status": previous},
            after={"boarding_status": status},
        )
        if status == BoardingStatus.BOARDED:
            transport_referrals_follow_movement(
                actor=actor,
                migrant_ids=[passenger.migrant_id],
                movement_reference=movement.reference,
                stage="boarded",
                request=request,
            )
    return passenger


def passenger_receive(*, actor, passenger_id: int, request: HttpRequest | None = None) -> Passenger:
    """The passenger was received on arrival."""
    with transaction.atomic():
        passenger = Passenger.objects.select_for_update(of=("self",)).get(pk=passenger_id)
        movement = _locked_movement(passenger.movement_id)
        _require_office(actor, movement)
        if movement.status != MovementStatus.ARRIVED or passenger.boarding_status != BoardingStatus.BOARDED:
            raise ValidationError({"passenger": [_("A boarded passenger is received once the movement has arrived.")]})
        if passenger.received_at is None:
            passenger.received_at, passenger.received_by = timezone.now(), actor
            passenger.save(update_fields=["received_at", "received_by"])
            _bump(movement)
            audit_record(actor=actor, action="update", obj=passenger, request=request, after={"received": True})
    return passenger


# --- The movement's state machine -----------------------------------------------------------------------
def _check_lock(*, actor, movement: Movement, override_reason: str, request) -> None:
    """The manifest locks with a passenger, each unaccompanied child with a named escort and, across a
    border, everyone with a travel document (or an override with a reason by a permission holder)."""
    seated = list(
        Passenger.objects.filter(movement=movement, boarding_status__in=SEAT_HOLDING)
        .select_related("migrant")
        .order_by("order", "id")
    )
    if not seated:
        raise ValidationError({"to": [_("Add passengers before locking the manifest.")]})
    # Documents recorded on the consular referrals since the passengers were added.
    undocumented = [p for p in seated if not p.has_travel_document]
    if undocumented:
        consular = consular_travel_documents([p.migrant_id for p in undocumented])
        found = []
        for passenger in undocumented:
            kind, number, source = travel_document_of(passenger.migrant, consular)
            if number:
                passenger.document_type, passenger.document_number, passenger.document_source = kind, number, source
                found.append(passenger)
        Passenger.objects.bulk_update(found, ["document_type", "document_number", "document_source"])
        undocumented = [p for p in undocumented if not p.has_travel_document]
    children = [p for p in seated if _needs_escort(p)]
    if children:
        raise ValidationError(
            {
                "escort": [
                    _("An unaccompanied child needs a named escort: %(names)s.")
                    % {"names": ", ".join(_name(p.migrant) for p in children)}
                ]
            }
        )
    if not (undocumented and movement.is_cross_border):
        return
    names = ", ".join(_name(p.migrant) for p in undocumented[:50]) + (" …" if len(undocumented) > 50 else "")
    if not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": [
                    _(
                        "A cross-border movement locks when every passenger has a travel document; missing: "
                        "%(names)s. Record their documents, or override with a reason if you hold the permission."
                    )
                    % {"names": names}
                ]
            }
        )
    if movement.office_id not in actor.office_ids_with(DOCUMENT_OVERRIDE_PERMISSION):
        raise PermissionDenied(_("You do not hold the permission to lock a manifest without every travel document."))
    movement.document_override_reason = override_reason.strip()
    movement.document_overridden_by = actor
    audit_record(
        actor=actor,
        action="override",
        obj=movement,
        request=request,
        reason=movement.document_override_reason,
        after={"travel_documents": "overridden", "passengers": [p.migrant_id for p in undocumented]},
    )


def _journey_outcome(movement: Movement) -> dict:
    departed = movement.origin_time(movement.actual_departure or movement.planned_departure)
    return {
        "departure_from": movement.origin_place,
        "destination": movement.destination_place,
        "travel_date": departed.date(),
    }


def movement_transition(
    *,
    actor,
    movement_id: int,
    to: str,
    reason: str = "",
    override_reason: str = "",
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Movement:
    """Move a movement to status ``to`` if the state machine and the actor's role allow it; the
    movement's row is locked, so that two concurrent transitions run one after the other."""
    transition = MOVEMENT.transition_to(to)
    with transaction.atomic():
        movement = _locked_movement(movement_id)
        roles = roles_on(actor, movement)
        MOVEMENT.check(
            transition,
            status=movement.status,
            side=transition.by if transition.by in roles else None,
            reason=reason,
        )
        now = at or timezone.now()
        if at is not None and at > timezone.now():
            raise ValidationError({"at": [_("A time in the future cannot be recorded.")]})
        if to == MovementStatus.ARRIVED and movement.actual_departure and now < movement.actual_departure:
            raise ValidationError({"at": [_("The arrival cannot be before the departure.")]})
        if to == MovementStatus.BOARDING:
            _check_lock(actor=actor, movement=movement, override_reason=override_reason, request=request)
        previous = movement.status
        extra: dict[str, Any] = {}
        if to == MovementStatus.DEPARTED:
            # Whoever has not boarded when the doors close is a no-show, and free for another movement.
            left = Passenger.objects.filter(movement=movement, boarding_status=BoardingStatus.BOOKED)
            extra["no_show"] = left.update(
                boarding_status=BoardingStatus.NO_SHOW, holds_seat=False, boarding_recorded_by=actor
            )
            movement.seats_taken = F("seats_taken") - extra["no_show"]
        transition.apply(movement, at=now, reason=reason)
        if to in CLOSED:
            Passenger.objects.filter(movement=movement, holds_seat=True).update(holds_seat=False)
        movement.manifest_revision = F("manifest_revision") + 1
        movement.save()
        movement.refresh_from_db()
        MovementEvent.objects.create(
            movement=movement,
            action=transition.action,
            from_status=previous,
            to_status=to,
            actor=actor,
            at=now,
            note=(reason if transition.needs_reason else override_reason).strip(),
        )
        audit_record(
            actor=actor,
            action="update",
            obj=movement,
            request=request,
            reason=reason.strip() or transition.action,
            before={"status": previous},
            after={"status": to},
        )
        boarded = Passenger.objects.filter(movement=movement, boarding_status=BoardingStatus.BOARDED)
        if to == MovementStatus.ARRIVED:
            extra["referrals_completed"] = transport_referrals_follow_movement(
                actor=actor,
                migrant_ids=list(boarded.values_list("migrant_id", flat=True)),
                movement_reference=movement.reference,
                stage="arrived",
                outcome=_journey_outcome(movement),
                request=request,
            )
        counts = {"passengers": movement.seats_taken, **{k: v for k, v in extra.items() if isinstance(v, int)}}
        if to in (MovementStatus.DEPARTED, MovementStatus.ARRIVED):
            counts["boarded"] = boarded.count()
        facts = _event(movement, actor=actor, **transition.payload(movement, previous), **counts)
        record_event(transition.event, **facts)
        if to == MovementStatus.BOARDING:
            from .tasks import build_manifest_documents

            transaction.on_commit(lambda: build_manifest_documents.delay(movement.pk), robust=True)
    return movement


def passengers_by_reference(references: Iterable[str], *, actor) -> tuple[list[Migrant], list[str]]:
    """People the actor sees, by case reference; and the references that name nobody it sees."""
    wanted = [r.strip() for r in references if r.strip()]
    found = list(migrants_visible_to(actor).filter(reference__in=wanted))
    known = {m.reference for m in found}
    return found, [r for r in wanted if r not in known]


def household_members(*, actor, movement: Movement, household: str) -> list[Migrant]:
    return (
        list(
            migrants_visible_to(actor).filter(crisis_id=movement.crisis_id, household=household.strip()).order_by("pk")
        )
        if household.strip()
        else []
    )


__all__ = [
    "AddPlan",
    "DOCUMENT_OVERRIDE_PERMISSION",
    "Refusal",
    "household_members",
    "movement_create",
    "movement_transition",
    "passenger_board",
    "passengers_board_all",
    "passenger_receive",
    "passenger_remove",
    "passenger_share_override",
    "passenger_update",
    "passengers_add",
    "passengers_by_reference",
    "passengers_plan",
    "roles_on",
    "travel_document_of",
]
