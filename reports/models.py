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
