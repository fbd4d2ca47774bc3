"""Reads of crises and their level history, scoped to the user (docs/domain.md "Who uses it")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from accounts.models import Office

from .models import ApproverKind, Crisis, CrisisCountry, LevelPolicy, LevelProposal, PhaseChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser


# --- Who may do what ----------------------------------------------------------------------------
def can_register_in(user: AnyUser, office_id: int) -> bool:
    return bool(user.is_authenticated and user.is_member_of(office_id))


def can_edit(user: AnyUser, crisis: Crisis) -> bool:
    """Staff of the owning office keep the crisis up to date (docs: "Who uses it"); HQ reads."""
    return can_register_in(user, crisis.office_id)


def can_propose(user: AnyUser, crisis: Crisis) -> bool:
    return can_edit(user, crisis) and crisis.status == Crisis.Status.ACTIVE


def authority_level(proposal: LevelProposal, current_level: int | None) -> int:
    """The level whose SOP line of authority decides a proposal: the higher of the proposed and
    the current level, so that leaving Level 3 needs the same authority as declaring it."""
    return max(proposal.level, current_level or 0)


def approver_kind_for(level: int, policies: dict[int, LevelPolicy] | None = None) -> str:
    policy = (policies or LevelPolicy.objects.current())[level]
    return policy.approver


def is_level_authority(user: AnyUser, crisis: Crisis) -> bool:
    """Whether the user is one of the SOP's two authorities over the crisis's level: an HQ emergency
    coordinator, or the Chief of Mission of its office. Which of them decides a given proposal or
    extends a given level is ``can_decide``'s and ``can_extend``'s to say; anyone else may never."""
    if not user.is_authenticated:
        return False
    return user.is_hq or (user.is_office_staff and user.is_chief_of(crisis.office_id))


def can_decide(user: AnyUser, proposal: LevelProposal, *, policies: dict[int, LevelPolicy] | None = None) -> bool:
    """An allowed approver other than the proposer: for L1 the Chief of Mission of the crisis's
    office, for L2 and L3 an HQ emergency coordinator (docs: "Emergency levels")."""
    if not user.is_authenticated or not user.is_active or not proposal.is_pending:
        return False
    if proposal.proposed_by_id == user.pk:
        return False
    kind = approver_kind_for(authority_level(proposal, proposal.crisis.level), policies)
    if kind == ApproverKind.HQ:
        return user.is_hq
    if kind == ApproverKind.CHIEF_OF_MISSION:
        return user.is_office_staff and user.is_chief_of(proposal.crisis.office_id)
    return False


def can_extend(user: AnyUser, crisis: Crisis, *, policies: dict[int, LevelPolicy] | None = None) -> bool:
    """The authority that approves the crisis's current level may extend its validity once the
    SOP allows it (L3: one 3-month extension, as the IASC scale-up)."""
    if not crisis.level or crisis.status != Crisis.Status.ACTIVE or not user.is_authenticated or not user.is_active:
        return False
    policy = (policies or LevelPolicy.objects.current())[crisis.level]
    if crisis.level_extensions >= policy.max_extensions or not policy.extension_months:
        return False
    if policy.approver == ApproverKind.HQ:
        return user.is_hq
    return user.is_office_staff and user.is_chief_of(crisis.office_id)


# --- Reads --------------------------------------------------------------------------------------


def crises_visible_to(user: AnyUser) -> QuerySet[Crisis]:
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


def crisis_list(user: AnyUser, *, filters: dict | None = None) -> QuerySet[Crisis]:
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


def crisis_detail_queryset(user: AnyUser) -> QuerySet[Crisis]:
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


def level_proposals_visible_to(user: AnyUser) -> QuerySet[LevelProposal]:
    return LevelProposal.objects.filter(crisis__in=crises_visible_to(user))


def proposals_awaiting(user: AnyUser) -> QuerySet[LevelProposal]:
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
