"""Importing a round from the enumerators' table, one row per site (CSV or XLSX), through the
caseload's import machinery: its reading (``caseload.imports.reading``) and its column mapping in
every language of the product (``caseload.imports.mapping``). The headers of this app's own export,
and its HXL hashtags, map by themselves, so a file exported, corrected and imported again round-trips.

Each row names its site by code (an existing site) or by name and area (a new site, created with the
round); every row is checked by the services' rules before anything is saved: all rows or none."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from caseload.imports.mapping import Columns
from caseload.imports.reading import ImportFileError, file_format_of, is_blank, read_rows

from .exports import SADD_TAGS, SITE_COLUMNS
from .models import ASSESSMENT_FIELDS, AssessmentRound, Site, SiteAssessment
from .services import assessments_save_many, clean_assessment, clean_site, sites_create_many

SITE_FIELDS = (
    "code",
    "name",
    "site_type",
    "admin1_name",
    "admin1_pcode",
    "admin2_name",
    "admin2_pcode",
    "latitude",
    "longitude",
    "managing_agency",
)
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


def preview(round: AssessmentRound, header: list[str], body: list[list[str]]) -> dict[str, Any]:
    """Every row checked: the new sites and the assessments it would save, or each row's errors by
    field. Reads the crisis's sites once."""
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
    for number, row in enumerate(body, start=2):
        if not row:  # the HXL row, counted so that row numbers are the file's
            continue
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
