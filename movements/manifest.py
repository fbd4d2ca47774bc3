"""The manifest of a movement as documents: a printable A4 page, CSV and XLSX with an HXL hashtag row,
and PDF (WeasyPrint, ``core.pdf``).

Three versions, each with its own columns (data minimisation, ICRC Handbook on data protection):

- ``office``: the organising office's full manifest (office staff and HQ);
- ``carrier``: what the airline, shipping line or bus company needs: names, travel document numbers,
  special needs, nothing else (office staff and HQ);
- ``government``: the destination government's version (or the receiving agency's), identity and
  document only, of passengers whose consent names that recipient for transport or who were shared
  by an override with a reason. A passenger without either blocks the version: the error names them.

Every download is one entry of the audit trail (who, which movement, version, format, rows); every
sensitive record in it is a read in the access log.
"""

from __future__ import annotations

import datetime
import hashlib
import html
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from caseload.access_log import log_reads
from caseload.models import Migrant, Sex
from core.audit import audit_record
from core.models import AuditEntry
from core.pdf import html_to_pdf
from core.tabular import CONTENT_TYPES, CSV, XLSX, Column, csv_lines, xlsx_workbook
from partners.models import Government

from .models import BoardingStatus, DocumentSource, Fitness, Movement, Passenger, SpecialNeed, TravelDocumentType
from .selectors import movements_visible_to, on_manifest, passengers_visible_to, shared_with, unshared_passengers
from .services import roles_on

OFFICE = "office"
CARRIER = "carrier"
GOVERNMENT = "government"
VERSIONS = (OFFICE, CARRIER, GOVERNMENT)
VERSION_LABELS = {
    OFFICE: gettext_lazy("Office manifest (full)"),
    CARRIER: gettext_lazy("Carrier manifest"),
    GOVERNMENT: gettext_lazy("Destination government manifest"),
}
PDF = "pdf"
FORMATS = (CSV, XLSX, PDF)
PDF_CACHE_SECONDS = 24 * 3600


def _migrant(name: str) -> Column:
    header = capfirst(Migrant._meta.get_field(name).verbose_name)
    return Column(header, TAGS[name], lambda p, name=name: getattr(p.migrant, name))


def _passenger(name: str, header=None) -> Column:
    header = header or capfirst(Passenger._meta.get_field(name).verbose_name)
    return Column(header, TAGS[name], lambda p, name=name: getattr(p, name))


# HXL hashtags of the manifest's columns; the person's as in the caseload export.
TAGS = {
    "order": "#meta+order",
    "seat": "#meta+seat",
    "reference": "#beneficiary+code",
    "given_name": "#beneficiary+name+given",
    "family_name": "#beneficiary+name+family",
    "sex": "#beneficiary+sex",
    "date_of_birth": "#date+birth",
    "estimated_age": "#beneficiary+age+estimated",
    "nationality": "#country+code+nationality",
    "household": "#group+code+household",
    "document_type": "#beneficiary+document+type",
    "document_number": "#beneficiary+code+document",
    "document_source": "#beneficiary+document+source",
    "fitness": "#status+fitness",
    "special_needs": "#beneficiary+needs",
    "boarding_status": "#status+boarding",
    "offload_reason": "#description+offloaded",
    "boarded_at": "#date+boarded",
    "received_at": "#date+received",
}

CARRIER_COLUMNS: tuple[Column, ...] = (
    _passenger("order"),
    _passenger("seat"),
    _migrant("given_name"),
    _migrant("family_name"),
    _passenger("document_type"),
    _passenger("document_number"),
    _passenger("special_needs"),
)
GOVERNMENT_COLUMNS: tuple[Column, ...] = (
    _passenger("order"),
    _migrant("reference"),
    _migrant("given_name"),
    _migrant("family_name"),
    _migrant("sex"),
    _migrant("date_of_birth"),
    _migrant("estimated_age"),
    _migrant("nationality"),
    _passenger("document_type"),
    _passenger("document_number"),
)
OFFICE_COLUMNS: tuple[Column, ...] = (
    *GOVERNMENT_COLUMNS[:8],
    _migrant("household"),
    _passenger("seat"),
    _passenger("document_type"),
    _passenger("document_number"),
    _passenger("document_source"),
    _passenger("fitness"),
    Column(gettext_lazy("Fitness assessed at"), "#date+assessed", lambda p: p.fitness_assessed_at),
    _passenger("special_needs"),
    Column(gettext_lazy("Escort"), "#contact+name+escort", lambda p: p.escort.name if p.escort_id else ""),
    _passenger("boarding_status"),
    _passenger("offload_reason"),
    _passenger("boarded_at"),
    _passenger("received_at"),
    Column(gettext_lazy("Sensitive record"), "#meta+sensitive", lambda p: p.migrant.is_sensitive),
)
COLUMNS = {OFFICE: OFFICE_COLUMNS, CARRIER: CARRIER_COLUMNS, GOVERNMENT: GOVERNMENT_COLUMNS}
# What the manifest reads of a person's record: the columns' fields and whether it is sensitive (the
# access log). The rest of the record (its free text, lists and the caseload's search keys) is not
# loaded: a thousand records of forty fields each were most of a download's time.
MIGRANT_READ = frozenset(
    {"id", "reference", "given_name", "family_name", "sex", "date_of_birth", "estimated_age", "nationality"}
    | {"household", "is_sensitive"}
)
MIGRANT_UNREAD = tuple(
    field.name for field in Migrant._meta.concrete_fields if field.name not in MIGRANT_READ and not field.primary_key
)


@dataclass
class Manifest:
    movement: Movement
    version: str
    columns: tuple[Column, ...]
    passengers: QuerySet[Passenger]
    recipient: str  # the government or organisation a minimised version is for

    @property
    def title(self) -> str:
        return str(VERSION_LABELS[self.version])


def _recipient_for(user, movement: Movement) -> dict:
    if user.is_government_liaison:
        return {"government_id": user.government_id}
    if user.is_partner_liaison:
        return {"partner_id": user.partner_id}
    government = Government.objects.filter(country=movement.destination_country, is_active=True).first()
    if government is None:
        raise ValidationError({"version": [_("No government of the destination country is in the directory.")]})
    return {"government_id": government.pk}


def manifest_prepare(*, user, movement: Movement, version: str) -> Manifest:
    """The passengers and columns of one version for ``user``: PermissionDenied for a version its role
    may not have, ValidationError (naming the passengers) when a minimised version may not be shared."""
    if version not in VERSIONS:
        raise ValidationError({"version": [_("Choose office, carrier or government.")]})
    if not movements_visible_to(user).filter(pk=movement.pk).exists():
        raise Movement.DoesNotExist
    staff = user.is_hq or bool(roles_on(user, movement))
    if version in (OFFICE, CARRIER) and not staff:
        raise PermissionDenied(_("This version of the manifest is for the organising office."))
    if version == GOVERNMENT and not (staff or user.is_liaison):
        raise PermissionDenied
    base = (
        Passenger.objects.filter(movement=movement)
        .select_related("migrant", "escort")
        .defer(*(f"migrant__{name}" for name in MIGRANT_UNREAD))
        .order_by("order", "id")
    )
    recipient = ""
    if version == OFFICE:
        passengers = base.filter(pk__in=passengers_visible_to(user, movement).values("pk"))
    elif version == CARRIER:
        # The people travelling, of those the user may see (a sensitive record only with the permission).
        passengers = base.filter(on_manifest(), pk__in=passengers_visible_to(user, movement).values("pk"))
    else:
        target = _recipient_for(user, movement)
        blocked = list(unshared_passengers(movement, **target)[:50])
        if blocked:
            names = ", ".join(
                f"{p.migrant.given_name} {p.migrant.family_name} ({p.migrant.reference})" for p in blocked
            )
            raise ValidationError(
                {
                    "version": [
                        _(
                            "The manifest cannot be shared while these passengers have neither consent naming the "
                            "recipient nor an override with a reason: %(names)s."
                        )
                        % {"names": names}
                    ]
                }
            )
        passengers = base.filter(on_manifest(), shared_with(**target))
        recipient = str(
            Government.objects.filter(pk=target.get("government_id")).first() or getattr(user, "partner", "") or ""
        )
    return Manifest(movement, version, COLUMNS[version], passengers, recipient)


def manifest_rows(manifest: Manifest, *, user, request: HttpRequest | None = None) -> Iterator[list]:
    passengers = list(manifest.passengers)
    if request is not None:
        log_reads(user=user, objects=[p.migrant for p in passengers], request=request)
    for passenger in passengers:
        yield [column.value(passenger) for column in manifest.columns]


def manifest_audit(*, user, manifest: Manifest, fmt: str, rows: int, request: HttpRequest | None) -> AuditEntry:
    return audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        obj=manifest.movement,
        request=request,
        after={"version": manifest.version, "format": fmt, "rows": rows, "recipient": manifest.recipient},
    )


def _filename(manifest: Manifest, fmt: str) -> str:
    return f"manifest-{manifest.movement.reference}-{manifest.version}-{timezone.now():%Y%m%d-%H%M}.{fmt}"


def document_context(manifest: Manifest, *, user, request: HttpRequest | None = None) -> dict:
    passengers = list(manifest.passengers)
    if request is not None:
        log_reads(user=user, objects=[p.migrant for p in passengers], request=request)
    # The words of each coded column, translated once for the document (not once a cell).
    labels = [
        {code: str(name) for code, name in CHOICE_LABELS[column.tag]} if column.tag in CHOICE_LABELS else None
        for column in manifest.columns
    ]
    rows = [
        [
            _label(column.value(p), names) if names else column.value(p)
            for column, names in zip(manifest.columns, labels, strict=True)
        ]
        for p in passengers
    ]
    return {
        "manifest": manifest,
        "movement": manifest.movement,
        "transit_points": list(manifest.movement.transit_points.all()),
        "headers": [str(column.header) for column in manifest.columns],
        "rows": rows,
        "body": _table_body(rows),
        "generated_at": timezone.now(),
    }


# The page and the PDF are read by people: the words of a code, where the CSV and XLSX keep the code.
CHOICE_LABELS = {
    "#beneficiary+sex": Sex.choices,
    "#beneficiary+document+type": TravelDocumentType.choices,
    "#beneficiary+document+source": DocumentSource.choices,
    "#status+fitness": Fitness.choices,
    "#status+boarding": BoardingStatus.choices,
    "#beneficiary+needs": SpecialNeed.choices,
}


def _label(value, names: dict[str, str]):
    if isinstance(value, list):
        return [str(names.get(item, item)) for item in value]
    return str(names.get(value, value)) if value else value


def _cell_text(value) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return _("yes")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def _table_body(rows: list[list]) -> str:
    """The table's rows as HTML, escaped once in Python: a thousand passengers through the template
    language took most of the page's time."""
    return mark_safe(  # noqa: S308 - every cell is escaped here
        "".join("<tr>" + "".join(f"<td>{html.escape(_cell_text(v))}</td>" for v in row) + "</tr>" for row in rows)
    )


def _document_key(manifest: Manifest, *, user, fmt: str = "pdf") -> str:
    """A kept document (the PDF, the XLSX) is for one revision of the manifest, of its people's
    records, in one language, for one scope of reader (what ``passengers`` holds depends on it)."""
    movement = manifest.movement
    latest = manifest.passengers.aggregate(at=Max("migrant__updated_at"))["at"]
    scope = [
        "hq" if user.is_hq else "",
        sorted(user.office_ids_with("view_sensitive_records")) if user.is_office_staff else [],
        manifest.recipient,
    ]
    material = f"{movement.pk}|{movement.manifest_revision}|{latest}|{manifest.version}|{get_language()}|{scope}"
    return f"manifest-{fmt}:" + hashlib.sha256(material.encode()).hexdigest()


def manifest_pdf(manifest: Manifest, *, user, request: HttpRequest | None = None) -> bytes:
    """The PDF, built once per revision and kept in the cache (a thousand passengers take WeasyPrint
    seconds); the sensitive records in it are logged as read on every download."""
    key = _document_key(manifest, user=user)
    pdf = cache.get(key)
    if pdf is None:
        html = render_to_string("movements/manifest_document.html", document_context(manifest, user=user))
        pdf = html_to_pdf(html, base_url=settings.SITE_URL + "/")
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    if request is not None:
        _log_kept_reads(manifest, user=user, request=request)
    return pdf


def _log_kept_reads(manifest: Manifest, *, user, request: HttpRequest) -> None:
    """A kept document is a read of its sensitive records, each time it is downloaded."""
    sensitive = manifest.passengers.filter(migrant__is_sensitive=True)
    log_reads(user=user, objects=[p.migrant for p in sensitive], request=request)


def manifest_xlsx(manifest: Manifest, *, user, request: HttpRequest | None = None) -> bytes:
    """The workbook, built once per revision and kept as the PDF is (openpyxl writes a thousand rows
    in about a second); the sensitive records in it are logged as read on every download."""
    key = _document_key(manifest, user=user, fmt=XLSX)
    workbook = cache.get(key)
    if workbook is None:
        handle = xlsx_workbook(f"{manifest.version}", manifest.columns, manifest_rows(manifest, user=user))
        workbook = handle.read()
        handle.close()
        cache.set(key, workbook, PDF_CACHE_SECONDS)
    if request is not None:
        _log_kept_reads(manifest, user=user, request=request)
    return workbook


def manifest_response(*, request: HttpRequest, user, manifest: Manifest, fmt: str) -> HttpResponse:
    """The download, audited first."""
    if fmt not in FORMATS:
        raise ValidationError({"format": [_("Choose csv, xlsx or pdf.")]})
    rows = manifest.passengers.count()
    manifest_audit(user=user, manifest=manifest, fmt=fmt, rows=rows, request=request)
    filename = _filename(manifest, fmt)
    if fmt == CSV:
        lines = csv_lines(manifest.columns, manifest_rows(manifest, user=user, request=request))
        response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES[CSV])
    elif fmt == XLSX:
        response = HttpResponse(manifest_xlsx(manifest, user=user, request=request), content_type=CONTENT_TYPES[XLSX])
    else:
        response = HttpResponse(manifest_pdf(manifest, user=user, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
