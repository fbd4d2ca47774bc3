"""The outputs: the page (scoped, print stylesheet), the PDF (pdftotext finds the highlights), the
CSV with its HXL row, the EDXL-SitRep XML valid against the vendored schema, and the API."""

import csv
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from lxml import etree

from sitreps import services
from sitreps.document import context, edxl_schema, edxl_xml

from .conftest import publish, register

pytestmark = pytest.mark.django_db
HIGHLIGHTS = "Charter flights evacuated **Bangladeshi** workers from Misrata."


@pytest.fixture
def published(crisis, staff, chief):
    register(staff, crisis)
    for n in range(2):
        register(
            staff, crisis, given_name=f"V{n}", document_number=f"BG7{n}", vulnerabilities=["victim_of_trafficking"]
        )
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    services.sitrep_update(
        actor=staff, sitrep_id=sitrep.pk, sections={"highlights": HIGHLIGHTS, "contacts": "ops@iom.int"}
    )
    return publish(sitrep, author=staff, approver=chief)


def test_the_edxl_export_validates_against_the_vendored_schema(published, hq):
    xml = edxl_xml(published, context(published, user=hq, outside=True))
    schema = edxl_schema()
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    assert document.tag == "{urn:oasis:names:tc:emergency:EDXL:SitRep:1.0}SitRep"
    assert b"<5" not in xml and b"&lt;5" in xml  # the small count, suppressed and escaped


def test_a_broken_edxl_document_is_refused_by_the_schema(published, hq):
    document = etree.fromstring(edxl_xml(published, context(published, user=hq, outside=True)))
    document.remove(document[0])  # no MessageID
    assert not edxl_schema().validate(document)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_opens_and_holds_the_highlights(published, client_for, staff, tmp_path):
    response = client_for(staff).get(reverse("sitreps:download", args=(published.pk, "pdf")))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "sitrep.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Charter flights evacuated Bangladeshi workers" in text
    assert "<5" in text  # the PDF leaves the office


def test_the_csv_carries_hxl_tags_and_suppressed_counts(published, api_for, staff):
    response = api_for(staff).get(f"/api/v1/sitreps/{published.pk}/export/?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "#crisis+code" and "#indicator+value+num" in rows[1]
    trafficking = next(r for r in rows if r[4] == "Victim of trafficking")
    assert trafficking[5] == "<5"


def test_the_page_shows_the_office_exact_counts_and_others_suppressed(published, client_for, staff, hq, users):
    page = client_for(staff).get(reverse("sitreps:detail", args=(published.pk,)))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<strong>Bangladeshi</strong>" in body and "css/sitrep.css" in body
    assert "&lt;5" not in body
    assert "&lt;5" in client_for(hq).get(reverse("sitreps:detail", args=(published.pk,))).content.decode()
    # Another office whose country the crisis does not touch sees nothing of it.
    assert client_for(users["staff_hti"]).get(reverse("sitreps:detail", args=(published.pk,))).status_code == 404
    assert client_for(users["gov_egy"]).get(reverse("sitreps:detail", args=(published.pk,))).status_code == 404


def test_the_api_lists_filters_and_moves_reports(crisis, api_for, staff, chief, users):
    sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
    api = api_for(staff)
    listed = api.get(f"/api/v1/sitreps/?crisis={crisis.pk}&status=draft").json()
    assert [r["id"] for r in listed["results"]] == [sitrep.pk]
    assert api.get("/api/v1/sitreps/?status=published").json()["results"] == []
    assert api.post(f"/api/v1/sitreps/{sitrep.pk}/transition/", {"to": "submitted"}, format="json").status_code == 200
    refused = api_for(users["hq"]).post(f"/api/v1/sitreps/{sitrep.pk}/transition/", {"to": "approved"}, format="json")
    assert refused.status_code == 403  # Level 1: the Chief of Mission approves
    assert api_for(users["unhcr"]).get(f"/api/v1/sitreps/{sitrep.pk}/").status_code == 404
    approved = api_for(chief).post(f"/api/v1/sitreps/{sitrep.pk}/transition/", {"to": "approved"}, format="json")
    assert approved.json()["status"] == "approved"
    bad = api.get(f"/api/v1/sitreps/{sitrep.pk}/export/?format=docx")
    assert bad.status_code == 400 and "format" in bad.json()["error"]["fields"]
    edxl = api.get(f"/api/v1/sitreps/{sitrep.pk}/export/?format=edxl")
    assert edxl.status_code == 200 and edxl_schema().validate(etree.fromstring(edxl.content))


def test_the_list_keeps_a_fixed_number_of_queries(crisis, staff, chief, api_for, django_assert_max_num_queries):
    for _ in range(3):
        publish(services.sitrep_draft(crisis=crisis, actor=staff), author=staff, approver=chief)
    with django_assert_max_num_queries(30):
        assert len(api_for(staff).get("/api/v1/sitreps/").json()["results"]) == 3
