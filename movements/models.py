"""Movements: the charter flights, ships and bus convoys that carry migrants out of danger, with their
passenger manifests drawn from the caseload.

MC/2355 paragraph 8: "the organization of safe evacuations for migrants to return home, which is often
the most effective method of protection for migrants caught in crises"; Sector 3 (transport
assistance: evacuation, repatriation, return, relocation, by air, sea and land), Sector 4 (health "at
the pre-departure stage, during travel and transit and upon return") and Sector 12 (the travel
documents that make a crossing possible). Times are stored in UTC and shown in each place's zone.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import get_field_display
from core.countries import country_name, validate_iso3


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a time zone (e.g. Africa/Tripoli)."), params={"value": value})


class MovementKind(models.TextChoices):
    EVACUATION = "evacuation", _("Evacuation")
    RETURN = "return", _("Return")
    RELOCATION = "relocation", _("Relocation")
    RESETTLEMENT = "resettlement", _("Resettlement")
    ONWARD = "onward", _("Onward movement")


class Mode(models.TextChoices):
    AIR = "air", _("Air")
    SEA = "sea", _("Sea")
    LAND = "land", _("Land")


class MovementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BOARDING = "boarding", _("Boarding")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_MOVEMENT_STATUSES = (
    MovementStatus.PLANNED,
    MovementStatus.BOARDING,
    MovementStatus.DEPARTED,
    MovementStatus.ARRIVED,
)


class Movement(models.Model):
    """One transport operation of an office in a crisis: a carrier's service between two places."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="movements"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("organising office"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    carrier = models.CharField(_("carrier"), max_length=200)
    service_number = models.CharField(
        _("service number"), max_length=64, blank=True, help_text=_("Flight number, vessel name or convoy number.")
    )
    origin_country = models.CharField(_("origin country"), max_length=3, validators=[validate_iso3])
    origin_place = models.CharField(_("origin"), max_length=200)
    origin_timezone = models.CharField(_("time zone of the origin"), max_length=64, validators=[validate_timezone])
    destination_country = models.CharField(_("destination country"), max_length=3, validators=[validate_iso3])
    destination_place = models.CharField(_("destination"), max_length=200)
    destination_timezone = models.CharField(
        _("time zone of the destination"), max_length=64, validators=[validate_timezone]
    )
    planned_departure = models.DateTimeField(_("planned departure"))
    planned_arrival = models.DateTimeField(_("planned arrival"))
    actual_departure = models.DateTimeField(_("actual departure"), null=True, blank=True)
    actual_arrival = models.DateTimeField(_("actual arrival"), null=True, blank=True)
    seat_capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    # Passengers holding a seat (booked or boarded): kept by the services under the movement's row
    # lock, and the database refuses a count above the capacity.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    operational_escorts = models.PositiveSmallIntegerField(_("operational escorts (count)"), default=0)
    medical_escorts = models.PositiveSmallIntegerField(_("medical escorts (count)"), default=0)
    receiving_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MovementStatus.choices, default=MovementStatus.PLANNED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    manifest_locked_at = models.DateTimeField(_("manifest locked at"), null=True, blank=True)
    document_override_reason = models.TextField(_("reason for locking without every travel document"), blank=True)
    document_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("travel documents overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Raised by every write of the manifest: a kept document (the PDF) is for one revision.
    manifest_revision = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["planned_departure", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("seat_capacity")), name="movement_seats_not_exceeded"
            ),
            models.CheckConstraint(condition=Q(seat_capacity__gte=1), name="movement_has_seats"),
            models.CheckConstraint(
                condition=Q(planned_arrival__gte=F("planned_departure")), name="movement_arrives_after_departure"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="movement_cancelled_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(origin_country__regex=r"^[A-Z]{3}$") & Q(destination_country__regex=r"^[A-Z]{3}$"),
                name="movement_countries_iso3",
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(status="cancelled") | Q(manifest_locked_at__isnull=False),
                name="movement_locked_after_planning",
            ),
        ]
        indexes = [
            models.Index(fields=["crisis", "status", "planned_departure"], name="movement_crisis_idx"),
            models.Index(fields=["office", "planned_departure"], name="movement_office_idx"),
            models.Index(fields=["destination_country", "planned_departure"], name="movement_destination_idx"),
            models.Index(fields=["status", "planned_departure"], name="movement_upcoming_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.carrier} {self.service_number}".strip()

    @property
    def is_cross_border(self) -> bool:
        """Leaving the country of origin, or passing through another (a transit point abroad)."""
        if self.origin_country != self.destination_country:
            return True
        return any(point.country != self.origin_country for point in self.transit_points.all())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MOVEMENT_STATUSES

    @property
    def manifest_is_locked(self) -> bool:
        return self.status != MovementStatus.PLANNED

    @property
    def seats_left(self) -> int:
        return self.seat_capacity - self.seats_taken

    @property
    def origin_country_name(self) -> str:
        return country_name(self.origin_country)

    @property
    def destination_country_name(self) -> str:
        return country_name(self.destination_country)

    def origin_time(self, value):
        return timezone.localtime(value, zoneinfo.ZoneInfo(self.origin_timezone)) if value else None

    def destination_time(self, value):
        return timezone.localtime(value, zoneinfo.ZoneInfo(self.destination_timezone)) if value else None


class TransitPoint(models.Model):
    """A stop on the way, in order (Djerba on the way from Ras Ajdir to Dhaka)."""

    movement = models.ForeignKey(
        Movement, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="transit_points"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    country = models.CharField(_("country"), max_length=3, validators=[validate_iso3])
    place = models.CharField(_("place"), max_length=200)

    class Meta:
        verbose_name = _("transit point")
        verbose_name_plural = _("transit points")
        ordering = ["movement", "order"]
        constraints = [models.UniqueConstraint(fields=["movement", "order"], name="transit_point_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.place} ({self.country})"


class Escort(models.Model):
    """A named escort of a movement: IOM operations staff or a medical escort."""

    class Kind(models.TextChoices):
        OPERATIONAL = "operational", _("Operational escort")
        MEDICAL = "medical", _("Medical escort")

    movement = models.ForeignKey(Movement, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="escorts")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("escort")
        verbose_name_plural = _("escorts")
        ordering = ["movement", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["movement", "kind", "name"], name="escort_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Fitness(models.TextChoices):
    FIT = "fit", _("Fit to travel")
    FIT_WITH_ESCORT = "fit_with_escort", _("Fit to travel with an escort")
    UNFIT = "unfit", _("Unfit to travel")


class SpecialNeed(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair")
    STRETCHER = "stretcher", _("Stretcher")
    OXYGEN = "oxygen", _("Oxygen")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
    PREGNANT = "pregnant", _("Pregnant")
    OLDER_PERSON = "older_person", _("Older person")


class BoardingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    BOARDED = "boarded", _("Boarded")
    NO_SHOW = "no_show", _("No-show")
    OFFLOADED = "offloaded", _("Offloaded")


# A booked or boarded passenger holds a seat; a no-show or an offloaded one is free for another movement.
SEAT_HOLDING = (BoardingStatus.BOOKED, BoardingStatus.BOARDED)


class TravelDocumentType(models.TextChoices):
    """The documents a passenger may cross a border with (Sector 12)."""

    PASSPORT = "passport", _("Passport")
    EMERGENCY_TRAVEL_DOCUMENT = "etd", _("Emergency travel document")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")


class DocumentSource(models.TextChoices):
    CASE_RECORD = "case_record", _("Valid passport on the case record")
    CONSULAR_REFERRAL = "consular_referral", _("Issued on the consular referral")
    CHECKED = "checked", _("Checked by staff")


def validate_special_needs(value) -> None:
    if not isinstance(value, list) or any(item not in SpecialNeed.values for item in value):
        raise ValidationError(_("Choose special needs from the list."))


class Passenger(models.Model):
    """A person of the caseload on a movement's manifest."""

    movement = models.ForeignKey(
        Movement, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="passengers"
    )
    migrant = models.ForeignKey(
        "caseload.Migrant", verbose_name=_("migrant"), on_delete=models.PROTECT, related_name="passages"
    )
    order = models.PositiveIntegerField(_("order"))
    seat = models.CharField(_("seat"), max_length=16, blank=True)
    document_type = models.CharField(
        _("travel document"), max_length=16, choices=TravelDocumentType.choices, blank=True
    )
    document_number = models.CharField(_("travel document number"), max_length=64, blank=True)
    document_source = models.CharField(_("document found"), max_length=20, choices=DocumentSource.choices, blank=True)
    document_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("document checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document_checked_at = models.DateTimeField(_("document checked at"), null=True, blank=True)
    fitness = models.CharField(_("fit to travel"), max_length=16, choices=Fitness.choices, blank=True)
    fitness_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fitness_assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    special_needs = models.JSONField(_("special needs"), default=list, blank=True, validators=[validate_special_needs])
    escort = models.ForeignKey(
        Escort,
        verbose_name=_("escort"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passengers",
    )
    boarding_status = models.CharField(
        _("boarding"), max_length=12, choices=BoardingStatus.choices, default=BoardingStatus.BOOKED
    )
    offload_reason = models.TextField(_("reason for offloading"), blank=True)
    boarded_at = models.DateTimeField(_("boarded at"), null=True, blank=True)
    boarding_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("boarding recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received on arrival at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Sharing with the destination government and the receiving agency without the person's
    # consent: only by a holder of the override permission, with a reason (never for a sensitive record).
    share_override_reason = models.TextField(_("reason for sharing without consent"), blank=True)
    share_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared without consent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # True while the passenger holds a seat on a movement that is not closed or cancelled: the partial
    # unique index below keeps a person on one such movement at a time, even for two offices adding
    # them at the same moment.
    holds_seat = models.BooleanField(default=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("passenger")
        verbose_name_plural = _("passengers")
        ordering = ["movement", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["migrant"], condition=Q(holds_seat=True), name="passenger_one_open_movement"
            ),
            models.UniqueConstraint(fields=["movement", "migrant"], name="passenger_once_per_movement"),
            models.CheckConstraint(
                condition=~Q(boarding_status="offloaded") | ~Q(offload_reason=""), name="passenger_offloaded_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(boarding_status="boarded") | ~Q(fitness="unfit"), name="passenger_unfit_not_boarded"
            ),
            models.CheckConstraint(
                condition=Q(holds_seat=False) | Q(boarding_status__in=["booked", "boarded"]),
                name="passenger_seat_only_when_booked",
            ),
        ]
        indexes = [
            models.Index(fields=["movement", "order"], name="passenger_movement_idx"),
            models.Index(fields=["migrant", "-added_at"], name="passenger_migrant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.movement_id}:{self.migrant_id} ({self.boarding_status})"

    @property
    def has_travel_document(self) -> bool:
        return bool(self.document_type and self.document_number)

    @property
    def special_needs_labels(self) -> list[str]:
        labels = dict(SpecialNeed.choices)
        return [str(labels.get(code, code)) for code in self.special_needs or []]

    @property
    def is_unaccompanied_child(self) -> bool:
        return SpecialNeed.UNACCOMPANIED_CHILD in (self.special_needs or [])


class MovementEvent(models.Model):
    """One step of a movement's life: who moved it to which status, when, with which note."""

    movement = models.ForeignKey(Movement, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, choices=MovementStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=MovementStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("movement event")
        verbose_name_plural = _("movement events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["movement", "at"], name="movement_event_idx")]

    def __str__(self) -> str:
        return f"{self.movement_id}: {self.from_status} -> {self.to_status}"
