from django.contrib import admin

from .models import Contact, Government, Partner


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ["country", "name", "is_active"]
    search_fields = ["country", "name"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "government", "partner", "language", "is_active"]
    list_filter = ["language", "is_active"]
    search_fields = ["email", "name"]
    list_select_related = ["government", "partner"]
