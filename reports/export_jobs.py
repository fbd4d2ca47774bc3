"""Spreadsheets too big to build during a page request, built by a Celery worker.

An XLSX workbook cannot be streamed: openpyxl writes the whole file before its first byte can be
sent, about half a minute per 50,000 rows here, longer than a web worker may hold a request. Above
``EXPORT_INLINE_MAX_ROWS`` rows the export page therefore starts an ``ExportJob``: the export is
checked and written to the audit trail at once (as an inline one is), a worker builds the file with
the user's rights of that moment, the page shows its progress and then the download, for the user
who asked only. Files are deleted ``EXPORT_KEEP_HOURS`` after they were built.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from .exports import Export, export_audit, export_filename, export_prepare, export_rows, xlsx_file
from .models import ExportJob

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 2000  # rows between two progress writes


def exports_dir() -> Path:
    path = Path(settings.EXPORTS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(job: ExportJob) -> Path:
    return exports_dir() / job.file_name


def export_jobs_of(user: User) -> QuerySet[ExportJob]:
    """An export is its requester's alone: anyone else, colleagues and HQ included, is told it does
    not exist (its file holds what that user's rights let through)."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user=user)


def export_job_file(user: User, pk: int) -> FileResponse:
    """The download of a built export of the user's; Http404 for another's, or one not ready or expired."""
    job = get_object_or_404(export_jobs_of(user), pk=pk)
    path = file_path(job) if job.status == ExportJob.Status.DONE else None
    if path is None or not path.exists():
        raise Http404
    filename = export_filename(job.dataset, job.file_format)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename)  # noqa: SIM115 - closed by Django


def needs_job(export: Export, fmt: str) -> tuple[bool, int | None]:
    """Whether the export is built by a worker, and its number of rows (one COUNT, for XLSX only:
    a CSV is streamed as it is read, whatever its size)."""
    if fmt != "xlsx":
        return False, None
    rows = export.queryset.count()
    return rows > settings.EXPORT_INLINE_MAX_ROWS, rows


def export_job_start(
    *, user: User, export: Export, fmt: str, rows: int, request: HttpRequest, query: str | None = None
) -> ExportJob:
    """Record the export in the audit trail and queue its building, in one transaction: the task
    is sent once the job row is committed. ``query``: the filters as a query string (by default the
    request's)."""
    from .tasks import build_export

    with transaction.atomic():
        export_audit(user=user, export=export, fmt=fmt, request=request, rows=rows)
        job = ExportJob.objects.create(
            user=user,
            dataset=export.dataset,
            file_format=fmt,
            query=request.GET.urlencode() if query is None else query,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            total_rows=rows,
        )
        transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def _counted(rows: Iterable[list], job: ExportJob) -> Iterator[list]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(done_rows=done)
    ExportJob.objects.filter(pk=job.pk).update(done_rows=done)


def export_job_run(job_id: int) -> str:
    """Build the file of a pending job (a job already taken by another worker is left alone)."""
    taken = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(status=ExportJob.Status.RUNNING)
    if not taken:
        return "skipped"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    name = f"{uuid.uuid4().hex}.{job.file_format}"
    path = exports_dir() / name
    try:
        if not job.user.is_active:
            raise PermissionError("the account was deactivated")
        with translation.override(job.language):
            export = export_prepare(user=job.user, dataset=job.dataset, params=QueryDict(job.query))
            with open(path, "wb") as handle:
                xlsx_file(export, _counted(export_rows(export, user=job.user), job), into=handle)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong is told on the job's page
        path.unlink(missing_ok=True)
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        return "failed"
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.DONE, file_name=name, finished_at=timezone.now())
    return "done"


def export_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files built more than EXPORT_KEEP_HOURS ago; their jobs stay, marked expired."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(
        status=ExportJob.Status.DONE, finished_at__lt=now - datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    )
    count = 0
    for job in old:
        (exports_dir() / job.file_name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file_name="")
        count += 1
    return count
