"""Every read of a sensitive record goes to the access log (core.models.AuditEntry)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest

from core.audit import audit_record, client_ip
from core.models import AuditEntry

if TYPE_CHECKING:
    from accounts.models import User


def log_read(*, user: User, obj, request: HttpRequest | None = None) -> None:
    if getattr(obj, "is_sensitive", False):
        audit_record(actor=user, action=AuditEntry.Action.READ, obj=obj, request=request)


def log_reads(
    *, user: User, objects: Iterable, request: HttpRequest | None = None, object_type: str | None = None
) -> None:
    """One INSERT for every sensitive record on a list page (none when there is none). ``objects``
    are model instances, or rows read as values with ``pk`` and ``is_sensitive`` when
    ``object_type`` ("app_label.model") names their model."""
    ip = client_ip(request)
    actor = user if getattr(user, "is_authenticated", False) else None
    rows = [
        AuditEntry(
            actor=actor,
            action=AuditEntry.Action.READ,
            object_type=object_type or obj._meta.label_lower,
            object_id=str(obj.pk),
            ip_address=ip,
        )
        for obj in objects
        if getattr(obj, "is_sensitive", False)
    ]
    if rows:
        AuditEntry.objects.bulk_create(rows)
