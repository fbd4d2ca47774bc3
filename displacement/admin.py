"""Displacement tracking in the admin: read-only, as every app's records; writes go through the services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AssessmentRevision, AssessmentRound, FlowCount, FlowPoint, RoundImport, Site, SiteAssessment


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "crisis", "site_type", "admin1_name", "status")
    list_filter = ("site_type", "status")
    search_fields = ("code", "name", "admin1_name", "admin2_name")


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdmin):
    list_display = ("crisis", "number", "start_date", "end_date", "status", "validated_by")
    list_filter = ("status",)


@admin.register(SiteAssessment)
class SiteAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("site", "round", "households", "individuals", "revision")
    list_select_related = ("site", "round")


@admin.register(AssessmentRevision)
class AssessmentRevisionAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "number", "revised_by", "revised_at")


@admin.register(FlowPoint)
class FlowPointAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "crisis", "point_type", "country", "is_active")


@admin.register(FlowCount)
class FlowCountAdmin(ReadOnlyAdmin):
    list_display = ("point", "date", "direction", "nationality", "females", "males", "children")
    list_filter = ("direction",)


@admin.register(RoundImport)
class RoundImportAdmin(ReadOnlyAdmin):
    list_display = ("round", "file_name", "status", "total_rows", "error_rows", "saved", "created_by", "created_at")
    list_filter = ("status",)
