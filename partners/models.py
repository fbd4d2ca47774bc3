"""The directory: governments and partner organisations that referrals are addressed to and that are
notified, and their contacts. Who is told of what is the outbox's (outbox.audiences)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.countries import country_name, validate_iso3


class Government(models.Model):
    """The consular service of a State (usually a country of origin of stranded migrants)."""

    country = models.CharField(_("country"), max_length=3, unique=True, validators=[validate_iso3])
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("government")
        verbose_name_plural = _("governments")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(country__regex=r"^[A-Z]{3}$"), name="government_country_iso3")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class Partner(models.Model):
    """A partner organisation: a UN agency (UNHCR, OCHA), an NGO, the Red Cross and Red Crescent."""

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        NGO = "ngo", _("Non-governmental organisation")
        RED_CROSS = "red_cross", _("Red Cross and Red Crescent")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NGO)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]


def one_owner(prefix: str) -> models.CheckConstraint:
    """A contact, endpoint or subscription belongs to exactly one government or one partner."""
    return models.CheckConstraint(
        condition=(
            models.Q(government__isnull=False, partner__isnull=True)
            | models.Q(government__isnull=True, partner__isnull=False)
        ),
        name=f"{prefix}_one_owner",
    )


class OwnedByOrganisation(models.Model):
    government = models.ForeignKey(
        Government, verbose_name=_("government"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def owner(self) -> Government | Partner | None:
        return self.government or self.partner

    @property
    def owner_type(self) -> str:
        return "government" if self.government_id else "partner"


class Contact(OwnedByOrganisation):
    """An address of a government or partner that receives notifications by e-mail, in its language.

    A functional mailbox (a consular duty desk, a protection unit) rather than a person."""

    name = models.CharField(_("name or function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["email"]
        constraints = [
            one_owner("contact"),
            models.UniqueConstraint(fields=["government", "email"], name="contact_unique_government_email"),
            models.UniqueConstraint(fields=["partner", "email"], name="contact_unique_partner_email"),
        ]

    def __str__(self) -> str:
        return self.email
