"""Reads of the sectors, the matrix and the sector plans, scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from crises.models import Crisis
from crises.selectors import crises_visible_to

from .models import Cluster, MatrixCell, MatrixCellChange, Sector, SectorPlan, SectorPlanEntry, SectorPlanRevision

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser


def can_read_sectors(user: AnyUser) -> bool:
    """The sectors and the matrix are for IOM staff and HQ; liaisons see only their referrals."""
    return bool(user.is_authenticated and (user.is_hq or user.is_office_staff))


def can_edit_matrix(user: AnyUser) -> bool:
    """HQ emergency coordinators edit the sector matrix (docs/domain.md "Who uses it")."""
    return bool(user.is_authenticated and user.is_hq)


def can_edit_plan(user: AnyUser, crisis: Crisis) -> bool:
    """Only the staff of the office that owns the crisis update its sector plan; HQ reads it."""
    return bool(user.is_authenticated and user.is_member_of(crisis.office_id))


def sectors_with_links() -> QuerySet[Sector]:
    return Sector.objects.prefetch_related(
        Prefetch("clusters", queryset=Cluster.objects.select_related("parent").order_by("order")),
        "systems",
    ).order_by("number")


def sectors_visible_to(user: AnyUser) -> QuerySet[Sector]:
    if not can_read_sectors(user):
        return Sector.objects.none()
    return sectors_with_links()


def matrix_cells_visible_to(user: AnyUser) -> QuerySet[MatrixCell]:
    if not can_read_sectors(user):
        return MatrixCell.objects.none()
    return MatrixCell.objects.select_related("sector").order_by("crisis_type", "sector__number", "phase")


def matrix_cell_history(cell: MatrixCell) -> QuerySet[MatrixCellChange]:
    return cell.changes.select_related("changed_by").order_by("-changed_at", "-id")


def plan_crises_visible_to(user: AnyUser) -> QuerySet[Crisis]:
    """Crises whose sector plan the user may read: exactly the crises the user may see."""
    return crises_visible_to(user)


def plan_for_crisis(crisis: Crisis) -> SectorPlan | None:
    """The plan with everything a page or an answer draws, in a fixed number of queries."""
    entries = SectorPlanEntry.objects.select_related("sector", "focal_point").prefetch_related(
        "partners",
        Prefetch("sector__clusters", queryset=Cluster.objects.select_related("parent").order_by("order")),
        "sector__systems",
    )
    return (
        SectorPlan.objects.filter(crisis=crisis)
        .prefetch_related(
            Prefetch("entries", queryset=entries.order_by("sector__number")),
            Prefetch(
                "revisions", queryset=SectorPlanRevision.objects.select_related("actor").order_by("-created_at", "-id")
            ),
        )
        .first()
    )


def matrix_for_type(crisis_type: str) -> dict[int, dict[str, MatrixCell]]:
    """{sector number: {phase: cell}} for one crisis type, in one query."""
    grid: dict[int, dict[str, MatrixCell]] = {}
    for cell in MatrixCell.objects.filter(crisis_type=crisis_type).select_related("sector"):
        grid.setdefault(cell.sector.number, {})[cell.phase] = cell
    return grid
