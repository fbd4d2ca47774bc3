"""Browser pages: the Annex I matrix per scenario, HQ's cell edits, and each crisis's sector plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.forms import add_service_errors
from crises.models import CrisisType, Phase

from . import annex_i, selectors, services
from .forms import MatrixCellForm, PlanEntryForm
from .models import MatrixCell, Priority

PLAN_LIST_SIZE = 50


def _require_reader(request: HttpRequest) -> None:
    # Liaisons work only on the referrals addressed to them: the matrix does not exist for them.
    if not selectors.can_read_sectors(request.user):
        raise Http404


def _phases() -> list[dict]:
    return [{"value": value, "label": label} for value, label in Phase.choices]


def _scenario(crisis_type: str) -> dict:
    return {
        "value": crisis_type,
        "label": CrisisType(crisis_type).label,
        "paragraphs": annex_i.SCENARIO_PARAGRAPHS[crisis_type],
        "examples": annex_i.SCENARIO_EXAMPLES[crisis_type],
    }


def _grid(crisis_type: str, sectors) -> list[dict]:
    """One row per sector: the sector with its links and its cell in each phase."""
    cells = selectors.matrix_for_type(crisis_type)
    return [{"sector": s, "cells": [cells[s.number][p] for p in Phase.values]} for s in sectors]


def matrix(request: HttpRequest) -> HttpResponse:
    """The five scenarios of Annex I, and the sectors with the clusters and systems they link to."""
    _require_reader(request)
    counts: dict[tuple[str, str, str], int] = {}
    for crisis_type, phase, priority in MatrixCell.objects.values_list("crisis_type", "phase", "priority"):
        counts[(crisis_type, phase, priority)] = counts.get((crisis_type, phase, priority), 0) + 1
    scenarios = []
    for crisis_type in CrisisType.values:
        scenario = _scenario(crisis_type)
        scenario["phases"] = [
            {
                "label": label,
                "counts": [
                    (p, counts.get((crisis_type, phase, p), 0))
                    for p in (Priority.CRITICAL, Priority.IMPORTANT, Priority.RECOMMENDED)
                ],
            }
            for phase, label in Phase.choices
        ]
        scenarios.append(scenario)
    crises = (
        selectors.plan_crises_visible_to(request.user)
        .filter(status="active")
        .select_related("office", "sector_plan")
        .order_by("-start_date", "-id")[:PLAN_LIST_SIZE]
    )
    return render(
        request,
        "sectors/matrix.html",
        {"scenarios": scenarios, "sectors": selectors.sectors_with_links(), "crises": crises},
    )


def scenario(request: HttpRequest, crisis_type: str) -> HttpResponse:
    """One scenario's matrix: 15 sectors by three phases, with the sentence each cell rests on."""
    _require_reader(request)
    if crisis_type not in CrisisType.values:
        raise Http404
    return render(
        request,
        "sectors/scenario.html",
        {
            "scenario": _scenario(crisis_type),
            "phases": _phases(),
            "rows": _grid(crisis_type, selectors.sectors_with_links()),
            "can_edit_matrix": selectors.can_edit_matrix(request.user),
        },
    )


def cell_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """HQ changes one cell, with a reason; every change stays in the history below the form."""
    _require_reader(request)
    cell = get_object_or_404(selectors.matrix_cells_visible_to(request.user), pk=pk)
    if not selectors.can_edit_matrix(request.user):
        raise PermissionDenied
    form = MatrixCellForm(request.POST or None, initial={"priority": cell.priority, "citation": cell.citation})
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_cell_change(cell=cell, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The matrix cell was changed."))
            return redirect("sectors:scenario", crisis_type=cell.crisis_type)
    return render(
        request,
        "sectors/cell_edit.html",
        {
            "cell": cell,
            "scenario": _scenario(cell.crisis_type),
            "form": form,
            "history": selectors.matrix_cell_history(cell),
        },
    )


def _crisis_or_404(request: HttpRequest, crisis_id: int):
    return get_object_or_404(selectors.plan_crises_visible_to(request.user).select_related("office"), pk=crisis_id)


def plan(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """The crisis's plan drawn as the Annex I diagram: the current phase from the plan (with the
    office's choices), the other phases from the matrix of the crisis's type."""
    crisis = _crisis_or_404(request, crisis_id)
    sector_plan = selectors.plan_for_crisis(crisis)
    if sector_plan is None:  # a crisis registered before plans existed
        services.sector_plan_propose(crisis=crisis, actor=request.user)
        sector_plan = selectors.plan_for_crisis(crisis)
    entries = list(sector_plan.entries.all())
    cells = selectors.matrix_for_type(sector_plan.crisis_type)
    rows = []
    for entry in entries:
        number = entry.sector.number
        rows.append(
            {
                "entry": entry,
                "sector": entry.sector,
                "phases": [
                    {"phase": p, "current": p == sector_plan.phase, "cell": cells.get(number, {}).get(p)}
                    for p in Phase.values
                ],
            }
        )
    # HQ may have changed the matrix since the plan was proposed: say which sectors differ.
    stale = [
        row["sector"]
        for row in rows
        for item in row["phases"]
        if item["current"] and item["cell"] is not None and item["cell"].priority != row["entry"].proposed_priority
    ]
    revisions = list(sector_plan.revisions.all())
    latest = revisions[0] if revisions else None
    names = {e.sector.number: e.sector.name for e in entries}
    labels = dict(Priority.choices)
    changes = [
        {
            **c,
            "name": names.get(c["sector"], ""),
            "from_label": labels.get(c["from_priority"], c["from_priority"]),
            "to_label": labels.get(c["to_priority"], c["to_priority"]),
            "proposed_label": labels.get(c["to_proposed"], c["to_proposed"]),
        }
        for c in (latest.changes if latest else [])
    ]
    return render(
        request,
        "sectors/plan.html",
        {
            "crisis": crisis,
            "plan": sector_plan,
            "rows": rows,
            "phases": _phases(),
            "scenario": _scenario(sector_plan.crisis_type),
            "latest": latest,
            "changes": changes,
            "revisions": revisions,
            "stale": stale,
            "can_edit": selectors.can_edit_plan(request.user, crisis),
        },
    )


def plan_entry(request: HttpRequest, crisis_id: int, number: int) -> HttpResponse:
    """The owning office's choices for one sector of the plan."""
    crisis = _crisis_or_404(request, crisis_id)
    if not selectors.can_edit_plan(request.user, crisis):
        raise PermissionDenied
    sector_plan = selectors.plan_for_crisis(crisis)
    if sector_plan is None:
        raise Http404
    entry = next((e for e in sector_plan.entries.all() if e.sector.number == number), None)
    if entry is None:
        raise Http404
    initial = {
        "active": {True: "yes", False: "no"}.get(entry.active_override, ""),
        "priority_override": entry.priority_override or "",
        "override_reason": entry.override_reason,
        "focal_point": entry.focal_point,
        "partners": list(entry.partners.all()),
    }
    form = PlanEntryForm(request.POST or None, initial=initial, office_id=crisis.office_id)
    if request.htmx:
        form.fields["active"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        try:
            services.sector_plan_update(
                crisis=crisis,
                actor=request.user,
                entries=[{"sector": number, **form.entry_values()}],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The sector plan was updated."))
            if request.htmx:
                return HttpResponseClientRedirect(reverse("sectors:plan", kwargs={"crisis_id": crisis.pk}))
            return redirect("sectors:plan", crisis_id=crisis.pk)
    template = "sectors/partials/entry_form.html" if request.htmx else "sectors/plan_entry.html"
    return render(request, template, {"crisis": crisis, "plan": sector_plan, "entry": entry, "form": form})


@require_POST
def plan_repropose(request: HttpRequest, crisis_id: int) -> HttpResponse:
    """The owning office takes up HQ's latest matrix for its current phase; its own choices stay."""
    crisis = _crisis_or_404(request, crisis_id)
    if not selectors.can_edit_plan(request.user, crisis):
        raise PermissionDenied
    revision = services.sector_plan_propose(crisis=crisis, actor=request.user, request=request)
    messages.success(
        request,
        _("The plan was proposed again from the current matrix: %(count)s sectors changed.")
        % {"count": len(revision.changes)},
    )
    return redirect("sectors:plan", crisis_id=crisis.pk)
