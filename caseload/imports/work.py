"""The work of the import task: check or save the rows of a batch, chunk by chunk, resumable."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.locks import task_lock

from ..models import ImportBatch, ImportRowError, Migrant
from .reading import ImportFileError, is_blank, read_rows
from .services import _delete_migrants, _queue_duplicate_search
from .validation import RowValidator, preview_of

CHUNK_ROWS = 2000  # rows validated, saved and counted per transaction
PREVIEW_ROWS = 10
TIME_BUDGET_SECONDS = 20.0  # a task hands over to a fresh one after this, within Celery's time limit


def _data_rows(batch: ImportBatch, skip: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every data row after the header, past the first ``skip`` data rows."""
    rows = read_rows(batch.file, batch.file_format)
    line = 0
    header_seen = False
    seen = 0
    for row in rows:
        line += 1
        if not header_seen:
            if is_blank(row):
                continue
            header_seen = True
            continue
        seen += 1
        if seen <= skip:
            continue
        yield line, row


def _count_rows(batch: ImportBatch) -> int:
    return sum(1 for _line in _data_rows(batch, 0))


def _unique_references(office_code: str, count: int) -> list[str]:
    """``count`` new case references in the registration form's format, none already taken."""
    prefix = office_code.upper()
    references: set[str] = set()
    while len(references) < count:
        wanted = count - len(references)
        fresh = {f"{prefix}-{secrets.token_hex(4).upper()}" for _i in range(wanted + 8)} - references
        taken = set(Migrant.objects.filter(reference__in=fresh).values_list("reference", flat=True))
        references |= set(list(fresh - taken)[:wanted])
    return list(references)


_INSERTED = [f for f in Migrant._meta.concrete_fields if not f.primary_key and not f.generated]


def _base_row(batch: ImportBatch) -> dict[str, Any]:
    """The column values every migrant of the batch shares, and the model's defaults of the others."""
    now = timezone.now()
    base = {f.attname: f.get_default() for f in _INSERTED}
    base.update(
        office_id=batch.office_id,
        crisis_id=batch.crisis_id,
        created_by_id=batch.created_by_id,
        import_batch_id=batch.pk,
        created_at=now,
        updated_at=now,
    )
    return base


def _insert(rows: list[dict[str, Any]]) -> None:
    """Insert new migrants: on PostgreSQL with COPY, much faster than an INSERT of many rows;
    elsewhere with bulk_create. Either way the model's field validation has been done before."""
    if connection.vendor != "postgresql":
        Migrant.objects.bulk_create([Migrant(**row) for row in rows], batch_size=500)
        return
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _INSERTED)
    statement = f"COPY {connection.ops.quote_name(Migrant._meta.db_table)} ({columns}) FROM STDIN"
    names = [f.attname for f in _INSERTED]
    json_names = {f.attname for f in _INSERTED if isinstance(f, JSONField)}
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_names else row[n] for n in names])


def _advance(batch: ImportBatch, start: int, **changes) -> None:
    """Move the batch's counters on, only if no one else moved them (a duplicate task, an undo)."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, processed_rows=start).update(
        updated_at=timezone.now(), **changes
    )
    if not updated:
        raise _Superseded


class _Superseded(Exception):
    pass


def _process_chunk(batch: ImportBatch, validator: RowValidator, chunk: list[tuple[int, list[str]]], start: int) -> int:
    results = [validator.check(line, row) for line, row in chunk if not is_blank(row)]
    good = [r for r in results if not r.errors]
    bad = [r for r in results if r.errors]
    processed = start + len(chunk)
    total = max(batch.total_rows or 0, processed)
    with transaction.atomic():
        if batch.status == ImportBatch.Status.VALIDATING:
            ImportRowError.objects.bulk_create(
                [ImportRowError(batch_id=batch.pk, row=r.line, errors=r.errors, values=r.values) for r in bad]
            )
            preview = list(batch.preview)
            for result in good[: max(0, PREVIEW_ROWS - len(preview))]:
                preview.append({"row": result.line, **preview_of(result.data)})
            changes = {
                "valid_rows": batch.valid_rows + len(good),
                "error_rows": batch.error_rows + len(bad),
                "preview": preview,
            }
        else:
            if bad and not batch.save_valid_rows:
                raise ImportFileError(
                    _("Row %(row)s no longer passes the checks: nothing is saved.") % {"row": bad[0].line}
                )
            base = _base_row(batch)
            migrants = [validator.build(r, base) for r in good]
            for migrant, reference in zip(migrants, _unique_references(batch.office.code, len(migrants)), strict=True):
                migrant["reference"] = reference
            _insert(migrants)
            changes = {"created_rows": batch.created_rows + len(migrants)}
        _advance(batch, start, processed_rows=processed, total_rows=total, **changes)
    for key, value in {"processed_rows": processed, "total_rows": total, **changes}.items():
        setattr(batch, key, value)
    return processed


def _finish(batch: ImportBatch) -> None:
    with transaction.atomic():
        now = timezone.now()
        if batch.status == ImportBatch.Status.VALIDATING:
            _advance(
                batch,
                batch.processed_rows,
                status=ImportBatch.Status.VALIDATED,
                validated_at=now,
                total_rows=batch.processed_rows,
            )
        else:
            _advance(
                batch,
                batch.processed_rows,
                status=ImportBatch.Status.COMMITTED,
                committed_at=now,
                total_rows=batch.processed_rows,
            )
            audit_record(
                actor=batch.created_by,
                action="update",
                obj=batch,
                after={"migrants_created": batch.created_rows, "rows_rejected": batch.error_rows},
            )
            if connection.vendor == "postgresql":
                # Fresh planner statistics after a bulk load, so the duplicate search that follows
                # (and every list) is planned for the table as it now is.
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(Migrant._meta.db_table)}")
            _queue_duplicate_search(batch.office_id)


def _fail(batch: ImportBatch, message: str) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (ImportBatch.Status.VALIDATING, ImportBatch.Status.COMMITTING):
            return
        deleted = _delete_migrants(batch.pk) if batch.status == ImportBatch.Status.COMMITTING else 0
        batch.status = ImportBatch.Status.FAILED
        batch.failure = message
        batch.created_rows = 0
        batch.save(update_fields=["status", "failure", "created_rows", "updated_at"])
        audit_record(
            actor=batch.created_by,
            action="update",
            obj=batch,
            after={"failed": message, "migrants_deleted": deleted},
        )


MORE, BUSY, DONE = "more", "busy", "done"


def import_run(*, batch_id: int, time_budget: float | None = TIME_BUDGET_SECONDS) -> str:
    """Check or save the rows of a batch from where it stands, chunk by chunk, each chunk in one
    transaction with the batch's counters (so a run that dies resumes where the last one stopped).

    Answers MORE when the batch still has rows to do after ``time_budget`` seconds (the task then
    queues a fresh run), BUSY when another run holds the batch's lease (the task looks again
    later, in case that run died), DONE when it is done or there was nothing to do. The lease
    keeps two runs from working on one batch at once.
    """
    started = time.monotonic()
    with task_lock(f"caseload.import.{batch_id}", timedelta(minutes=5)) as acquired:
        running = ImportBatch.objects.filter(
            pk=batch_id, status__in=(ImportBatch.Status.VALIDATING, ImportBatch.Status.COMMITTING)
        )
        if not acquired:
            return BUSY if running.exists() else DONE
        batch = running.select_related("office").first()
        if batch is None:
            return DONE
        with translation.override(batch.language):
            try:
                return _run(batch, started, time_budget)
            except _Superseded:
                return DONE
            except ImportFileError as exc:
                _fail(batch, str(exc))
                return DONE


def _run(batch: ImportBatch, started: float, time_budget: float | None) -> str:
    if batch.total_rows is None:
        total = _count_rows(batch)
        ImportBatch.objects.filter(pk=batch.pk, total_rows__isnull=True).update(total_rows=total)
        batch.total_rows = total
    validator = RowValidator(batch.mapping)
    chunk: list[tuple[int, list[str]]] = []
    for item in _data_rows(batch, batch.processed_rows):
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            _process_chunk(batch, validator, chunk, batch.processed_rows)
            chunk = []
            if time_budget is not None and time.monotonic() - started > time_budget:
                return MORE
    if chunk:
        _process_chunk(batch, validator, chunk, batch.processed_rows)
    _finish(batch)
    return DONE
