from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class HQAdminSite(admin.AdminSite):
    """Django admin, for HQ emergency coordinators only."""

    site_header = _("MCOF case management: administration")
    site_title = _("MCOF administration")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_superuser or getattr(user, "is_hq", False)))


class HQAdminConfig(AdminConfig):
    default_site = "core.admin_site.HQAdminSite"
