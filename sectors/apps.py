from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SectorsConfig(AppConfig):
    name = "sectors"
    verbose_name = _("Sectors of assistance")

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (subscribes to the crisis events)
