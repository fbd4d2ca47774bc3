"""Reads of crises, scoped to the user (DESIGN "Who uses it")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Office

from .models import Crisis


def crises_visible_to(user) -> QuerySet[Crisis]:
    """HQ sees every crisis; office staff see the crises their office owns or whose country in
    crisis is their office's country; liaisons see none (only name and code on their referrals)."""
    if not user.is_authenticated or not user.is_active:
        return Crisis.objects.none()
    if user.is_hq:
        return Crisis.objects.all()
    if user.is_office_staff and user.office_ids:
        countries = Office.objects.filter(pk__in=user.office_ids).values("country")
        return Crisis.objects.filter(Q(office_id__in=user.office_ids) | Q(country__in=countries))
    return Crisis.objects.none()
