"""The sitrep as a reader gets it: the page, the PDF (core.pdf, as the movement manifests), the
figures as CSV with HXL hashtags (core.tabular) and the EDXL-SitRep 1.0 XML export.

Headings and figure labels are in the reader's language; the narrative stays in the language it was
written in. Every version but the office's own page suppresses the small sensitive counts
(``figures.suppress``): the exports leave the office whoever downloads them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from caseload.models import ReferralStatus, Vulnerability
from core.audit import audit_record
from core.countries import country_name
from core.pdf import html_to_pdf
from core.tabular import CONTENT_TYPES, CSV, Column, csv_lines
from crises.models import AffectedGroup, Phase
from sectors.models import Priority
from sectors.referral_kinds import ReferralKind

from . import markup
from .figures import OTHER, compare, suppress
from .models import SECTIONS, Sitrep
from .selectors import is_inside, previous_of

PDF, EDXL = "pdf", "edxl"
FORMATS = (PDF, CSV, EDXL)
HEADLINE = {
    "registered_total": gettext_lazy("People registered (total)"),
    "registered_period": gettext_lazy("People registered in the period"),
    "referrals_overdue": gettext_lazy("Referrals overdue"),
    "movements_done": gettext_lazy("Movements completed in the period"),
    "people_moved": gettext_lazy("People moved in the period"),
}


DISPLACEMENT = {
    "sites_open": gettext_lazy("Displacement sites open"),
    "sites_assessed": gettext_lazy("Sites assessed in the latest validated round"),
    "households": gettext_lazy("Households (latest validated round)"),
    "individuals": gettext_lazy("Individuals (latest validated round)"),
    "idps": gettext_lazy("Internally displaced persons (latest validated round)"),
    "international_migrants": gettext_lazy("International migrants (latest validated round)"),
}


def _label(choices: Any, key: str) -> str:
    try:
        return str(choices(key).label)
    except ValueError:
        return key


def _country(key: str) -> str:
    return _("Other nationalities") if key == OTHER else country_name(key)


def context(sitrep: Sitrep, *, user: Any, outside: bool = False) -> dict[str, Any]:
    """Everything the page, the PDF and the CSV show; ``outside`` forces the version that leaves."""
    inside = is_inside(user, sitrep) and not outside
    previous = previous_of(sitrep)
    compared = suppress(compare(sitrep.figures, previous.figures if previous else None), inside=inside)
    figures = sitrep.figures or {}
    crisis = figures.get("crisis", {})
    language = (get_language() or "en")[:2]
    for row in compared["affected"]:
        row["label"] = _label(AffectedGroup, row["key"])
    for row in compared["by_nationality"]:
        row["label"] = _country(row["key"])
    for row in compared["by_vulnerability"]:
        row["label"] = _label(Vulnerability, row["key"])
    for row in compared["by_destination"]:
        row["label"] = country_name(row["key"])
    for row in compared["headline"]:
        row["label"] = str(HEADLINE[row["key"]])
    for row in compared["displacement"]:
        row["label"] = str(DISPLACEMENT[row["key"]])
    referrals = [
        {**r, "kind_label": _label(ReferralKind, r["kind"]), "status_label": _label(ReferralStatus, r["status"])}
        for r in figures.get("referrals", {}).get("by_kind_status", [])
    ]
    sectors = [
        {
            "number": s["number"],
            "name": s["name"].get(language) or s["name"].get("en"),
            "priority": _label(Priority, s["priority"]),
        }
        for s in figures.get("sectors", [])
    ]
    return {
        "sitrep": sitrep,
        "inside": inside,
        "previous": previous,
        "level": crisis.get("level"),
        "phase": _label(Phase, crisis.get("phase") or ""),
        "compared": compared,
        "referrals": referrals,
        "sectors": sectors,
        "displacement": figures.get("displacement"),
        "sections": [
            {"name": name, "label": label, "html": markup.render(getattr(sitrep, name))} for name, label in SECTIONS
        ],
        "generated_at": timezone.now(),
    }


# --- CSV ------------------------------------------------------------------------------------------
def figure_rows(ctx: dict[str, Any]) -> Iterator[list]:
    """One row per figure: its section, label, value, the previous sitrep's and the change."""
    sitrep = ctx["sitrep"]
    sections = (
        ("headline", _("Key figures")),
        ("affected", _("Affected population")),
        ("by_nationality", _("By nationality")),
        ("by_vulnerability", _("By vulnerability")),
        ("by_destination", _("People moved by destination")),
        ("displacement", _("Displacement tracking")),
    )
    for key, title in sections:
        for row in ctx["compared"][key]:
            yield [
                sitrep.crisis.code,
                sitrep.number,
                sitrep.cutoff,
                title,
                row["label"],
                row["value"],
                row["previous"],
                row["change"],
            ]
    for row in ctx["referrals"]:
        label = f"{row['kind_label']} · {row['status_label']}"
        yield [sitrep.crisis.code, sitrep.number, sitrep.cutoff, _("Referrals"), label, row["count"], None, None]


def csv_columns() -> list[Column]:
    return [
        Column(_("Crisis"), "#crisis+code", lambda r: r[0]),
        Column(_("Report number"), "#meta+sitrep+num", lambda r: r[1]),
        Column(_("Cut-off"), "#date+reported", lambda r: r[2]),
        Column(_("Section"), "#indicator+section", lambda r: r[3]),
        Column(_("Figure"), "#indicator+name", lambda r: r[4]),
        Column(_("Value"), "#indicator+value+num", lambda r: r[5]),
        Column(_("Previous report"), "#indicator+value+previous", lambda r: r[6]),
        Column(_("Change"), "#indicator+change", lambda r: r[7]),
    ]


# --- EDXL-SitRep 1.0 ------------------------------------------------------------------------------
NS = "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0"
SCHEMA = settings.BASE_DIR / "sitreps" / "schemas" / "EDXLSitRep-profile.xsd"


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def edxl_xml(sitrep: Sitrep, ctx: dict[str, Any]) -> bytes:
    """A SitRep message (``SituationInformation`` report) of the sitrep, suppressed as it leaves."""
    e = ElementMaker(namespace=NS, nsmap={None: NS})
    status = "Actual"
    prepared = sitrep.published_at or sitrep.approved_at or sitrep.submitted_at or sitrep.cutoff
    figures = [
        e.Figure(e.Label(row["label"]), e.Value(str(row["value"] if row["value"] is not None else "")))
        for row in ctx["compared"]["headline"] + ctx["compared"]["by_vulnerability"] + ctx["compared"]["displacement"]
    ]
    sections = [
        e.Narrative(e.Heading(str(s["label"])), e.Text(markup.plain(getattr(sitrep, s["name"]))))
        for s in ctx["sections"]
    ]
    root = e.SitRep(
        e.MessageID(f"mcof-sitrep-{sitrep.crisis.code}-{sitrep.number}"),
        e.PreparedBy(e.OrganizationName(sitrep.office.name)),
        e.AuthorRole(_("Office")),
        e.ReportPurpose(str(_("Situation report of the crisis %(crisis)s") % {"crisis": sitrep.crisis.name})),
        e.ReportNumber(str(sitrep.number)),
        e.ReportVersion("Final" if sitrep.status == "published" else "Initial"),
        e.ForTimePeriod(
            *([e.FromDateTime(_utc(sitrep.period_start))] if sitrep.period_start else []),
            e.ToDateTime(_utc(sitrep.cutoff)),
        ),
        e.ReportTitle(str(sitrep)),
        e.IncidentID(sitrep.crisis.glide or sitrep.crisis.code),
        e.IncidentLifecyclePhase(str(ctx["phase"])),
        e.OriginatingMessageID(f"mcof-sitrep-{sitrep.crisis.code}-{sitrep.number}"),
        e.PreparedDateTime(_utc(prepared)),
        e.ActionPlan(e.Status(status)),
        e.SituationInformation(*figures, *sections),
    )
    root.set("{http://www.w3.org/XML/1998/namespace}lang", (get_language() or "en")[:2])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def edxl_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


# --- Responses ------------------------------------------------------------------------------------
def pdf_bytes(sitrep: Sitrep, ctx: dict[str, Any]) -> bytes:
    html = render_to_string("sitreps/document.html", {**ctx, "printable": False})
    return html_to_pdf(html, base_url=settings.SITE_URL + "/")


def export_response(*, request: HttpRequest, sitrep: Sitrep, fmt: str) -> HttpResponse:
    """A download of the sitrep, audited; every export is the version that leaves the office."""
    ctx = context(sitrep, user=request.user, outside=True)
    audit_record(actor=request.user, action="export", obj=sitrep, request=request, after={"format": fmt})
    name = f"sitrep-{sitrep.crisis.code}-{sitrep.number}"
    if fmt == CSV:
        response = HttpResponse(b"".join(csv_lines(csv_columns(), figure_rows(ctx))), content_type=CONTENT_TYPES[CSV])
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    elif fmt == EDXL:
        response = HttpResponse(edxl_xml(sitrep, ctx), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
    else:
        response = HttpResponse(pdf_bytes(sitrep, ctx), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
