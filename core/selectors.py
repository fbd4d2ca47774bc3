from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet

from .models import AuditEntry


class Reader(Protocol):
    """What core reads of a user (``accounts.models.User``): core imports no app, so it names the
    user by what it reads. A request's ``AnonymousUser`` stops at ``is_authenticated``."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_hq(self) -> bool: ...


def audit_entries_visible_to(user: Reader) -> QuerySet[AuditEntry]:
    """The audit trail is HQ's to search; nobody else reads it (a migrant's page shows its own readers)."""
    if user.is_authenticated and user.is_hq:
        return AuditEntry.objects.select_related("actor")
    return AuditEntry.objects.none()


def audit_entries_for_object(object_type: str, object_id) -> QuerySet[AuditEntry]:
    """Every recorded access to one object, newest first (callers check that the user may see it)."""
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).select_related("actor")
