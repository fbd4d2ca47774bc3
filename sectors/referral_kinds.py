"""Kinds of referral and the sector of assistance each belongs to (MC/2355 paragraph 10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralKind(models.TextChoices):
    CONSULAR = "consular", _("Consular assistance")
    TRANSPORT = "transport", _("Transport assistance")
    COUNTER_TRAFFICKING = "counter_trafficking", _("Counter-trafficking protection")
    HEALTH = "health", _("Health support")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    SHELTER = "shelter", _("Shelter")
    REINTEGRATION = "reintegration", _("Reintegration")


# The number of the sector of assistance (1-15, as in paragraph 10 of the framework) of each kind.
REFERRAL_KIND_SECTOR: dict[str, int] = {
    ReferralKind.CONSULAR: 12,  # Consular assistance: travel documents, laissez-passer
    ReferralKind.TRANSPORT: 3,  # Transport assistance for affected populations
    ReferralKind.COUNTER_TRAFFICKING: 10,  # Protection of victims of trafficking and vulnerable migrants
    ReferralKind.HEALTH: 4,  # Health support
    ReferralKind.PSYCHOSOCIAL: 5,  # Psychosocial support
    ReferralKind.SHELTER: 2,  # Shelter and non-food items
    ReferralKind.REINTEGRATION: 6,  # (Re)integration assistance
}
