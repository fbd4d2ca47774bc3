"""Reads of the directory, scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Government, Partner

if TYPE_CHECKING:
    from accounts.models import User


def governments_visible_to(user: User) -> QuerySet[Government]:
    """Office staff and HQ see the directory; a government liaison sees its own government."""
    if not user.is_authenticated or not user.is_active:
        return Government.objects.none()
    if user.is_hq or user.is_office_staff:
        return Government.objects.all()
    if user.is_government_liaison and user.government_id is not None:
        return Government.objects.filter(pk=user.government_id)
    return Government.objects.none()


def partners_visible_to(user: User) -> QuerySet[Partner]:
    if not user.is_authenticated or not user.is_active:
        return Partner.objects.none()
    if user.is_hq or user.is_office_staff:
        return Partner.objects.all()
    if user.is_partner_liaison and user.partner_id is not None:
        return Partner.objects.filter(pk=user.partner_id)
    return Partner.objects.none()
