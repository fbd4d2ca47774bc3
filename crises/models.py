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
    glide = models.CharField(_("GLIDE number"), max_length=32, null=True, blank=True, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    # How long the personal data of its migrants is kept once the crisis is closed (ICRC handbook on
    # data protection in humanitarian action: no longer than the purpose needs); empty: the default
    # of settings.RETENTION_DAYS_DEFAULT. After it the migrants are pseudonymised (caseload.retention).
    retention_days = models.PositiveIntegerField(
        _("retention of personal data after closure (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the default period."),
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("owning office"), on_delete=models.PROTECT, related_name="crises"
    )
    description = models.TextField(_("description"), blank=True)
    # The last approved level, kept by the approval service for filtering; history is in the proposals.
    level = models.PositiveSmallIntegerField(_("emergency level"), null=True, blank=True)
    level_declaration = models.ForeignKey(
        "crises.LevelProposal",
        verbose_name=_("current level declaration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The review of the current declaration (the SOP's validity); the reminder task keeps the last
    # due date it reminded of, so each due date is reminded once.
    level_review_due = models.DateField(_("level review due"), null=True, blank=True)
    level_extensions = models.PositiveSmallIntegerField(_("extensions of the level"), default=0)
    level_review_reminded_for = models.DateField(_("review reminded for"), null=True, blank=True)
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
            models.Index(fields=["status", "level_review_due"], name="crisis_review_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def retention_period_days(self) -> int:
        """Days after closure before the migrants' personal data is pseudonymised."""
        return self.retention_days or settings.RETENTION_DAYS_DEFAULT

    @property
    def other_country_codes(self) -> list[str]:
        """Other affected countries (transit, first refuge); uses a prefetch when there is one."""
        return sorted(c.country for c in self.other_countries.all())

    @property
    def nationality_codes(self) -> list[str]:
        return sorted(n.country for n in self.nationalities.all())


class CrisisCountry(models.Model):
    """Another country the crisis affects: a country of transit, first refuge or destination."""

    crisis = models.ForeignKey(
        Crisis, verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="other_countries"
    )
    country = models.CharField(_("country"), max_length=3, validators=[validate_iso3])

    class Meta:
        verbose_name = _("other affected country")
        verbose_name_plural = _("other affected countries")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "country"], name="crisis_country_unique"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{3}$"), name="crisis_country_code_iso3"),
        ]
        indexes = [models.Index(fields=["country", "crisis"], name="crisis_country_country_idx")]

    def __str__(self) -> str:
        return self.country

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class CrisisNationality(models.Model):
    """A nationality of the international migrants caught in the crisis (their countries of origin
    are coordinated with: Annex I paragraphs 7, 13, 19, 25, 31)."""

    crisis = models.ForeignKey(Crisis, verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="nationalities")
    country = models.CharField(_("nationality"), max_length=3, validators=[validate_iso3])

    class Meta:
        verbose_name = _("nationality of migrants caught in the crisis")
        verbose_name_plural = _("nationalities of migrants caught in the crisis")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "country"], name="crisis_nationality_unique"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{3}$"), name="crisis_nationality_iso3"),
        ]

    def __str__(self) -> str:
        return self.country

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class AffectedGroup(models.TextChoices):
    """The groups of Annex I paragraphs 6, 12, 18, 24 and 30."""

    INTERNATIONAL_MIGRANTS = "international_migrants", _("International migrants caught in crisis")
    IDPS = "idps", _("Internally displaced persons")
    REFUGEES = "refugees", _("Refugees")
    ASYLUM_SEEKERS = "asylum_seekers", _("Asylum-seekers")
    ENVIRONMENTALLY_DISPLACED = "environmentally_displaced", _("Environmentally displaced persons")
    TRAPPED = "trapped", _("Trapped populations")
    TRAFFICKING_VICTIMS = "trafficking_victims", _("Victims of trafficking")
    UNACCOMPANIED_CHILDREN = "unaccompanied_children", _("Unaccompanied or separated children")
    RETURNEES = "returnees", _("Returnees")
    HOST_COMMUNITIES = "host_communities", _("Host communities")


class AffectedFigure(models.Model):
    """An estimate of one affected group on a date, with its source; later estimates add rows."""

    crisis = models.ForeignKey(
        Crisis, verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="affected_figures"
    )
    group = models.CharField(_("affected group"), max_length=32, choices=AffectedGroup.choices)
    figure = models.PositiveIntegerField(_("estimated number"))
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("affected figure")
        verbose_name_plural = _("affected figures")
        ordering = ["group", "-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "group", "as_of", "source"], name="affected_figure_unique"),
        ]
        indexes = [models.Index(fields=["crisis", "group", "-as_of", "-id"], name="affected_figure_crisis_idx")]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.figure} ({self.as_of})"


class PhaseChange(models.Model):
    """A move between the phases of Pillar 1, with who, when and why. Never edited."""

    crisis = models.ForeignKey(Crisis, verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(_("from phase"), max_length=8, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to phase"), max_length=8, choices=Phase.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["crisis", "-changed_at", "-id"], name="phase_change_crisis_idx")]

    def __str__(self) -> str:
        return f"{self.from_phase or '-'} -> {self.to_phase}"


class ApproverKind(models.TextChoices):
    CHIEF_OF_MISSION = "chief_of_mission", _("Chief of Mission of the crisis's office")
    HQ = "hq", _("HQ emergency coordinator")


class Audience(models.TextChoices):
    """Who is told of a declaration at that level."""

    OFFICE = "office", _("Staff of the owning office")
    CHIEF_OF_MISSION = "chief_of_mission", _("Chief of Mission")
    HQ = "hq", _("HQ emergency coordinators")
    COORDINATION = "coordination", _("The crisis's coordination list")


# The SOP as first seeded (migration 0003 holds the same values): L1 declared by the office's
# Chief of Mission, L2 and L3 by an HQ emergency coordinator; L3 follows the IASC system-wide
# scale-up (6 months, one 3-month extension). HQ edits the rows; these only fill a missing level.
DEFAULT_POLICIES = {
    1: {
        "approver": "chief_of_mission",
        "validity_months": 6,
        "extension_months": 3,
        "max_extensions": 1,
        "sitrep_cadence_days": 30,
        "notify": ["office", "chief_of_mission"],
    },
    2: {
        "approver": "hq",
        "validity_months": 6,
        "extension_months": 3,
        "max_extensions": 1,
        "sitrep_cadence_days": 14,
        "notify": ["office", "chief_of_mission", "hq"],
    },
    3: {
        "approver": "hq",
        "validity_months": 6,
        "extension_months": 3,
        "max_extensions": 1,
        "sitrep_cadence_days": 7,
        "notify": ["office", "chief_of_mission", "hq", "coordination"],
    },
}


class LevelPolicyManager(models.Manager):
    def current(self) -> dict[int, LevelPolicy]:
        """The policy of each level, restoring the default of any level missing from the table."""
        policies = {policy.level: policy for policy in self.all()}
        for level, values in DEFAULT_POLICIES.items():
            if level not in policies:
                policies[level], _created = self.get_or_create(level=level, defaults=values)
        return policies


class LevelPolicy(models.Model):
    """The SOP for one emergency level (main text paragraph 21): lines of authority, validity
    before review, situation-report cadence and who is told. HQ edits it; every edit leaves a
    revision (LevelPolicyRevision)."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    approver = models.CharField(_("who approves a declaration"), max_length=20, choices=ApproverKind.choices)
    validity_months = models.PositiveSmallIntegerField(_("validity before review (months)"))
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), default=0)
    max_extensions = models.PositiveSmallIntegerField(_("number of extensions allowed"), default=0)
    sitrep_cadence_days = models.PositiveSmallIntegerField(_("situation report every (days)"))
    notify = models.JSONField(_("who is told"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LevelPolicyManager()

    class Meta:
        verbose_name = _("level policy")
        verbose_name_plural = _("level policies")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="level_policy_level_1_to_3"),
            models.CheckConstraint(condition=Q(validity_months__gte=1), name="level_policy_validity_positive"),
            models.CheckConstraint(condition=Q(sitrep_cadence_days__gte=1), name="level_policy_sitrep_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Level %(level)s policy") % {"level": self.level})

    def notify_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(key, key)) for key in self.notify]

    def snapshot(self) -> dict:
        return {
            "level": self.level,
            "approver": self.approver,
            "validity_months": self.validity_months,
            "extension_months": self.extension_months,
            "max_extensions": self.max_extensions,
            "sitrep_cadence_days": self.sitrep_cadence_days,
            "notify": list(self.notify),
        }


class LevelPolicyRevision(models.Model):
    """One saved state of a level policy: who changed it, when, and to what. Never edited."""

    policy = models.ForeignKey(
        LevelPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="revisions"
    )
    values = models.JSONField(_("values"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("level policy revision")
        verbose_name_plural = _("level policy revisions")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.policy} @ {self.changed_at:%Y-%m-%d %H:%M}"


class LevelProposal(models.Model):
    """A proposed change of a crisis's emergency level, up or down, scored on the five IASC
    criteria, that an allowed approver other than the proposer approves or rejects. A decided
    proposal is never edited: together they are the crisis's level history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Direction(models.TextChoices):
        UP = "up", _("Up")
        DOWN = "down", _("Down")

    SCORE_FIELDS = ("score_scale", "score_urgency", "score_complexity", "score_capacity", "score_risk")

    crisis = models.ForeignKey(
        Crisis, verbose_name=_("crisis"), on_delete=models.CASCADE, related_name="level_proposals"
    )
    level = models.PositiveSmallIntegerField(_("proposed level"))
    previous_level = models.PositiveSmallIntegerField(_("level when proposed"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    # The five IASC system-wide scale-up criteria, each scored 1 (low) to 5 (very high).
    score_scale = models.PositiveSmallIntegerField(_("scale"))
    score_urgency = models.PositiveSmallIntegerField(_("urgency"))
    score_complexity = models.PositiveSmallIntegerField(_("complexity"))
    score_capacity = models.PositiveSmallIntegerField(_("capacity (gap)"))
    score_risk = models.PositiveSmallIntegerField(_("risk of failure to deliver"))
    justification = models.TextField(_("justification"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    # The policy as it stood at the decision (approver, validity, cadence): the history says
    # which rules applied even after HQ edits the SOP.
    policy_snapshot = models.JSONField(_("policy applied"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)

    class Meta:
        verbose_name = _("level proposal")
        verbose_name_plural = _("level proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="level_proposal_level_1_to_3"),
            models.CheckConstraint(
                condition=Q(score_scale__gte=1, score_scale__lte=5)
                & Q(score_urgency__gte=1, score_urgency__lte=5)
                & Q(score_complexity__gte=1, score_complexity__lte=5)
                & Q(score_capacity__gte=1, score_capacity__lte=5)
                & Q(score_risk__gte=1, score_risk__lte=5),
                name="level_proposal_scores_1_to_5",
            ),
            # One open proposal per crisis: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["crisis"], condition=Q(status="pending"), name="level_proposal_one_pending_per_crisis"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | Q(~Q(status="pending"), decided_at__isnull=False),
                name="level_proposal_decided_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["crisis", "-proposed_at", "-id"], name="level_proposal_crisis_idx"),
            models.Index(fields=["status", "-proposed_at", "-id"], name="level_proposal_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.crisis.code}: L{self.previous_level or 0} -> L{self.level} ({self.status})"

    @property
    def total_score(self) -> int:
        return sum(getattr(self, name) for name in self.SCORE_FIELDS)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
