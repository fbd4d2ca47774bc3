"""Browser pages of the crisis registry: short views over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import selectors, services
from .coordination import coordination_list
from .forms import (
    CrisisFilterForm,
    CrisisForm,
    DecisionForm,
    FigureForm,
    LevelPolicyForm,
    PhaseChangeForm,
    ProposalForm,
)
from .models import AffectedGroup, Crisis, LevelPolicy
from .selectors import crisis_detail_queryset, level_policies, level_proposals_visible_to, proposals_awaiting
from .selectors import crisis_list as select_crises

PAGE_SIZE = 25


def _crisis_or_404(request: HttpRequest, pk: int) -> Crisis:
    return get_object_or_404(crisis_detail_queryset(request.user), pk=pk)


def crisis_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_hq or request.user.is_office_staff):
        raise PermissionDenied
    form = CrisisFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(select_crises(request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "crises/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": request.user.is_office_staff and bool(request.user.office_ids),
        },
    )


def crisis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _crisis_or_404(request, pk)
    policies = level_policies()
    proposals = list(crisis.level_proposals.all())
    pending = next((p for p in proposals if p.is_pending), None)
    latest_figures: dict[str, object] = {}
    for figure in sorted(crisis.affected_figures.all(), key=lambda f: (f.as_of, f.pk), reverse=True):
        latest_figures.setdefault(figure.group, figure)
    labels = dict(AffectedGroup.choices)
    can_edit = selectors.can_edit(request.user, crisis)
    return render(
        request,
        "crises/detail.html",
        {
            "crisis": crisis,
            "proposals": proposals,
            "pending": pending,
            "can_decide_pending": pending is not None
            and selectors.can_decide(request.user, pending, policies=policies),
            "decision_form": DecisionForm(),
            "policy": policies.get(crisis.level) if crisis.level else None,
            "figures": [
                (labels[group], latest_figures[group]) for group in AffectedGroup.values if group in latest_figures
            ],
            "phase_changes": crisis.phase_changes.all(),
            "coordination": coordination_list(crisis),
            "can_edit": can_edit,
            "can_propose": can_edit and crisis.status == Crisis.Status.ACTIVE and pending is None,
            "can_extend": selectors.can_extend(request.user, crisis, policies=policies),
        },
    )


def crisis_register(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_office_staff and request.user.office_ids):
        raise PermissionDenied
    form = CrisisForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            crisis = services.crisis_register(
                actor=request.user, office=values.pop("office", None), request=request, **values
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Crisis %(code)s registered.") % {"code": crisis.code})
            return redirect("crises:detail", pk=crisis.pk)
    return render(request, "crises/form.html", {"form": form, "title": _("Register a crisis")})


def crisis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _crisis_or_404(request, pk)
    if not selectors.can_edit(request.user, crisis):
        raise PermissionDenied
    form = CrisisForm(request.POST or None, crisis=crisis, initial=CrisisForm.initial_for(crisis))
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_update(crisis=crisis, actor=request.user, request=request, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Crisis updated."))
            return redirect("crises:detail", pk=crisis.pk)
    return render(
        request,
        "crises/form.html",
        {"form": form, "crisis": crisis, "title": _("Edit %(code)s") % {"code": crisis.code}},
    )


def _crisis_form_page(request, pk, form_class, template, call, success):
    crisis = _crisis_or_404(request, pk)
    if not selectors.can_edit(request.user, crisis):
        raise PermissionDenied
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call(crisis=crisis, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("crises:detail", pk=crisis.pk)
    return render(request, template, {"form": form, "crisis": crisis})


def crisis_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _crisis_form_page(
        request,
        pk,
        ProposalForm,
        "crises/propose.html",
        services.escalation_propose,
        _("Level proposal sent for approval."),
    )


def crisis_phase(request: HttpRequest, pk: int) -> HttpResponse:
    return _crisis_form_page(
        request, pk, PhaseChangeForm, "crises/phase.html", services.crisis_phase_change, _("Phase changed.")
    )


def crisis_figure(request: HttpRequest, pk: int) -> HttpResponse:
    return _crisis_form_page(
        request, pk, FigureForm, "crises/figure.html", services.affected_figure_record, _("Estimate recorded.")
    )


@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(level_proposals_visible_to(request.user).select_related("crisis"), pk=pk)
    if not selectors.is_level_authority(request.user, proposal.crisis):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.escalation_approve(proposal=proposal, actor=request.user, comment=comment, request=request)
            messages.success(request, _("Level %(level)s approved.") % {"level": proposal.level})
        elif decision == "reject":
            services.escalation_reject(proposal=proposal, actor=request.user, comment=comment, request=request)
            messages.success(request, _("Proposal rejected."))
        else:
            messages.error(request, _("Choose approve or reject."))
    except services.ProposalAlreadyDecided as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    target = request.POST.get("next")
    if target == "approvals":
        return redirect("crises:approvals")
    return redirect("crises:detail", pk=proposal.crisis_id)


@require_POST
def crisis_extend(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = _crisis_or_404(request, pk)
    try:
        crisis = services.level_extend(crisis=crisis, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Level extended: next review on %(due)s.") % {"due": crisis.level_review_due.isoformat()}
        )
    return redirect("crises:detail", pk=pk)


def approvals(request: HttpRequest) -> HttpResponse:
    """The queue of pending level proposals this HQ coordinator or Chief of Mission may decide."""
    if not (request.user.is_hq or request.user.chief_office_ids):
        raise PermissionDenied
    return render(
        request,
        "crises/approvals.html",
        {"proposals": proposals_awaiting(request.user), "decision_form": DecisionForm()},
    )


def policies(request: HttpRequest) -> HttpResponse:
    """The emergency-level SOP (main text paragraph 21), with its history; HQ edits it."""
    if not (request.user.is_hq or request.user.is_office_staff):
        raise PermissionDenied
    LevelPolicy.objects.current()
    return render(
        request,
        "crises/policies.html",
        {
            "policies": LevelPolicy.objects.prefetch_related("revisions__changed_by").select_related("updated_by"),
            "can_edit": request.user.is_hq,
        },
    )


def policy_edit(request: HttpRequest, level: int) -> HttpResponse:
    if not request.user.is_hq:
        raise PermissionDenied
    policy = LevelPolicy.objects.current().get(level)
    if policy is None:
        raise Http404
    form = LevelPolicyForm(request.POST or None, initial=policy.snapshot())
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            services.level_policy_update(policy=policy, actor=request.user, reason=reason, request=request, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Level %(level)s policy saved.") % {"level": level})
            return redirect("crises:policies")
    return render(request, "crises/policy_form.html", {"form": form, "policy": policy})
