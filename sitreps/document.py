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
from urllib.parse import quote

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
from .models import SECTIONS, Sitrep, SitrepStatus
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
# The standard's names, namespaces and order (OASIS EDXL-SitRep 1.0 CS02, with the EDXL common types
# and the EDXL profile of CIQ xNL); sitreps/schemas/EDXLSitRep-profile.xsd says where each part of
# the structure is documented. The figures and the narrative travel in the report's extensions.
SITREP_NS = "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0"
CT_NS = "urn:oasis:names:tc:emergency:edxl:ct:1.0"
XNL_NS = "urn:oasis:names:tc:emergency:edxl:ciq:1.0:xnl"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"sitrep": SITREP_NS, "ct": CT_NS, "xnl": XNL_NS, "xsi": XSI_NS}
SCHEMA = settings.BASE_DIR / "sitreps" / "schemas" / "EDXLSitRep-profile.xsd"
# Our names in the extensions: the community, and one URN per figure and per narrative section.
COMMUNITY = "urn:x-mcof:edxl-sitrep"
EDXL_STRING_MAX = 1023  # ct:EDXLStringType
LIFECYCLE = {Phase.BEFORE: "Preparedness", Phase.DURING: "Response", Phase.AFTER: "Recovery"}
SEVERITY = {3: "Extreme", 2: "Severe", 1: "Moderate"}  # by emergency level; no level: "Unknown"
FIGURE_SECTIONS = ("headline", "by_vulnerability", "displacement")

_sr = ElementMaker(namespace=SITREP_NS, nsmap=NSMAP)
_ct = ElementMaker(namespace=CT_NS)
_xnl = ElementMaker(namespace=XNL_NS)


def _edxl_datetime(value: datetime.datetime) -> str:
    """ct:EDXLDateTimeType: whole seconds and a numeric offset (the standard refuses "Z")."""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds")


def _day_start(value: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)


def _message_id(sitrep: Sitrep, number: int) -> str:
    return f"mcof-sitrep-{sitrep.crisis.code}-{number}"


def _chunks(text: str, size: int = EDXL_STRING_MAX) -> list[str]:
    """The text in pieces that each fit a ct:EDXLStringType, cut at a space where there is one."""
    pieces, rest = [], text.strip()
    while len(rest) > size:
        cut = rest.rfind(" ", 1, size + 1)
        cut = cut if cut > 0 else size
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def _person_time(tag: str, name: str | None, when: datetime.datetime) -> etree._Element:
    """A ct:PersonTimePairType; the name is the office's (no staff name leaves the office), none if
    nobody has authorised the report yet."""
    return getattr(_sr, tag)(
        _ct.personDetails(_xnl.personName(*([_xnl.nameElement(name)] if name else []))),
        _ct.timeValue(_edxl_datetime(when)),
    )


def _parameter(name: str, values: list[str]) -> etree._Element:
    return _sr.parameter(_sr.nameURI(f"{COMMUNITY}:{name}"), *(_sr.value(v) for v in values))


def _extensions(sitrep: Sitrep, ctx: dict[str, Any]) -> list[etree._Element]:
    """The figures (as they leave: small sensitive counts "<5") and the narrative sections."""
    figures = [
        _parameter(f"figure:{section}:{quote(row['key'], safe='')}", [str(row["value"])])
        for section in FIGURE_SECTIONS
        for row in ctx["compared"][section]
        if row["value"] is not None
    ]
    sections = [
        _parameter(f"section:{s['name']}", pieces)
        for s in ctx["sections"]
        if (pieces := _chunks(markup.plain(getattr(sitrep, s["name"]))))
    ]
    return [
        _sr.extension(_sr.community(COMMUNITY), _sr.id(f"{COMMUNITY}:{kind}"), *parameters)
        for kind, parameters in (("figures", figures), ("narrative", sections))
        if parameters
    ]


def edxl_xml(sitrep: Sitrep, ctx: dict[str, Any]) -> bytes:
    """A sitRep message with a SituationInformation report, suppressed as it leaves the office."""
    crisis = sitrep.crisis
    prepared = sitrep.submitted_at or ctx["generated_at"]
    authorized = sitrep.approved_at or sitrep.published_at
    phase = (sitrep.figures or {}).get("crisis", {}).get("phase") or crisis.phase
    level = sitrep.level or ctx["level"]
    previous = ctx["previous"]
    report = _sr.report(*_extensions(sitrep, ctx))
    report.set(f"{{{XSI_NS}}}type", "sitrep:SituationInformationType")
    root = _sr.sitRep(
        _sr.messageID(_message_id(sitrep, sitrep.number)),
        _person_time("preparedBy", sitrep.office.name, prepared),
        _person_time("authorizedBy", sitrep.office.name if authorized else None, authorized or prepared),
        _sr.reportPurpose(str(_("Situation report of the crisis %(crisis)s") % {"crisis": crisis.name})),
        _sr.reportNumber(str(sitrep.number)),
        _sr.reportVersion("Initial" if sitrep.number == 1 else "Update"),
        _sr.forTimePeriod(
            # A report with no start covers the time since the crisis started (the standard's rule).
            _ct.fromDateTime(_edxl_datetime(sitrep.period_start or _day_start(crisis.start_date))),
            _ct.toDateTime(_edxl_datetime(sitrep.cutoff)),
        ),
        _sr.reportTitle(str(sitrep)),
        *([_sr.incidentID(crisis.glide)] if crisis.glide else []),
        _sr.incidentID(crisis.code),
        *([_sr.incidentLifecyclePhase(LIFECYCLE[phase])] if phase in LIFECYCLE else []),
        _sr.originatingMessageID(_message_id(sitrep, 1)),
        *([_sr.precedingMessageID(_message_id(sitrep, previous.number))] if previous else []),
        # The figures of a submitted report are frozen; a draft's still move.
        _sr.reportConfidence("SomewhatConfident" if sitrep.status == SitrepStatus.DRAFT else "HighlyConfident"),
        _sr.severity(SEVERITY.get(level, "Unknown")),
        report,
    )
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
