from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisesConfig(AppConfig):
    name = "crises"
    verbose_name = _("Crises and emergency levels")
