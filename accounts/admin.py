from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin

from .mfa import mfa_reset
from .models import Membership, Office, User

# The devices' own admin pages would show every secret key and delete without a trace; HQ resets a
# person's two-step verification with the audited action on the user list instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["office"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "government", "partner", "is_active", "has_mfa", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["government", "partner"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role"), {"fields": ("role", "government", "partner", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "government", "partner", "language")}),
    )
    inlines = [MembershipInline]
    actions = ["reset_mfa"]

    def get_queryset(self, request):
        authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(authenticator))

    @admin.display(description=_("two-step verification"), boolean=True, ordering="has_authenticator")
    def has_mfa(self, obj) -> bool:
        return bool(getattr(obj, "has_authenticator", False))

    @admin.action(description=_("Reset two-step verification (the next login sets up a new authenticator)"))
    def reset_mfa(self, request, queryset):
        for user in queryset:
            mfa_reset(user=user, actor=request.user, request=request, reason="Reset by HQ in the administration")
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-step verification reset for %(count)d account.",
                "Two-step verification reset for %(count)d accounts.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Office)
class OfficeAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "country", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "country"]
