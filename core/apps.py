from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import text
        from .middleware import stamp_session_on_login

        text.install()

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="core.stamp_session_on_login", weak=False)
