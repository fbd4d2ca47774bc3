"""The downloads parse with libhxl and carry the hashtags HDX expects; a partner's file has the
suppressed counts and no remarks; the round import reads back the round's own export."""

import datetime
import io

import hxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from displacement import imports, services
from displacement.models import Site, SiteAssessment

from .conftest import assessment_data, validated_round

pytestmark = pytest.mark.django_db

ROUND_TAGS = {
    "#adm1+name",
    "#adm1+code",
    "#adm2+code",
    "#loc+name",
    "#geo+lat",
    "#geo+lon",
    "#affected+idps+hh",
    "#affected+idps+ind",
    "#affected+f+age0_4",
    "#affected+m+age60plus",
    "#date+reported",
    "#round+code",
}


def tags_of(body: bytes) -> list[str]:
    return [c.display_tag for c in hxl.data(io.BytesIO(body)).columns]


def rows_of(body: bytes) -> list[dict]:
    dataset = hxl.data(io.BytesIO(body))
    tags = [c.display_tag for c in dataset.columns]
    return [dict(zip(tags, row.values, strict=True)) for row in dataset]


def hxl_errors(body: bytes) -> list:
    errors: list = []
    hxl.schema(callback=errors.append).validate(hxl.data(io.BytesIO(body)))
    return [(str(e.rule.tag_pattern), e.value) for e in errors if e.rule.severity == "error"]


@pytest.fixture
def validated(staff, chief, haiti, site):
    return validated_round(
        staff,
        chief,
        haiti,
        [site],
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 3, 31),
        data=assessment_data(international_migrants=3),
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_round_export_is_hxl_with_the_tags_hdx_reads(client_for, staff, validated):
    response = client_for(staff).get(f"/displacement/rounds/{validated.pk}/export.csv")
    body = _body(response)
    assert set(tags_of(body)) >= {hxl.model.Column.parse(t).display_tag for t in ROUND_TAGS}
    assert hxl_errors(body) == []
    (row,) = rows_of(body)
    assert row["#affected+idps+ind"] == "30" and row["#round+code"] == "R1" and row["#date+reported"] == "2010-03-31"
    assert row["#adm2+code"] == "HT0111"


def test_the_xlsx_export_parses_too(client_for, staff, validated):
    body = client_for(staff).get(f"/displacement/rounds/{validated.pk}/export.xlsx").content
    dataset = hxl.data(io.BytesIO(body))
    assert "#affected+idps+hh" in [c.display_tag for c in dataset.columns]
    assert len(list(dataset)) == 1


def test_a_partner_download_has_suppressed_counts_and_no_remarks(client_for, ocha, validated):
    body = _body(client_for(ocha).get(f"/displacement/rounds/{validated.pk}/export.csv"))
    (row,) = rows_of(body)
    assert row["#affected+migrants+ind"] == "<5" and row["#affected+ind+total"] == "40"
    assert "#description+remarks" not in row


def test_sites_and_flows_exports(client_for, staff, haiti, site):
    body = _body(client_for(staff).get(f"/displacement/crises/{haiti.pk}/sites.csv"))
    assert rows_of(body)[0]["#loc+code"] == site.code and hxl_errors(body) == []
    point = services.flow_point_create(
        actor=staff,
        crisis=haiti,
        data={
            "name": "Malpasse",
            "point_type": "border_crossing",
            "country": "HTI",
            "latitude": "18.5",
            "longitude": "-71.9",
        },
    )
    services.flow_counts_record(
        actor=staff,
        point_id=point.pk,
        date="2010-03-02",
        rows=[
            {"direction": "in", "nationality": "TCD", "reason": "conflict", "destination_country": "HTI", "males": 3}
        ],
    )
    body = _body(client_for(staff).get(f"/displacement/flow-points/{point.pk}/export.csv"))
    (row,) = rows_of(body)
    assert row["#country+code+nationality"] == "TCD" and row["#affected+m"] == "3" and hxl_errors(body) == []


def test_an_exported_round_imported_again_round_trips(client_for, staff, haiti, validated, site):
    body = _body(client_for(staff).get(f"/displacement/rounds/{validated.pk}/export.csv"))
    extra = (
        b"R2,2010-04-30,Ouest,HT01,Delmas,HT0112,New camp,,camp,18.55,-72.30,"
        b"5,20,1,2,3,4,1,2,3,4,20,0,0,0,Ouest,natural_disaster,food,,,\n"
    )
    upload = SimpleUploadedFile("round.csv", body + extra)
    second = services.round_open(actor=staff, crisis=haiti, start_date="2010-04-01", end_date="2010-04-30")
    header, rows = imports.read_table(upload, upload.name)
    checked = imports.preview(second, header, rows)
    assert checked["errors"] == {} and len(checked["new_sites"]) == 1 and len(checked["assessments"]) == 2
    assert imports.round_import(actor=staff, round=second, checked=checked) == 2
    assert Site.objects.filter(crisis=haiti).count() == 2
    assert SiteAssessment.objects.get(round=second, site=site).idps == 30


def test_a_bad_row_is_named_and_nothing_is_saved(staff, haiti, open_round, site):
    table = (
        "Site code,Households,Individuals,Female 0-4,Reason for displacement,First need\n"
        f"{site.code},3,10,10,conflict,food\n"
        f"{site.code}X,3,10,10,conflict,food\n"
        f"{site.code},3,11,10,conflict,food\n"
    ).encode()
    upload = SimpleUploadedFile("round.csv", table)
    checked = imports.preview(open_round, *imports.read_table(upload, upload.name))
    assert set(checked["errors"]) == {3, 4}
    assert "code" in checked["errors"][3] and "individuals" in checked["errors"][4]
    with pytest.raises(Exception):  # noqa: B017,PT011 - the service's ValidationError
        imports.round_import(actor=staff, round=open_round, checked=checked)
    assert not SiteAssessment.objects.exists()
