"""Pages of the situation reports: the list, the report (with its print stylesheet), the narrative
form, the transitions and the downloads. Every read goes through ``sitreps_visible_to`` (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crises.models import Crisis
from crises.selectors import crises_visible_to

from . import document, services
from .forms import NarrativeForm, add_service_errors
from .models import SECTION_FIELDS, Sitrep, SitrepStatus
from .selectors import sitrep_list, sitreps_visible_to
from .workflow import OFFICE, SITREP, sides_of


def _signed_in_role(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_hq or user.is_office_staff or user.is_liaison):
        raise PermissionDenied


def _visible(request: HttpRequest, pk: int) -> Sitrep:
    _signed_in_role(request)
    return get_object_or_404(sitreps_visible_to(request.user).select_related("crisis", "office"), pk=pk)


def _error_text(exc) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("You may not do this.")
    return " ".join(exc.messages)


@require_GET
def sitrep_list_page(request: HttpRequest) -> HttpResponse:
    _signed_in_role(request)
    crisis = request.GET.get("crisis", "")
    status = request.GET.get("status", "")
    sitreps = sitrep_list(
        request.user,
        crisis_id=int(crisis) if crisis.isdigit() else None,
        status=status if status in SitrepStatus.values else None,
    )[:200]
    draftable = []
    if request.user.is_office_staff:
        draftable = list(
            crises_visible_to(request.user).filter(office_id__in=request.user.office_ids, status=Crisis.Status.ACTIVE)
        )
    return render(
        request,
        "sitreps/list.html",
        {"sitreps": sitreps, "statuses": SitrepStatus.choices, "status": status, "draftable": draftable},
    )


@require_POST
def sitrep_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_office_staff:
        raise PermissionDenied
    pk = request.POST.get("crisis", "")
    crisis = crises_visible_to(request.user).filter(pk=int(pk)).first() if pk.isdigit() else None
    if crisis is None:
        messages.error(request, _("Choose a crisis of your office."))
        return redirect("sitreps:list")
    try:
        sitrep = services.sitrep_draft(crisis=crisis, actor=request.user, request=request)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("sitreps:list")
    return redirect("sitreps:detail", pk=sitrep.pk)


@require_GET
def sitrep_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sitrep = _visible(request, pk)
    sides = sides_of(request.user, sitrep)
    ctx = document.context(sitrep, user=request.user)
    transitions = [t for t in SITREP.transitions_from(sitrep.status) if t.by in sides]
    return render(
        request,
        "sitreps/detail.html",
        {
            **ctx,
            "transitions": transitions,
            "can_edit": OFFICE in sides and sitrep.status == SitrepStatus.DRAFT,
            "events": list(sitrep.events.select_related("actor")) if (sides or request.user.is_hq) else [],
            "formats": document.FORMATS,
        },
    )


def sitrep_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sitrep = _visible(request, pk)
    if OFFICE not in sides_of(request.user, sitrep):
        raise PermissionDenied
    initial = {name: getattr(sitrep, name) for name in SECTION_FIELDS}
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sitrep_update(actor=request.user, sitrep_id=sitrep.pk, sections=form.cleaned_data, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The narrative is saved; the figures were worked out again."))
            return redirect("sitreps:detail", pk=sitrep.pk)
    return render(request, "sitreps/form.html", {"form": form, "sitrep": sitrep})


@require_POST
def sitrep_transition(request: HttpRequest, pk: int) -> HttpResponse:
    sitrep = _visible(request, pk)
    to = request.POST.get("to", "")
    try:
        services.sitrep_transition(actor=request.user, sitrep_id=sitrep.pk, to=to, request=request)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("sitreps:detail", pk=sitrep.pk)
    messages.success(request, _("Situation report status: %(status)s.") % {"status": SitrepStatus(to).label})
    return redirect("sitreps:detail", pk=sitrep.pk)


@require_GET
def sitrep_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in document.FORMATS:
        raise Http404
    sitrep = _visible(request, pk)
    return document.export_response(request=request, sitrep=sitrep, fmt=fmt)
