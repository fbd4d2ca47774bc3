from django.contrib import admin

from .models import Government, Partner


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ["country", "name", "is_active"]
    search_fields = ["country", "name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
