"""Snapshots of dashboard figures, kept so that a dashboard over a million cases opens at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    """The raw figures (codes and counts, no personal data, no translated word) of one dashboard as
    one scope of users sees it with one set of filters. ``key`` hashes the scope (role, offices,
    offices with the sensitive permission) and the filters, so that two users share a snapshot only
    when the selectors would show them exactly the same records. A periodic task recomputes the
    snapshots viewed lately, as the user they were computed for (``reports.snapshots``)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed for"), on_delete=models.CASCADE, related_name="+"
    )
    filters = models.JSONField(_("filters"))
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))
    duration_ms = models.PositiveIntegerField(_("time to compute (ms)"))
    viewed_at = models.DateTimeField(_("last viewed at"))

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        indexes = [models.Index(fields=["viewed_at"], name="dashsnap_viewed_idx")]

    def __str__(self) -> str:
        return f"{self.key[:12]} @ {self.computed_at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A spreadsheet too big to build during a page request, built by a worker for the user who
    asked for it, kept for ``EXPORT_KEEP_HOURS`` and downloadable by that user only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    dataset = models.CharField(_("data"), max_length=20)
    file_format = models.CharField(_("format"), max_length=8)
    # The list page's filters, as its query string: the worker prepares the same export with them.
    query = models.TextField(_("filters"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["user", "-id"], name="exportjob_user_idx"),
            models.Index(fields=["status", "finished_at"], name="exportjob_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.file_format} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def dataset_label(self) -> str:
        from .exports import DATASET_LABELS

        return str(DATASET_LABELS.get(self.dataset, self.dataset))
