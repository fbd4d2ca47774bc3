"""Situation reports: one numbered report per crisis and cut-off, its figures frozen from the data
at the cut-off and the office's narrative around them (docs/domain.md "Situation reports").

A sitrep is drafted with the figures of its cut-off; while it is a draft they are worked out again
on each save, at submission they are frozen and never change again, whatever happens to the data
afterwards (docs/domain.md "Situation reports", framework: reporting on the cadence of the level).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SitrepStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


# The narrative sections in the standard order of a humanitarian situation report.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("highlights", _("Highlights")),
    ("situation_overview", _("Situation overview")),
    ("response_by_sector", _("Response by sector")),
    ("gaps_and_constraints", _("Gaps and constraints")),
    ("coordination", _("Coordination")),
    ("contacts", _("Contacts")),
)
SECTION_FIELDS = tuple(name for name, _label in SECTIONS)


class Sitrep(models.Model):
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="sitreps"
    )
    office = models.ForeignKey("accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateTimeField(_("period from"), null=True, blank=True)
    cutoff = models.DateTimeField(_("cut-off"))
    # The due date this report answers (the cadence of the level), and the one after it.
    due = models.DateField(_("due"), null=True, blank=True)
    next_due = models.DateField(_("next report due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=SitrepStatus.choices, default=SitrepStatus.DRAFT)
    # The level at drafting decides who approves (level 1: the office's Chief of Mission; 2 and 3: HQ).
    level = models.PositiveSmallIntegerField(_("emergency level"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    figures_frozen_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True)
    highlights = models.TextField(_("highlights"), blank=True)
    situation_overview = models.TextField(_("situation overview"), blank=True)
    response_by_sector = models.TextField(_("response by sector"), blank=True)
    gaps_and_constraints = models.TextField(_("gaps and constraints"), blank=True)
    coordination = models.TextField(_("coordination"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Everyone who wrote in it: none of them may approve it.
    contributors = models.JSONField(_("written by"), default=list, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["crisis_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "number"], name="sitrep_number_per_crisis"),
            models.CheckConstraint(condition=Q(number__gte=1), name="sitrep_number_positive"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=F("cutoff")), name="sitrep_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(figures_frozen_at__isnull=False, submitted_at__isnull=False),
                name="sitrep_frozen_once_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="sitrep_published_has_time"
            ),
            # One report in the making per crisis: the next is drafted once this one is published.
            models.UniqueConstraint(
                fields=["crisis"], condition=~Q(status="published"), name="sitrep_one_open_per_crisis"
            ),
        ]
        indexes = [
            models.Index(fields=["crisis", "-number"], name="sitrep_crisis_idx"),
            models.Index(fields=["status", "crisis"], name="sitrep_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.crisis.code} SitRep {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status != SitrepStatus.DRAFT


class SitrepEvent(models.Model):
    """One transition of a sitrep: who moved it, from which status to which, when."""

    sitrep = models.ForeignKey(
        Sitrep, verbose_name=_("situation report"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=12, choices=SitrepStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=SitrepStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("situation report event")
        verbose_name_plural = _("situation report events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["sitrep", "at"], name="sitrep_event_idx")]

    def __str__(self) -> str:
        return f"{self.sitrep_id}: {self.from_status} -> {self.to_status}"


class SitrepReminder(models.Model):
    """The overdue reminder of one due date of a crisis: written once, so the office is reminded once."""

    crisis = models.ForeignKey("crises.Crisis", verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="+")
    due = models.DateField(_("due"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("situation report reminder")
        verbose_name_plural = _("situation report reminders")
        constraints = [models.UniqueConstraint(fields=["crisis", "due"], name="sitrep_reminder_once")]

    def __str__(self) -> str:
        return f"{self.crisis_id} {self.due}"
