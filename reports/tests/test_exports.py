"""Exports: HXL tags read back by libhxl, scoping per role, liaison disclosure, audit, streaming."""

from __future__ import annotations

import io
import re

import hxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from caseload.disclosure import KIND_MIGRANT_FIELDS
from caseload.tests.factories import MigrantFactory, ReferralFactory
from core.models import AuditEntry
from reports import exports

pytestmark = pytest.mark.django_db


def download(client, dataset: str, fmt: str = "csv", query: str = "") -> bytes:
    url = reverse("reports:export", args=[dataset, fmt]) + (f"?{query}" if query else "")
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content)


def parse(body: bytes) -> hxl.model.Dataset:
    return hxl.data(io.BytesIO(body))


def rows_of(body: bytes) -> list[dict[str, str]]:
    """Each data row as {hashtag: value} (libhxl has already dropped the header and hashtag rows)."""
    dataset = parse(body)
    tags = [column.display_tag for column in dataset.columns]
    return [dict(zip(tags, row.values, strict=True)) for row in dataset]


def hxl_errors(body: bytes) -> list[tuple[str, str, str]]:
    """What libhxl's default schema calls an error (a #date that is no date, an #affected that is no number)."""
    errors = []
    schema = hxl.schema(callback=errors.append)
    schema.validate(parse(body))
    return [(str(e.rule.tag_pattern), e.message, e.value) for e in errors if e.rule.severity == "error"]


# --- HXL -------------------------------------------------------------------------------------------
EXPECTED_TAGS = {
    "migrants": [
        "#beneficiary+code",
        "#beneficiary+name+given",
        "#beneficiary+name+family",
        "#beneficiary+sex",
        "#date+birth",
        "#country+code+nationality",
        "#status+document",
        "#country+code",
        "#adm1+code",
        "#loc+name",
        "#beneficiary+type",
        "#contact+phone",
        "#crisis+code",
        "#org+code+impl",
        "#date+reported",
    ],
    "referrals": [
        "#meta+id",
        "#service+type",
        "#sector+code",
        "#status",
        "#severity+priority",
        "#crisis+code",
        "#org+code+impl",
        "#org+code+recipient",
        "#date+reported",
        "#date+sent",
        "#date+due",
        "#date+closed",
        "#beneficiary+code",
    ],
    "crises": [
        "#crisis+code",
        "#crisis+code+glide",
        "#crisis+name",
        "#crisis+type",
        "#status+phase",
        "#severity+level",
        "#country+code",
        "#org+code+impl",
        "#status",
        "#date+start",
        "#affected+migrants+international",
        "#affected+idps",
        "#date+reported",
    ],
}


@pytest.mark.parametrize("fmt", exports.FORMATS)
@pytest.mark.parametrize("dataset", exports.DATASETS)
def test_each_export_reads_back_with_libhxl_with_its_hashtags(world, client_for, dataset, fmt):
    body = download(client_for(world.users["hq"]), dataset, fmt)
    parsed = parse(body)
    tags = [column.display_tag for column in parsed.columns]
    # Every column carries a hashtag, each one valid HXL, and each column's tag is the declared one.
    assert all(tag and tag.startswith("#") for tag in tags), tags
    columns = exports.export_prepare(user=world.users["hq"], dataset=dataset, params={}).columns
    assert tags == [hxl.model.Column.parse(c.tag).display_tag for c in columns]
    assert set(EXPECTED_TAGS[dataset]) <= set(tags), set(EXPECTED_TAGS[dataset]) - set(tags)
    assert len(tags) == len(set(tags)), "two columns with the same hashtag and attributes"
    # The header row above the hashtags is kept, in the user's language.
    assert parsed.headers[0] in ("Case reference", "Referral", "Code")
    # Dates are dates and #affected figures numbers for libhxl's default schema.
    assert hxl_errors(body) == []
    assert len(list(parsed)) == {"migrants": 15, "referrals": 12, "crises": 3}[dataset]


def test_crisis_export_carries_glide_level_and_latest_estimates(world, client_for):
    rows = {row["#crisis+code"]: row for row in rows_of(download(client_for(world.users["hq"]), "crises"))}
    libya = rows["LBY-T"]
    assert libya["#crisis+code+glide"] == "CE-2011-000022-LBY"
    assert libya["#severity+level"] == "3"
    assert libya["#status+phase"] == "during"
    assert libya["#affected+migrants+international"] == "250000"  # the latest estimate, not the first
    assert libya["#date+reported"] == "2011-04-01"
    assert rows["HTI-T"]["#affected+idps"] == "1500000"
    assert rows["HTI-T"]["#severity+level"] == ""


def test_xlsx_keeps_numbers_and_dates_typed(world, client_for):
    from openpyxl import load_workbook

    body = download(client_for(world.users["hq"]), "crises", "xlsx")
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, tags, data = rows[0], rows[1], rows[2:]
    assert header[0] == "Code" and tags[0] == "#crisis+code"
    libya = next(row for row in data if row[0] == "LBY-T")
    assert libya[tags.index("#affected+migrants+international")] == 250000
    assert libya[tags.index("#date+start")].year == 2011


def test_header_row_follows_the_language_and_the_hashtags_do_not(world, client_for):
    client = client_for(world.users["hq"])
    client.cookies["django_language"] = "fr"
    parsed = parse(download(client, "migrants"))
    assert parsed.headers[0] == "Référence du dossier"
    assert parsed.columns[0].display_tag == "#beneficiary+code"


# --- Scoping per role ----------------------------------------------------------------------------
def _column(body: bytes, tag: str) -> list[str]:
    return [row[tag] for row in rows_of(body)]


def test_migrant_export_per_role(world, client_for):
    m = world.migrants
    lby_refs = {x.reference for x in [*m.lby_egy, m.victim, *m.lby_bgd]}
    tun_refs = {x.reference for x in m.tun_ner}
    hti_refs = {x.reference for x in m.hti_hti}

    def refs(username):
        return set(_column(download(client_for(world.users[username]), "migrants"), "#beneficiary+code"))

    assert refs("hq") == lby_refs | tun_refs | hti_refs
    assert refs("staff_lby") == lby_refs  # with the sensitive permission: the victim too
    assert refs("staff_tun") == tun_refs  # another office: none of Libya's
    assert refs("staff_hti") == hti_refs
    # A Libya staff member without the sensitive permission does not get the victim.
    from accounts.tests.factories import office_staff

    plain = office_staff(world.offices["lby"])
    assert refs_for_user(client_for(plain)) == lby_refs - {m.victim.reference}


def refs_for_user(client) -> set[str]:
    return set(_column(download(client, "migrants"), "#beneficiary+code"))


@pytest.mark.parametrize("username", ["gov_egy", "unhcr"])
@pytest.mark.parametrize("dataset", ["migrants", "crises"])
def test_liaisons_export_neither_migrants_nor_crises(world, client_for, username, dataset):
    response = client_for(world.users[username]).get(reverse("reports:export", args=[dataset, "csv"]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_crisis_export_per_role(world, client_for):
    def codes(username):
        return set(_column(download(client_for(world.users[username]), "crises"), "#crisis+code"))

    assert codes("hq") == {"LBY-T", "TUN-T", "HTI-T"}
    assert codes("staff_lby") == {"LBY-T"}
    assert codes("staff_tun") == {"TUN-T"}
    assert codes("staff_hti") == {"HTI-T"}


def test_referral_export_per_role(world, client_for):
    r = world.referrals
    lby = {r.egy_draft, r.egy_sent, r.egy_ack, r.egy_done_2, r.egy_done_5, r.bgd_progress, r.transport_overdue}
    lby.add(r.victim_ct)
    tun = {r.tun_health_done, r.tun_health_sent, r.tun_consular_overdue}

    def ids(username):
        return {int(v) for v in _column(download(client_for(world.users[username]), "referrals"), "#meta+id")}

    assert ids("hq") == {x.pk for x in lby | tun | {r.hti_shelter_done}}
    assert ids("staff_lby") == {x.pk for x in lby}
    assert ids("staff_tun") == {x.pk for x in tun}
    # A government: only what is addressed to it, never a draft, never the victim's counter-trafficking
    # referral (no consent names Egypt).
    assert ids("gov_egy") == {r.egy_sent.pk, r.egy_ack.pk, r.egy_done_2.pk, r.egy_done_5.pk}
    assert ids("gov_bgd") == {r.bgd_progress.pk}
    assert ids("unhcr") == {r.transport_overdue.pk, r.tun_health_done.pk, r.tun_health_sent.pk, r.hti_shelter_done.pk}


def test_liaison_export_discloses_only_the_fields_of_each_referral_kind(world, client_for):
    body = download(client_for(world.users["unhcr"]), "referrals")
    tags = [c.display_tag for c in parse(body).columns]
    # Nothing the office keeps to itself.
    assert "#meta+sensitive" not in tags
    assert "#meta+legal_basis" not in tags
    rows = {row["#service+type"]: row for row in rows_of(body)}
    transport, health, shelter = rows["transport"], rows["health"], rows["shelter"]
    by_field = {name: exports.MIGRANT_TAGS[name] for name in exports.DISCLOSED_FIELDS}
    for kind, row in (("transport", transport), ("health", health), ("shelter", shelter)):
        for name, tag in by_field.items():
            if name not in KIND_MIGRANT_FIELDS[kind]:
                assert row[tag] == "", (kind, name, row[tag])
    # Transport needs the nationality and the household; health needs neither.
    assert transport["#country+code+nationality"] == "BGD"
    assert transport["#group+code+household"] == "HH-1"
    assert health["#country+code+nationality"] == ""
    assert health["#group+code+household"] == ""
    assert health["#beneficiary+name+family"].startswith("Ner")
    # Consular: the other names and document of the national, for the government.
    egypt = rows_of(download(client_for(world.users["gov_egy"]), "referrals"))
    assert {row["#country+code+nationality"] for row in egypt} == {"EGY"}


def test_office_export_of_referrals_names_the_case_but_not_the_person(world, client_for):
    rows = rows_of(download(client_for(world.users["staff_lby"]), "referrals"))
    tags = set(rows[0])
    assert "#beneficiary+code" in tags and "#meta+sensitive" in tags
    assert "#beneficiary+name+family" not in tags  # the migrant export has the names


def test_exports_keep_the_list_filters(world, client_for):
    client = client_for(world.users["hq"])
    refs = _column(download(client, "migrants", query="nationality=BGD"), "#country+code+nationality")
    assert refs == ["BGD"] * 3
    statuses = _column(download(client, "referrals", query="status=completed"), "#status")
    assert statuses == ["completed"] * 4
    overdue = _column(download(client, "referrals", query="overdue=true"), "#meta+id")
    assert {int(x) for x in overdue} == {world.referrals.transport_overdue.pk, world.referrals.tun_consular_overdue.pk}
    crises = _column(download(client, "crises", query="level=2"), "#crisis+code")
    assert crises == ["TUN-T"]
    # A filter on a crisis the user may not see is refused, as on the list page.
    response = client_for(world.users["staff_tun"]).get(
        reverse("reports:export", args=["migrants", "csv"]) + f"?crisis={world.crises.lby.pk}"
    )
    assert response.status_code == 400


# --- Audit ---------------------------------------------------------------------------------------
def test_each_export_is_in_the_audit_trail(world, client_for):
    staff = world.users["staff_lby"]
    download(client_for(staff), "migrants", "xlsx", query="nationality=EGY")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == staff
    assert entry.object_type == "caseload.migrant"
    assert entry.after == {"format": "xlsx", "filters": {"nationality": "EGY"}, "rows": 6}
    download(client_for(world.users["unhcr"]), "referrals")
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert (entry.actor.username, entry.object_type, entry.after["rows"]) == ("unhcr", "caseload.referral", 4)


def test_sensitive_records_in_an_export_are_reads_in_the_access_log(world, client_for):
    download(client_for(world.users["staff_lby"]), "migrants")
    reads = AuditEntry.objects.filter(action="read", object_type="caseload.migrant")
    assert list(reads.values_list("object_id", flat=True)) == [str(world.migrants.victim.pk)]


# --- Safety and size -----------------------------------------------------------------------------
def test_a_formula_in_a_cell_is_written_as_text(world, client_for):
    MigrantFactory(
        office=world.offices["lby"], crisis=world.crises.lby, family_name='=HYPERLINK("http://x")', site="@SUM(A1)"
    )
    client = client_for(world.users["staff_lby"])
    rows = rows_of(download(client, "migrants"))
    names = [row["#beneficiary+name+family"] for row in rows]
    assert '\'=HYPERLINK("http://x")' in names
    assert "'@SUM(A1)" in [row["#loc+name"] for row in rows]
    assert "+201001234567" in [row["#contact+phone"] for row in rows]  # a phone number is left alone

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(download(client, "migrants", "xlsx"))).active
    # In the workbook the text stays as typed, in a text cell: a spreadsheet never runs it.
    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row if str(cell.value).startswith("=HYP")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_an_export_takes_as_many_queries_for_many_rows_as_for_few(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crises.tests.factories import CrisisFactory

    client = client_for(world.users["hq"])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            download(client, "crises")
        return len(ctx.captured_queries)

    few = count_queries()
    for _ in range(20):
        CrisisFactory(office=world.offices["hti"])
    assert count_queries() == few


def test_referral_export_reads_rows_a_chunk_at_a_time(world, django_assert_max_num_queries, monkeypatch):
    """The querysets are read with iterator(chunk_size): a chunk's rows and its sensitive reads, in
    a number of queries that grows with the chunks, never with the rows one by one."""
    for migrant in world.migrants.lby_bgd:
        ReferralFactory.create_batch(
            5, migrant=migrant, recipient_government=world.referrals.bgd_progress.recipient_government
        )
    prepared = exports.export_prepare(user=world.users["hq"], dataset="referrals", params={})
    with django_assert_max_num_queries(3):
        rows = list(exports.export_rows(prepared, user=world.users["hq"]))
    assert len(rows) == 27


# --- API -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_api_exports_with_a_token(world, api_for, fmt):
    response = api_for(world.users["gov_egy"]).get(f"/api/v1/exports/referrals/?format={fmt}&status=completed")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(exports.CONTENT_TYPES[fmt].split(";")[0])
    rows = rows_of(b"".join(response.streaming_content))
    assert {int(row["#meta+id"]) for row in rows} == {world.referrals.egy_done_2.pk, world.referrals.egy_done_5.pk}
    assert AuditEntry.objects.filter(action="export", actor=world.users["gov_egy"]).count() == 1


def test_api_export_refusals_come_in_the_error_shape(world, api_for):
    api = api_for(world.users["unhcr"])
    response = api.get("/api/v1/exports/migrants/?format=csv")
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert api.get("/api/v1/exports/nothing/?format=csv").status_code == 404
    response = api_for(world.users["hq"]).get("/api/v1/exports/referrals/?format=csv&status=nonsense")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/exports/referrals/?format=csv").status_code == 401


# --- Links -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "page", "dataset", "query"),
    [
        ("staff_lby", "/caseload/", "migrants", "nationality=BGD"),
        ("staff_lby", "/caseload/referrals/", "referrals", "status=completed"),
        ("gov_egy", "/caseload/inbox/", "referrals", "status=completed"),
        ("hq", "/crises/", "crises", "level=3"),
    ],
)
def test_list_pages_link_to_their_export_with_their_filters(world, client_for, username, page, dataset, query):
    client = client_for(world.users[username])
    html = client.get(f"{page}?{query}").content.decode()
    for fmt in exports.FORMATS:
        link = f'href="{reverse("reports:export", args=[dataset, fmt])}?{query}"'
        assert link in html, (page, fmt)
    body = download(client, dataset, "csv", query=query)
    assert len(list(parse(body))) == {"migrants": 3, "referrals": 2, "crises": 1}[dataset]


def test_exports_page_offers_each_role_its_exports(world, client_for):
    html = client_for(world.users["hq"]).get(reverse("reports:exports")).content.decode()
    assert {'data-export="migrants"', 'data-export="referrals"', 'data-export="crises"'} <= set(
        re.findall(r'data-export="\w+"', html)
    )
    html = client_for(world.users["unhcr"]).get(reverse("reports:exports")).content.decode()
    assert re.findall(r'data-export="\w+"', html) == ['data-export="referrals"']
