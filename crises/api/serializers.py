"""Input serializers parse requests (the services validate and save); output serializers render."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import CountryCodeField
from core.bounds import PG_INT_MAX

from ..models import AffectedFigure, AffectedGroup, Crisis, CrisisType, LevelProposal, Movement, Phase, PhaseChange


# --- Input --------------------------------------------------------------------------------
class CrisisInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(required=False, allow_null=True, help_text="Owning office id (default: yours).")
    name = serializers.CharField(max_length=200)
    crisis_type = serializers.ChoiceField(choices=CrisisType.choices)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    movement = serializers.ChoiceField(choices=Movement.choices)
    country = CountryCodeField(max_length=8, help_text="ISO 3166-1 alpha-3 code of the country in crisis.")
    other_countries = serializers.ListField(child=CountryCodeField(max_length=8), required=False)
    nationalities = serializers.ListField(child=CountryCodeField(max_length=8), required=False)
    glide = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)


class CrisisUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    crisis_type = serializers.ChoiceField(choices=CrisisType.choices, required=False)
    movement = serializers.ChoiceField(choices=Movement.choices, required=False)
    country = CountryCodeField(max_length=8, required=False)
    other_countries = serializers.ListField(child=CountryCodeField(max_length=8), required=False)
    nationalities = serializers.ListField(child=CountryCodeField(max_length=8), required=False)
    glide = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Crisis.Status.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    retention_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=3650,
        help_text="Days after closure before personal data is pseudonymised; null: the default period.",
    )


class ProposalInputSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=3, help_text="1, 2 or 3.")
    score_scale = serializers.IntegerField(min_value=1, max_value=5, help_text="IASC criterion, 1 to 5.")
    score_urgency = serializers.IntegerField(min_value=1, max_value=5, help_text="IASC criterion, 1 to 5.")
    score_complexity = serializers.IntegerField(min_value=1, max_value=5, help_text="IASC criterion, 1 to 5.")
    score_capacity = serializers.IntegerField(min_value=1, max_value=5, help_text="IASC criterion, 1 to 5.")
    score_risk = serializers.IntegerField(
        min_value=1, max_value=5, help_text="IASC criterion (risk of failure to deliver), 1 to 5."
    )
    justification = serializers.CharField()


class DecisionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PhaseChangeInputSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    reason = serializers.CharField()


class FigureInputSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=AffectedGroup.choices)
    figure = serializers.IntegerField(min_value=0, max_value=PG_INT_MAX)
    as_of = serializers.DateField()
    source = serializers.CharField(max_length=200)


# --- Output -------------------------------------------------------------------------------
class AffectedFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = AffectedFigure
        fields = ["id", "group", "figure", "as_of", "source", "recorded_at"]
        read_only_fields = fields


class CrisisSerializer(serializers.ModelSerializer):
    country_name = serializers.CharField(read_only=True)
    office_code = serializers.CharField(source="office.code", read_only=True)
    other_countries = serializers.ListField(source="other_country_codes", child=serializers.CharField(), read_only=True)
    nationalities = serializers.ListField(source="nationality_codes", child=serializers.CharField(), read_only=True)
    retention_period_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Crisis
        fields = [
            "id",
            "code",
            "name",
            "crisis_type",
            "phase",
            "movement",
            "country",
            "country_name",
            "other_countries",
            "nationalities",
            "glide",
            "start_date",
            "end_date",
            "status",
            "office",
            "office_code",
            "description",
            "retention_days",
            "retention_period_days",
            "level",
            "level_review_due",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CrisisDetailSerializer(CrisisSerializer):
    affected_figures = AffectedFigureSerializer(many=True, read_only=True)

    class Meta(CrisisSerializer.Meta):
        fields = [*CrisisSerializer.Meta.fields, "affected_figures"]
        read_only_fields = fields


class LevelProposalSerializer(serializers.ModelSerializer):
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)

    class Meta:
        model = LevelProposal
        fields = [
            "id",
            "crisis",
            "crisis_code",
            "level",
            "previous_level",
            "direction",
            *LevelProposal.SCORE_FIELDS,
            "justification",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "review_due",
        ]
        read_only_fields = fields


class PhaseChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", read_only=True, default=None)

    class Meta:
        model = PhaseChange
        fields = ["id", "from_phase", "to_phase", "reason", "changed_by", "changed_at"]
        read_only_fields = fields


class CoordinationEntrySerializer(serializers.Serializer):
    actor_type = serializers.CharField()
    government_country = serializers.CharField(allow_null=True)
    partner_code = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    rule = serializers.CharField()
    reason = serializers.CharField()
    paragraph = serializers.CharField()
