"""The outputs: the page (scoped, print stylesheet), the PDF (pdftotext finds the highlights), the
CSV with its HXL row, the EDXL-SitRep 1.0 XML (the standard's names, valid against
sitreps/schemas/) and the API."""

import csv
import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from lxml import etree

from sitreps import services
from sitreps.document import context, edxl_schema, edxl_xml
from sitreps.models import Sitrep

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


SR = "{urn:oasis:names:tc:emergency:EDXL:SitRep:1.0}"
CT = "{urn:oasis:names:tc:emergency:edxl:ct:1.0}"
XNL = "{urn:oasis:names:tc:emergency:edxl:ciq:1.0:xnl}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
EDXL_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


def _edxl(sitrep, user):
    return edxl_xml(sitrep, context(sitrep, user=user, outside=True))


def test_the_edxl_export_validates_against_the_schema(published, hq):
    xml = _edxl(published, hq)
    schema = edxl_schema()
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    assert b"<5" not in xml and b"&lt;5" in xml  # the small count, suppressed and escaped


def test_the_edxl_export_uses_the_standard_names_and_namespaces(published, hq):
    document = etree.fromstring(_edxl(published, hq))
    assert document.tag == f"{SR}sitRep"
    header = [child.tag.removeprefix(SR) for child in document]
    assert header == [
        "messageID",
        "preparedBy",
        "authorizedBy",
        "reportPurpose",
        "reportNumber",
        "reportVersion",
        "forTimePeriod",
        "reportTitle",
        "incidentID",
        "incidentLifecyclePhase",
        "originatingMessageID",
        "reportConfidence",
        "severity",
        "report",
    ]
    assert document.findtext(f"{SR}messageID") == f"mcof-sitrep-{published.crisis.code}-{published.number}"
    assert document.findtext(f"{SR}reportNumber") == str(published.number)
    assert document.findtext(f"{SR}reportVersion") == "Initial"  # the crisis's first report
    assert document.findtext(f"{SR}incidentLifecyclePhase") == "Response"
    prepared = document.find(f"{SR}preparedBy")
    assert [c.tag for c in prepared] == [f"{CT}personDetails", f"{CT}timeValue"]
    assert prepared.findtext(f"{CT}personDetails/{XNL}personName/{XNL}nameElement") == published.office.name
    authorized = document.find(f"{SR}authorizedBy")
    assert authorized.findtext(f"{CT}timeValue") == published.approved_at.astimezone(datetime.UTC).isoformat(
        timespec="seconds"
    )
    period = document.find(f"{SR}forTimePeriod")
    assert [c.tag for c in period] == [f"{CT}fromDateTime", f"{CT}toDateTime"]
    times = [period[0].text, period[1].text, prepared.findtext(f"{CT}timeValue"), authorized.findtext(f"{CT}timeValue")]
    assert all(EDXL_DATETIME.match(t) for t in times), times  # whole seconds, an offset, no "Z"
    assert period[1].text == published.cutoff.astimezone(datetime.UTC).isoformat(timespec="seconds")
    report = document.find(f"{SR}report")
    assert report.get(XSI_TYPE) == "sitrep:SituationInformationType"
    assert report.nsmap["sitrep"] == SR.strip("{}")
    extensions = {e.findtext(f"{SR}id"): e for e in report.findall(f"{SR}extension")}
    assert set(extensions) == {"urn:x-mcof:edxl-sitrep:figures", "urn:x-mcof:edxl-sitrep:narrative"}
    figures = {
        p.findtext(f"{SR}nameURI"): p.findtext(f"{SR}value")
        for p in extensions["urn:x-mcof:edxl-sitrep:figures"].findall(f"{SR}parameter")
    }
    assert figures["urn:x-mcof:edxl-sitrep:figure:by_vulnerability:victim_of_trafficking"] == "<5"
    assert figures["urn:x-mcof:edxl-sitrep:figure:headline:registered_total"] == "3"
    sections = {
        p.findtext(f"{SR}nameURI"): [v.text for v in p.findall(f"{SR}value")]
        for p in extensions["urn:x-mcof:edxl-sitrep:narrative"].findall(f"{SR}parameter")
    }
    assert sections["urn:x-mcof:edxl-sitrep:section:highlights"] == [
        "Charter flights evacuated Bangladeshi workers from Misrata."
    ]
    assert sections["urn:x-mcof:edxl-sitrep:section:contacts"] == ["ops@iom.int"]


def test_a_long_section_is_cut_into_values_that_fit_the_standard_string(published, hq):
    Sitrep.objects.filter(pk=published.pk).update(situation_overview=" ".join(["word"] * 600))
    published.refresh_from_db()
    document = etree.fromstring(_edxl(published, hq))
    assert edxl_schema().validate(document)
    overview = next(
        p for p in document.iter(f"{SR}parameter") if p.findtext(f"{SR}nameURI").endswith(":situation_overview")
    )
    values = [v.text for v in overview.findall(f"{SR}value")]
    assert len(values) == 3 and all(len(v) <= 1023 for v in values)
    assert " ".join(values) == " ".join(["word"] * 600)


def test_a_draft_names_no_authoriser_and_a_later_report_points_back(published, staff, hq):
    draft = services.sitrep_draft(crisis=published.crisis, actor=staff)
    document = etree.fromstring(_edxl(draft, hq))
    assert edxl_schema().validate(document), edxl_schema().error_log
    assert document.find(f"{SR}authorizedBy/{CT}personDetails/{XNL}personName").findall(f"{XNL}nameElement") == []
    assert document.findtext(f"{SR}reportVersion") == "Update"
    assert document.findtext(f"{SR}reportConfidence") == "SomewhatConfident"
    assert document.findtext(f"{SR}originatingMessageID") == f"mcof-sitrep-{published.crisis.code}-1"
    assert document.findtext(f"{SR}precedingMessageID") == f"mcof-sitrep-{published.crisis.code}-{published.number}"


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(lambda d: d.remove(d[0]), id="no messageID"),
        pytest.param(lambda d: d.insert(1, d[3]), id="out of order"),
        pytest.param(lambda d: d.find(f"{SR}reportVersion").__setattr__("text", "Draft"), id="not a report version"),
        pytest.param(
            lambda d: d.find(f"{SR}forTimePeriod")[1].__setattr__("text", "2026-01-01T00:00:00Z"), id="UTC as Z"
        ),
        pytest.param(
            lambda d: d.find(f"{SR}forTimePeriod")[1].__setattr__("text", "2026-01-01T00:00:00.5+00:00"),
            id="fractional seconds",
        ),
        pytest.param(lambda d: d.find(f"{SR}report").attrib.pop(XSI_TYPE), id="abstract report"),
        pytest.param(lambda d: d.__setattr__("tag", f"{SR}SitRep"), id="capitalised root"),
        pytest.param(
            lambda d: d.find(f"{SR}preparedBy")[0].__setattr__("tag", f"{SR}personDetails"), id="person outside ct"
        ),
    ],
)
def test_a_broken_edxl_document_is_refused_by_the_schema(published, hq, break_it):
    document = etree.fromstring(_edxl(published, hq))
    assert edxl_schema().validate(document)
    break_it(document)
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
