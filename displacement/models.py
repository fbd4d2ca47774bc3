"""Displacement tracking: the sites where displaced people live, the assessment rounds that count
them, and the flow monitoring points where people crossing are counted each day.

Sector 1 of the framework (docs/domain.md "Displacement tracking"): "Camp Management and
Displacement Tracking ... monitoring displacement flows, facilitating the effective provision of
assistance and protection in camps and camp-like settings ... ensuring organized closure and
phase-out of camps". Every figure here is an aggregate, never a person.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import get_field_display
from core.countries import country_name, validate_iso3


class SiteType(models.TextChoices):
    CAMP = "camp", _("Camp")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    TRANSIT_CENTRE = "transit_centre", _("Transit centre")
    SPONTANEOUS_SETTLEMENT = "spontaneous_settlement", _("Spontaneous settlement")
    HOST_COMMUNITY = "host_community", _("Host community")


class SiteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")


class Reason(models.TextChoices):
    """Why the majority of a site's people left home."""

    CONFLICT = "conflict", _("Conflict")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    EVICTION = "eviction", _("Eviction")
    ECONOMIC = "economic", _("Economic")
    OTHER = "other", _("Other")


class Need(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food")
    WASH = "wash", _("Water and sanitation")
    HEALTH = "health", _("Health")
    PROTECTION = "protection", _("Protection")
    EDUCATION = "education", _("Education")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    DOCUMENTATION = "documentation", _("Documentation")
    TRANSPORT = "transport", _("Transport")


class PointType(models.TextChoices):
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    BUS_STATION = "bus_station", _("Bus station")
    PORT = "port", _("Port")


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class MoveReason(models.TextChoices):
    """Why the people counted at a flow monitoring point are moving."""

    CONFLICT = "conflict", _("Conflict")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    ECONOMIC = "economic", _("Economic")
    FAMILY = "family", _("Family")
    RETURN_HOME = "return_home", _("Return home")
    OTHER = "other", _("Other")


# The sex and age groups of an assessment, in the order of the forms, exports and HXL tags.
SADD_FIELDS: tuple[str, ...] = (
    "female_0_4",
    "female_5_17",
    "female_18_59",
    "female_60_plus",
    "male_0_4",
    "male_5_17",
    "male_18_59",
    "male_60_plus",
)
GROUP_FIELDS: tuple[str, ...] = ("idps", "international_migrants", "returnees", "host_community")
COUNT_FIELDS: tuple[str, ...] = ("households", "individuals", *SADD_FIELDS, *GROUP_FIELDS)
ASSESSMENT_FIELDS: tuple[str, ...] = (
    *COUNT_FIELDS,
    "origin_admin1",
    "reason",
    "need_1",
    "need_2",
    "need_3",
    "remarks",
)
LATITUDE = (MinValueValidator(-90), MaxValueValidator(90))
LONGITUDE = (MinValueValidator(-180), MaxValueValidator(180))


def _coordinates_q() -> Q:
    return Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180)


class Site(models.Model):
    """A place where displaced people live, in one crisis; it persists across rounds."""

    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="displacement_sites"
    )
    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    site_type = models.CharField(_("type"), max_length=24, choices=SiteType.choices)
    admin1_name = models.CharField(_("admin 1"), max_length=100)
    admin1_pcode = models.CharField(_("admin 1 P-code"), max_length=20)
    admin2_name = models.CharField(_("admin 2"), max_length=100, blank=True)
    admin2_pcode = models.CharField(_("admin 2 P-code"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, validators=LONGITUDE)
    managing_agency = models.CharField(_("managing agency"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=SiteStatus.choices, default=SiteStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.TextField(_("reason for closing"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("displacement site")
        verbose_name_plural = _("displacement sites")
        ordering = ["crisis_id", "admin1_name", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=_coordinates_q(), name="site_coordinates_valid"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (Q(status="closed", closed_on__isnull=False) & ~Q(closure_reason="")),
                name="site_closed_has_date_and_reason",
            ),
            models.UniqueConstraint(fields=["crisis", "name", "admin2_pcode"], name="site_name_unique_in_area"),
        ]
        indexes = [models.Index(fields=["crisis", "admin1_pcode", "site_type"], name="site_crisis_area_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssessmentRound(models.Model):
    """One pass of the enumerators over a crisis's sites: ``open -> submitted -> validated``."""

    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="assessment_rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"), validators=[MinValueValidator(1)])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # The sums of the round's assessments ({"sites", "households", "individuals", "idps",
    # "international_migrants", "returnees"}), kept by every write of an assessment
    # (services.round_totals_refresh) so that the overview reads one row per round, not its sites.
    totals = models.JSONField(_("totals"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["crisis_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="round_ends_after_start"),
            # Validation is by someone else than the submitter (docs/domain.md "Displacement tracking").
            models.CheckConstraint(
                condition=Q(validated_by__isnull=True) | ~Q(validated_by=F("submitted_by")),
                name="round_not_validated_by_submitter",
            ),
            models.CheckConstraint(
                condition=~Q(status="validated") | Q(validated_at__isnull=False), name="round_validated_stamped"
            ),
        ]

    def __str__(self) -> str:
        return _("Round %(number)s") % {"number": self.number}

    @property
    def source(self) -> str:
        """The source named on the crisis's affected figures this round sets (kept in English, as
        every stored source)."""
        return f"Displacement tracking, round {self.number}"

    @property
    def is_validated(self) -> bool:
        return self.status == RoundStatus.VALIDATED


def _sadd_sum():
    total = F(SADD_FIELDS[0])
    for name in SADD_FIELDS[1:]:
        total = total + F(name)
    return total


class SiteAssessment(models.Model):
    """What the enumerators found at one site in one round."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments"
    )
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="assessments")
    households = models.PositiveIntegerField(_("households"))
    individuals = models.PositiveIntegerField(_("individuals"))
    female_0_4 = models.PositiveIntegerField(_("female, 0-4"), default=0)
    female_5_17 = models.PositiveIntegerField(_("female, 5-17"), default=0)
    female_18_59 = models.PositiveIntegerField(_("female, 18-59"), default=0)
    female_60_plus = models.PositiveIntegerField(_("female, 60+"), default=0)
    male_0_4 = models.PositiveIntegerField(_("male, 0-4"), default=0)
    male_5_17 = models.PositiveIntegerField(_("male, 5-17"), default=0)
    male_18_59 = models.PositiveIntegerField(_("male, 18-59"), default=0)
    male_60_plus = models.PositiveIntegerField(_("male, 60+"), default=0)
    idps = models.PositiveIntegerField(_("internally displaced persons"), default=0)
    international_migrants = models.PositiveIntegerField(_("international migrants"), default=0)
    returnees = models.PositiveIntegerField(_("returnees"), default=0)
    host_community = models.PositiveIntegerField(_("host community"), default=0)
    origin_admin1 = models.CharField(_("place of origin of the majority (admin 1)"), max_length=100, blank=True)
    reason = models.CharField(_("reason for displacement"), max_length=20, choices=Reason.choices)
    need_1 = models.CharField(_("first need"), max_length=16, choices=Need.choices)
    need_2 = models.CharField(_("second need"), max_length=16, choices=Need.choices, blank=True)
    need_3 = models.CharField(_("third need"), max_length=16, choices=Need.choices, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    # Raised by each correction after validation (AssessmentRevision keeps what it replaced).
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("site assessment")
        verbose_name_plural = _("site assessments")
        ordering = ["round_id", "site__admin1_name", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="assessment_once_per_round"),
            models.CheckConstraint(condition=Q(individuals=_sadd_sum()), name="assessment_sadd_adds_up"),
            models.CheckConstraint(
                condition=Q(households__lte=F("individuals")), name="assessment_households_le_people"
            ),
        ]
        indexes = [models.Index(fields=["site", "round"], name="assessment_site_idx")]

    def __str__(self) -> str:
        return f"{self.site_id} / {self.round_id}"

    @property
    def needs(self) -> list[str]:
        return [n for n in (self.need_1, self.need_2, self.need_3) if n]

    def values(self) -> dict:
        return {name: getattr(self, name) for name in ASSESSMENT_FIELDS}


class AssessmentRevision(models.Model):
    """A correction of a validated round's assessment: what it replaced, who made it and why."""

    assessment = models.ForeignKey(
        SiteAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    before = models.JSONField(_("values before"))
    after = models.JSONField(_("values after"))
    reason = models.TextField(_("reason"))
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revised_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment revision")
        verbose_name_plural = _("assessment revisions")
        ordering = ["assessment_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="assessment_revision_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="assessment_revision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} r{self.number}"


class FlowPoint(models.Model):
    """A place where people on the move are counted every day: a border crossing, a bus station, a port."""

    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="flow_points"
    )
    code = models.CharField(_("code"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    point_type = models.CharField(_("type"), max_length=16, choices=PointType.choices)
    country = models.CharField(_("country"), max_length=3, validators=[validate_iso3])
    admin1_name = models.CharField(_("admin 1"), max_length=100, blank=True)
    admin1_pcode = models.CharField(_("admin 1 P-code"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, validators=LONGITUDE)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("flow monitoring point")
        verbose_name_plural = _("flow monitoring points")
        ordering = ["crisis_id", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=_coordinates_q(), name="flow_point_coordinates_valid"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{3}$"), name="flow_point_country_iso3"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class FlowCount(models.Model):
    """The people counted at a point on a day, going one way, of one nationality, for one reason
    and bound for one country: one row, corrected in place when counted again (never duplicated)."""

    point = models.ForeignKey(FlowPoint, verbose_name=_("point"), on_delete=models.CASCADE, related_name="counts")
    date = models.DateField(_("date"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    nationality = models.CharField(_("nationality"), max_length=3, validators=[validate_iso3])
    reason = models.CharField(_("reason for moving"), max_length=20, choices=MoveReason.choices)
    destination_country = models.CharField(_("intended destination"), max_length=3, validators=[validate_iso3])
    females = models.PositiveIntegerField(_("females"), default=0)
    males = models.PositiveIntegerField(_("males"), default=0)
    children = models.PositiveIntegerField(_("of whom children"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("flow count")
        verbose_name_plural = _("flow counts")
        ordering = ["point_id", "-date", "direction", "nationality"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "date", "direction", "nationality", "reason", "destination_country"],
                name="flow_count_unique",
            ),
            models.CheckConstraint(
                condition=Q(children__lte=F("females") + F("males")), name="flow_count_children_le_total"
            ),
            models.CheckConstraint(
                condition=Q(nationality__regex=r"^[A-Z]{3}$") & Q(destination_country__regex=r"^[A-Z]{3}$"),
                name="flow_count_countries_iso3",
            ),
        ]
        # The overview's window (a crisis's points, the last days counted) and its newest day are
        # read from this index alone: the flow columns are carried in it.
        indexes = [
            models.Index(
                fields=["point", "date"],
                include=["direction", "nationality", "females", "males", "children"],
                name="flow_count_window_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.date} {self.direction} {self.nationality}"

    @property
    def total(self) -> int:
        return self.females + self.males


class RoundImport(models.Model):
    """One upload of the enumerators' table for an open round: checked by a task (with its progress
    counted, so that the page shows a bar), previewed, then saved by a task, all rows or none."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the rows")
        CHECKED = "checked", _("Checked")
        SAVING = "saving", _("Saving")
        SAVED = "saved", _("Saved")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="imports"
    )
    file = models.FileField(_("file"), upload_to="displacement-imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(_("language of the messages"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    new_sites = models.PositiveIntegerField(_("new sites"), default=0)
    assessments = models.PositiveIntegerField(_("assessments"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    # {"<row>": {"<field>": ["message", ...]}} for the first rows with errors (ERRORS_KEPT).
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    saved = models.PositiveIntegerField(_("assessments saved"), default=0)
    failure = models.TextField(_("why it failed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("round import")
        verbose_name_plural = _("round imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.file_name} {self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.SAVING)
