from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Sitrep, SitrepEvent, SitrepReminder


class SitrepEventInline(ReadOnlyInline):
    model = SitrepEvent
    fields = readonly_fields = ["action", "from_status", "to_status", "actor", "at"]


@admin.register(Sitrep)
class SitrepAdmin(ReadOnlyAdmin):
    """HQ reads the reports here; they change only through their services (and never once published)."""

    list_display = ["crisis", "number", "status", "cutoff", "due", "published_at"]
    list_filter = ["status"]
    list_select_related = ["crisis"]
    inlines = [SitrepEventInline]


@admin.register(SitrepReminder)
class SitrepReminderAdmin(ReadOnlyAdmin):
    list_display = ["crisis", "due", "sent_at"]
