"""Exports of migrants, referrals and crises as CSV and XLSX, with an HXL hashtag row under the header.

Every export reads through the same selectors as the list pages (``migrants_visible_to``,
``referrals_visible_to``, ``crises_visible_to``) with the same filters, so a user exports exactly
what the lists show them; a liaison exports only the referrals addressed to its government or
organisation, and of each migrant only the fields that referral's kind discloses
(``caseload.disclosure``). Rows are read in chunks (``iterator(chunk_size=...)``) and written as
they come: nothing holds a whole table in memory. Each export is one entry of the audit trail, and
every sensitive record in it is a read in the access log, as on the list pages.

HXL (Humanitarian Exchange Language, hxlstandard.org) core hashtags and attributes tag each column
so that partners' tools (HDX, the HXL Proxy) read the files without a mapping. Enumerations are
exported as their stable codes, not their translated labels; the header row is in the user's
language, the hashtag row never changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseload.access_log import log_reads
from caseload.disclosure import KIND_MIGRANT_FIELDS
from caseload.filters import MigrantFilter, ReferralFilter
from caseload.models import Migrant, Referral
from caseload.selectors import migrants_visible_to, referrals_visible_to, with_overdue
from core.audit import audit_record
from core.models import AuditEntry
from core.tabular import CONTENT_TYPES, CSV, XLSX, Column, csv_lines, xlsx_workbook
from crises.forms import CrisisFilterForm
from crises.models import AffectedFigure, AffectedGroup, Crisis
from crises.selectors import crisis_list
from sectors.referral_kinds import REFERRAL_KIND_SECTOR

if TYPE_CHECKING:
    from accounts.models import User

CHUNK_SIZE = 2000

MIGRANTS = "migrants"
REFERRALS = "referrals"
CRISES = "crises"
DATASETS = (MIGRANTS, REFERRALS, CRISES)
DATASET_LABELS = {
    MIGRANTS: gettext_lazy("Caseload (migrants)"),
    REFERRALS: gettext_lazy("Referrals"),
    CRISES: gettext_lazy("Crises"),
}

FORMATS = (CSV, XLSX)


# --- Migrants -------------------------------------------------------------------------------------
# The HXL hashtag of each exported migrant field, in the order of the file. #beneficiary describes the
# person assisted; #country+code+nationality their nationality, #country+code where they are now.
MIGRANT_TAGS: dict[str, str] = {
    "reference": "#beneficiary+code",
    "given_name": "#beneficiary+name+given",
    "family_name": "#beneficiary+name+family",
    "other_names": "#beneficiary+name+other",
    "sex": "#beneficiary+sex",
    "date_of_birth": "#date+birth",
    "estimated_age": "#beneficiary+age+estimated",
    "nationality": "#country+code+nationality",
    "other_nationalities": "#country+code+nationality+other",
    "languages": "#beneficiary+languages",
    "document_status": "#status+document",
    "document_number": "#beneficiary+code+document",
    "location_country": "#country+code",
    "admin_pcode": "#adm1+code",
    "site": "#loc+name",
    "household": "#group+code+household",
    "population_group": "#beneficiary+type",
    "vulnerabilities": "#beneficiary+vulnerabilities",
    "intention": "#beneficiary+intention",
    "phone": "#contact+phone",
    "legal_basis": "#meta+legal_basis",
}


def _field_header(model, name: str) -> Promise:
    return capfirst(model._meta.get_field(name).verbose_name)


def _migrant_field(name: str) -> Column:
    return Column(_field_header(Migrant, name), MIGRANT_TAGS[name], lambda m, name=name: getattr(m, name))


MIGRANT_COLUMNS: tuple[Column, ...] = (
    *(_migrant_field(name) for name in MIGRANT_TAGS),
    Column(gettext_lazy("Sensitive record"), "#meta+sensitive", lambda m: m.is_sensitive),
    Column(gettext_lazy("Crisis"), "#crisis+code", lambda m: m.crisis.code),
    Column(gettext_lazy("Office"), "#org+code+impl", lambda m: m.office.code),
    Column(gettext_lazy("Registered at"), "#date+reported", lambda m: m.created_at),
)


# --- Referrals ------------------------------------------------------------------------------------
def _recipient_code(referral: Referral) -> str:
    if referral.recipient_government_id:
        return referral.recipient_government.country
    return referral.recipient_partner.code if referral.recipient_partner_id else ""


def _overdue(referral: Referral) -> bool:
    return referral.overdue_now  # caseload.selectors.with_overdue, on the export's queryset


REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Referral"), "#meta+id", lambda r: r.pk),
    Column(gettext_lazy("Kind"), "#service+type", lambda r: r.kind),
    Column(gettext_lazy("Sector of assistance"), "#sector+code", lambda r: REFERRAL_KIND_SECTOR.get(r.kind)),
    Column(gettext_lazy("Status"), "#status", lambda r: r.status),
    Column(gettext_lazy("Priority"), "#severity+priority", lambda r: r.priority),
    Column(gettext_lazy("Overdue"), "#status+overdue", _overdue),
    Column(gettext_lazy("Crisis"), "#crisis+code", lambda r: r.crisis.code),
    Column(gettext_lazy("Office"), "#org+code+impl", lambda r: r.office.code),
    Column(gettext_lazy("Recipient type"), "#org+type+recipient", lambda r: r.recipient_type),
    Column(gettext_lazy("Recipient code"), "#org+code+recipient", _recipient_code),
    Column(gettext_lazy("Recipient"), "#org+name+recipient", lambda r: str(r.recipient or "")),
    Column(gettext_lazy("Created at"), "#date+reported", lambda r: r.created_at),
    Column(gettext_lazy("Sent at"), "#date+sent", lambda r: r.sent_at),
    Column(gettext_lazy("Due at"), "#date+due", lambda r: r.due_at),
    Column(gettext_lazy("Closed at"), "#date+closed", lambda r: r.closed_at),
    Column(_field_header(Referral, "request_note"), "#description+request", lambda r: r.request_note),
    Column(_field_header(Referral, "decline_reason"), "#description+declined", lambda r: r.decline_reason),
    Column(_field_header(Referral, "document_type"), "#output+document+type", lambda r: r.document_type),
    Column(_field_header(Referral, "document_number"), "#output+document+code", lambda r: r.document_number),
    Column(_field_header(Referral, "document_issued_on"), "#date+issued", lambda r: r.document_issued_on),
    Column(_field_header(Referral, "departure_from"), "#loc+name+departure", lambda r: r.departure_from),
    Column(_field_header(Referral, "destination"), "#loc+name+destination", lambda r: r.destination),
    Column(_field_header(Referral, "travel_date"), "#date+travel", lambda r: r.travel_date),
    Column(_field_header(Referral, "outcome_note"), "#description+outcome", lambda r: r.outcome_note),
)

# What the office and HQ export of the migrant: the case reference and nationality (the migrant
# export has the rest); plus whether the referral is a sensitive record.
OFFICE_REFERRAL_COLUMNS: tuple[Column, ...] = (
    *REFERRAL_COLUMNS,
    Column(gettext_lazy("Case reference"), "#beneficiary+code", lambda r: r.migrant.reference),
    Column(_field_header(Migrant, "nationality"), "#country+code+nationality", lambda r: r.migrant.nationality),
    Column(gettext_lazy("Sensitive record"), "#meta+sensitive", lambda r: r.is_sensitive),
)

# Migrant fields any referral kind discloses to its recipient, in the order of the migrant export.
DISCLOSED_FIELDS: tuple[str, ...] = tuple(
    name for name in MIGRANT_TAGS if any(name in fields for fields in KIND_MIGRANT_FIELDS.values())
)


def _disclosed(name: str) -> Column:
    """A migrant field of a liaison's export: filled only where the row's referral kind discloses it."""

    def value(referral: Referral):
        if name not in KIND_MIGRANT_FIELDS[referral.kind]:
            return None
        return getattr(referral.migrant, name)

    return Column(_field_header(Migrant, name), MIGRANT_TAGS[name], value)


LIAISON_REFERRAL_COLUMNS: tuple[Column, ...] = (*REFERRAL_COLUMNS, *(_disclosed(name) for name in DISCLOSED_FIELDS))


# --- Crises ---------------------------------------------------------------------------------------
# Estimated figures of the affected groups of Annex I (paragraphs 6, 12, 18, 24, 30), as #affected
# with the HXL population attributes where the standard has one.
AFFECTED_TAGS: dict[str, str] = {
    AffectedGroup.INTERNATIONAL_MIGRANTS: "#affected+migrants+international",
    AffectedGroup.IDPS: "#affected+idps",
    AffectedGroup.REFUGEES: "#affected+refugees",
    AffectedGroup.ASYLUM_SEEKERS: "#affected+asylum_seekers",
    AffectedGroup.ENVIRONMENTALLY_DISPLACED: "#affected+displaced+environmental",
    AffectedGroup.TRAPPED: "#affected+trapped",
    AffectedGroup.TRAFFICKING_VICTIMS: "#affected+trafficked",
    AffectedGroup.UNACCOMPANIED_CHILDREN: "#affected+children+unaccompanied",
    AffectedGroup.RETURNEES: "#affected+returnees",
    AffectedGroup.HOST_COMMUNITIES: "#affected+host",
}


def _latest_figures(crisis: Crisis) -> dict[str, AffectedFigure]:
    """The latest estimate of each group (the prefetch is ordered newest first)."""
    latest: dict[str, AffectedFigure] = {}
    for figure in crisis.affected_figures.all():
        latest.setdefault(figure.group, figure)
    return latest


def _figure(group: str) -> Column:
    label = AffectedGroup(group).label

    def value(crisis: Crisis):
        figure = _latest_figures(crisis).get(group)
        return figure.figure if figure else None

    return Column(label, AFFECTED_TAGS[group], value)


def _figures_date(crisis: Crisis):
    dates = [figure.as_of for figure in _latest_figures(crisis).values()]
    return max(dates) if dates else None


CRISIS_COLUMNS: tuple[Column, ...] = (
    Column(_field_header(Crisis, "code"), "#crisis+code", lambda c: c.code),
    Column(_field_header(Crisis, "glide"), "#crisis+code+glide", lambda c: c.glide),
    Column(_field_header(Crisis, "name"), "#crisis+name", lambda c: c.name),
    Column(_field_header(Crisis, "crisis_type"), "#crisis+type", lambda c: c.crisis_type),
    Column(_field_header(Crisis, "phase"), "#status+phase", lambda c: c.phase),
    Column(_field_header(Crisis, "level"), "#severity+level", lambda c: c.level),
    Column(_field_header(Crisis, "movement"), "#crisis+movement", lambda c: c.movement),
    Column(_field_header(Crisis, "country"), "#country+code", lambda c: c.country),
    Column(gettext_lazy("Country name"), "#country+name", lambda c: c.country_name),
    Column(gettext_lazy("Other affected countries"), "#country+code+other", lambda c: c.other_country_codes),
    Column(gettext_lazy("Nationalities of migrants"), "#country+code+nationality", lambda c: c.nationality_codes),
    Column(_field_header(Crisis, "office"), "#org+code+impl", lambda c: c.office.code),
    Column(_field_header(Crisis, "status"), "#status", lambda c: c.status),
    Column(_field_header(Crisis, "start_date"), "#date+start", lambda c: c.start_date),
    Column(_field_header(Crisis, "end_date"), "#date+end", lambda c: c.end_date),
    Column(_field_header(Crisis, "level_review_due"), "#date+review", lambda c: c.level_review_due),
    *(_figure(group) for group in AffectedGroup.values),
    Column(gettext_lazy("Estimates as of"), "#date+reported", _figures_date),
)


# --- Choosing what to export ----------------------------------------------------------------------
@dataclass
class Export:
    dataset: str
    columns: tuple[Column, ...]
    queryset: QuerySet
    object_type: str
    filters: dict


def _office_or_hq(user: User) -> None:
    if not (user.is_hq or user.is_office_staff):
        raise PermissionDenied(_("Only office staff and HQ export migrants and crises."))


def _bound_filters(filterset_or_form) -> dict:
    data = filterset_or_form.form.cleaned_data if hasattr(filterset_or_form, "form") else filterset_or_form.cleaned_data
    return {key: str(getattr(value, "pk", value)) for key, value in data.items() if value not in (None, "", [])}


def _filter_errors(form) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def export_prepare(*, user: User, dataset: str, params: QueryDict | dict, request: HttpRequest | None = None) -> Export:
    """The scoped, filtered queryset and the columns of an export; raises PermissionDenied for a
    role that does not have that list, ValidationError for a bad filter (as the list pages do)."""
    if dataset == MIGRANTS:
        _office_or_hq(user)
        filterset = MigrantFilter(params, queryset=migrants_visible_to(user), request=request or _RequestOf(user))
        if not filterset.is_valid():
            raise _filter_errors(filterset.form)
        queryset = filterset.qs.select_related("crisis", "office").order_by("pk")
        return Export(MIGRANTS, MIGRANT_COLUMNS, queryset, "caseload.migrant", _bound_filters(filterset))
    if dataset == REFERRALS:
        if not (user.is_hq or user.is_office_staff or user.is_liaison):
            raise PermissionDenied
        filterset = ReferralFilter(params, queryset=referrals_visible_to(user))
        if not filterset.is_valid():
            raise _filter_errors(filterset.form)
        queryset = with_overdue(
            filterset.qs.select_related("migrant", "crisis", "office", "recipient_government", "recipient_partner")
        ).order_by("pk")
        columns = LIAISON_REFERRAL_COLUMNS if user.is_liaison else OFFICE_REFERRAL_COLUMNS
        return Export(REFERRALS, columns, queryset, "caseload.referral", _bound_filters(filterset))
    if dataset == CRISES:
        _office_or_hq(user)
        form = CrisisFilterForm(params)
        if not form.is_valid():
            raise _filter_errors(form)
        queryset = (
            crisis_list(user, filters=form.cleaned_data)
            .prefetch_related(
                "other_countries",
                "nationalities",
                Prefetch("affected_figures", queryset=AffectedFigure.objects.order_by("group", "-as_of", "-id")),
            )
            .order_by("pk")
        )
        return Export(CRISES, CRISIS_COLUMNS, queryset, "crises.crisis", _bound_filters(form))
    raise ValueError(f"unknown dataset {dataset!r}")


@dataclass
class _RequestOf:
    """The part of a request the migrant filter reads (the crises a user may pick)."""

    user: Any


def export_audit(
    *, user: User, export: Export, fmt: str, request: HttpRequest | None = None, rows: int | None = None
) -> AuditEntry:
    """The export in the audit trail: who, what, in which format, with which filters and how many rows."""
    return audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        object_type=export.object_type,
        request=request,
        after={"format": fmt, "filters": export.filters, "rows": export.queryset.count() if rows is None else rows},
    )


# --- Writing ---------------------------------------------------------------------------------------
def export_rows(export: Export, *, user: User, request: HttpRequest | None = None) -> Iterator[list]:
    """The values of each row, read a chunk at a time; the sensitive records of each chunk go to the
    access log in one INSERT."""
    sensitive: list = []
    for obj in export.queryset.iterator(chunk_size=CHUNK_SIZE):
        if getattr(obj, "is_sensitive", False):
            sensitive.append(obj)
            if len(sensitive) >= CHUNK_SIZE:
                log_reads(user=user, objects=sensitive, request=request)
                sensitive = []
        yield [column.value(obj) for column in export.columns]
    if sensitive:
        log_reads(user=user, objects=sensitive, request=request)


def csv_stream(export: Export, rows: Iterable[list]) -> Iterator[bytes]:
    return csv_lines(export.columns, rows)


def xlsx_file(export: Export, rows: Iterable[list], into=None):
    return xlsx_workbook(export.dataset, export.columns, rows, into=into)


def export_filename(dataset: str, fmt: str) -> str:
    return f"mcof-{dataset}-{timezone.now():%Y%m%d-%H%M%S}.{fmt}"


def export_response(
    *, request: HttpRequest, user: User, export: Export, fmt: str, rows: int | None = None
) -> HttpResponseBase:
    """The download: the audit entry first, then the rows as they are read (CSV streamed; XLSX built in
    a temporary file by openpyxl's write-only mode, then sent from it)."""
    export_audit(user=user, export=export, fmt=fmt, request=request, rows=rows)
    rows = export_rows(export, user=user, request=request)
    filename = export_filename(export.dataset, fmt)
    if fmt == CSV:
        response: HttpResponseBase = StreamingHttpResponse(csv_stream(export, rows), content_type=CONTENT_TYPES[CSV])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    workbook = xlsx_file(export, rows)
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[XLSX])
