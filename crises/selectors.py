"""Reads of crises and their level history, scoped to the user (DESIGN "Who uses it")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from accounts.models import Office

from .models import ApproverKind, Crisis, CrisisCountry, LevelPolicy, LevelProposal, PhaseChange


def crises_visible_to(user) -> QuerySet[Crisis]:
    """HQ sees every crisis; office staff see the crises their office owns and those that affect
    their office's country (the country in crisis, or a country of transit or first refuge of a
    cross-border crisis); liaisons see none (only name and code on their referrals)."""
    if not user.is_authenticated or not user.is_active:
        return Crisis.objects.none()
    if user.is_hq:
        return Crisis.objects.all()
    if user.is_office_staff and user.office_ids:
        countries = Office.objects.filter(pk__in=user.office_ids).values("country")
        affects = CrisisCountry.objects.filter(crisis=OuterRef("pk"), country__in=countries)
        return Crisis.objects.filter(Q(office_id__in=user.office_ids) | Q(country__in=countries) | Exists(affects))
    return Crisis.objects.none()


def crisis_list(user, *, filters: dict | None = None) -> QuerySet[Crisis]:
    """The crises a user sees, filtered by type, phase, level, country, status and text."""
    filters = filters or {}
    qs = crises_visible_to(user).select_related("office")
    for field in ("crisis_type", "phase", "status"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    level = filters.get("level")
    if level in (0, "0", "none"):
        qs = qs.filter(level__isnull=True)
    elif level:
        if str(level) not in ("1", "2", "3"):
            raise ValidationError({"level": [_("Choose 1, 2, 3 or none.")]})
        qs = qs.filter(level=level)
    country = (filters.get("country") or "").strip().upper()
    if country:
        qs = qs.filter(
            Q(country=country) | Exists(CrisisCountry.objects.filter(crisis=OuterRef("pk"), country=country))
        )
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(glide__icontains=text))
    return qs.order_by("-start_date", "-id")


def crisis_detail_queryset(user) -> QuerySet[Crisis]:
    """Everything the crisis page shows, in a fixed number of queries."""
    return (
        crises_visible_to(user)
        .select_related("office", "created_by", "level_declaration")
        .prefetch_related(
            "other_countries",
            "nationalities",
            "affected_figures",
            Prefetch("phase_changes", queryset=PhaseChange.objects.select_related("changed_by")),
            Prefetch(
                "level_proposals",
                queryset=LevelProposal.objects.select_related("proposed_by", "decided_by").order_by(
                    "-proposed_at", "-id"
                ),
            ),
        )
    )


def level_proposals_visible_to(user) -> QuerySet[LevelProposal]:
    return LevelProposal.objects.filter(crisis__in=crises_visible_to(user))


def proposals_awaiting(user) -> QuerySet[LevelProposal]:
    """Pending proposals this user may decide (the approvals queue): HQ the levels the SOP gives
    to HQ, a Chief of Mission those of its office's crises given to it; never its own."""
    if not user.is_authenticated or not user.is_active:
        return LevelProposal.objects.none()
    if user.is_hq:
        kind, scope = ApproverKind.HQ, Q()
    elif user.is_office_staff and user.chief_office_ids:
        kind, scope = ApproverKind.CHIEF_OF_MISSION, Q(crisis__office_id__in=user.chief_office_ids)
    else:
        return LevelProposal.objects.none()
    levels = [level for level, policy in LevelPolicy.objects.current().items() if policy.approver == kind]
    return (
        level_proposals_visible_to(user)
        .filter(scope, status=LevelProposal.Status.PENDING)
        .exclude(proposed_by=user)
        .annotate(authority=Greatest("level", Coalesce("crisis__level", 0)))
        .filter(authority__in=levels)
        .select_related("crisis", "crisis__office", "proposed_by")
        .order_by("proposed_at", "id")
    )


def level_policies() -> dict[int, LevelPolicy]:
    return LevelPolicy.objects.current()
