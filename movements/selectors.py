"""Reads of movements and their manifests, scoped to the user (docs/domain.md "Operations", "Who uses it").

- HQ: every movement and passenger.
- Office staff: the movements their offices organise; of the passengers, those whose case they may
  see (``caseload.selectors.migrants_visible_to``: a victim of trafficking only with the sensitive
  permission).
- A government liaison: the movements bound for its country; a partner liaison: those naming its
  organisation as the receiving agency. Of the passengers, only those on the manifest whose consent
  names that government or organisation for the purpose "transport", or who were shared with it by
  an override with a reason (never a sensitive record without consent), and of each only identity
  and document fields (``RECIPIENT_FIELDS``).
- Anyone else: nothing (404).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Q, QuerySet

from caseload.selectors import consent_covering, migrants_visible_to
from sectors.referral_kinds import ReferralKind

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
    """The government or partner a liaison speaks for, as keyword arguments of ``consent_covering``."""
    if user.is_government_liaison:
        return {"government_id": user.government_id}
    if user.is_partner_liaison:
        return {"partner_id": user.partner_id}
    return {}


def shared_with(*, government_id: int | None = None, partner_id: int | None = None) -> Q:
    """Passengers whose data may go to that government or organisation: consent naming it for the
    purpose "transport" (docs/domain.md "Consent per purpose"), or an override with a reason on a
    record that is not sensitive."""
    consent = consent_covering(
        migrant_ref="migrant_id", purpose=ReferralKind.TRANSPORT, government_id=government_id, partner_id=partner_id
    )
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


def manifest_counts(user, movement: Movement) -> dict[str, int]:
    """Booked, boarded, no-show, offloaded and fitness to travel among the passengers the user sees
    (one query); seats left is the movement's own figure."""
    from django.db.models import Count

    rows = passengers_visible_to(user, movement).order_by().values("boarding_status", "fitness").annotate(n=Count("id"))
    counts = {"booked": 0, "boarded": 0, "no_show": 0, "offloaded": 0, "fit": 0, "fit_with_escort": 0, "unfit": 0}
    counts["not_assessed"] = 0
    for row in rows:
        counts[row["boarding_status"]] += row["n"]
        counts[row["fitness"] or "not_assessed"] += row["n"]
    counts["passengers"] = counts["booked"] + counts["boarded"] + counts["no_show"] + counts["offloaded"]
    counts["seats_left"] = movement.seats_left
    return counts


def selection_candidates(
    user,
    movement: Movement,
    *,
    migrant_ids: list[int] | None = None,
    household: str = "",
    filters: dict | None = None,
    request=None,
) -> list:
    """The people of the movement's crisis a selection names, among those the user sees: by id, a
    household or group together, or the caseload list's filters (``caseload.filters.MigrantFilter``).
    An id the user cannot see, or a bad filter, is a ValidationError naming the field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from caseload.filters import MigrantFilter

    people = migrants_visible_to(user).filter(crisis_id=movement.crisis_id)
    if migrant_ids:
        found = list(people.filter(pk__in=migrant_ids))
        unknown = sorted(set(migrant_ids) - {m.pk for m in found})
        if unknown:
            raise ValidationError(
                {"migrants": [_("No case %(ids)s in this movement's crisis.") % {"ids": ", ".join(map(str, unknown))}]}
            )
        return found
    if household.strip():
        found = list(people.filter(household=household.strip()))
        if not found:
            raise ValidationError({"household": [_("No household %(ref)s in this crisis.") % {"ref": household}]})
        return found
    request = request or SimpleNamespace(user=user)  # the filter's crisis choices are the user's
    filterset = MigrantFilter({**(filters or {}), "crisis": str(movement.crisis_id)}, queryset=people, request=request)
    if not filterset.is_valid():
        raise ValidationError({f"filter.{name}": list(errors) for name, errors in filterset.form.errors.items()})
    return list(filterset.qs.order_by("pk"))


def people_moved(user) -> QuerySet[Passenger]:
    """Passengers who travelled (boarded a movement that has arrived), of the movements the user sees
    and, for office staff, only people whose case they may see: the dashboard counts them."""
    moved = Passenger.objects.filter(
        movement__in=movements_visible_to(user).values("pk"),
        movement__status__in=(MovementStatus.ARRIVED, MovementStatus.CLOSED),
        boarding_status="boarded",
    )
    if user.is_office_staff:
        moved = moved.filter(migrant__in=migrants_visible_to(user).values("pk"))
    elif not user.is_hq:
        return moved.none()
    return moved
