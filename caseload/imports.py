"""Bulk import of migrants from CSV and XLSX: reading, column mapping, row validation and the services.

Offices receive registration lists and evacuation manifests of thousands of people (framework,
Sector 3 "evacuation" and Annex I paragraph 9). An import is uploaded for one crisis of the office,
its columns are mapped to the fields of a migrant, every row is checked (a task), the office sees a
preview and the errors of each row and field, then saves (a task). By default nothing is saved when
a row is bad; with the option, the good rows are saved and the rejected ones are downloadable.

A row is checked by the same rules as the registration form and the API: the form's field parsers
(dates, ages, lists), the model fields' validators (choices, ISO 3166-1 codes, phone in E.164, dates
of birth not in the future) and the service's rule that a date of birth or an estimated age is given.
The results of the fields whose values repeat (sex, nationality, dates...) are remembered for the
batch, so that a file of 100,000 rows is checked in seconds.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import logging
import re
import secrets
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import JSONField, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Office
from core.audit import audit_record
from core.locks import task_lock
from crises.models import Crisis
from crises.selectors import crises_visible_to

from .forms import MigrantForm
from .models import (
    CaseShare,
    Consent,
    DocumentStatus,
    DuplicateCandidate,
    ImportBatch,
    ImportRowError,
    Intention,
    LegalBasis,
    Migrant,
    PopulationGroup,
    Referral,
    Sex,
    Vulnerability,
)
from .services import MIGRANT_FIELDS
from .validators import normalise_document, normalise_name, phone_to_e164

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000  # rows validated, saved and counted per transaction
PREVIEW_ROWS = 10
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
TIME_BUDGET_SECONDS = 20.0  # a task hands over to a fresh one after this, within Celery's time limit

# The columns of the template file, in order; they are also the field names a column maps to.
IMPORT_FIELDS: tuple[str, ...] = MIGRANT_FIELDS
REQUIRED_FIELDS = (
    "given_name",
    "family_name",
    "sex",
    "nationality",
    "document_status",
    "location_country",
    "population_group",
)
CHOICES = {
    "sex": Sex,
    "document_status": DocumentStatus,
    "population_group": PopulationGroup,
    "intention": Intention,
    "legal_basis": LegalBasis,
}
DEFAULTS = {"intention": Intention.UNDECIDED, "legal_basis": LegalBasis.CONSENT}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LIST_SPLIT = re.compile(r"[,;|/]+|\s+")
LIST_SPLIT_WORDS = re.compile(r"[,;|]+")
MEMO_LIMIT = 50_000  # distinct values remembered per field before the memory is cleared

NOT_MAPPED = ""


def field_label(name: str) -> str:
    return str(MigrantForm.base_fields[name].label)


# --- Reading files ------------------------------------------------------------------------------
class ImportFileError(Exception):
    """The file cannot be read as a table (not CSV or XLSX, damaged, empty)."""


def file_format_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith((".csv", ".txt")):
        return ImportBatch.Format.CSV
    if lower.endswith(".xlsx"):
        return ImportBatch.Format.XLSX
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _csv_rows(handle) -> Iterator[list[str]]:
    head = handle.read(65536)
    handle.seek(0)
    encoding = _csv_encoding(head)
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    sample = head[:8192].decode(encoding, errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        for row in csv.reader(text, delimiter=delimiter):
            yield [cell.strip() for cell in row]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    finally:
        text.detach()


def _xlsx_rows(handle) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s") % {"error": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def read_rows(file, file_format: str) -> Iterator[list[str]]:
    """Every row of the first sheet as a list of strings, the header first; streamed from the file."""
    file.open("rb")
    try:
        if file_format == ImportBatch.Format.XLSX:
            yield from _xlsx_rows(file)
        else:
            yield from _csv_rows(file)
    finally:
        file.close()


def is_blank(row: list[str]) -> bool:
    return not any(cell for cell in row)


# --- Column mapping -----------------------------------------------------------------------------
def _header_key(text: str) -> str:
    return normalise_name(str(text).replace("_", " ").lstrip("#"))


def _aliases() -> dict[str, str]:
    """Normalised header -> field: the field name and its label in each language of the product."""
    aliases: dict[str, str] = {}
    for name in IMPORT_FIELDS:
        aliases[_header_key(name)] = name
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                aliases.setdefault(_header_key(field_label(name)), name)
                aliases.setdefault(_header_key(Migrant._meta.get_field(name).verbose_name), name)
    aliases.update(
        {
            "first name": "given_name",
            "surname": "family_name",
            "last name": "family_name",
            "gender": "sex",
            "dob": "date_of_birth",
            "birth date": "date_of_birth",
            "age": "estimated_age",
            "country of origin": "nationality",
            "passport number": "document_number",
            "document number": "document_number",
            "telephone": "phone",
            "phone number": "phone",
        }
    )
    return aliases


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """Column position -> field for the headers that name a field; each field at most once."""
    aliases = _aliases()
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = aliases.get(_header_key(header))
        if field and field not in taken:
            mapping[str(index)] = field
            taken.add(field)
    return mapping


def check_mapping(mapping: dict[str, str], column_count: int) -> dict[str, str]:
    """The mapping without its unmapped columns; a ValidationError names what is wrong."""
    clean = {
        str(k): v for k, v in mapping.items() if v and v != NOT_MAPPED and str(k).isdigit() and int(k) < column_count
    }
    unknown = sorted({v for v in clean.values() if v not in IMPORT_FIELDS})
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    fields = list(clean.values())
    twice = sorted({f for f in fields if fields.count(f) > 1})
    errors = []
    if twice:
        errors.append(
            _("Each field takes one column; more than one column is mapped to: %(fields)s.")
            % {"fields": ", ".join(field_label(f) for f in twice)}
        )
    missing = [f for f in REQUIRED_FIELDS if f not in fields]
    if missing:
        errors.append(
            _("Map a column to each required field: %(fields)s.")
            % {"fields": ", ".join(field_label(f) for f in missing)}
        )
    if "date_of_birth" not in fields and "estimated_age" not in fields:
        errors.append(_("Map a column to the date of birth or to the estimated age."))
    if errors:
        raise ValidationError(errors)
    return clean


# --- Row validation -----------------------------------------------------------------------------
def _choice_lookup(choices) -> dict[str, str]:
    lookup: dict[str, str] = {"f": "female", "m": "male"} if choices is Sex else {}
    for code, _label in choices.choices:
        lookup[normalise_name(code.replace("_", " "))] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup.setdefault(normalise_name(str(choices(code).label)), code)
    return lookup


def _split(raw: str, pattern=LIST_SPLIT) -> list[str]:
    return [part.strip() for part in pattern.split(raw) if part.strip()]


@dataclass
class RowResult:
    line: int
    values: list[str]
    data: dict[str, Any]
    errors: dict[str, list[str]]


class RowValidator:
    """Checks rows of one batch; one per batch and run, it remembers the checks of repeating values."""

    def __init__(self, mapping: dict[str, str]):
        self.columns = [(int(index), field) for index, field in mapping.items()]
        self.mapped = {field for _index, field in self.columns}
        self.form_fields = MigrantForm(editing=True).fields
        self.model_fields = {name: Migrant._meta.get_field(name) for name in IMPORT_FIELDS}
        self.lookups = {name: _choice_lookup(choices) for name, choices in CHOICES.items()}
        self.vulnerabilities = _choice_lookup(Vulnerability)
        self.memo: dict[str, dict[str, tuple[Any, list[str] | None]]] = {name: {} for name in IMPORT_FIELDS}
        self.names: dict[str, str] = {}
        self.parsers: dict[str, Callable[[str], Any]] = {name: self._parser(name) for name in IMPORT_FIELDS}
        # A field without a column is empty on every row: its outcome is the same for all.
        self.unmapped = {name: self._clean(name, "") for name in IMPORT_FIELDS if name not in self.mapped}

    # Each parser turns the cell text into the value the form would give, then the model field's
    # validators check it (the same as Migrant.full_clean does for a registration).
    def _parser(self, name: str) -> Callable[[str], Any]:
        model_field = self.model_fields[name]

        def model_clean(value):
            return model_field.clean(value, None)

        if name in CHOICES:
            lookup = self.lookups[name]
            default = DEFAULTS.get(name, "")

            def parse_choice(raw: str):
                if not raw:
                    return model_clean(default)
                return model_clean(lookup.get(normalise_name(raw.replace("_", " ")), raw))

            return parse_choice
        if name in ("nationality", "location_country"):
            return lambda raw: model_clean(raw.upper())
        if name == "other_nationalities":
            return lambda raw: model_clean([code.upper() for code in _split(raw)])
        if name == "languages":
            return lambda raw: model_clean([code.lower() for code in _split(raw)])
        if name == "vulnerabilities":
            lookup = self.vulnerabilities

            def parse_vulnerabilities(raw: str):
                parts = _split(raw, LIST_SPLIT_WORDS)
                codes = [lookup.get(normalise_name(part.replace("_", " ")), part) for part in parts]
                unknown = [code for code in codes if code not in Vulnerability.values]
                if unknown:
                    # The validator's message, naming the values (the model field would put a generic one).
                    raise ValidationError(f"{_('Unknown vulnerability.')} {', '.join(unknown)}")
                return model_clean(list(dict.fromkeys(codes)))

            return parse_vulnerabilities
        if name == "date_of_birth":
            form_field = self.form_fields[name]

            def parse_date(raw: str):
                # ISO dates, the template's format, without the form's trial of every input format.
                if ISO_DATE.match(raw):
                    with contextlib.suppress(ValueError):
                        return model_clean(date.fromisoformat(raw))
                return model_clean(form_field.clean(raw))

            return parse_date
        if name == "estimated_age":
            form_field = self.form_fields[name]
            return lambda raw: model_clean(form_field.clean(raw))
        if name == "phone":
            return phone_to_e164
        return model_clean

    def _clean(self, name: str, raw: str) -> tuple[Any, list[str] | None]:
        memo = self.memo[name]
        hit = memo.get(raw)
        if hit is not None:
            return hit
        try:
            result = (self.parsers[name](raw), None)
        except ValidationError as exc:
            result = (None, list(exc.messages))
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[raw] = result
        return result

    def check(self, line: int, row: list[str]) -> RowResult:
        data: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        width = len(row)
        for index, name in self.columns:
            raw = row[index] if index < width else ""
            value, messages = self._clean(name, raw)
            if messages:
                errors[name] = messages
            else:
                data[name] = value
        for name, (value, messages) in self.unmapped.items():
            if messages:
                errors[name] = messages
            else:
                data[name] = value
        # The service's rule (caseload.services._check_migrant), with its message.
        if (
            data.get("date_of_birth") is None
            and data.get("estimated_age") is None
            and "date_of_birth" not in errors
            and "estimated_age" not in errors
        ):
            errors["date_of_birth"] = [_("Give a date of birth or an estimated age.")]
        return RowResult(line=line, values=row, data=data, errors=errors)

    def normalised(self, raw: str) -> str:
        value = self.names.get(raw)
        if value is None:
            if len(self.names) >= MEMO_LIMIT:
                self.names.clear()
            value = self.names[raw] = normalise_name(raw)
        return value

    def build(self, result: RowResult, base: dict[str, Any]) -> dict[str, Any]:
        """The new migrant's column values (attname -> value) from a good row and the batch's ``base``."""
        data = result.data
        row = {**base, **data}
        row["given_name_norm"] = self.normalised(data["given_name"])
        row["family_name_norm"] = self.normalised(data["family_name"])
        row["document_number_norm"] = normalise_document(data.get("document_number", ""))
        row["is_sensitive"] = Vulnerability.VICTIM_OF_TRAFFICKING in (data.get("vulnerabilities") or [])
        return row


def preview_of(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v not in ("", None, [])}


# --- Selectors ----------------------------------------------------------------------------------
def import_batches_visible_to(user) -> QuerySet[ImportBatch]:
    """The uploading office's staff see its imports; HQ reads every import; nobody else any."""
    if not user.is_authenticated or not user.is_active:
        return ImportBatch.objects.none()
    if user.is_hq:
        return ImportBatch.objects.all()
    if user.is_office_staff and user.office_ids:
        return ImportBatch.objects.filter(office_id__in=user.office_ids)
    return ImportBatch.objects.none()


def import_crises_for(user) -> QuerySet[Crisis]:
    """Active crises of the user's offices: an office imports into its own crises."""
    if not user.is_office_staff or not user.office_ids:
        return Crisis.objects.none()
    return crises_visible_to(user).filter(status="active", office_id__in=user.office_ids).order_by("-start_date")


# --- Services -----------------------------------------------------------------------------------
def _require_member(actor, office_id: int) -> None:
    if not (actor.is_office_staff and office_id in actor.office_ids):
        raise PermissionDenied(_("Only staff of the uploading office may do this."))


def _queue_duplicate_search(office_id: int) -> None:
    from .tasks import find_duplicates

    transaction.on_commit(lambda: find_duplicates.delay(office_id=office_id))


def _queue(batch_id: int) -> None:
    from .tasks import process_import

    transaction.on_commit(lambda: process_import.delay(batch_id))


def import_upload(
    *,
    actor,
    crisis: Crisis,
    file: UploadedFile,
    save_valid_rows: bool = False,
    office: Office | None = None,
    request: HttpRequest | None = None,
) -> ImportBatch:
    """Store an uploaded CSV or XLSX file for ``crisis`` and propose a mapping of its columns."""
    office_id = office.pk if office else crisis.office_id
    _require_member(actor, office_id)
    if crisis.office_id != office_id or not import_crises_for(actor).filter(pk=crisis.pk).exists():
        raise ValidationError({"crisis": [_("Choose an active crisis of your office.")]})
    file_format = file_format_of(file.name or "")
    if file_format is None:
        raise ValidationError({"file": [_("Upload a CSV or an XLSX file.")]})
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES >> 20}]})
    batch = ImportBatch(
        office_id=office_id,
        crisis=crisis,
        file_name=(file.name or "")[-255:],
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        options={"save_valid_rows": bool(save_valid_rows)},
        created_by=actor,
    )
    batch.file.save(f"{secrets.token_hex(8)}.{file_format}", file, save=False)
    try:
        headers = next((row for row in read_rows(batch.file, file_format) if not is_blank(row)), None)
    except ImportFileError as exc:
        batch.file.delete(save=False)
        raise ValidationError({"file": [str(exc)]}) from None
    if not headers:
        batch.file.delete(save=False)
        raise ValidationError({"file": [_("The file is empty.")]})
    while headers and not headers[-1]:
        headers.pop()
    batch.headers = headers
    batch.mapping = auto_mapping(headers)
    with transaction.atomic():
        batch.save()
        audit_record(
            actor=actor,
            action="create",
            obj=batch,
            request=request,
            after={"file": batch.file_name, "crisis": crisis.code, "columns": len(headers)},
        )
    return batch


def import_set_mapping(
    *, actor, batch_id: int, mapping: dict[str, str], save_valid_rows: bool | None = None, request=None
) -> ImportBatch:
    """Fix the column mapping and queue the check of every row."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        _require_member(actor, batch.office_id)
        if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED, ImportBatch.Status.FAILED):
            raise ValidationError(_("This import can no longer be changed."))
        batch.mapping = check_mapping(mapping, len(batch.headers))
        if save_valid_rows is not None:
            batch.options = {**batch.options, "save_valid_rows": bool(save_valid_rows)}
        batch.row_errors.all().delete()
        batch.status = ImportBatch.Status.VALIDATING
        batch.processed_rows = batch.valid_rows = batch.error_rows = batch.created_rows = 0
        batch.total_rows = None
        batch.preview = []
        batch.failure = ""
        batch.save()
        audit_record(actor=actor, action="update", obj=batch, request=request, after={"mapping": batch.mapping})
        _queue(batch.pk)
    return batch


def import_commit(*, actor, batch_id: int, save_valid_rows: bool, request: HttpRequest | None = None) -> ImportBatch:
    """Queue the saving of a checked import. All or nothing unless ``save_valid_rows``."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        _require_member(actor, batch.office_id)
        if batch.status != ImportBatch.Status.VALIDATED:
            raise ValidationError(_("Only a checked import can be saved."))
        if batch.error_rows and not save_valid_rows:
            raise ValidationError(
                _(
                    "%(count)s rows have errors: nothing is saved. Correct the file and upload it again, "
                    "or choose to save the good rows."
                )
                % {"count": batch.error_rows}
            )
        if not batch.valid_rows:
            raise ValidationError(_("No row can be saved."))
        batch.options = {**batch.options, "save_valid_rows": bool(save_valid_rows)}
        batch.status = ImportBatch.Status.COMMITTING
        batch.processed_rows = 0
        batch.created_rows = 0
        batch.save()
        audit_record(
            actor=actor,
            action="update",
            obj=batch,
            request=request,
            after={"commit": True, "save_valid_rows": bool(save_valid_rows)},
        )
        _queue(batch.pk)
    return batch


def _delete_migrants(batch_id: int) -> int:
    """Delete the migrants an import created, with their consents, shares and duplicate candidates."""
    Consent.objects.filter(migrant__import_batch_id=batch_id).delete()
    CaseShare.objects.filter(migrant__import_batch_id=batch_id).delete()
    DuplicateCandidate.objects.filter(
        Q(migrant_a__import_batch_id=batch_id) | Q(migrant_b__import_batch_id=batch_id)
    ).delete()
    DuplicateCandidate.objects.filter(survivor__import_batch_id=batch_id).update(survivor=None)
    # Everything that hangs on the records is gone (or, for referrals and merges, refused by the
    # caller): one plain DELETE, without loading 100,000 objects. The database's foreign keys still
    # refuse the commit if a referral was added meanwhile.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Migrant._meta.db_table)} WHERE import_batch_id = %s",  # noqa: S608
            [batch_id],
        )
        return cursor.rowcount


def import_undo(*, actor, batch_id: int, request: HttpRequest | None = None) -> ImportBatch:
    """Delete every migrant a saved import created, as long as no referral hangs on any of them
    and none was merged with another record."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        _require_member(actor, batch.office_id)
        if batch.status != ImportBatch.Status.COMMITTED:
            raise ValidationError(_("Only a saved import can be undone."))
        # Lock the import's records so that no referral is added to one while they are deleted.
        list(Migrant.objects.select_for_update().filter(import_batch=batch).values_list("pk", flat=True))
        referred = Referral.objects.filter(migrant__import_batch=batch).count()
        if referred:
            raise ValidationError(
                _("%(count)s referrals were made for migrants of this import: it can no longer be undone.")
                % {"count": referred}
            )
        if Migrant.objects.filter(
            Q(import_batch=batch, merged_into__isnull=False) | Q(merged_into__import_batch=batch)
        ).exists():
            raise ValidationError(_("Records of this import were merged with others: it can no longer be undone."))
        deleted = _delete_migrants(batch.pk)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
        audit_record(actor=actor, action="delete", obj=batch, request=request, after={"migrants_deleted": deleted})
    return batch


def import_rejected_rows_read(*, actor, batch: ImportBatch, request: HttpRequest | None = None) -> None:
    """The rejected rows hold personal data: each download is written to the audit trail."""
    audit_record(actor=actor, action="export", obj=batch, request=request, after={"rejected_rows": batch.error_rows})


# --- The work of the task -----------------------------------------------------------------------
def _data_rows(batch: ImportBatch, skip: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every data row after the header, past the first ``skip`` data rows."""
    rows = read_rows(batch.file, batch.file_format)
    line = 0
    header_seen = False
    seen = 0
    for row in rows:
        line += 1
        if not header_seen:
            if is_blank(row):
                continue
            header_seen = True
            continue
        seen += 1
        if seen <= skip:
            continue
        yield line, row


def _count_rows(batch: ImportBatch) -> int:
    return sum(1 for _line in _data_rows(batch, 0))


def _unique_references(office_code: str, count: int) -> list[str]:
    """``count`` new case references in the registration form's format, none already taken."""
    prefix = office_code.upper()
    references: set[str] = set()
    while len(references) < count:
        wanted = count - len(references)
        fresh = {f"{prefix}-{secrets.token_hex(4).upper()}" for _i in range(wanted + 8)} - references
        taken = set(Migrant.objects.filter(reference__in=fresh).values_list("reference", flat=True))
        references |= set(list(fresh - taken)[:wanted])
    return list(references)


_INSERTED = [f for f in Migrant._meta.concrete_fields if not f.primary_key and not f.generated]


def _base_row(batch: ImportBatch) -> dict[str, Any]:
    """The column values every migrant of the batch shares, and the model's defaults of the others."""
    now = timezone.now()
    base = {f.attname: f.get_default() for f in _INSERTED}
    base.update(
        office_id=batch.office_id,
        crisis_id=batch.crisis_id,
        created_by_id=batch.created_by_id,
        import_batch_id=batch.pk,
        created_at=now,
        updated_at=now,
    )
    return base


def _insert(rows: list[dict[str, Any]]) -> None:
    """Insert new migrants: on PostgreSQL with COPY, much faster than an INSERT of many rows;
    elsewhere with bulk_create. Either way the model's field validation has been done before."""
    if connection.vendor != "postgresql":
        Migrant.objects.bulk_create([Migrant(**row) for row in rows], batch_size=500)
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _INSERTED)
    statement = f"COPY {connection.ops.quote_name(Migrant._meta.db_table)} ({columns}) FROM STDIN"
    names = [f.attname for f in _INSERTED]
    json_names = {f.attname for f in _INSERTED if isinstance(f, JSONField)}
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_names else row[n] for n in names])


def _advance(batch: ImportBatch, start: int, **changes) -> None:
    """Move the batch's counters on, only if no one else moved them (a duplicate task, an undo)."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, processed_rows=start).update(
        updated_at=timezone.now(), **changes
    )
    if not updated:
        raise _Superseded


class _Superseded(Exception):
    pass


def _process_chunk(batch: ImportBatch, validator: RowValidator, chunk: list[tuple[int, list[str]]], start: int) -> int:
    results = [validator.check(line, row) for line, row in chunk if not is_blank(row)]
    good = [r for r in results if not r.errors]
    bad = [r for r in results if r.errors]
    processed = start + len(chunk)
    total = max(batch.total_rows or 0, processed)
    with transaction.atomic():
        if batch.status == ImportBatch.Status.VALIDATING:
            ImportRowError.objects.bulk_create(
                [ImportRowError(batch_id=batch.pk, row=r.line, errors=r.errors, values=r.values) for r in bad]
            )
            preview = list(batch.preview)
            for result in good[: max(0, PREVIEW_ROWS - len(preview))]:
                preview.append({"row": result.line, **preview_of(result.data)})
            changes = {
                "valid_rows": batch.valid_rows + len(good),
                "error_rows": batch.error_rows + len(bad),
                "preview": preview,
            }
        else:
            if bad and not batch.save_valid_rows:
                raise ImportFileError(
                    _("Row %(row)s no longer passes the checks: nothing is saved.") % {"row": bad[0].line}
                )
            base = _base_row(batch)
            migrants = [validator.build(r, base) for r in good]
            for migrant, reference in zip(migrants, _unique_references(batch.office.code, len(migrants)), strict=True):
                migrant["reference"] = reference
            _insert(migrants)
            changes = {"created_rows": batch.created_rows + len(migrants)}
        _advance(batch, start, processed_rows=processed, total_rows=total, **changes)
    for key, value in {"processed_rows": processed, "total_rows": total, **changes}.items():
        setattr(batch, key, value)
    return processed


def _finish(batch: ImportBatch) -> None:
    with transaction.atomic():
        now = timezone.now()
        if batch.status == ImportBatch.Status.VALIDATING:
            _advance(
                batch,
                batch.processed_rows,
                status=ImportBatch.Status.VALIDATED,
                validated_at=now,
                total_rows=batch.processed_rows,
            )
        else:
            _advance(
                batch,
                batch.processed_rows,
                status=ImportBatch.Status.COMMITTED,
                committed_at=now,
                total_rows=batch.processed_rows,
            )
            audit_record(
                actor=batch.created_by,
                action="update",
                obj=batch,
                after={"migrants_created": batch.created_rows, "rows_rejected": batch.error_rows},
            )
            if connection.vendor == "postgresql":
                # Fresh planner statistics after a bulk load, so the duplicate search that follows
                # (and every list) is planned for the table as it now is.
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(Migrant._meta.db_table)}")
            _queue_duplicate_search(batch.office_id)


def _fail(batch: ImportBatch, message: str) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportBatch.Status.VALIDATING, ImportBatch.Status.COMMITTING):
            return
        deleted = _delete_migrants(batch.pk) if batch.status == ImportBatch.Status.COMMITTING else 0
        batch.status = ImportBatch.Status.FAILED
        batch.failure = message
        batch.created_rows = 0
        batch.save(update_fields=["status", "failure", "created_rows", "updated_at"])
        audit_record(
            actor=batch.created_by,
            action="update",
            obj=batch,
            after={"failed": message, "migrants_deleted": deleted},
        )


MORE, BUSY, DONE = "more", "busy", "done"


def import_run(*, batch_id: int, time_budget: float | None = TIME_BUDGET_SECONDS) -> str:
    """Check or save the rows of a batch from where it stands, chunk by chunk, each chunk in one
    transaction with the batch's counters (so a run that dies resumes where the last one stopped).

    Answers MORE when the batch still has rows to do after ``time_budget`` seconds (the task then
    queues a fresh run), BUSY when another run holds the batch's lease (the task looks again
    later, in case that run died), DONE when it is done or there was nothing to do. The lease
    keeps two runs from working on one batch at once.
    """
    started = time.monotonic()
    with task_lock(f"caseload.import.{batch_id}", timedelta(minutes=5)) as acquired:
        running = ImportBatch.objects.filter(
            pk=batch_id, status__in=(ImportBatch.Status.VALIDATING, ImportBatch.Status.COMMITTING)
        )
        if not acquired:
            return BUSY if running.exists() else DONE
        batch = running.select_related("office").first()
        if batch is None:
            return DONE
        with translation.override(batch.language):
            try:
                return _run(batch, started, time_budget)
            except _Superseded:
                return DONE
            except ImportFileError as exc:
                _fail(batch, str(exc))
                return DONE


def _run(batch: ImportBatch, started: float, time_budget: float | None) -> str:
    if batch.total_rows is None:
        total = _count_rows(batch)
        ImportBatch.objects.filter(pk=batch.pk, total_rows__isnull=True).update(total_rows=total)
        batch.total_rows = total
    validator = RowValidator(batch.mapping)
    chunk: list[tuple[int, list[str]]] = []
    for item in _data_rows(batch, batch.processed_rows):
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            _process_chunk(batch, validator, chunk, batch.processed_rows)
            chunk = []
            if time_budget is not None and time.monotonic() - started > time_budget:
                return MORE
    if chunk:
        _process_chunk(batch, validator, chunk, batch.processed_rows)
    _finish(batch)
    return DONE
