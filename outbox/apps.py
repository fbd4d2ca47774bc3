from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import audiences, handlers  # noqa: F401 - the outbox's audience rules and its subscriber
