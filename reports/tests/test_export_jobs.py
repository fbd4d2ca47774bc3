"""Large XLSX exports are built by a worker for the user who asked, with the list's filters and that
user's rights; the page shows the progress, then the download, to that user only; files expire."""

from __future__ import annotations

import datetime
import io

import hxl
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.tests.factories import office_staff
from conftest import wait_for
from core.models import AuditEntry
from reports.export_jobs import export_job_run, export_jobs_expire, file_path
from reports.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_inline(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 3


def request_export(client, dataset="migrants", query=""):
    return client.get(reverse("reports:export", args=[dataset, "xlsx"]) + (f"?{query}" if query else ""))


def workbook_rows(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_large_xlsx_export_is_built_in_the_background_for_its_requester_only(
    world, client_for, small_inline, django_capture_on_commit_callbacks
):
    hq = client_for(world.users["hq"])
    with django_capture_on_commit_callbacks() as queued:
        response = request_export(hq, query="nationality=EGY")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export_job", args=[job.pk])
    assert len(queued) == 1  # the task is sent once the job is committed
    assert (job.status, job.total_rows, job.user) == ("pending", 6, world.users["hq"])
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == world.users["hq"] and entry.after["rows"] == 6 and entry.after["format"] == "xlsx"
    page = hq.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 2s"' in page

    assert export_job_run(job.pk) == "done"
    assert export_job_run(job.pk) == "skipped"  # a second delivery of the task does nothing
    job.refresh_from_db()
    assert (job.status, job.done_rows) == ("done", 6)
    partial = hq.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "Download the XLSX file (6 rows)" in partial
    download = hq.get(reverse("reports:export_job_download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    rows = workbook_rows(body)
    assert rows[1][0].startswith("#") and len(rows) == 2 + 6  # header, hashtags, the six Egyptians
    assert {column.display_tag for column in hxl.data(io.BytesIO(body)).columns} >= {"#country+code+nationality"}

    # Nobody else sees it, not even a colleague with the same rights.
    for username in ("staff_lby", "com_lby", "gov_egy", "unhcr"):
        client = client_for(world.users[username])
        assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404, username
        assert client.get(reverse("reports:export_job_download", args=[job.pk])).status_code == 404, username
    assert "Your large exports" in hq.get(reverse("reports:exports")).content.decode()


def test_the_worker_applies_the_requesters_rights_and_the_lists_filters(world, client_for, small_inline):
    plain = office_staff(world.offices["lby"])  # without the sensitive permission: not the victim
    request_export(client_for(plain))
    job = ExportJob.objects.get(user=plain)
    assert job.total_rows == 8
    export_job_run(job.pk)
    job.refresh_from_db()
    rows = workbook_rows(file_path(job).read_bytes())
    assert len(rows) == 2 + 8


def test_small_exports_and_csv_stay_in_the_request(world, client_for, settings):
    hq = client_for(world.users["hq"])
    settings.EXPORT_INLINE_MAX_ROWS = 100
    response = request_export(hq)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    settings.EXPORT_INLINE_MAX_ROWS = 3
    csv = hq.get(reverse("reports:export", args=["migrants", "csv"]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert not ExportJob.objects.exists()


def test_a_bad_filter_starts_no_job(world, client_for, small_inline):
    response = request_export(client_for(world.users["hq"]), query="nationality=XXX")
    assert response.status_code == 400 and "nationality" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_files_expire_and_a_deactivated_requester_gets_nothing(world, client_for, small_inline, settings):
    hq = client_for(world.users["hq"])
    request_export(hq)
    job = ExportJob.objects.get()
    export_job_run(job.pk)
    job.refresh_from_db()
    path = file_path(job)
    assert path.exists()
    later = timezone.now() + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS, minutes=1)
    assert export_jobs_expire(now=later) == 1
    job.refresh_from_db()
    assert job.status == "expired" and not path.exists()
    assert hq.get(reverse("reports:export_job_download", args=[job.pk])).status_code == 404
    assert "export the list again" in hq.get(reverse("reports:export_job", args=[job.pk])).content.decode()

    leaver = office_staff(world.offices["tun"])
    request_export(client_for(leaver))
    job = ExportJob.objects.get(user=leaver)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    assert export_job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and not job.file_name


@pytest.mark.worker
def test_a_real_worker_builds_the_export(celery_worker_process, world, client_for, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    hq = client_for(world.users["hq"])
    response = request_export(hq)
    job = ExportJob.objects.get()
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done", timeout=60)
    assert "Download the XLSX file (15 rows)" in hq.get(response["Location"]).content.decode()


def test_through_the_api_a_large_xlsx_export_answers_202_with_its_job(world, api_for, small_inline):
    hq = api_for(world.users["hq"])
    response = hq.get("/api/v1/exports/migrants/?format=xlsx&nationality=EGY")
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == f"/api/v1/export-jobs/{job['id']}/"
    assert (job["status"], job["total_rows"], job["download_url"]) == ("pending", 6, None)
    assert ExportJob.objects.get(pk=job["id"]).query == "nationality=EGY"
    export_job_run(job["id"])
    done = hq.get(response["Location"]).json()
    assert done["status"] == "done" and done["download_url"] == f"/api/v1/export-jobs/{job['id']}/download/"
    file = hq.get(done["download_url"])
    assert file.status_code == 200
    assert len(workbook_rows(b"".join(file.streaming_content))) == 2 + 6
    for username in ("staff_lby", "gov_egy", "unhcr"):
        other = api_for(world.users[username])
        assert other.get(response["Location"]).status_code == 404, username
        assert other.get(done["download_url"]).status_code == 404, username
    # CSV is streamed whatever its size.
    assert hq.get("/api/v1/exports/migrants/?format=csv").status_code == 200
