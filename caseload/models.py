"""The caseload: migrants (cases), their consent, referrals to governments and partners, and sharing.

docs/domain.md "Caseload". The framework's paragraph 8 names the tools this app puts to work: "liaison to
ensure that migrants have access to emergency consular services; referral systems for persons with
special protection needs; and the organization of safe evacuations".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.choices import get_field_display
from core.countries import country_name, validate_iso3
from core.languages import language_name
from sectors.referral_kinds import ReferralKind

from .validators import (
    validate_iso3_list,
    validate_languages,
    validate_not_future,
    validate_phone,
    validate_purposes,
    validate_vulnerabilities,
)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    LOST = "lost", _("Lost or confiscated")
    NONE = "none", _("None")


class PopulationGroup(models.TextChoices):
    """Affected groups of Annex I (paragraphs 6, 12, 18, 24, 30)."""

    INTERNATIONAL_MIGRANT = "international_migrant", _("International migrant caught in crisis")
    IDP = "idp", _("Internally displaced person")
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum-seeker")
    ENVIRONMENTALLY_DISPLACED = "environmentally_displaced", _("Environmentally displaced person")
    TRAPPED = "trapped", _("Trapped population")
    RETURNEE = "returnee", _("Returnee")
    HOST_COMMUNITY = "host_community", _("Host community")


class Vulnerability(models.TextChoices):
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied or separated child")
    VICTIM_OF_TRAFFICKING = "victim_of_trafficking", _("Victim of trafficking")
    MEDICAL_NEED = "medical_need", _("Medical need")
    DISABILITY = "disability", _("Disability")
    OLDER_PERSON = "older_person", _("Older person")
    PREGNANT = "pregnant", _("Pregnant")
    GBV_SURVIVOR = "gbv_survivor", _("Survivor of gender-based violence")
    SINGLE_CAREGIVER = "single_caregiver", _("Single caregiver")


class Intention(models.TextChoices):
    RETURN = "return", _("Return to the country of origin")
    STAY = "stay", _("Stay")
    ONWARD = "onward", _("Onward movement")
    UNDECIDED = "undecided", _("Undecided")


class LegalBasis(models.TextChoices):
    """Legal bases of processing (ICRC Handbook on data protection in humanitarian action)."""

    CONSENT = "consent", _("Consent")
    VITAL_INTEREST = "vital_interest", _("Vital interest")
    PUBLIC_INTEREST = "public_interest", _("Public interest")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    LEGAL_OBLIGATION = "legal_obligation", _("Performance of a legal obligation")


def age_of(date_of_birth, estimated_age: int | None, today=None) -> int | None:
    """Age in whole years on ``today`` (the local date by default) from the date of birth, else the
    age estimated at registration."""
    if date_of_birth:
        today = today or timezone.localdate()
        return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    return estimated_age


class Migrant(models.Model):
    """A case: one person registered by an office in a crisis (IOM's umbrella sense of "migrant")."""

    reference = models.CharField(_("case reference"), max_length=32, unique=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    other_names = models.CharField(_("other names"), max_length=200, blank=True)
    # Lower-case, accent-free, single-spaced copies of the names for search and duplicate warnings.
    given_name_norm = models.CharField(max_length=100, editable=False, default="")
    family_name_norm = models.CharField(max_length=100, editable=False, default="")
    document_number_norm = models.CharField(max_length=64, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_not_future])
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, validators=[validate_iso3])
    other_nationalities = models.JSONField(
        _("other nationalities"), default=list, blank=True, validators=[validate_iso3_list]
    )
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_languages])
    document_status = models.CharField(_("travel document"), max_length=8, choices=DocumentStatus.choices)
    document_number = models.CharField(_("travel document number"), max_length=64, blank=True)
    # The consular referral whose outcome (a document the consulate issued) set the travel document.
    document_source = models.ForeignKey(
        "Referral",
        verbose_name=_("travel document recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location_country = models.CharField(_("current country"), max_length=3, validators=[validate_iso3])
    admin_pcode = models.CharField(_("admin area P-code"), max_length=32, blank=True)
    site = models.CharField(_("site"), max_length=200, blank=True)
    household = models.CharField(
        _("group or household"),
        max_length=64,
        blank=True,
        help_text=_("A shared reference for people who travel together."),
    )
    population_group = models.CharField(_("population group"), max_length=32, choices=PopulationGroup.choices)
    vulnerabilities = models.JSONField(
        _("vulnerabilities"), default=list, blank=True, validators=[validate_vulnerabilities]
    )
    intention = models.CharField(_("intention"), max_length=16, choices=Intention.choices, default=Intention.UNDECIDED)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("International format, e.g. +20 10 1234 5678"),
    )
    legal_basis = models.CharField(
        _("legal basis of processing"), max_length=24, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    # Victims of trafficking and people with a counter-trafficking referral (docs/domain.md "Sensitive records").
    is_sensitive = models.BooleanField(_("sensitive record"), default=False, editable=False)
    # No index of their own: migrant_office_idx and migrant_crisis_idx begin with them (one index
    # fewer to keep up on every registration and import).
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("owning office"),
        on_delete=models.PROTECT,
        related_name="migrants",
        db_index=False,
    )
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="migrants", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The normalised full name, kept by the database; on PostgreSQL a GIN trigram index on it
    # (migration 0002) serves the similarity search of duplicate candidates.
    full_name_norm = models.GeneratedField(
        expression=Concat("given_name_norm", Value(" "), "family_name_norm"),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )
    # The full name in the consonants of one Latin alphabet, whatever its script ("محمد حسن" and
    # "Mohamed Hassan" -> "mhmd hsn"; caseload.names, docs/domain.md "Names across scripts"): the
    # keys of the two names are kept by the services and serve the name search across scripts (by
    # prefix, as the normalised names do); on PostgreSQL a GIN trigram index on the full key
    # (migration 0006) serves the duplicate finder.
    given_name_key = models.CharField(max_length=100, editable=False, default="")
    family_name_key = models.CharField(max_length=100, editable=False, default="")
    name_key = models.GeneratedField(
        expression=Concat("given_name_key", Value(" "), "family_name_key"),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )
    # The import that created the record: an import is undone as a whole through this link.
    import_batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="imported_migrants",
    )
    # A duplicate merged into another record: kept with its own trail, hidden from lists.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True, editable=False)
    # Set when the retention period of its crisis ran out and its personal data was replaced
    # (caseload.retention); the figures (nationality, sex, year of birth, vulnerabilities) stay.
    pseudonymised_at = models.DateTimeField(_("pseudonymised at"), null=True, blank=True, editable=False)

    # Labels of the choices shown on list pages, without translating every label per call.
    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("migrant")
        verbose_name_plural = _("migrants")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(nationality__regex=r"^[A-Z]{3}$"), name="migrant_nationality_iso3"),
            models.CheckConstraint(condition=Q(location_country__regex=r"^[A-Z]{3}$"), name="migrant_location_iso3"),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(estimated_age__isnull=False), name="migrant_dob_or_age"
            ),
            models.CheckConstraint(
                condition=Q(estimated_age__isnull=True) | Q(estimated_age__lte=120), name="migrant_age_max"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "-id"], name="migrant_office_idx"),
            models.Index(fields=["crisis", "-id"], name="migrant_crisis_idx"),
            # The caseload list filtered by crisis and nationality, newest first (bench/RESULTS.md).
            models.Index(fields=["crisis", "nationality", "-id"], name="migrant_crisis_nat_idx"),
            models.Index(fields=["nationality", "-id"], name="migrant_nationality_idx"),
            models.Index(
                fields=["family_name_norm"], name="migrant_family_norm_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["given_name_norm"], name="migrant_given_norm_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["family_name_key"], name="migrant_family_key_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["given_name_key"], name="migrant_given_key_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["document_number_norm"], name="migrant_document_norm_idx"),
            models.Index(
                fields=["family_name_norm", "given_name_norm", "date_of_birth", "nationality"],
                name="migrant_duplicate_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def nationality_name(self) -> str:
        return country_name(self.nationality)

    @property
    def location_country_name(self) -> str:
        return country_name(self.location_country)

    @property
    def other_nationality_names(self) -> list[str]:
        return [country_name(code) for code in self.other_nationalities]

    @property
    def language_names(self) -> list[str]:
        return [language_name(code) for code in self.languages]

    def get_vulnerabilities_display(self) -> list[str]:
        labels = dict(Vulnerability.choices)
        return [str(labels.get(code, code)) for code in self.vulnerabilities]

    def age(self, today=None) -> int | None:
        return age_of(self.date_of_birth, self.estimated_age, today)


class Consent(models.Model):
    """Consent of a migrant to share data with one named government or partner for named purposes,
    with date and recorder.

    One row per named recipient, so that "does the consent name this government" is one indexed lookup;
    ``purposes`` are the kinds of referral (``ReferralKind``) the person agreed to: consent is specific
    to a purpose (docs/domain.md "Consent per purpose"). A consent recorded before purposes existed
    and used for no referral covers none.
    """

    migrant = models.ForeignKey(Migrant, verbose_name=_("migrant"), on_delete=models.CASCADE, related_name="consents")
    government = models.ForeignKey(
        "partners.Government",
        verbose_name=_("government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The codes of ``ReferralKind``, as a JSON list (read as text, as the vulnerabilities are).
    purposes = models.JSONField(_("purposes"), default=list, blank=True, validators=[validate_purposes])
    given_on = models.DateField(_("consent given on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(government__isnull=False, partner__isnull=True)
                | Q(government__isnull=True, partner__isnull=False),
                name="consent_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["migrant", "government"], name="consent_migrant_gov_idx"),
            models.Index(fields=["migrant", "partner"], name="consent_migrant_partner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.migrant_id} -> {self.government or self.partner}"

    @property
    def recipient(self):
        return self.government or self.partner

    def get_purposes_display(self) -> list[str]:
        labels = dict(ReferralKind.choices)
        return [str(labels.get(code, code)) for code in self.purposes]


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    LIFE_SAVING = "life_saving", _("Life-saving")


# How long a recipient has to act on a referral of each priority, counted from when it is sent.
# The one place these delays are set; "transportation assistance can also be a critical life-saving
# protection activity" (Annex I paragraph 9).
PRIORITY_DUE: dict[str, timedelta] = {
    Priority.LIFE_SAVING: timedelta(hours=24),
    Priority.URGENT: timedelta(hours=72),
    Priority.NORMAL: timedelta(days=14),
}


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class DocumentType(models.TextChoices):
    """Documents a consular service issues in a crisis (framework, Sector 12)."""

    EMERGENCY_TRAVEL_DOCUMENT = "etd", _("Emergency travel document")
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    PASSPORT = "passport", _("Passport")


class Referral(models.Model):
    """A migrant referred to a government or a partner for a service of one sector of assistance."""

    migrant = models.ForeignKey(Migrant, verbose_name=_("migrant"), on_delete=models.PROTECT, related_name="referrals")
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="referrals"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("owning office"), on_delete=models.PROTECT, related_name="referrals"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReferralKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    recipient_government = models.ForeignKey(
        "partners.Government",
        verbose_name=_("government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    recipient_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    request_note = models.TextField(_("what is asked"), blank=True)
    is_sensitive = models.BooleanField(_("sensitive record"), default=False, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # The due time an overdue reminder was last sent for: one reminder per due time.
    overdue_reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    consent_override_reason = models.TextField(_("reason for sharing without consent"), blank=True)
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Consular outcome (framework, Sector 12: "emergency travel documents or laissez-passer").
    document_type = models.CharField(_("document type"), max_length=16, choices=DocumentType.choices, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    document_issued_on = models.DateField(_("date issued"), null=True, blank=True)
    # Transport outcome (framework, Sector 3).
    departure_from = models.CharField(_("departure from"), max_length=200, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    travel_date = models.DateField(_("travel date"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Labels of the choices shown on list pages, without translating every label per call.
    _get_FIELD_display = get_field_display

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_government__isnull=False, recipient_partner__isnull=True)
                | Q(recipient_government__isnull=True, recipient_partner__isnull=False),
                name="referral_one_recipient",
            ),
            models.CheckConstraint(
                # A draft may be cancelled before it was ever sent (caseload.workflow "cancel").
                condition=Q(status="draft")
                | Q(status="cancelled", sent_at__isnull=True)
                | Q(sent_at__isnull=False, due_at__isnull=False),
                name="referral_sent_has_due",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_declined_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_government", "status", "-id"], name="referral_gov_idx"),
            models.Index(fields=["recipient_partner", "status", "-id"], name="referral_partner_idx"),
            models.Index(fields=["office", "status", "-id"], name="referral_office_idx"),
            models.Index(fields=["migrant", "-id"], name="referral_migrant_idx"),
            models.Index(fields=["status", "due_at"], name="referral_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def recipient(self):
        return self.recipient_government or self.recipient_partner

    @property
    def recipient_type(self) -> str:
        return "government" if self.recipient_government_id else "partner"

    @property
    def recipient_id(self) -> int:
        return self.recipient_government_id or self.recipient_partner_id

    # The open statuses and the overdue rule are the state machine's (caseload.workflow imports
    # this module, hence the imports inside).
    @property
    def is_open(self) -> bool:
        from .workflow import REFERRAL

        return REFERRAL.is_open(self.status)

    def is_overdue(self, now: datetime | None = None) -> bool:
        from .workflow import is_overdue

        return is_overdue(self, now)


class ReferralEvent(models.Model):
    """One step of a referral's life: who did what, when, with which note."""

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # What an outcome recorded: referral field name -> value (shown with its label, translated).
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} -> {self.to_status}"

    def details_display(self) -> list[tuple[str, str]]:
        """Each recorded field as (label, value) in the reader's language: "Document type",
        "Emergency travel document", never ``document_type: etd``."""
        rows = []
        for name, value in (self.details or {}).items():
            try:
                field = Referral._meta.get_field(name)
            except FieldDoesNotExist:  # a field since removed keeps its raw name
                rows.append((name, str(value)))
                continue
            label = str(field.verbose_name).capitalize()
            shown = str(dict(field.choices).get(value, value)) if field.choices else str(value)
            if isinstance(field, models.DateField) and value:
                day = parse_date(str(value))
                shown = date_format(day) if day else shown
            rows.append((label, shown))
        return rows


class CaseShare(models.Model):
    """A case shared with another office (both see it) or transferred to it (ownership moves on acceptance)."""

    class Kind(models.TextChoices):
        SHARE = "share", _("Share")
        TRANSFER = "transfer", _("Transfer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    migrant = models.ForeignKey(Migrant, verbose_name=_("migrant"), on_delete=models.CASCADE, related_name="shares")
    from_office = models.ForeignKey(
        "accounts.Office", verbose_name=_("from office"), on_delete=models.PROTECT, related_name="+"
    )
    to_office = models.ForeignKey(
        "accounts.Office", verbose_name=_("to office"), on_delete=models.PROTECT, related_name="incoming_cases"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)

    class Meta:
        verbose_name = _("case share or transfer")
        verbose_name_plural = _("case shares and transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["migrant", "to_office"], condition=Q(status="pending"), name="caseshare_one_pending_per_office"
            ),
        ]
        indexes = [models.Index(fields=["to_office", "status"], name="caseshare_to_office_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.migrant_id} -> {self.to_office_id} ({self.status})"


class ImportBatch(models.Model):
    """One upload of a registration list or manifest (CSV or XLSX) by an office for one of its crises.

    It moves through column mapping, validation of every row (a task), a preview, and saving (a
    task); saved migrants keep a link to it so that the import can be undone as a whole.
    """

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to map")
        VALIDATING = "validating", _("Checking the rows")
        VALIDATED = "validated", _("Checked")
        COMMITTING = "committing", _("Saving")
        COMMITTED = "committed", _("Saved")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="import_batches"
    )
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), on_delete=models.PROTECT, related_name="import_batches"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language of the messages"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.MAPPING)
    headers = models.JSONField(_("column headers"), default=list, blank=True)
    # Column position (as a string) -> migrant field name.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # {"save_valid_rows": bool}: by default nothing is saved when a row is bad.
    options = models.JSONField(_("options"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_rows = models.PositiveIntegerField(_("migrants created"), default=0)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_rows__isnull=True) | Q(processed_rows__lte=models.F("total_rows")),
                name="import_progress_within_total",
            ),
        ]
        indexes = [models.Index(fields=["office", "-id"], name="import_office_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)

    @property
    def save_valid_rows(self) -> bool:
        return bool((self.options or {}).get("save_valid_rows"))


class ImportRowError(models.Model):
    """The errors of one rejected row: field -> messages, and the row's cells for the rejected-rows file."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="row_errors"
    )
    row = models.PositiveIntegerField(_("row"))  # the line in the file, the header being line 1
    errors = models.JSONField(_("errors"), default=dict)
    values = models.JSONField(_("values"), default=list)

    class Meta:
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")
        ordering = ["batch", "row"]
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="import_row_error_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"


class ImportStagedChunk(models.Model):
    """The good rows of one chunk of the check as the check left them, so that the save builds the
    new migrants from them without reading the file or checking it again.

    The chunk covers the data rows ``first_position`` to ``last_position`` (1 for the first row after
    the header, blank rows counted, as ``ImportBatch.processed_rows`` counts them); ``rows`` is the
    text of a JSON array of ``[position, value, value, ...]`` of its good rows: the checked values of
    the mapped fields in the mapping's order (``RowValidator.staged``). One record a chunk, not a
    row, and text, not ``jsonb``: it is written and read whole and never queried into, so one
    encoding writes it and one decoding reads it, where a record a row cost the check a database
    row, an index entry and a JSON parse for each person. The chunks are written by the check and
    deleted when the import is saved, fails, is checked again or its checked rows expire
    (caseload.imports.work).
    """

    # The unique constraint's index (batch, first_position) serves the lookups by batch.
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="staged_chunks", db_index=False
    )
    first_position = models.PositiveIntegerField(_("first row"))
    last_position = models.PositiveIntegerField(_("last row"))
    row_count = models.PositiveIntegerField(_("good rows"))
    rows = models.TextField(_("checked rows (JSON)"))

    class Meta:
        verbose_name = _("checked rows")
        verbose_name_plural = _("checked rows")
        constraints = [
            models.UniqueConstraint(fields=["batch", "first_position"], name="import_staged_chunk_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.first_position}-{self.last_position}"


class DuplicateCandidate(models.Model):
    """Two records of one office that may be the same person; staff merge them or mark them distinct.

    A pair is stored once (lower id first); a pair marked distinct is never proposed again.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        MERGED = "merged", _("Merged")
        DISTINCT = "distinct", _("Different people")

    class Reason(models.TextChoices):
        NAME = "name", _("Similar name, same date of birth and nationality")
        DOCUMENT = "document", _("Same travel document number")

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    migrant_a = models.ForeignKey(Migrant, verbose_name=_("first record"), on_delete=models.CASCADE, related_name="+")
    migrant_b = models.ForeignKey(Migrant, verbose_name=_("second record"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=8, choices=Reason.choices)
    score = models.FloatField(_("name similarity"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    survivor = models.ForeignKey(
        Migrant, verbose_name=_("kept record"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["migrant_a", "migrant_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=Q(migrant_a__lt=models.F("migrant_b")), name="duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["office", "status", "-id"], name="duplicate_office_status_idx")]

    def __str__(self) -> str:
        return f"{self.migrant_a_id} ~ {self.migrant_b_id} ({self.status})"
