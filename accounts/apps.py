from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Offices and accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .mfa import session_on_login

        def _mfa_on_login(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                session_on_login(request, user)

        user_logged_in.connect(_mfa_on_login, dispatch_uid="accounts.mfa_on_login", weak=False)
