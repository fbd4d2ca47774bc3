"""Input and output shapes of the sectors API; they never save."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Cluster, MatrixCell, MatrixCellChange, Priority, Sector, System
from ..referral_kinds import REFERRAL_KIND_SECTOR


class SystemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = System
        fields = ["code", "name"]
        read_only_fields = fields


class ClusterSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Cluster
        fields = ["code", "kind", "name", "parent"]
        read_only_fields = fields


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    purpose = serializers.CharField(read_only=True)
    names = serializers.SerializerMethodField()
    purposes = serializers.SerializerMethodField()
    clusters = ClusterSerializer(many=True, read_only=True)
    systems = SystemSerializer(many=True, read_only=True)
    referral_kinds = serializers.SerializerMethodField(help_text="Kinds of referral that belong to this sector.")

    class Meta:
        model = Sector
        fields = ["number", "name", "purpose", "names", "purposes", "clusters", "systems", "referral_kinds"]
        read_only_fields = fields

    def get_names(self, obj: Sector) -> dict[str, str]:
        return {"en": obj.name_en, "fr": obj.name_fr, "es": obj.name_es, "ar": obj.name_ar}

    def get_purposes(self, obj: Sector) -> dict[str, str]:
        return {"en": obj.purpose_en, "fr": obj.purpose_fr, "es": obj.purpose_es, "ar": obj.purpose_ar}

    def get_referral_kinds(self, obj: Sector) -> list[str]:
        return [str(kind) for kind, number in REFERRAL_KIND_SECTOR.items() if number == obj.number]


class MatrixCellSerializer(serializers.ModelSerializer):
    sector = serializers.IntegerField(source="sector.number", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = MatrixCell
        fields = ["id", "crisis_type", "phase", "sector", "sector_name", "priority", "citation", "basis", "updated_at"]
        read_only_fields = fields


class MatrixCellChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", read_only=True, default=None)

    class Meta:
        model = MatrixCellChange
        fields = ["from_priority", "to_priority", "from_citation", "to_citation", "reason", "changed_by", "changed_at"]
        read_only_fields = fields


class MatrixCellDetailSerializer(MatrixCellSerializer):
    history = MatrixCellChangeSerializer(source="changes", many=True, read_only=True)

    class Meta(MatrixCellSerializer.Meta):
        fields = [*MatrixCellSerializer.Meta.fields, "history"]
        read_only_fields = fields


class MatrixCellInputSerializer(serializers.Serializer):
    # The view validates the whole body on PATCH too (core.api.schema.AutoSchema).
    whole_on_patch = True

    priority = serializers.ChoiceField(choices=Priority.choices)
    citation = serializers.CharField(required=False, max_length=120)
    basis = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField()


# --- Sector plans ----------------------------------------------------------------------------------
class FocalPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class PlanEntrySerializer(serializers.Serializer):
    sector = serializers.IntegerField(source="sector.number")
    sector_name = serializers.CharField(source="sector.name")
    proposed_priority = serializers.ChoiceField(choices=Priority.choices)
    citation = serializers.CharField()
    priority = serializers.ChoiceField(
        choices=Priority.choices, help_text="The office's priority, else the proposed one."
    )
    priority_override = serializers.ChoiceField(choices=Priority.choices, allow_null=True)
    override_reason = serializers.CharField()
    active = serializers.BooleanField(source="is_active")
    active_override = serializers.BooleanField(allow_null=True, help_text="null: follows the proposal.")
    focal_point = FocalPointSerializer(allow_null=True)
    partners = serializers.SerializerMethodField(help_text="Codes of the partner organisations.")
    clusters = serializers.SerializerMethodField(help_text="Codes of the sector's clusters and groups.")
    systems = serializers.SerializerMethodField(help_text="Codes of the sector's response systems.")

    def get_partners(self, entry) -> list[str]:
        return [p.code for p in entry.partners.all()]

    def get_clusters(self, entry) -> list[str]:
        return [c.code for c in entry.sector.clusters.all()]

    def get_systems(self, entry) -> list[str]:
        return [s.code for s in entry.sector.systems.all()]


class PlanRevisionSerializer(serializers.Serializer):
    from_phase = serializers.CharField()
    to_phase = serializers.CharField()
    changes = serializers.ListField(child=serializers.DictField())
    actor = serializers.CharField(source="actor.username", default=None)
    created_at = serializers.DateTimeField()


class SectorPlanSerializer(serializers.Serializer):
    crisis = serializers.IntegerField(source="crisis_id")
    crisis_type = serializers.CharField()
    phase = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    can_edit = serializers.SerializerMethodField()
    entries = PlanEntrySerializer(many=True)
    revisions = PlanRevisionSerializer(many=True)

    def get_can_edit(self, obj) -> bool:
        return bool(self.context.get("can_edit"))


class PlanEntryInputSerializer(serializers.Serializer):
    sector = serializers.IntegerField(min_value=1, max_value=15)
    active = serializers.BooleanField(required=False, allow_null=True, help_text="true, false, or null (as proposed)")
    priority_override = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)
    override_reason = serializers.CharField(required=False, allow_blank=True)
    focal_point = serializers.IntegerField(required=False, allow_null=True, help_text="id of a user of the office")
    partners = serializers.ListField(child=serializers.SlugField(), required=False, help_text="partner codes")


class SectorPlanInputSerializer(serializers.Serializer):
    # The view validates the whole body on PATCH too (core.api.schema.AutoSchema).
    whole_on_patch = True

    entries = PlanEntryInputSerializer(many=True)
