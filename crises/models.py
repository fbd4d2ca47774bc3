"""Crises (MC/2355 Annex I scenarios and Pillar 1 phases) and their emergency levels (paragraph 21)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.countries import country_name, validate_iso3


class CrisisType(models.TextChoices):
    """The five scenarios of Annex I."""

    MAN_MADE = "man_made", _("Complex / man-made crisis")
    SUDDEN_NATURAL = "sudden_natural", _("Sudden-onset natural disaster")
    SLOW_NATURAL = "slow_natural", _("Slow-onset natural disaster")
    PROTRACTED = "protracted", _("Protracted crisis")
    HEALTH = "health", _("Health crisis")


class Phase(models.TextChoices):
    """The three phases of Pillar 1 (paragraph 8 of the main text)."""

    BEFORE = "before", _("Before: prevention and preparedness")
    DURING = "during", _("During: emergency response")
    AFTER = "after", _("After: transition and recovery")


class Movement(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CROSS_BORDER = "cross_border", _("Cross-border")
    BOTH = "both", _("Internal and cross-border")


class Crisis(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    crisis_type = models.CharField(_("type"), max_length=16, choices=CrisisType.choices)
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices, default=Phase.DURING)
    movement = models.CharField(_("movement"), max_length=16, choices=Movement.choices)
    country = models.CharField(_("country in crisis"), max_length=3, validators=[validate_iso3])
    other_countries = models.JSONField(_("other affected countries"), default=list, blank=True)
    glide = models.CharField(_("GLIDE number"), max_length=32, null=True, blank=True, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("owning office"), on_delete=models.PROTECT, related_name="crises"
    )
    description = models.TextField(_("description"), blank=True)
    # The last approved level, kept by the approval service for filtering; history is in the proposals.
    level = models.PositiveSmallIntegerField(_("emergency level"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("crisis")
        verbose_name_plural = _("crises")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="crisis_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=3), name="crisis_level_1_to_3"
            ),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{3}$"), name="crisis_country_iso3"),
        ]
        indexes = [
            models.Index(fields=["office", "-start_date", "-id"], name="crisis_office_start_idx"),
            models.Index(fields=["status", "-start_date", "-id"], name="crisis_status_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def country_name(self) -> str:
        return country_name(self.country)
