"""Reads of situation reports, scoped to the user (docs/domain.md "Situation reports", "Who uses it").

- HQ: every report.
- Office staff: every report of their office's crises; the published reports of the other crises
  they see (those affecting their country).
- A government or partner liaison: the published reports of the crises whose coordination list
  names its government or organisation (``crises.coordination``); never a draft.
- Anyone else: nothing (404).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from crises.coordination import GOVERNMENT, PARTNER, coordination_list
from crises.models import Crisis
from crises.selectors import crises_visible_to

from .models import Sitrep, SitrepStatus

if TYPE_CHECKING:
    from accounts.models import User


def coordinated_crisis_ids(user: User) -> list[int]:
    """The active and closed crises whose coordination list names the liaison's organisation."""
    country: str | None = None
    code: str | None = None
    if user.is_government_liaison and user.government is not None:
        country = user.government.country
    elif user.is_partner_liaison and user.partner is not None:
        code = user.partner.code
    else:
        return []
    crises = Crisis.objects.prefetch_related("other_countries", "nationalities", "affected_figures")
    ids = []
    for crisis in crises:
        for entry in coordination_list(crisis):
            if (entry.actor_type == GOVERNMENT and country and entry.government_country == country) or (
                entry.actor_type == PARTNER and code and entry.partner_code == code
            ):
                ids.append(crisis.pk)
                break
    return ids


def sitreps_visible_to(user) -> QuerySet[Sitrep]:
    if not user.is_authenticated or not user.is_active:
        return Sitrep.objects.none()
    if user.is_hq:
        return Sitrep.objects.all()
    published = Q(status=SitrepStatus.PUBLISHED)
    if user.is_office_staff and user.office_ids:
        return Sitrep.objects.filter(
            Q(office_id__in=user.office_ids) | (published & Q(crisis__in=crises_visible_to(user).values("pk")))
        )
    if user.is_liaison:
        return Sitrep.objects.filter(published, crisis_id__in=coordinated_crisis_ids(user))
    return Sitrep.objects.none()


def sitrep_list(user, *, crisis_id: int | None = None, status: str | None = None) -> QuerySet[Sitrep]:
    qs = sitreps_visible_to(user).select_related("crisis", "office")
    if crisis_id:
        qs = qs.filter(crisis_id=crisis_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-cutoff", "-id")


def is_inside(user, sitrep: Sitrep) -> bool:
    """The office's own version: exact small counts only for its staff, on its pages."""
    return bool(user.is_authenticated and user.is_office_staff and sitrep.office_id in user.office_ids)


def previous_of(sitrep: Sitrep) -> Sitrep | None:
    return Sitrep.objects.filter(crisis_id=sitrep.crisis_id, number__lt=sitrep.number).order_by("-number").first()


def overdue_sitreps(user, *, today: datetime.date | None = None) -> QuerySet[Sitrep]:
    """Reports still unpublished past their due date, of the crises the user may see (HQ: all)."""
    today = today or timezone.localdate()
    return (
        sitreps_visible_to(user)
        .exclude(status=SitrepStatus.PUBLISHED)
        .filter(due__lt=today)
        .select_related("crisis", "office")
        .order_by("due", "crisis__code")
    )
