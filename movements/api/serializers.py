"""API serializers of movements: inputs never save (the services do), outputs are chosen by role."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import CountryCodeField, TimeZoneField

from ..models import (
    BoardingStatus,
    Escort,
    Fitness,
    Mode,
    Movement,
    MovementEvent,
    MovementKind,
    MovementStatus,
    Passenger,
    SpecialNeed,
    TransitPoint,
    TravelDocumentType,
)
from ..selectors import RECIPIENT_FIELDS
from ..workflow import MOVEMENT


class TransitPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransitPoint
        fields = ["order", "country", "place"]
        read_only_fields = ["order"]


class EscortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Escort
        fields = ["id", "kind", "name"]
        read_only_fields = ["id"]


class MovementInputSerializer(serializers.Serializer):
    crisis = serializers.IntegerField()
    office = serializers.IntegerField(required=False, help_text="Defaults to the user's office.")
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    mode = serializers.ChoiceField(choices=Mode.choices)
    carrier = serializers.CharField(max_length=200)
    service_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    origin_country = CountryCodeField()
    origin_place = serializers.CharField(max_length=200)
    origin_timezone = TimeZoneField(help_text="An IANA time zone, e.g. Africa/Tripoli.")
    destination_country = CountryCodeField()
    destination_place = serializers.CharField(max_length=200)
    destination_timezone = TimeZoneField()
    planned_departure = serializers.DateTimeField()
    planned_arrival = serializers.DateTimeField()
    seat_capacity = serializers.IntegerField(min_value=1)
    operational_escorts = serializers.IntegerField(min_value=0, required=False, default=0)
    medical_escorts = serializers.IntegerField(min_value=0, required=False, default=0)
    receiving_partner = serializers.IntegerField(required=False, allow_null=True, default=None)
    transit_points = TransitPointSerializer(many=True, required=False, default=list)
    escorts = EscortSerializer(many=True, required=False, default=list)


class MovementTransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=[(t.target, MovementStatus(t.target).label) for t in MOVEMENT.transitions],
        help_text="boarding (locks the manifest), departed, arrived, closed or cancelled.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why it is cancelled.")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the manifest locks while a passenger lacks a travel document (override permission).",
    )


class PassengersInputSerializer(serializers.Serializer):
    """One of: ``migrants`` (ids), ``household`` (a group reference), ``filter`` (the caseload filters)."""

    migrants = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    household = serializers.CharField(required=False, allow_blank=True, default="")
    filter = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="The caseload list's filters: nationality, referral_kind, referral_status, document_status, "
        "vulnerability, q.",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Answer the preview; add nobody.")

    def validate(self, attrs):
        given = [name for name in ("migrants", "household", "filter") if attrs.get(name)]
        if len(given) != 1:
            raise serializers.ValidationError({"migrants": ["Give exactly one of migrants, household or filter."]})
        return attrs


class PassengerUpdateSerializer(serializers.Serializer):
    seat = serializers.CharField(max_length=16, required=False, allow_blank=True)
    fitness = serializers.ChoiceField(choices=Fitness.choices, required=False, allow_blank=True)
    special_needs = serializers.ListField(child=serializers.ChoiceField(choices=SpecialNeed.choices), required=False)
    escort = serializers.IntegerField(required=False, allow_null=True)
    document_type = serializers.ChoiceField(choices=TravelDocumentType.choices, required=False, allow_blank=True)
    document_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    boarding_status = serializers.ChoiceField(choices=BoardingStatus.choices, required=False)
    offload_reason = serializers.CharField(required=False, allow_blank=True, default="")
    received = serializers.BooleanField(required=False)
    share_override_reason = serializers.CharField(required=False, allow_blank=True)


class MovementEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = MovementEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "note"]
        read_only_fields = fields


_MOVEMENT_FIELDS = [
    "id",
    "reference",
    "crisis",
    "crisis_code",
    "kind",
    "mode",
    "carrier",
    "service_number",
    "status",
    "origin_country",
    "origin_place",
    "origin_timezone",
    "destination_country",
    "destination_place",
    "destination_timezone",
    "transit_points",
    "planned_departure",
    "planned_arrival",
    "actual_departure",
    "actual_arrival",
    "seat_capacity",
    "seats_taken",
    "manifest_locked_at",
]


class MovementSerializer(serializers.ModelSerializer):
    """What the office and HQ see."""

    crisis_code = serializers.CharField(source="crisis.code", read_only=True)
    office_code = serializers.CharField(source="office.code", read_only=True)
    transit_points = TransitPointSerializer(many=True, read_only=True)
    escorts = EscortSerializer(many=True, read_only=True)

    class Meta:
        model = Movement
        fields = [
            *_MOVEMENT_FIELDS,
            "office",
            "office_code",
            "operational_escorts",
            "medical_escorts",
            "escorts",
            "receiving_partner",
            "cancel_reason",
            "document_override_reason",
            "created_at",
        ]
        read_only_fields = fields


class RecipientMovementSerializer(serializers.ModelSerializer):
    """What the destination government or the receiving agency sees of the movement."""

    crisis_code = serializers.CharField(source="crisis.code", read_only=True)
    transit_points = TransitPointSerializer(many=True, read_only=True)

    class Meta:
        model = Movement
        fields = _MOVEMENT_FIELDS
        read_only_fields = fields


class PassengerSerializer(serializers.ModelSerializer):
    """The office's and HQ's view of a passenger."""

    reference = serializers.CharField(source="migrant.reference", read_only=True)
    given_name = serializers.CharField(source="migrant.given_name", read_only=True)
    family_name = serializers.CharField(source="migrant.family_name", read_only=True)
    nationality = serializers.CharField(source="migrant.nationality", read_only=True)
    household = serializers.CharField(source="migrant.household", read_only=True)
    is_sensitive = serializers.BooleanField(source="migrant.is_sensitive", read_only=True)
    shared_without_consent = serializers.SerializerMethodField()

    class Meta:
        model = Passenger
        fields = [
            "id",
            "migrant",
            "reference",
            "given_name",
            "family_name",
            "nationality",
            "household",
            "is_sensitive",
            "order",
            "seat",
            "document_type",
            "document_number",
            "document_source",
            "document_checked_at",
            "fitness",
            "fitness_assessed_at",
            "special_needs",
            "escort",
            "boarding_status",
            "offload_reason",
            "boarded_at",
            "received_at",
            "shared_without_consent",
        ]
        read_only_fields = fields

    def get_shared_without_consent(self, obj) -> bool:
        return bool(obj.share_override_reason)


class RecipientPassengerSerializer(serializers.Serializer):
    """A destination government's or receiving agency's view: identity and document only
    (movements.selectors.RECIPIENT_FIELDS)."""

    order = serializers.IntegerField()
    reference = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    sex = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    nationality = serializers.CharField()
    document_type = serializers.ChoiceField(choices=TravelDocumentType.choices, allow_blank=True)
    document_number = serializers.CharField(allow_blank=True)

    def to_representation(self, obj) -> dict:
        out = {"order": obj.order}
        for name in RECIPIENT_FIELDS:
            value = getattr(obj, name) if hasattr(Passenger, name) else getattr(obj.migrant, name)
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


class _PlanPersonSerializer(serializers.Serializer):
    migrant = serializers.IntegerField()
    reference = serializers.CharField()
    reason = serializers.CharField(required=False, help_text="Why the person is refused.")


class PlanSerializer(serializers.Serializer):
    """The preview (or the outcome) of adding passengers: who is added, who is refused and why."""

    movement = serializers.IntegerField()
    added = _PlanPersonSerializer(many=True)
    refused = _PlanPersonSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    seats_left = serializers.IntegerField()

    def to_representation(self, plan) -> dict:
        return {
            "movement": plan.movement.pk,
            "added": [{"migrant": m.pk, "reference": m.reference} for m in plan.added],
            "refused": [{"migrant": r.migrant_id, "reference": r.reference, "reason": r.reason} for r in plan.refused],
            "warnings": plan.warnings,
            "seats_left": plan.movement.seats_left,
        }
