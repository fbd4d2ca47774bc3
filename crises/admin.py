"""HQ administration of crises. History (phase changes, decided proposals, SOP revisions) is
read-only here; writes of the SOP go through the service so that each edit leaves a revision."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import (
    AffectedFigure,
    Crisis,
    CrisisCountry,
    CrisisNationality,
    LevelPolicy,
    LevelPolicyRevision,
    LevelProposal,
    PhaseChange,
)


class CountryInline(ReadOnlyInline):
    model = CrisisCountry


class NationalityInline(ReadOnlyInline):
    model = CrisisNationality


class FigureInline(ReadOnlyInline):
    model = AffectedFigure


class PhaseChangeInline(ReadOnlyInline):
    model = PhaseChange


class ProposalInline(ReadOnlyInline):
    model = LevelProposal
    fk_name = "crisis"
    fields = ["level", "previous_level", "status", "proposed_by", "decided_by", "decided_at"]


@admin.register(Crisis)
class CrisisAdmin(ReadOnlyAdmin):
    """Crises are registered and changed by their office, through the services."""

    list_display = ["code", "name", "crisis_type", "phase", "level", "country", "office", "status", "start_date"]
    list_filter = ["crisis_type", "phase", "level", "status", "office"]
    search_fields = ["code", "name", "glide"]
    list_select_related = ["office"]
    inlines = [CountryInline, NationalityInline, FigureInline, PhaseChangeInline, ProposalInline]


@admin.register(LevelProposal)
class LevelProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "crisis",
        "level",
        "previous_level",
        "direction",
        "status",
        "proposed_by",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "level"]
    list_select_related = ["crisis", "proposed_by", "decided_by"]


class RevisionInline(ReadOnlyInline):
    model = LevelPolicyRevision
    fields = ["changed_at", "changed_by", "reason", "values"]
    readonly_fields = fields


@admin.register(LevelPolicy)
class LevelPolicyAdmin(admin.ModelAdmin):
    list_display = ["level", "approver", "validity_months", "extension_months", "max_extensions", "sitrep_cadence_days"]
    readonly_fields = ["level", "updated_by", "updated_at"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        values = {field: form.cleaned_data[field] for field in form.changed_data if field in form.cleaned_data}
        services.level_policy_update(
            policy=obj, actor=request.user, reason="Edited in the administration", request=request, **values
        )
