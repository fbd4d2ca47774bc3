"""API serializers of situation reports: inputs never save (the services do)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import SECTION_FIELDS, Sitrep, SitrepStatus


class SitrepSerializer(serializers.ModelSerializer):
    crisis_code = serializers.CharField(source="crisis.code", read_only=True)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Sitrep
        fields = [
            "id",
            "crisis",
            "crisis_code",
            "office",
            "number",
            "status",
            "level",
            "period_start",
            "cutoff",
            "due",
            "next_due",
            "submitted_at",
            "approved_at",
            "published_at",
            *SECTION_FIELDS,
            "figures",
        ]
        read_only_fields = fields

    def get_figures(self, sitrep: Sitrep) -> dict:
        """The figures beside the previous report's, suppressed as the version that leaves the office."""
        from ..document import context

        ctx = context(sitrep, user=self.context["request"].user)
        return ctx["compared"] | {
            "referrals": ctx["referrals"],
            "sectors": ctx["sectors"],
            "displacement": ctx["displacement"],
        }


class SitrepTransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=SitrepStatus.choices)
