from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisplacementConfig(AppConfig):
    name = "displacement"
    verbose_name = _("Displacement tracking")
