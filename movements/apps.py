from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    name = "movements"
    verbose_name = _("Movements and manifests")

    def ready(self) -> None:
        from . import audiences  # noqa: F401 - registers the movement audience rules with the outbox
