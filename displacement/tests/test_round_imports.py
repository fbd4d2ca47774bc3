"""A round's table is imported in the background: the upload is kept and checked by a task that
counts its progress (the page shows a bar), the preview names each bad row's fields, and the saving
is a second task, all rows or none, once; the pages are the office's only."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from displacement import imports, services
from displacement.models import RoundImport, Site, SiteAssessment

from .conftest import assessment_data

pytestmark = pytest.mark.django_db

HEADER = "Site code,Households,Individuals,Male 18-59,Reason for displacement,First need\n"
NEW_SITES = (
    "Name,Type,Admin 1,Admin 1 P-code,Admin 2,Admin 2 P-code,Latitude,Longitude,"
    "Households,Individuals,Male 18-59,Reason for displacement,First need\n"
)


def new_sites_table(n: int) -> bytes:
    rows = [f"Camp {i},camp,Ouest,HT01,Delmas,HT0112,18.5,-72.3,3,10,10,conflict,food\n" for i in range(n)]
    return (NEW_SITES + "".join(rows)).encode()


def test_the_page_checks_in_the_background_then_saves_once(client_for, staff, open_round, site):
    client = client_for(staff)
    table = (HEADER + f"{site.code},3,10,10,conflict,food\n").encode()
    answer = client.post(f"/displacement/rounds/{open_round.pk}/import/", {"file": SimpleUploadedFile("r.csv", table)})
    job = RoundImport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/displacement/imports/{job.pk}/"
    assert job.status == "checking" and job.created_by == staff
    page = client.get(answer["Location"]).content.decode()
    assert "Counting the rows" in page and 'hx-trigger="every 1s"' in page
    assert imports.round_import_check(job.pk) == "checked"
    page = client.get(f"/displacement/imports/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in page and 'id="import-assessments">1<' in page and ">Import</button>" in page
    assert not SiteAssessment.objects.exists()
    assert client.post(f"/displacement/imports/{job.pk}/confirm/").status_code == 302
    assert RoundImport.objects.get().status == "saving"
    again = client.post(f"/displacement/imports/{job.pk}/confirm/", follow=True)
    assert b"This import is saving." in again.content
    assert imports.round_import_save(job.pk) == "saved"
    assert imports.round_import_save(job.pk) == "saved"  # a second delivery of the task saves nothing
    assert SiteAssessment.objects.get().male_18_59 == 10
    job.refresh_from_db()
    assert job.saved == 1 and not job.file
    assert 'id="import-saved">1<' in client.get(f"/displacement/imports/{job.pk}/").content.decode()


def test_bad_rows_are_named_by_field_and_the_import_refused(client_for, staff, open_round, site):
    table = (HEADER + f"{site.code},3,10,10,conflict,food\n{site.code}X,3,10,10,conflict,food\n").encode()
    job = imports.round_import_start(actor=staff, round=open_round, upload=SimpleUploadedFile("r.csv", table))
    imports.round_import_check(job.pk)
    job.refresh_from_db()
    assert job.status == "checked" and job.error_rows == 1 and list(job.errors) == ["3"]
    assert "code" in job.errors["3"]
    page = client_for(staff).get(f"/displacement/imports/{job.pk}/").content.decode()
    assert "Correct the rows with errors before importing." in page and ">Import</button>" not in page
    with pytest.raises(Exception, match="Correct the rows"):
        imports.round_import_confirm(actor=staff, import_id=job.pk)
    assert not SiteAssessment.objects.exists()


def test_a_file_that_is_not_a_table_is_refused_at_upload_and_an_unreadable_one_fails(client_for, staff, open_round):
    client = client_for(staff)
    url = f"/displacement/rounds/{open_round.pk}/import/"
    answer = client.post(url, {"file": SimpleUploadedFile("r.pdf", b"%PDF")})
    assert answer.status_code == 200 and b"Upload a CSV or XLSX file." in answer.content
    assert not RoundImport.objects.exists()
    job = imports.round_import_start(actor=staff, round=open_round, upload=SimpleUploadedFile("r.xlsx", b"not xlsx"))
    assert imports.round_import_check(job.pk) == "failed"
    job.refresh_from_db()
    assert job.failure and job.status == "failed"


def test_the_check_counts_its_progress_as_it_goes(staff, open_round):
    seen: list[int] = []
    header, body = imports.read_table(SimpleUploadedFile("r.csv", new_sites_table(600)), "r.csv")
    checked = imports.preview(open_round, header, body, progress=seen.append)
    assert seen == [250, 500] and checked["rows"] == 600 and len(checked["new_sites"]) == 600


def test_the_saving_reads_the_sites_as_they_are_then(staff, haiti, open_round):
    """A site added by hand after the check, with the name and area of one the file adds: the file's
    row assesses it instead of adding it twice."""
    job = imports.round_import_start(
        actor=staff, round=open_round, upload=SimpleUploadedFile("r.csv", new_sites_table(3))
    )
    imports.round_import_check(job.pk)
    imports.round_import_confirm(actor=staff, import_id=job.pk)
    services.site_create(
        actor=staff,
        crisis=haiti,
        data={
            "name": "Camp 1",
            "site_type": "camp",
            "admin1_name": "Ouest",
            "admin1_pcode": "HT01",
            "admin2_pcode": "HT0112",
            "latitude": "18.5",
            "longitude": "-72.3",
        },
    )
    assert imports.round_import_save(job.pk) == "saved"
    assert Site.objects.filter(crisis=haiti).count() == 3 and SiteAssessment.objects.count() == 3


def test_a_round_submitted_before_the_saving_saves_nothing(staff, open_round, site):
    services.assessment_save(actor=staff, round_id=open_round.pk, site_id=site.pk, data=assessment_data())
    job = imports.round_import_start(
        actor=staff, round=open_round, upload=SimpleUploadedFile("r.csv", new_sites_table(3))
    )
    imports.round_import_check(job.pk)
    imports.round_import_confirm(actor=staff, import_id=job.pk)
    services.round_transition(actor=staff, round_id=open_round.pk, to="submitted")
    sites = Site.objects.count()
    assert imports.round_import_save(job.pk) == "failed"
    job.refresh_from_db()
    assert job.failure == "Only an open round takes assessments."
    assert Site.objects.count() == sites and SiteAssessment.objects.count() == 1


def test_only_the_office_sees_and_confirms_its_imports(client_for, users, staff, open_round, site):
    table = (HEADER + f"{site.code},3,10,10,conflict,food\n").encode()
    job = imports.round_import_start(actor=staff, round=open_round, upload=SimpleUploadedFile("r.csv", table))
    imports.round_import_check(job.pk)
    for name in ("staff_lby", "gov_egy", "unhcr", "hq"):
        client = client_for(users[name])
        assert client.get(f"/displacement/imports/{job.pk}/").status_code in (403, 404)
        assert client.post(f"/displacement/imports/{job.pk}/confirm/").status_code in (403, 404)
    assert RoundImport.objects.get().status == "checked"


# --- A real worker and a real browser -------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_round_is_imported_by_the_worker_with_its_progress_shown(
    page, login, live_server, celery_worker_process, demo, tmp_path, axe_violations
):
    from conftest import wait_for
    from crises.tests.factories import CrisisFactory

    staff = demo["users"]["staff_hti"]
    crisis = CrisisFactory(office=demo["offices"]["hti"], code="HTI-2010-T02", country="HTI", movement="internal")
    round = services.round_open(actor=staff, crisis=crisis, start_date="2010-03-01", end_date="2010-03-31")
    path = tmp_path / "round.csv"
    path.write_bytes(new_sites_table(1200))
    login(page, "staff_hti")
    page.goto(f"{live_server.url}/displacement/rounds/{round.pk}/import/")
    page.get_by_label(re.compile(r"^Table of the round")).set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/displacement/imports/\d+/$"))
    page.locator("#import-counts").wait_for(timeout=60_000)
    assert page.locator("#import-state").inner_text() == "Checked"
    assert page.locator("#import-assessments").inner_text() == "1200"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import").click()
    page.wait_for_function("() => document.querySelector('#import-state').textContent === 'Saved'", timeout=60_000)
    assert page.locator("#import-saved").inner_text() == "1200"
    assert wait_for(lambda: SiteAssessment.objects.filter(round=round).count() == 1200)
    assert Site.objects.filter(crisis=crisis).count() == 1200
