from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseloadConfig(AppConfig):
    name = "caseload"
    verbose_name = _("Caseload and referrals")

    def ready(self) -> None:
        from . import audiences  # noqa: F401 - registers the referral audience rule with the outbox
