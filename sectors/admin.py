"""Read-only admin views: the matrix changes through its service (with a reason and history)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Cluster, MatrixCell, MatrixCellChange, Sector, SectorPlan, SectorPlanRevision, System


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdmin):
    list_display = ["number", "name_en", "name_fr", "name_es", "name_ar"]
    filter_horizontal = ["clusters", "systems"]


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "name_en", "parent"]
    list_filter = ["kind"]


@admin.register(System)
class SystemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en"]


@admin.register(MatrixCell)
class MatrixCellAdmin(ReadOnlyAdmin):
    list_display = ["crisis_type", "phase", "sector", "priority", "citation", "updated_at"]
    list_filter = ["crisis_type", "phase", "priority"]
    list_select_related = ["sector"]


@admin.register(MatrixCellChange)
class MatrixCellChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "cell", "from_priority", "to_priority", "changed_by"]
    list_select_related = ["cell__sector", "changed_by"]


@admin.register(SectorPlan)
class SectorPlanAdmin(ReadOnlyAdmin):
    list_display = ["crisis", "crisis_type", "phase", "proposed_at"]
    list_select_related = ["crisis"]


@admin.register(SectorPlanRevision)
class SectorPlanRevisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "plan", "from_phase", "to_phase", "actor"]
    list_select_related = ["plan", "actor"]
