"""Writes of the sectors app: HQ's edits of the Annex I matrix and each crisis's sector plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from core.audit import audit_record
from core.events import record_event
from crises.models import Crisis
from partners.models import Partner

from .models import (
    MatrixCell,
    MatrixCellChange,
    Priority,
    Sector,
    SectorPlan,
    SectorPlanEntry,
    SectorPlanRevision,
)
from .selectors import can_edit_matrix, can_edit_plan

# Keys of one entry's update; an absent key leaves the value as it is (PATCH) or resets it (PUT).
ENTRY_FIELDS = ("active", "priority_override", "override_reason", "focal_point", "partners")


def _entry_state(entry: SectorPlanEntry) -> dict[str, Any]:
    return {
        "sector": entry.sector.number,
        "proposed_priority": entry.proposed_priority,
        "priority_override": entry.priority_override,
        "override_reason": entry.override_reason,
        "active_override": entry.active_override,
        "focal_point": entry.focal_point_id,
        "partners": sorted(p.code for p in entry.partners.all()),
    }


# --- The matrix --------------------------------------------------------------------------------
def matrix_cell_change(
    *,
    cell: MatrixCell,
    actor: User,
    priority: str,
    reason: str,
    citation: str | None = None,
    basis: str | None = None,
    request: HttpRequest | None = None,
) -> MatrixCellChange:
    """HQ changes one cell of the Annex I matrix; the change and its reason are kept for good."""
    if not can_edit_matrix(actor):
        raise PermissionDenied(_("Only an HQ emergency coordinator may change the sector matrix."))
    errors: dict[str, list[str]] = {}
    if priority not in Priority.values:
        errors["priority"] = [_("Choose critical, important, recommended or not applicable.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the change.")]
    citation = (citation if citation is not None else cell.citation).strip()
    if not citation:
        errors["citation"] = [_("Name the paragraph the cell rests on.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cell = MatrixCell.objects.select_for_update().select_related("sector").get(pk=cell.pk)
        if priority == cell.priority and citation == cell.citation and (basis is None or basis == cell.basis):
            raise ValidationError({"priority": [_("This is already the cell's value.")]})
        before = {"priority": cell.priority, "citation": cell.citation, "basis": cell.basis}
        change = MatrixCellChange.objects.create(
            cell=cell,
            from_priority=cell.priority,
            to_priority=priority,
            from_citation=cell.citation,
            to_citation=citation,
            reason=reason,
            changed_by=actor,
        )
        cell.priority = priority
        cell.citation = citation
        if basis is not None:
            cell.basis = basis
        cell.updated_by = actor
        cell.save(update_fields=["priority", "citation", "basis", "updated_by", "updated_at"])
        after = {"priority": cell.priority, "citation": cell.citation, "basis": cell.basis}
        audit_record(actor=actor, action="update", obj=cell, request=request, reason=reason, before=before, after=after)
        record_event(
            "sector_matrix.changed",
            subject=cell,
            actor=actor,
            payload={
                "crisis_type": cell.crisis_type,
                "phase": cell.phase,
                "sector": cell.sector.number,
                "from": change.from_priority,
                "to": change.to_priority,
                "reason": reason,
            },
        )
    return change


# --- Sector plans --------------------------------------------------------------------------------
def sector_plan_propose(
    *, crisis: Crisis, phase: str | None = None, actor: User | None = None, request: HttpRequest | None = None
) -> SectorPlanRevision:
    """Propose the crisis's plan from the matrix for its type and ``phase`` (its current phase by default).

    The first proposal creates the plan. A later one (a phase change) moves every entry to the new
    phase's proposed priority and keeps what the office set (priority overrides with their reasons,
    sectors activated or dropped, focal points, partners) until the office clears it; the revision
    records, sector by sector, what changes.
    """
    phase = phase or crisis.phase
    with transaction.atomic():
        cells = {
            cell.sector_id: cell
            for cell in MatrixCell.objects.filter(crisis_type=crisis.crisis_type, phase=phase).select_related("sector")
        }
        existing = SectorPlan.objects.select_for_update().filter(crisis=crisis).first()
        created = existing is None
        from_phase = "" if existing is None else existing.phase
        plan = existing or SectorPlan.objects.create(
            crisis=crisis, crisis_type=crisis.crisis_type, phase=phase, proposed_at=timezone.now()
        )
        entries = {e.sector_id: e for e in SectorPlanEntry.objects.filter(plan=plan).select_related("sector")}
        changes: list[dict[str, Any]] = []
        new_entries, changed_entries = [], []
        for sector in Sector.objects.order_by("number"):
            cell = cells.get(sector.pk)
            proposed = cell.priority if cell else Priority.NOT_APPLICABLE
            citation = cell.citation if cell else ""
            entry = entries.get(sector.pk)
            if entry is None:
                new_entries.append(
                    SectorPlanEntry(plan=plan, sector=sector, proposed_priority=proposed, citation=citation)
                )
                continue
            before_priority, before_active = entry.priority, entry.is_active
            before_proposed = entry.proposed_priority
            entry.proposed_priority, entry.citation = proposed, citation
            changed_entries.append(entry)
            kept = entry.priority_override is not None or entry.active_override is not None
            if before_proposed != proposed or before_priority != entry.priority or before_active != entry.is_active:
                changes.append(
                    {
                        "sector": sector.number,
                        "from_proposed": before_proposed,
                        "to_proposed": proposed,
                        "from_priority": before_priority,
                        "to_priority": entry.priority,
                        "from_active": before_active,
                        "to_active": entry.is_active,
                        "override_kept": kept,
                    }
                )
        SectorPlanEntry.objects.bulk_create(new_entries)
        if changed_entries:
            SectorPlanEntry.objects.bulk_update(changed_entries, ["proposed_priority", "citation", "updated_at"])
        plan.crisis_type, plan.phase, plan.proposed_at = crisis.crisis_type, phase, timezone.now()
        plan.save(update_fields=["crisis_type", "phase", "proposed_at", "updated_at"])
        revision = SectorPlanRevision.objects.create(
            plan=plan, from_phase=from_phase, to_phase=phase, changes=changes, actor=actor
        )
        audit_record(
            actor=actor,
            action="create" if created else "update",
            obj=plan,
            request=request,
            before=None if created else {"phase": from_phase},
            after={"phase": phase, "changed_sectors": [c["sector"] for c in changes], "revision": revision.pk},
        )
        record_event(
            "sector_plan.proposed",
            subject=plan,
            actor=actor,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={
                "crisis_type": crisis.crisis_type,
                "from_phase": from_phase,
                "phase": phase,
                "changed_sectors": [c["sector"] for c in changes],
            },
        )
    return revision


class _Lookups:
    """The office's members and the active partners, each read once for a whole update."""

    def __init__(self, crisis: Crisis):
        self.crisis = crisis
        self._members: dict[int, Any] | None = None
        self._partners: dict[str, Partner] | None = None

    @property
    def members(self) -> dict[int, Any]:
        if self._members is None:
            self._members = {
                u.pk: u
                for u in get_user_model().objects.filter(
                    pk__in=Membership.objects.filter(office_id=self.crisis.office_id).values("user_id"),
                    is_active=True,
                    role="office",
                )
            }
        return self._members

    @property
    def partners(self) -> dict[str, Partner]:
        if self._partners is None:
            self._partners = {p.code: p for p in Partner.objects.filter(is_active=True)}
        return self._partners


def _validated_entry_values(lookups: _Lookups, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if "active" in values:
        if values["active"] not in (True, False, None):
            errors["active"] = [_("Choose active, dropped or as proposed.")]
        clean["active_override"] = values["active"]
    if "priority_override" in values:
        override = values["priority_override"] or None
        if override is not None and override not in Priority.values:
            errors["priority_override"] = [_("Choose critical, important, recommended or not applicable.")]
        clean["priority_override"] = override
    if "override_reason" in values:
        clean["override_reason"] = (values["override_reason"] or "").strip()
    if "focal_point" in values:
        focal = values["focal_point"]
        if focal is not None:
            focal = lookups.members.get(getattr(focal, "pk", focal))
            if focal is None:
                errors["focal_point"] = [_("The focal point must be a member of the office that owns the crisis.")]
        clean["focal_point"] = focal
    if "partners" in values:
        partners = list(values["partners"] or [])
        codes = {getattr(p, "code", p) for p in partners}
        found = [lookups.partners[code] for code in sorted(codes) if code in lookups.partners]
        if len(found) != len(codes):
            missing = sorted(codes - set(lookups.partners))
            errors["partners"] = [
                _("Unknown or inactive partner organisations: %(codes)s") % {"codes": ", ".join(missing)}
            ]
        clean["partners"] = found
    if errors:
        raise ValidationError(errors)
    return clean


def sector_plan_update(
    *,
    crisis: Crisis,
    actor: User,
    entries: Iterable[dict[str, Any]],
    replace: bool = False,
    request: HttpRequest | None = None,
) -> SectorPlan:
    """The owning office activates or drops sectors, overrides a priority with a reason, names a focal
    point and the partner organisations per sector.

    ``entries`` are dicts with ``sector`` (the number) and any of ``active`` (True, False, or None
    to follow the proposal), ``priority_override`` (None clears it), ``override_reason``,
    ``focal_point`` (a user or id, None) and ``partners`` (codes). With ``replace`` every sector's
    choices are replaced: what an entry leaves out, and sectors not listed, go back to the proposal.
    """
    if not can_edit_plan(actor, crisis):
        raise PermissionDenied(_("Only the staff of the office that owns the crisis may change its sector plan."))
    entries = list(entries)
    by_number: dict[int, dict[str, Any]] = {}
    for item in entries:
        try:
            number = int(item["sector"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"sector": [_("Each entry names its sector by number (1 to 15).")]}) from None
        if number in by_number:
            raise ValidationError({"sector": [_("Sector %(number)s is listed twice.") % {"number": number}]})
        by_number[number] = {k: v for k, v in item.items() if k in ENTRY_FIELDS}
    with transaction.atomic():
        plan = SectorPlan.objects.select_for_update().filter(crisis=crisis).first()
        if plan is None:
            sector_plan_propose(crisis=crisis, actor=actor)
            plan = SectorPlan.objects.select_for_update().get(crisis=crisis)
        current = {
            e.sector.number: e
            for e in SectorPlanEntry.objects.filter(plan=plan).select_related("sector").prefetch_related("partners")
        }
        unknown = sorted(set(by_number) - set(current))
        if unknown:
            raise ValidationError(
                {"sector": [_("No such sector: %(numbers)s") % {"numbers": ", ".join(map(str, unknown))}]}
            )
        targets = current if replace else {n: current[n] for n in by_number}
        lookups = _Lookups(crisis)
        changed = []
        for number, entry in targets.items():
            values = by_number.get(number, {})
            if replace:
                values = {
                    "active": None,
                    "priority_override": None,
                    "override_reason": "",
                    "focal_point": None,
                    "partners": [],
                    **values,
                }
            before = _entry_state(entry)
            try:
                clean = _validated_entry_values(lookups, values)
                for field in ("active_override", "priority_override", "override_reason", "focal_point"):
                    if field in clean:
                        setattr(entry, field, clean[field])
                if entry.priority_override is None:
                    entry.override_reason = ""
                elif not entry.override_reason:
                    raise ValidationError(
                        {"override_reason": [_("Give the reason for setting a priority other than the proposed one.")]}
                    )
            except ValidationError as exc:
                if len(targets) == 1:
                    raise
                raise ValidationError(
                    {
                        field: [_("Sector %(number)s: %(message)s") % {"number": number, "message": m} for m in msgs]
                        for field, msgs in exc.message_dict.items()
                    }
                ) from None
            entry.save()
            if "partners" in clean:
                entry.partners.set(clean["partners"])
                # Drop the prefetched partners so the state below reads the new ones.
                getattr(entry, "_prefetched_objects_cache", {}).pop("partners", None)
            after = _entry_state(entry)
            if before != after:
                changed.append(number)
                audit_record(
                    actor=actor,
                    action="update",
                    obj=entry,
                    request=request,
                    reason=entry.override_reason,
                    before=before,
                    after=after,
                )
        if changed:
            plan.save(update_fields=["updated_at"])
            record_event(
                "sector_plan.updated",
                subject=plan,
                actor=actor,
                crisis_id=crisis.pk,
                office_id=crisis.office_id,
                payload={"sectors": changed},
            )
    return plan
