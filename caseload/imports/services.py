"""Writes of the imports: upload, map, commit, undo; the checking and saving are the task's (``work``)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Office, User
from core.audit import audit_record
from crises.models import Crisis

from ..models import CaseShare, Consent, DuplicateCandidate, ImportBatch, Migrant, Referral
from ..services import require_office_member
from .fields import auto_mapping, check_mapping
from .reading import ImportFileError, file_format_of, is_blank, read_rows
from .selectors import import_crises_for

MAX_UPLOAD_BYTES = 64 * 1024 * 1024


def _queue_duplicate_search(office_id: int) -> None:
    from ..tasks import find_duplicates

    transaction.on_commit(lambda: find_duplicates.delay(office_id=office_id))


def _queue(batch_id: int) -> None:
    from ..tasks import process_import

    transaction.on_commit(lambda: process_import.delay(batch_id))


def import_upload(
    *,
    actor: User,
    crisis: Crisis,
    file: UploadedFile,
    save_valid_rows: bool = False,
    office: Office | None = None,
    request: HttpRequest | None = None,
) -> ImportBatch:
    """Store an uploaded CSV or XLSX file for ``crisis`` and propose a mapping of its columns."""
    office_id = office.pk if office else crisis.office_id
    require_office_member(actor, office_id)
    if crisis.office_id != office_id or not import_crises_for(actor).filter(pk=crisis.pk).exists():
        raise ValidationError({"crisis": [_("Choose an active crisis of your office.")]})
    file_format = file_format_of(file.name or "")
    if file_format is None:
        raise ValidationError({"file": [_("Upload a CSV or an XLSX file.")]})
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES >> 20}]})
    batch = ImportBatch(
        office_id=office_id,
        crisis=crisis,
        file_name=(file.name or "")[-255:],
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        options={"save_valid_rows": bool(save_valid_rows)},
        created_by=actor,
    )
    batch.file.save(f"{secrets.token_hex(8)}.{file_format}", file, save=False)
    try:
        headers = next((row for row in read_rows(batch.file, file_format) if not is_blank(row)), None)
    except ImportFileError as exc:
        batch.file.delete(save=False)
        raise ValidationError({"file": [str(exc)]}) from None
    if not headers:
        batch.file.delete(save=False)
        raise ValidationError({"file": [_("The file is empty.")]})
    while headers and not headers[-1]:
        headers.pop()
    batch.headers = headers
    batch.mapping = auto_mapping(headers)
    with transaction.atomic():
        batch.save()
        audit_record(
            actor=actor,
            action="create",
            obj=batch,
            request=request,
            after={"file": batch.file_name, "crisis": crisis.code, "columns": len(headers)},
        )
    return batch


def import_set_mapping(
    *, actor: User, batch_id: int, mapping: dict[str, str], save_valid_rows: bool | None = None, request=None
) -> ImportBatch:
    """Fix the column mapping and queue the check of every row."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        require_office_member(actor, batch.office_id)
        if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED, ImportBatch.Status.FAILED):
            raise ValidationError(_("This import can no longer be changed."))
        batch.mapping = check_mapping(mapping, len(batch.headers))
        if save_valid_rows is not None:
            batch.options = {**batch.options, "save_valid_rows": bool(save_valid_rows)}
        batch.row_errors.all().delete()
        batch.staged_chunks.all().delete()
        batch.status = ImportBatch.Status.VALIDATING
        batch.processed_rows = batch.valid_rows = batch.error_rows = batch.created_rows = 0
        batch.total_rows = None
        batch.preview = []
        batch.failure = ""
        batch.save()
        audit_record(actor=actor, action="update", obj=batch, request=request, after={"mapping": batch.mapping})
        _queue(batch.pk)
    return batch


def import_commit(
    *, actor: User, batch_id: int, save_valid_rows: bool, request: HttpRequest | None = None
) -> ImportBatch:
    """Queue the saving of a checked import. All or nothing unless ``save_valid_rows``."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        require_office_member(actor, batch.office_id)
        if batch.status != ImportBatch.Status.VALIDATED:
            raise ValidationError(_("Only a checked import can be saved."))
        if batch.error_rows and not save_valid_rows:
            raise ValidationError(
                _(
                    "%(count)s rows have errors: nothing is saved. Correct the file and upload it again, "
                    "or choose to save the good rows."
                )
                % {"count": batch.error_rows}
            )
        if not batch.valid_rows:
            raise ValidationError(_("No row can be saved."))
        if (batch.staged_chunks.aggregate(rows=Sum("row_count"))["rows"] or 0) != batch.valid_rows:
            # The checked rows were cleared (the crisis's retention period ended): nothing to save from.
            raise ValidationError(_("The checked rows are no longer kept: map the columns and check the file again."))
        batch.options = {**batch.options, "save_valid_rows": bool(save_valid_rows)}
        batch.status = ImportBatch.Status.COMMITTING
        batch.processed_rows = 0
        batch.created_rows = 0
        batch.save()
        audit_record(
            actor=actor,
            action="update",
            obj=batch,
            request=request,
            after={"commit": True, "save_valid_rows": bool(save_valid_rows)},
        )
        _queue(batch.pk)
    return batch


def _delete_migrants(batch_id: int) -> int:
    """Delete the migrants an import created, with their consents, shares and duplicate candidates."""
    Consent.objects.filter(migrant__import_batch_id=batch_id).delete()
    CaseShare.objects.filter(migrant__import_batch_id=batch_id).delete()
    DuplicateCandidate.objects.filter(
        Q(migrant_a__import_batch_id=batch_id) | Q(migrant_b__import_batch_id=batch_id)
    ).delete()
    DuplicateCandidate.objects.filter(survivor__import_batch_id=batch_id).update(survivor=None)
    # Everything that hangs on the records is gone (or, for referrals and merges, refused by the
    # caller): one plain DELETE, without loading 100,000 objects. The database's foreign keys still
    # refuse the commit if a referral was added meanwhile.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Migrant._meta.db_table)} WHERE import_batch_id = %s",  # noqa: S608
            [batch_id],
        )
        return cursor.rowcount


def import_undo(*, actor: User, batch_id: int, request: HttpRequest | None = None) -> ImportBatch:
    """Delete every migrant a saved import created, as long as no referral hangs on any of them
    and none was merged with another record."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        require_office_member(actor, batch.office_id)
        if batch.status != ImportBatch.Status.COMMITTED:
            raise ValidationError(_("Only a saved import can be undone."))
        # Lock the import's records so that no referral is added to one while they are deleted.
        list(Migrant.objects.select_for_update().filter(import_batch=batch).values_list("pk", flat=True))
        referred = Referral.objects.filter(migrant__import_batch=batch).count()
        if referred:
            raise ValidationError(
                _("%(count)s referrals were made for migrants of this import: it can no longer be undone.")
                % {"count": referred}
            )
        if Migrant.objects.filter(
            Q(import_batch=batch, merged_into__isnull=False) | Q(merged_into__import_batch=batch)
        ).exists():
            raise ValidationError(_("Records of this import were merged with others: it can no longer be undone."))
        deleted = _delete_migrants(batch.pk)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
        audit_record(actor=actor, action="delete", obj=batch, request=request, after={"migrants_deleted": deleted})
    return batch


STAGED_ROWS_DAYS = 7  # a checked import not saved within this many days is to be checked again


def import_expire_checked(*, now: datetime | None = None) -> int:
    """Fail the checked imports not saved within STAGED_ROWS_DAYS and delete their checked rows,
    which hold the people's data; mapping the columns again checks the file again. Answers how many."""
    cutoff = (now or timezone.now()) - timedelta(days=STAGED_ROWS_DAYS)
    expired = 0
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.VALIDATED, validated_at__lt=cutoff)
    for batch_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            batch = stale.select_for_update().filter(pk=batch_id).first()
            if batch is None:  # saved or mapped again meanwhile
                continue
            batch.staged_chunks.all().delete()
            with translation.override(batch.language):
                batch.failure = _(
                    "The checked rows are kept for %(days)s days and this import was not saved in time: "
                    "map the columns and check the file again."
                ) % {"days": STAGED_ROWS_DAYS}
            batch.status = ImportBatch.Status.FAILED
            batch.save(update_fields=["status", "failure", "updated_at"])
            audit_record(actor=None, action="update", obj=batch, after={"expired": True})
            expired += 1
    return expired


def import_rejected_rows_read(*, actor: User, batch: ImportBatch, request: HttpRequest | None = None) -> None:
    """The rejected rows hold personal data: each download is written to the audit trail."""
    audit_record(actor=actor, action="export", obj=batch, request=request, after={"rejected_rows": batch.error_rows})
