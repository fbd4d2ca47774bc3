"""Reads of movements and their manifests, scoped to the user (DESIGN "Operations", "Who uses it").

- HQ: every movement and passenger.
- Office staff: the movements their offices organise; of the passengers, those whose case they may
  see (``caseload.selectors.migrants_visible_to``: a victim of trafficking only with the sensitive
  permission).
- A government liaison: the movements bound for its country; a partner liaison: those naming its
  organisation as the receiving agency. Of the passengers, only those on the manifest whose consent
  names that government or organisation, or who were shared with it by an override with a reason
  (never a sensitive record without consent), and of each only identity and document fields
  (``RECIPIENT_FIELDS``).
- Anyone else: nothing (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from caseload.selectors import consent_names, migrants_visible_to

from .models import SEAT_HOLDING, Movement, MovementStatus, Passenger

# What a destination government or a receiving agency sees of a passenger: identity and document.
RECIPIENT_FIELDS = (
    "reference",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "document_type",
    "document_number",
)


def movements_visible_to(user) -> QuerySet[Movement]:
    if not user.is_authenticated or not user.is_active:
        return Movement.objects.none()
    if user.is_hq:
        return Movement.objects.all()
    if user.is_office_staff and user.office_ids:
        return Movement.objects.filter(office_id__in=user.office_ids)
    if user.is_government_liaison and user.government_id:
        return Movement.objects.filter(destination_country=user.government.country)
    if user.is_partner_liaison and user.partner_id:
        return Movement.objects.filter(receiving_partner_id=user.partner_id)
    return Movement.objects.none()


def recipient_of(user) -> dict:
    """The government or partner a liaison speaks for, as keyword arguments of ``consent_names``."""
    if user.is_government_liaison:
        return {"government_id": user.government_id}
    if user.is_partner_liaison:
        return {"partner_id": user.partner_id}
    return {}


def shared_with(*, government_id: int | None = None, partner_id: int | None = None) -> Q:
    """Passengers whose data may go to that government or organisation: consent naming it, or an
    override with a reason on a record that is not sensitive."""
    consent = consent_names(migrant_ref="migrant_id", government_id=government_id, partner_id=partner_id)
    overridden = ~Q(share_override_reason="") & Q(migrant__is_sensitive=False)
    return Q(consent) | overridden


def on_manifest() -> Q:
    """The people travelling: a no-show or an offloaded passenger is not on the shared manifest."""
    return Q(boarding_status__in=SEAT_HOLDING)


def passengers_visible_to(user, movement: Movement) -> QuerySet[Passenger]:
    """The passengers of ``movement`` (a movement the user sees) that the user may see."""
    passengers = Passenger.objects.filter(movement=movement)
    if user.is_hq:
        return passengers
    if user.is_office_staff and movement.office_id in user.office_ids:
        return passengers.filter(migrant__in=migrants_visible_to(user).values("pk"))
    recipient = recipient_of(user)
    if recipient and movements_visible_to(user).filter(pk=movement.pk).exists():
        if movement.status == MovementStatus.CANCELLED:
            return passengers.none()
        return passengers.filter(on_manifest(), shared_with(**recipient))
    return passengers.none()


def unshared_passengers(movement: Movement, *, government_id: int | None = None, partner_id: int | None = None):
    """Passengers on the manifest whom that recipient may not be told of: they block sharing it."""
    return (
        Passenger.objects.filter(movement=movement)
        .filter(on_manifest())
        .exclude(shared_with(government_id=government_id, partner_id=partner_id))
        .select_related("migrant")
        .order_by("order", "id")
    )


def upcoming_movements(user, *, crisis_id: int | None = None) -> QuerySet[Movement]:
    """Open movements the user sees, soonest departure first (the departures board)."""
    movements = movements_visible_to(user).filter(
        status__in=(MovementStatus.PLANNED, MovementStatus.BOARDING, MovementStatus.DEPARTED)
    )
    if crisis_id:
        movements = movements.filter(crisis_id=crisis_id)
    return movements.select_related("crisis", "office").order_by("planned_departure", "id")


def recent_movements(user, *, crisis_id: int | None = None) -> QuerySet[Movement]:
    movements = movements_visible_to(user).filter(
        status__in=(MovementStatus.ARRIVED, MovementStatus.CLOSED, MovementStatus.CANCELLED)
    )
    if crisis_id:
        movements = movements.filter(crisis_id=crisis_id)
    return movements.select_related("crisis", "office").order_by("-planned_departure", "-id")
