from django.contrib import admin

from .access_log import log_read
from .models import CaseShare, Consent, Migrant, Referral, ReferralEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """HQ reads the caseload here; every change goes through the services (and their audit trail)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            log_read(user=request.user, obj=obj, request=request)
        return obj


@admin.register(Migrant)
class MigrantAdmin(ReadOnlyAdmin):
    # No names in the list: a sensitive record's personal data is read (and logged) on its own page.
    list_display = ["reference", "nationality", "office", "crisis", "is_sensitive"]
    list_filter = ["nationality", "office", "is_sensitive"]
    search_fields = ["reference"]
    list_select_related = ["office", "crisis"]
    show_full_result_count = False


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "priority", "due_at", "office", "recipient_government", "recipient_partner"]
    list_filter = ["kind", "status", "priority"]
    list_select_related = ["office", "recipient_government", "recipient_partner"]
    inlines = [ReferralEventInline]
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["migrant", "government", "partner", "given_on", "recorded_by", "withdrawn_at"]
    list_select_related = ["migrant", "government", "partner", "recorded_by"]


@admin.register(CaseShare)
class CaseShareAdmin(ReadOnlyAdmin):
    list_display = ["migrant", "kind", "from_office", "to_office", "status", "requested_at"]
    list_select_related = ["migrant", "from_office", "to_office"]
