from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitrepsConfig(AppConfig):
    name = "sitreps"
    verbose_name = _("Situation reports")

    def ready(self) -> None:
        from . import audiences  # noqa: F401 - registers who may see a sitrep with the outbox
