"""API serializers of displacement tracking: inputs check shape only and never save (the services
validate and write); outputs for partners carry suppressed counts ("<5") and no remarks."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import CountryCodeField

from ..models import (
    SADD_FIELDS,
    AssessmentRound,
    Direction,
    FlowPoint,
    MoveReason,
    Need,
    PointType,
    Reason,
    RoundStatus,
    Site,
    SiteType,
)


class SiteSerializer(serializers.ModelSerializer):
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "code",
            "crisis",
            "crisis_code",
            "name",
            "site_type",
            "admin1_name",
            "admin1_pcode",
            "admin2_name",
            "admin2_pcode",
            "latitude",
            "longitude",
            "managing_agency",
            "status",
            "closed_on",
            "closure_reason",
        ]
        read_only_fields = fields


class SiteInputSerializer(serializers.Serializer):
    crisis = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    site_type = serializers.ChoiceField(choices=SiteType.choices)
    admin1_name = serializers.CharField(max_length=100)
    admin1_pcode = serializers.CharField(max_length=20)
    admin2_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    admin2_pcode = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    latitude = serializers.CharField(help_text="Decimal degrees, -90 to 90.")
    longitude = serializers.CharField(help_text="Decimal degrees, -180 to 180.")
    managing_agency = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SiteUpdateInputSerializer(serializers.Serializer):
    """The details of an open site to correct; a field left out keeps its value."""

    name = serializers.CharField(max_length=200, required=False)
    site_type = serializers.ChoiceField(choices=SiteType.choices, required=False)
    admin1_name = serializers.CharField(max_length=100, required=False)
    admin1_pcode = serializers.CharField(max_length=20, required=False)
    admin2_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    admin2_pcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    latitude = serializers.CharField(required=False, help_text="Decimal degrees, -90 to 90.")
    longitude = serializers.CharField(required=False, help_text="Decimal degrees, -180 to 180.")
    managing_agency = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SiteCloseInputSerializer(serializers.Serializer):
    closed_on = serializers.DateField(help_text="The day the site closed; not in the future.")
    closure_reason = serializers.CharField(max_length=500)


class RoundSerializer(serializers.ModelSerializer):
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)

    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "crisis",
            "crisis_code",
            "number",
            "start_date",
            "end_date",
            "status",
            "submitted_at",
            "validated_at",
        ]
        read_only_fields = fields


class RoundInputSerializer(serializers.Serializer):
    crisis = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class RoundTransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=RoundStatus.choices, help_text="submitted (office), validated or open (Chief of Mission or HQ)."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why it is returned.")


COUNT = {"min_value": 0, "required": False, "default": 0}


class AssessmentInputSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    households = serializers.IntegerField(min_value=0)
    individuals = serializers.IntegerField(min_value=0, help_text="The sum of the eight sex and age counts.")
    female_0_4 = serializers.IntegerField(**COUNT)
    female_5_17 = serializers.IntegerField(**COUNT)
    female_18_59 = serializers.IntegerField(**COUNT)
    female_60_plus = serializers.IntegerField(**COUNT)
    male_0_4 = serializers.IntegerField(**COUNT)
    male_5_17 = serializers.IntegerField(**COUNT)
    male_18_59 = serializers.IntegerField(**COUNT)
    male_60_plus = serializers.IntegerField(**COUNT)
    idps = serializers.IntegerField(**COUNT)
    international_migrants = serializers.IntegerField(**COUNT)
    returnees = serializers.IntegerField(**COUNT)
    host_community = serializers.IntegerField(**COUNT)
    origin_admin1 = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reason = serializers.ChoiceField(choices=Reason.choices)
    need_1 = serializers.ChoiceField(choices=Need.choices)
    need_2 = serializers.ChoiceField(choices=Need.choices, required=False, allow_blank=True, default="")
    need_3 = serializers.ChoiceField(choices=Need.choices, required=False, allow_blank=True, default="")
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
    correction_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why a validated round's figures are corrected."
    )


class AssessmentRowSerializer(serializers.Serializer):
    """A site's figures in a round; a count is an integer, or "<5" for a partner."""

    site = serializers.IntegerField(source="site_id")
    site_code = serializers.CharField(source="site__code")
    site_name = serializers.CharField(source="site__name")
    admin1_pcode = serializers.CharField(source="site__admin1_pcode")
    admin2_pcode = serializers.CharField(source="site__admin2_pcode")
    households = serializers.JSONField()
    individuals = serializers.JSONField()
    idps = serializers.JSONField()
    international_migrants = serializers.JSONField()
    returnees = serializers.JSONField()
    host_community = serializers.JSONField()
    origin_admin1 = serializers.CharField()
    reason = serializers.CharField()
    need_1 = serializers.CharField()
    need_2 = serializers.CharField()
    need_3 = serializers.CharField()
    revision = serializers.IntegerField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in SADD_FIELDS:
            data[name] = instance[name]
        if "remarks" in instance:
            data["remarks"] = instance["remarks"]
        return data


class FlowPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = FlowPoint
        fields = [
            "id",
            "code",
            "crisis",
            "name",
            "point_type",
            "country",
            "admin1_name",
            "admin1_pcode",
            "latitude",
            "longitude",
            "is_active",
        ]
        read_only_fields = fields


class FlowPointInputSerializer(serializers.Serializer):
    crisis = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    point_type = serializers.ChoiceField(choices=PointType.choices)
    country = CountryCodeField()
    admin1_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    admin1_pcode = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    latitude = serializers.CharField()
    longitude = serializers.CharField()


class FlowRowSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    nationality = CountryCodeField()
    reason = serializers.ChoiceField(choices=MoveReason.choices)
    destination_country = CountryCodeField()
    females = serializers.IntegerField(**COUNT)
    males = serializers.IntegerField(**COUNT)
    children = serializers.IntegerField(**COUNT)


class FlowCountRowSerializer(serializers.Serializer):
    """A day's count at a point: each row as entered (with its id, reason and destination) for office
    staff and HQ; for partners summed per day, direction and nationality, a count of 1 to 4 as "<5"."""

    id = serializers.IntegerField(required=False)
    date = serializers.DateField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    nationality = serializers.CharField()
    reason = serializers.ChoiceField(choices=MoveReason.choices, required=False)
    destination_country = serializers.CharField(required=False)
    females = serializers.JSONField()
    males = serializers.JSONField()
    children = serializers.JSONField()


class FlowCountsInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    rows = FlowRowSerializer(many=True, allow_empty=False)
