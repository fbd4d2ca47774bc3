"""Output serializers of the dashboard figures (read only)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ..models import ExportJob


class FiltersSerializer(serializers.Serializer):
    crisis_id = serializers.IntegerField(allow_null=True)
    country = serializers.CharField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)


class RowSerializer(serializers.Serializer):
    def to_representation(self, instance):
        label, values = instance
        return {"label": label, "values": values}


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    row_header = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
    totals = serializers.ListField(child=serializers.FloatField(), allow_null=True)


class TotalsSerializer(serializers.Serializer):
    crises = serializers.IntegerField()
    migrants = serializers.IntegerField()
    referrals = serializers.IntegerField()
    open_referrals = serializers.IntegerField()
    overdue_referrals = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(help_text="When the figures were computed; they are refreshed every few minutes.")
    filters = FiltersSerializer()
    totals = TotalsSerializer()
    tables = TableSerializer(many=True)
    people_moved = serializers.IntegerField(help_text="Boarded passengers of movements that have arrived.")


class StatusCountSerializer(serializers.Serializer):
    def to_representation(self, instance):
        status, label, count = instance
        return {"status": status, "label": label, "count": count}


class InboxCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    by_status = StatusCountSerializer(many=True)
    by_kind = TableSerializer()


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "dataset",
            "file_format",
            "status",
            "total_rows",
            "done_rows",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        """The file, once it is built and until it expires."""
        if job.status != job.Status.DONE:
            return None
        return reverse("export-job-download", args=[job.pk])
