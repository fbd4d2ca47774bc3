"""The displacement tracking's downloads: sites, a round's assessments and the flow counts, as CSV
or XLSX with an HXL hashtag row (``core.tabular``) that HDX reads without a mapping. The rows come
from the selectors, so a partner's file carries the suppressed counts ("<5") it sees on the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from core.tabular import CONTENT_TYPES, CSV, XLSX, Column, csv_lines, xlsx_workbook

from .models import AssessmentRound, FlowPoint, Site
from .selectors import assessment_rows, flow_count_rows, is_partner_view

FORMATS = (CSV, XLSX)
DATASETS = ("sites", "round", "flows")


def _get(key: str):
    return lambda row: row.get(key)


SITE_COLUMNS = (
    Column(_("Admin 1"), "#adm1+name", _get("admin1_name")),
    Column(_("Admin 1 P-code"), "#adm1+code", _get("admin1_pcode")),
    Column(_("Admin 2"), "#adm2+name", _get("admin2_name")),
    Column(_("Admin 2 P-code"), "#adm2+code", _get("admin2_pcode")),
    Column(_("Site"), "#loc+name", _get("name")),
    Column(_("Site code"), "#loc+code", _get("code")),
    Column(_("Site type"), "#loc+type", _get("site_type")),
    Column(_("Latitude"), "#geo+lat", _get("latitude")),
    Column(_("Longitude"), "#geo+lon", _get("longitude")),
    Column(_("Managing agency"), "#org+name+managing", _get("managing_agency")),
    Column(_("Status"), "#status", _get("status")),
)

SADD_TAGS = (
    ("female_0_4", _("Female, 0-4"), "#affected+f+age0_4"),
    ("female_5_17", _("Female, 5-17"), "#affected+f+age5_17"),
    ("female_18_59", _("Female, 18-59"), "#affected+f+age18_59"),
    ("female_60_plus", _("Female, 60+"), "#affected+f+age60plus"),
    ("male_0_4", _("Male, 0-4"), "#affected+m+age0_4"),
    ("male_5_17", _("Male, 5-17"), "#affected+m+age5_17"),
    ("male_18_59", _("Male, 18-59"), "#affected+m+age18_59"),
    ("male_60_plus", _("Male, 60+"), "#affected+m+age60plus"),
)


def round_columns(round: AssessmentRound, *, partner: bool) -> tuple[Column, ...]:
    columns = [
        Column(_("Round"), "#round+code", lambda row: f"R{round.number}"),
        Column(_("Date reported"), "#date+reported", lambda row: round.end_date),
        Column(_("Admin 1"), "#adm1+name", _get("site__admin1_name")),
        Column(_("Admin 1 P-code"), "#adm1+code", _get("site__admin1_pcode")),
        Column(_("Admin 2"), "#adm2+name", _get("site__admin2_name")),
        Column(_("Admin 2 P-code"), "#adm2+code", _get("site__admin2_pcode")),
        Column(_("Site"), "#loc+name", _get("site__name")),
        Column(_("Site code"), "#loc+code", _get("site__code")),
        Column(_("Site type"), "#loc+type", _get("site__site_type")),
        Column(_("Latitude"), "#geo+lat", _get("site__latitude")),
        Column(_("Longitude"), "#geo+lon", _get("site__longitude")),
        # A site's households are its displaced households (docs/domain.md "Displacement tracking").
        Column(_("Households"), "#affected+idps+hh", _get("households")),
        Column(_("Individuals"), "#affected+ind+total", _get("individuals")),
        *(Column(label, tag, _get(name)) for name, label, tag in SADD_TAGS),
        Column(_("Internally displaced persons"), "#affected+idps+ind", _get("idps")),
        Column(_("International migrants"), "#affected+migrants+ind", _get("international_migrants")),
        Column(_("Returnees"), "#affected+returnees+ind", _get("returnees")),
        Column(_("Host community"), "#affected+host+ind", _get("host_community")),
        Column(_("Origin (admin 1)"), "#adm1+name+origin", _get("origin_admin1")),
        Column(_("Reason for displacement"), "#cause+displacement", _get("reason")),
        Column(_("First need"), "#sector+need+first", _get("need_1")),
        Column(_("Second need"), "#sector+need+second", _get("need_2")),
        Column(_("Third need"), "#sector+need+third", _get("need_3")),
    ]
    if not partner:
        columns.append(Column(_("Remarks"), "#description+remarks", _get("remarks")))
    return tuple(columns)


def flow_columns(point: FlowPoint, *, partner: bool) -> tuple[Column, ...]:
    columns = [
        Column(_("Date reported"), "#date+reported", _get("date")),
        Column(_("Point"), "#loc+name", lambda row: point.name),
        Column(_("Point code"), "#loc+code", lambda row: point.code),
        Column(_("Latitude"), "#geo+lat", lambda row: point.latitude),
        Column(_("Longitude"), "#geo+lon", lambda row: point.longitude),
        Column(_("Direction"), "#indicator+direction", _get("direction")),
        Column(_("Nationality"), "#country+code+nationality", _get("nationality")),
    ]
    if not partner:
        columns += [
            Column(_("Reason for moving"), "#cause+movement", _get("reason")),
            Column(_("Intended destination"), "#country+code+destination", _get("destination_country")),
        ]
    columns += [
        Column(_("Females"), "#affected+f", _get("females")),
        Column(_("Males"), "#affected+m", _get("males")),
        Column(_("Children"), "#affected+children", _get("children")),
    ]
    return tuple(columns)


def site_rows(sites) -> list[dict[str, Any]]:
    return list(sites.values(*(f.name for f in Site._meta.concrete_fields)))


def respond(name: str, title: str, columns, rows: list[dict], fmt: str) -> HttpResponse:
    values = ([column.value(row) for column in columns] for row in rows)
    if fmt == CSV:
        response: HttpResponse = StreamingHttpResponse(csv_lines(columns, values), content_type=CONTENT_TYPES[CSV])
    else:
        handle = xlsx_workbook(title, columns, values)
        response = HttpResponse(handle.read(), content_type=CONTENT_TYPES[XLSX])
        handle.close()
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def round_export(user, round: AssessmentRound, fmt: str) -> HttpResponse:
    partner = is_partner_view(user)
    rows = assessment_rows(user, round)
    name = f"{round.crisis.code}-round-{round.number}"
    return respond(name, name, round_columns(round, partner=partner), rows, fmt)


def flows_export(user, point: FlowPoint, fmt: str) -> HttpResponse:
    partner = is_partner_view(user)
    return respond(point.code, point.code, flow_columns(point, partner=partner), flow_count_rows(user, point), fmt)
