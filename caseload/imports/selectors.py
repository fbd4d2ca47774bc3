"""Reads of the imports, scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from crises.models import Crisis
from crises.selectors import crises_visible_to

from ..models import ImportBatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def import_batches_visible_to(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    """The uploading office's staff see its imports; HQ reads every import; nobody else any."""
    if not user.is_authenticated or not user.is_active:
        return ImportBatch.objects.none()
    if user.is_hq:
        return ImportBatch.objects.all()
    if user.is_office_staff and user.office_ids:
        return ImportBatch.objects.filter(office_id__in=user.office_ids)
    return ImportBatch.objects.none()


def import_crises_for(user: User) -> QuerySet[Crisis]:
    """Active crises of the user's offices: an office imports into its own crises."""
    if not user.is_office_staff or not user.office_ids:
        return Crisis.objects.none()
    return crises_visible_to(user).filter(status="active", office_id__in=user.office_ids).order_by("-start_date")
