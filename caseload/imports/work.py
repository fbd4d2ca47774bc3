"""The work of the import task: check or save the rows of a batch, chunk by chunk, resumable.

The check reads the file and checks every row (``RowValidator``, the only place the row rules
live); it keeps the errors of the bad rows (``ImportRowError``, the rejected-rows file) and the
checked values of the good ones (``ImportStagedChunk``). The save builds the new migrants from those
staged values: it neither reads the file nor checks a row again. Nothing a staged row depends on can
change between the two: the mapping is fixed once checked (mapping it again sends the batch back to
the check, which deletes the staged rows first), the stored file is never written again, the batch
keeps its office and crisis, and the rules look at the row alone and at today's date, which only
ever makes more dates of birth valid, never fewer. A release that tightens a rule between the check
and the save leaves the staged rows as checked by the rule before it, as it leaves the records
registered the minute before the release; the database's constraints hold for both. Staged rows
are kept for ``STAGED_ROWS_DAYS`` after the check (``import_expire_checked``), and deleted when the
batch is saved, fails or is checked again.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import JSONField
from django.utils import timezone, translation

from core.audit import audit_record
from core.locks import task_lock

from ..models import ImportBatch, ImportRowError, ImportStagedChunk, Migrant
from .reading import ImportFileError, is_blank, read_rows
from .services import _delete_migrants, _queue_duplicate_search
from .validation import RowValidator, preview_of

CHUNK_ROWS = 2000  # rows checked, with their errors and staged values, per transaction
SAVE_CHUNK_ROWS = 10_000  # rows saved per transaction: fewer commits of a COPY into 19 indexes
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


def _taken_references(candidates: set[str]) -> set[str]:
    """The candidates already given to a migrant: on PostgreSQL one array parameter (``= ANY``),
    which is parsed and planned in a few milliseconds where an ``IN`` of 2,000 literals takes five
    times that."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Migrant._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT reference FROM {table} WHERE reference = ANY(%s)", [list(candidates)])  # noqa: S608
            return {reference for (reference,) in cursor.fetchall()}
    return set(Migrant.objects.filter(reference__in=candidates).values_list("reference", flat=True))


def _unique_references(office_code: str, count: int) -> list[str]:
    """``count`` new case references in the registration form's format, none already taken."""
    prefix = office_code.upper()
    references: set[str] = set()
    while len(references) < count:
        wanted = count - len(references)
        fresh = {f"{prefix}-{secrets.token_hex(4).upper()}" for _i in range(wanted + 8)} - references
        references |= set(list(fresh - _taken_references(fresh))[:wanted])
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


def _copy(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL COPY of rows (values in the order of ``fields``, JSON already encoded) into a
    model's table: much faster than an INSERT of many rows."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _insert(rows: list[dict[str, Any]]) -> None:
    """Insert new migrants: on PostgreSQL with COPY, elsewhere with bulk_create. Either way the
    model's field validation has been done before (by the check)."""
    if connection.vendor != "postgresql":
        Migrant.objects.bulk_create([Migrant(**row) for row in rows], batch_size=500)
        return
    names = [f.attname for f in _INSERTED]
    json_columns = [i for i, f in enumerate(_INSERTED) if isinstance(f, JSONField)]

    def values(row: dict[str, Any]) -> list[Any]:
        line = [row[n] for n in names]
        for i in json_columns:
            # Most lists (other nationalities, languages, vulnerabilities) are empty: no json.dumps.
            line[i] = "[]" if line[i] == [] else json.dumps(line[i])
        return line

    _copy(Migrant, _INSERTED, (values(row) for row in rows))


def _stage(batch: ImportBatch, first: int, last: int, good: list[list[Any]]) -> None:
    """Keep the checked values of the chunk's good rows (positions ``first`` to ``last``) for the save."""
    if good:
        ImportStagedChunk.objects.create(
            batch_id=batch.pk,
            first_position=first,
            last_position=last,
            row_count=len(good),
            rows=json.dumps(good, separators=(",", ":")),
        )


def _advance(batch: ImportBatch, start: int, **changes) -> None:
    """Move the batch's counters on, only if no one else moved them (a duplicate task, an undo)."""
    updated = ImportBatch.objects.filter(pk=batch.pk, status=batch.status, processed_rows=start).update(
        updated_at=timezone.now(), **changes
    )
    if not updated:
        raise _Superseded


class _Superseded(Exception):
    pass


def _check_chunk(batch: ImportBatch, validator: RowValidator, chunk: list[tuple[int, list[str]]], start: int) -> None:
    """Check the rows of a chunk (the data rows after the first ``start``): keep the errors of the
    bad ones and the checked values of the good ones, and move the counters on, in one transaction."""
    results = [
        (position, validator.check(line, row))
        for position, (line, row) in enumerate(chunk, start + 1)
        if not is_blank(row)
    ]
    good = [(position, r) for position, r in results if not r.errors]
    bad = [r for _position, r in results if r.errors]
    processed = start + len(chunk)
    total = max(batch.total_rows or 0, processed)
    with transaction.atomic():
        ImportRowError.objects.bulk_create(
            [ImportRowError(batch_id=batch.pk, row=r.line, errors=r.errors, values=r.values) for r in bad]
        )
        _stage(batch, start + 1, processed, [[position, *validator.staged(r.data)] for position, r in good])
        preview = list(batch.preview)
        for _position, result in good[: max(0, PREVIEW_ROWS - len(preview))]:
            preview.append({"row": result.line, **preview_of(result.data)})
        changes = {
            "valid_rows": batch.valid_rows + len(good),
            "error_rows": batch.error_rows + len(bad),
            "preview": preview,
        }
        _advance(batch, start, processed_rows=processed, total_rows=total, **changes)
    for key, value in {"processed_rows": processed, "total_rows": total, **changes}.items():
        setattr(batch, key, value)


def _save_chunk(batch: ImportBatch, validator: RowValidator, chunks: list[tuple[int, str]], end: int) -> None:
    """Save the good rows of staged chunks (last position, rows) as new migrants and move the
    counters on to ``end``, in one transaction."""
    start = batch.processed_rows
    with transaction.atomic():
        base = _base_row(batch)
        migrants = [
            validator.build(validator.from_staged(values), base)
            for _last, rows in chunks
            for _position, *values in json.loads(rows)
        ]
        if migrants:
            references = _unique_references(batch.office.code, len(migrants))
            for migrant, reference in zip(migrants, references, strict=True):
                migrant["reference"] = reference
            _insert(migrants)
        created = batch.created_rows + len(migrants)
        _advance(batch, start, processed_rows=end, created_rows=created)
    batch.processed_rows, batch.created_rows = end, created


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
            ImportStagedChunk.objects.filter(batch_id=batch.pk).delete()
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
        ImportStagedChunk.objects.filter(batch_id=batch.pk).delete()
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
    def out_of_time() -> bool:
        return time_budget is not None and time.monotonic() - started > time_budget

    if batch.status == ImportBatch.Status.COMMITTING:
        return _save(batch, out_of_time)
    return _check(batch, out_of_time)


def _check(batch: ImportBatch, out_of_time: Callable[[], bool]) -> str:
    if batch.total_rows is None:
        total = _count_rows(batch)
        ImportBatch.objects.filter(pk=batch.pk, total_rows__isnull=True).update(total_rows=total)
        batch.total_rows = total
    validator = RowValidator(batch.mapping)
    chunk: list[tuple[int, list[str]]] = []
    for item in _data_rows(batch, batch.processed_rows):
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            _check_chunk(batch, validator, chunk, batch.processed_rows)
            chunk = []
            if out_of_time():
                return MORE
    if chunk:
        _check_chunk(batch, validator, chunk, batch.processed_rows)
    _finish(batch)
    return DONE


def _save(batch: ImportBatch, out_of_time: Callable[[], bool]) -> str:
    """The staged chunks in order, SAVE_CHUNK_ROWS rows' worth a transaction; the file is not read."""
    validator = RowValidator(batch.mapping)  # for ``build`` only: the rows were checked
    total = batch.total_rows or 0
    per_save = max(1, SAVE_CHUNK_ROWS // CHUNK_ROWS)
    while batch.processed_rows < total:
        chunks = list(
            ImportStagedChunk.objects.filter(batch_id=batch.pk, first_position__gt=batch.processed_rows)
            .order_by("first_position")
            .values_list("last_position", "rows")[:per_save]
        )
        # The last chunks may hold no good row, and are not staged: the counters go to the end.
        end = chunks[-1][0] if chunks else total
        _save_chunk(batch, validator, chunks, end)
        if batch.processed_rows < total and out_of_time():
            return MORE
    _finish(batch)
    return DONE
