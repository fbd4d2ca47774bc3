"""API serializers: inputs never save (services do), outputs are chosen by role."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import CountryCodeField
from sectors.referral_kinds import ReferralKind

from ..disclosure import KIND_MIGRANT_FIELDS, purposes_explained
from ..models import (
    CaseShare,
    Consent,
    DocumentStatus,
    DocumentType,
    Intention,
    LegalBasis,
    Migrant,
    PopulationGroup,
    Priority,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Sex,
    Vulnerability,
)
from ..services import MIGRANT_FIELDS
from ..workflow import TRANSITIONS


class MigrantInputSerializer(serializers.Serializer):
    crisis = serializers.IntegerField()
    office = serializers.IntegerField(required=False, help_text="Defaults to the user's office.")
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    other_names = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120, default=None)
    nationality = CountryCodeField()
    other_nationalities = serializers.ListField(child=CountryCodeField(), required=False, default=list)
    languages = serializers.ListField(child=serializers.CharField(max_length=3), required=False, default=list)
    document_status = serializers.ChoiceField(choices=DocumentStatus.choices)
    document_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    location_country = CountryCodeField()
    admin_pcode = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    site = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    household = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    population_group = serializers.ChoiceField(choices=PopulationGroup.choices)
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Vulnerability.choices), required=False, default=list
    )
    intention = serializers.ChoiceField(choices=Intention.choices, required=False, default=Intention.UNDECIDED)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False, default=LegalBasis.CONSENT)

    updated_at = serializers.DateTimeField(
        required=False,
        help_text=(
            "On a change: the updated_at of the version the change was made on. If the case changed since and "
            "the change touches a field that changed, the answer is 409 with both versions; nothing is saved."
        ),
    )

    def validate_vulnerabilities(self, value):
        return list(dict.fromkeys(value))


class MigrantSerializer(serializers.ModelSerializer):
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)
    office_code = serializers.CharField(source="office.code", read_only=True)

    class Meta:
        model = Migrant
        fields = [
            "id",
            "reference",
            *MIGRANT_FIELDS,
            "is_sensitive",
            "office",
            "office_code",
            "crisis",
            "crisis_code",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReferralInputSerializer(serializers.Serializer):
    migrant = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    recipient_government = serializers.IntegerField(required=False, allow_null=True, default=None)
    recipient_partner = serializers.IntegerField(required=False, allow_null=True, default=None)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    request_note = serializers.CharField(required=False, allow_blank=True, default="")
    send = serializers.BooleanField(default=False)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    trafficking_confirmed = serializers.BooleanField(
        default=False,
        help_text="Sending a counter-trafficking referral to a government: the person agreed to this government "
        "learning that they were trafficked (recorded in the audit trail).",
    )


class OutcomeInputSerializer(serializers.Serializer):
    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    document_number = serializers.CharField(max_length=64, required=False)
    document_issued_on = serializers.DateField(required=False)
    departure_from = serializers.CharField(max_length=200, required=False)
    destination = serializers.CharField(max_length=200, required=False)
    travel_date = serializers.DateField(required=False)
    outcome_note = serializers.CharField(required=False, allow_blank=True)


class ConsentInputSerializer(serializers.Serializer):
    governments = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    partners = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=ReferralKind.choices),
        allow_empty=False,
        help_text="The kinds of referral the person agreed to; each consent covers only its purposes.",
    )
    given_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PurposeSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ReferralKind.choices)
    label = serializers.CharField()
    shares = serializers.CharField(help_text="What this purpose shares, in words that can be read to the person.")


class ConsentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, read_only=True)
    purposes = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "government",
            "partner",
            "purposes",
            "given_on",
            "note",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PurposeSerializer(many=True))
    def get_purposes(self, obj) -> list[dict[str, str]]:
        return purposes_explained(obj.purposes)


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=[(t.target, ReferralStatus(t.target).label) for t in TRANSITIONS],
        help_text="The status to move to: sent, acknowledged, in_progress, completed, declined or cancelled.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    trafficking_confirmed = serializers.BooleanField(default=False)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    document_number = serializers.CharField(max_length=64, required=False)
    document_issued_on = serializers.DateField(required=False)
    departure_from = serializers.CharField(max_length=200, required=False)
    destination = serializers.CharField(max_length=200, required=False)
    travel_date = serializers.DateField(required=False)
    outcome_note = serializers.CharField(required=False, allow_blank=True)

    OUTCOME = (
        "document_type",
        "document_number",
        "document_issued_on",
        "departure_from",
        "destination",
        "travel_date",
        "outcome_note",
    )

    def outcome(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in self.OUTCOME}


class ReferralEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "note"]
        read_only_fields = fields


_REFERRAL_FIELDS = [
    "id",
    "kind",
    "status",
    "priority",
    "sent_at",
    "due_at",
    "overdue",
    "crisis",
    "crisis_code",
    "office",
    "recipient_type",
    "recipient_government",
    "recipient_partner",
    "request_note",
    "decline_reason",
    "document_type",
    "document_number",
    "document_issued_on",
    "departure_from",
    "destination",
    "travel_date",
    "outcome_note",
    "created_at",
    "updated_at",
]


class ReferralSerializer(serializers.ModelSerializer):
    """What the office and HQ see: the referral and a reference to the migrant."""

    overdue = serializers.SerializerMethodField()
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)
    recipient_type = serializers.CharField(read_only=True)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, allow_blank=True, read_only=True)
    migrant_reference = serializers.CharField(source="migrant.reference", read_only=True)
    consent_overridden = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [*_REFERRAL_FIELDS, "migrant", "migrant_reference", "is_sensitive", "consent_overridden"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_consent_overridden(self, obj) -> bool:
        return bool(obj.consent_override_reason)


class LiaisonReferralSerializer(serializers.ModelSerializer):
    """What a government or partner liaison sees: the referral and, of the migrant, only the
    fields its kind needs (caseload.disclosure.KIND_MIGRANT_FIELDS)."""

    overdue = serializers.SerializerMethodField()
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)
    recipient_type = serializers.CharField(read_only=True)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, allow_blank=True, read_only=True)
    migrant = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [*_REFERRAL_FIELDS, "migrant"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_migrant(self, obj) -> dict:
        migrant = obj.migrant
        out = {}
        for field in KIND_MIGRANT_FIELDS[obj.kind]:
            value = getattr(migrant, field)
            out[field] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


class CaseShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseShare
        fields = ["id", "migrant", "from_office", "to_office", "kind", "status", "requested_at", "decided_at"]
        read_only_fields = fields
