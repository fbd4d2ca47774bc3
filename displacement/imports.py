"""Importing a round from the enumerators' table, one row per site (CSV or XLSX), through the
caseload's import machinery: its reading (``caseload.imports.reading``) and its column mapping in
every language of the product (``caseload.imports.mapping``). The headers of this app's own export,
and its HXL hashtags, map by themselves, so a file exported, corrected and imported again round-trips.

Each row names its site by code (an existing site) or by name and area (a new site, created with the
round); every row is checked by the services' rules before anything is saved: all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caseload.imports.mapping import Columns
from caseload.imports.reading import ImportFileError, file_format_of, is_blank, read_rows
from core.audit import audit_record

from . import services
from .exports import SADD_TAGS, SITE_COLUMNS
from .models import ASSESSMENT_FIELDS, AssessmentRound, RoundImport, RoundStatus, Site, SiteAssessment
from .selectors import can_enter
from .services import assessments_save_many, clean_assessment, clean_site, sites_create_many

ERRORS_KEPT = 200  # rows with errors kept on an import, for its page
PROGRESS_EVERY = 250  # rows checked between two updates of an import's progress

SITE_FIELDS = ("code", *services.SITE_FIELDS)  # a row names its site by code, or describes a new one
FIELDS = (*SITE_FIELDS, *ASSESSMENT_FIELDS)
_TAGS = {
    "#loc+code": "code",
    "#loc+name": "name",
    "#loc+type": "site_type",
    "#adm1+name": "admin1_name",
    "#adm1+code": "admin1_pcode",
    "#adm2+name": "admin2_name",
    "#adm2+code": "admin2_pcode",
    "#geo+lat": "latitude",
    "#geo+lon": "longitude",
    "#org+name+managing": "managing_agency",
    "#affected+idps+hh": "households",
    "#affected+ind+total": "individuals",
    "#affected+idps+ind": "idps",
    "#affected+migrants+ind": "international_migrants",
    "#affected+returnees+ind": "returnees",
    "#affected+host+ind": "host_community",
    "#adm1+name+origin": "origin_admin1",
    "#cause+displacement": "reason",
    "#sector+need+first": "need_1",
    "#sector+need+second": "need_2",
    "#sector+need+third": "need_3",
    "#description+remarks": "remarks",
    **{tag: name for name, _label, tag in SADD_TAGS},
}


def _label(name: str) -> str:
    if name == "code":
        return str(SITE_COLUMNS[5].header)
    for model in (Site, SiteAssessment):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001,S112 - not a field of that model: try the next
            continue
    return name


COLUMNS = Columns(
    fields=FIELDS, required=("households", "individuals", "reason", "need_1"), label=_label, aliases=_TAGS
)


def read_table(file: File, name: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of an upload; ImportFileError when it is not a table. When an HXL
    row follows the header (this app's own downloads), the hashtags are the header: they name the
    fields in any language."""
    fmt = file_format_of(name)
    if fmt is None:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    rows = read_rows(file, fmt)
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    body = [row for row in rows if not is_blank(row)]
    if body and all(not cell or cell.startswith("#") for cell in body[0]):
        # The hashtag row stays as an empty row, so that row numbers are those of the file.
        return body[0], [[], *body[1:]]
    return header, body


def preview(
    round: AssessmentRound,
    header: list[str],
    body: list[list[str]],
    *,
    progress: Callable[[int], object] | None = None,
) -> dict[str, Any]:
    """Every row checked: the new sites and the assessments it would save, or each row's errors by
    field. Reads the crisis's sites once; ``progress(rows checked)`` is told every PROGRESS_EVERY rows."""
    mapping = COLUMNS.check(COLUMNS.auto_mapping(header), len(header))
    by_code = {s.code: s.pk for s in Site.objects.filter(crisis_id=round.crisis_id).only("pk", "code")}
    by_name = {
        (s.name.lower(), s.admin2_pcode.upper()): s.pk
        for s in Site.objects.filter(crisis_id=round.crisis_id).only("pk", "name", "admin2_pcode")
    }
    errors: dict[int, dict[str, list[str]]] = {}
    new_sites: list[dict] = []
    assessments: list[tuple[Any, dict]] = []
    seen: set = set()
    done = 0
    for number, row in enumerate(body, start=2):
        if not row:  # the HXL row, counted so that row numbers are the file's
            continue
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        data = {field: (row[int(i)] if int(i) < len(row) else "") for i, field in mapping.items()}
        problems: dict[str, list[str]] = {}
        try:
            clean_assessment(data)
        except ValidationError as exc:
            problems.update(exc.message_dict)
        code = (data.get("code") or "").strip()
        key = ((data.get("name") or "").strip().lower(), (data.get("admin2_pcode") or "").strip().upper())
        site: Any = by_code.get(code) if code else by_name.get(key)
        if code and site is None:
            problems["code"] = [_("No site %(code)s in this crisis.") % {"code": code}]
        elif site is None:
            try:
                clean_site(data)
            except ValidationError as exc:
                problems.update(exc.message_dict)
            site = ("new", len(new_sites))
            if key in seen:
                problems["name"] = [_("This site appears twice in the file.")]
            seen.add(key)
            if not problems:
                new_sites.append(data)
        elif site in seen:
            problems["code"] = [_("This site appears twice in the file.")]
        seen.add(site)
        if problems:
            errors[number] = problems
        else:
            assessments.append((site, data))
    return {"rows": sum(1 for row in body if row), "new_sites": new_sites, "assessments": assessments, "errors": errors}


@transaction.atomic
def round_import(*, actor, round: AssessmentRound, checked: dict[str, Any]) -> int:
    """Save a checked file: its new sites, then every assessment; refused when a row is bad."""
    if checked["errors"]:
        raise ValidationError(_("Correct the rows with errors before importing."))
    created = (
        sites_create_many(actor=actor, crisis=round.crisis, rows=checked["new_sites"]) if checked["new_sites"] else []
    )
    rows = []
    for site, data in checked["assessments"]:
        site_id = created[site[1]].pk if isinstance(site, tuple) else site
        rows.append((site_id, data))
    return assessments_save_many(actor=actor, round_id=round.pk, rows=rows)


# --- In the background: an upload checked, previewed, then saved by the worker -------------------


def round_import_start(*, actor, round: AssessmentRound, upload: File, request=None) -> RoundImport:
    """Keep the upload of an open round's table and queue its check; the page follows its progress."""
    if not can_enter(actor, round.crisis):
        raise PermissionDenied(_("Only staff of the crisis's office record displacement tracking."))
    if round.status != RoundStatus.OPEN:
        raise ValidationError({"file": [_("Only an open round takes assessments.")]})
    if file_format_of(upload.name or "") is None:
        raise ValidationError({"file": [_("Upload a CSV or XLSX file.")]})
    from .tasks import check_round_import

    with transaction.atomic():
        job = RoundImport.objects.create(
            round=round,
            file=upload,
            file_name=(upload.name or "")[:255],
            language=translation.get_language() or "en",
            created_by=actor,
        )
        audit_record(actor=actor, action="create", obj=job, request=request, after={"file_name": job.file_name})
        transaction.on_commit(lambda: check_round_import.delay(job.pk))
    return job


def _update(job: RoundImport, **values) -> None:
    """Write the import's state at once (outside any transaction: the page reads it while the task runs)."""
    RoundImport.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def _read(job: RoundImport) -> tuple[list[str], list[list[str]]]:
    with job.file.open("rb") as handle:
        return read_table(handle, job.file_name)


def round_import_check(import_id: int) -> str:
    """The work of the check task: every row checked, the progress counted as it goes, the preview
    (new sites, assessments, rows with errors by field) kept on the import."""
    job = RoundImport.objects.select_related("round__crisis").get(pk=import_id)
    if job.status != RoundImport.Status.CHECKING:
        return job.status  # a second delivery of the same task
    with translation.override(job.language):
        try:
            header, body = _read(job)
            _update(job, total_rows=sum(1 for row in body if row), processed_rows=0)
            checked = preview(job.round, header, body, progress=lambda n: _update(job, processed_rows=n))
        except (ImportFileError, ValidationError) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            _update(job, status=RoundImport.Status.FAILED, failure=text, finished_at=timezone.now())
            return job.status
    kept = {str(row): fields for row, fields in sorted(checked["errors"].items())[:ERRORS_KEPT]}
    _update(
        job,
        status=RoundImport.Status.CHECKED,
        processed_rows=checked["rows"],
        new_sites=len(checked["new_sites"]),
        assessments=len(checked["assessments"]),
        error_rows=len(checked["errors"]),
        errors=kept,
    )
    return job.status


def round_import_confirm(*, actor, import_id: int, request=None) -> RoundImport:
    """Queue the saving of a checked import without errors, by the staff of the round's office."""
    from .tasks import save_round_import

    with transaction.atomic():
        job = RoundImport.objects.select_for_update().select_related("round__crisis").get(pk=import_id)
        if not can_enter(actor, job.round.crisis):
            raise PermissionDenied(_("Only staff of the crisis's office record displacement tracking."))
        if job.status != RoundImport.Status.CHECKED:
            raise ValidationError(_("This import is %(status)s.") % {"status": job.get_status_display().lower()})
        if job.error_rows:
            raise ValidationError(_("Correct the rows with errors before importing."))
        if job.round.status != RoundStatus.OPEN:
            raise ValidationError(_("Only an open round takes assessments."))
        job.status = RoundImport.Status.SAVING
        job.save(update_fields=["status"])
        audit_record(actor=actor, action="update", obj=job, request=request, after={"status": job.status})
        transaction.on_commit(lambda: save_round_import.delay(job.pk))
    return job


def round_import_save(import_id: int) -> str:
    """The work of the save task: the file checked again against the sites as they are now, then its
    new sites and assessments saved in one transaction with the import's new status (a second
    delivery of the task finds it saved and does nothing)."""
    with translation.override(RoundImport.objects.values_list("language", flat=True).get(pk=import_id)):
        try:
            with transaction.atomic():
                job = RoundImport.objects.select_for_update().select_related("round__crisis").get(pk=import_id)
                if job.status != RoundImport.Status.SAVING:
                    return job.status
                header, body = _read(job)
                checked = preview(job.round, header, body)
                saved = round_import(actor=job.created_by, round=job.round, checked=checked)
                job.status, job.saved, job.finished_at = RoundImport.Status.SAVED, saved, timezone.now()
                job.save(update_fields=["status", "saved", "finished_at"])
        except (ImportFileError, ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            RoundImport.objects.filter(pk=import_id, status=RoundImport.Status.SAVING).update(
                status=RoundImport.Status.FAILED, failure=text or _("You may not do this."), finished_at=timezone.now()
            )
            return RoundImport.Status.FAILED
    job.file.delete(save=False)  # the figures are saved; the upload is not kept
    _update(job, file="")
    return job.status
