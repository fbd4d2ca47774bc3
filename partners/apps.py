from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Governments, partners and notifications")

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - registers the outbox subscribers
