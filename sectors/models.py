"""The 15 sectors of assistance (MC/2355 paragraph 10), the systems and clusters they link to,
the Annex I priority matrix and each crisis's sector plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crises.models import CrisisType, Phase

LANGUAGE_CODES = ("en", "fr", "es", "ar")


def _in_active_language(obj, field: str) -> str:
    """The ``<field>_<lang>`` value for the active language, English when that one is empty."""
    lang = (get_language() or "en").split("-")[0]
    if lang not in LANGUAGE_CODES:
        lang = "en"
    return getattr(obj, f"{field}_{lang}") or getattr(obj, f"{field}_en")


class Priority(models.TextChoices):
    """The three degrees of Annex I paragraph 3, and "no entry" for a sector a scenario does not name."""

    CRITICAL = "critical", _("Critical")
    IMPORTANT = "important", _("Important")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Most pressing first; used to order and compare priorities.
PRIORITY_RANK = {
    Priority.CRITICAL: 0,
    Priority.IMPORTANT: 1,
    Priority.RECOMMENDED: 2,
    Priority.NOT_APPLICABLE: 3,
}


class System(models.Model):
    """One of the four response systems of the Annex I diagrams (main text paragraphs 14-17)."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("response system")
        verbose_name_plural = _("response systems")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_active_language(self, "name")


class Cluster(models.Model):
    """An IASC cluster, an area of responsibility within the Protection cluster, or another
    coordination group of the Annex I diagrams ("Other Clusters/Sectors/Groups")."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("IASC cluster")
        AREA = "area", _("Area of responsibility")
        GROUP = "group", _("Other group")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas",
    )
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("cluster or group")
        verbose_name_plural = _("clusters and groups")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="area", parent__isnull=False) | (~Q(kind="area") & Q(parent__isnull=True)),
                name="cluster_area_has_parent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return _in_active_language(self, "name")


class Sector(models.Model):
    """A sector of assistance, numbered 1 to 15 as in paragraph 10 of MC/2355."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    purpose_en = models.TextField(_("purpose (English)"))
    purpose_fr = models.TextField(_("purpose (French)"))
    purpose_es = models.TextField(_("purpose (Spanish)"))
    purpose_ar = models.TextField(_("purpose (Arabic)"), blank=True)
    clusters = models.ManyToManyField(Cluster, verbose_name=_("clusters and groups"), related_name="sectors")
    systems = models.ManyToManyField(System, verbose_name=_("response systems"), related_name="sectors")

    class Meta:
        verbose_name = _("sector of assistance")
        verbose_name_plural = _("sectors of assistance")
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1, number__lte=15), name="sector_number_1_15")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return _in_active_language(self, "name")

    @property
    def purpose(self) -> str:
        return _in_active_language(self, "purpose")


class MatrixCell(models.Model):
    """The priority of one sector in one phase of one crisis type (Annex I), with what it rests on."""

    crisis_type = models.CharField(_("crisis type"), max_length=16, choices=CrisisType.choices)
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="cells")
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    citation = models.CharField(_("citation"), max_length=120, help_text=_("The paragraph of MC/2355 it rests on."))
    basis = models.TextField(_("basis"), blank=True, help_text=_("The sentence of the framework it rests on."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("matrix cell")
        verbose_name_plural = _("matrix cells")
        ordering = ["crisis_type", "sector__number", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["crisis_type", "phase", "sector"], name="matrix_cell_unique"),
            models.CheckConstraint(condition=Q(crisis_type__in=CrisisType.values), name="matrix_cell_crisis_type"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="matrix_cell_phase"),
            models.CheckConstraint(
                condition=Q(priority__in=[p.value for p in Priority]), name="matrix_cell_priority_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crisis_type}/{self.phase}/{self.sector_id}: {self.priority}"


class MatrixCellChange(models.Model):
    """One HQ edit of a matrix cell; history is only ever added to."""

    cell = models.ForeignKey(MatrixCell, verbose_name=_("cell"), on_delete=models.CASCADE, related_name="changes")
    from_priority = models.CharField(_("from"), max_length=16, choices=Priority.choices)
    to_priority = models.CharField(_("to"), max_length=16, choices=Priority.choices)
    from_citation = models.CharField(_("citation before"), max_length=120)
    to_citation = models.CharField(_("citation after"), max_length=120)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("matrix cell change")
        verbose_name_plural = _("matrix cell changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["cell", "-changed_at"], name="matrix_change_cell_idx")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="matrix_change_has_reason")]

    def __str__(self) -> str:
        return f"{self.cell}: {self.from_priority} -> {self.to_priority}"


class SectorPlan(models.Model):
    """The sectors a crisis's office works in, proposed from the matrix for the crisis's type and phase."""

    crisis = models.OneToOneField(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="sector_plan"
    )
    crisis_type = models.CharField(_("crisis type"), max_length=16, choices=CrisisType.choices)
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    proposed_at = models.DateTimeField(_("proposed at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sector plan")
        verbose_name_plural = _("sector plans")

    def __str__(self) -> str:
        return f"{self.crisis_id}: {self.crisis_type}/{self.phase}"


class SectorPlanEntry(models.Model):
    """One sector of a plan: the priority the matrix proposes, and what the office decided."""

    plan = models.ForeignKey(SectorPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="entries")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    proposed_priority = models.CharField(_("proposed priority"), max_length=16, choices=Priority.choices)
    citation = models.CharField(_("citation"), max_length=120, blank=True)
    priority_override = models.CharField(
        _("priority set by the office"), max_length=16, choices=Priority.choices, null=True, blank=True
    )
    override_reason = models.TextField(_("reason for the priority"), blank=True)
    # None follows the proposal (active unless not applicable); True or False is the office's decision.
    active_override = models.BooleanField(_("activated or dropped by the office"), null=True, blank=True)
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partner organisations"), blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sector plan entry")
        verbose_name_plural = _("sector plan entries")
        ordering = ["sector__number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sector"], name="plan_entry_unique_sector"),
            models.CheckConstraint(
                condition=Q(priority_override__isnull=True) | ~Q(override_reason=""),
                name="plan_entry_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.sector_id}"

    @property
    def priority(self) -> str:
        return self.priority_override or self.proposed_priority

    @property
    def is_overridden(self) -> bool:
        return self.priority_override is not None

    @property
    def is_active(self) -> bool:
        if self.active_override is not None:
            return self.active_override
        return self.priority != Priority.NOT_APPLICABLE

    def get_priority_display(self) -> str:
        return str(Priority(self.priority).label)


class SectorPlanRevision(models.Model):
    """A proposal of the plan (at registration, then at each phase change) and what it changed."""

    plan = models.ForeignKey(SectorPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="revisions")
    from_phase = models.CharField(_("from phase"), max_length=8, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to phase"), max_length=8, choices=Phase.choices)
    # [{"sector", "from_priority", "to_priority", "from_active", "to_active", "override_kept"}]
    changes = models.JSONField(_("changes"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sector plan revision")
        verbose_name_plural = _("sector plan revisions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["plan", "-created_at"], name="plan_revision_plan_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_phase} -> {self.to_phase}"
