from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .access_log import log_read
from .models import CaseShare, Consent, Migrant, Referral, ReferralEvent


class CaseloadAdmin(ReadOnlyAdmin):
    """HQ reads the caseload here, read-only; opening a sensitive record is written to the access log."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            log_read(user=request.user, obj=obj, request=request)
        return obj


@admin.register(Migrant)
class MigrantAdmin(CaseloadAdmin):
    # No names in the list: a sensitive record's personal data is read (and logged) on its own page.
    list_display = ["reference", "nationality", "office", "crisis", "is_sensitive"]
    list_filter = ["nationality", "office", "is_sensitive"]
    search_fields = ["reference"]
    list_select_related = ["office", "crisis"]
    show_full_result_count = False


class ReferralEventInline(ReadOnlyInline):
    model = ReferralEvent
    fields = readonly_fields = ["action", "from_status", "to_status", "actor", "at", "note"]


@admin.register(Referral)
class ReferralAdmin(CaseloadAdmin):
    list_display = ["id", "kind", "status", "priority", "due_at", "office", "recipient_government", "recipient_partner"]
    list_filter = ["kind", "status", "priority"]
    list_select_related = ["office", "recipient_government", "recipient_partner"]
    inlines = [ReferralEventInline]
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(CaseloadAdmin):
    list_display = ["migrant", "government", "partner", "given_on", "recorded_by", "withdrawn_at"]
    list_select_related = ["migrant", "government", "partner", "recorded_by"]


@admin.register(CaseShare)
class CaseShareAdmin(CaseloadAdmin):
    list_display = ["migrant", "kind", "from_office", "to_office", "status", "requested_at"]
    list_select_related = ["migrant", "from_office", "to_office"]
