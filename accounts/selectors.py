from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Office, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def offices_visible_to(user: User | AnonymousUser) -> QuerySet[Office]:
    """IOM offices are a directory for staff and HQ (to share or transfer cases); liaisons see none."""
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if user.is_hq or user.is_office_staff:
        return Office.objects.all()
    return Office.objects.none()


def member_offices(user: User | AnonymousUser) -> QuerySet[Office]:
    """Offices the user works for."""
    if not user.is_authenticated or not user.is_office_staff:
        return Office.objects.none()
    return Office.objects.filter(pk__in=user.office_ids)
