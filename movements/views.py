"""Browser pages of movements: the departures board, planning, the movement page with its manifest,
adding passengers with a preview, the boarding checklist at the gate and the manifest documents."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Office
from caseload.access_log import log_reads
from caseload.filters import MigrantFilter
from caseload.models import Migrant
from caseload.validators import normalise_document, normalise_name
from crises.selectors import crises_visible_to

from . import manifest as documents
from . import services
from .forms import MovementForm, PassengerForm, SelectionForm, ShareOverrideForm, add_service_errors
from .models import BoardingStatus, Movement, MovementStatus, Passenger
from .selectors import (
    manifest_counts,
    movements_visible_to,
    passengers_visible_to,
    recent_movements,
    selection_candidates,
    upcoming_movements,
)
from .workflow import transitions_from

FILTER_FIELDS = ("nationality", "referral_kind", "referral_status", "document_status", "vulnerability", "q")


def _signed_in_role(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_hq or user.is_office_staff or user.is_liaison):
        raise PermissionDenied


def _visible(request: HttpRequest, pk: int) -> Movement:
    _signed_in_role(request)
    return get_object_or_404(
        movements_visible_to(request.user).select_related("crisis", "office", "receiving_partner"), pk=pk
    )


def _writable(request: HttpRequest, pk: int) -> Movement:
    movement = _visible(request, pk)
    if not services.roles_on(request.user, movement):
        raise PermissionDenied
    return movement


def _error_text(exc) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("You may not do this.")
    return " ".join(exc.messages)


# --- The departures board -------------------------------------------------------------------------
@require_GET
def movement_list(request: HttpRequest) -> HttpResponse:
    """Upcoming departures: of one crisis (``?crisis=``), or across the crises the user sees (HQ)."""
    _signed_in_role(request)
    user = request.user
    crises = (
        list(crises_visible_to(user).only("pk", "code", "name").order_by("-start_date")) if not user.is_liaison else []
    )
    crisis_id = request.GET.get("crisis", "")
    crisis_id = int(crisis_id) if crisis_id.isdigit() else None
    return render(
        request,
        "movements/list.html",
        {
            "upcoming": list(upcoming_movements(user, crisis_id=crisis_id)[:100]),
            "recent": list(recent_movements(user, crisis_id=crisis_id)[:20]),
            "crises": crises,
            "crisis_id": crisis_id,
            "can_plan": user.is_office_staff,
        },
    )


def movement_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_office_staff or not user.office_ids:
        raise PermissionDenied
    crises = crises_visible_to(user).filter(status="active", office_id__in=user.office_ids).order_by("-start_date")
    form = MovementForm(request.POST or None, crises=crises, initial={"crisis": request.GET.get("crisis")})
    if request.method == "POST" and form.is_valid():
        crisis = form.cleaned_data["crisis"]
        try:
            movement = services.movement_create(
                actor=user,
                office=Office.objects.get(pk=crisis.office_id),
                crisis=crisis,
                data=form.movement_data(),
                transit_points=form.cleaned_data["transit_point_list"],
                escorts=form.escorts(),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Movement %(ref)s planned.") % {"ref": movement.reference})
            return redirect("movements:detail", pk=movement.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "movements/form.html", {"form": form}, status=status)


# --- The movement page ----------------------------------------------------------------------------
# The movement page shows its manifest a page at a time: a ship's load is a thousand rows, each with its
# links; the figures above the table count every passenger (manifest_counts, in SQL).
MANIFEST_PAGE_SIZE = 100


def _visible_passengers(request: HttpRequest, movement: Movement):
    return passengers_visible_to(request.user, movement).select_related("migrant", "escort").order_by("order", "id")


def _passenger_rows(request: HttpRequest, movement: Movement) -> list[Passenger]:
    passengers = list(_visible_passengers(request, movement))
    log_reads(user=request.user, objects=[p.migrant for p in passengers], request=request)
    return passengers


def _passenger_page(request: HttpRequest, movement: Movement, total: int) -> Page:
    """One page of the manifest (``?page=``); ``total`` is the number of passengers the user sees, already
    counted, so the page costs one query; only the people shown are read (the access log)."""
    paginator = Paginator(_visible_passengers(request, movement), MANIFEST_PAGE_SIZE)
    paginator.count = total  # type: ignore[misc]  # the cached count, from manifest_counts
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    log_reads(user=request.user, objects=[p.migrant for p in page.object_list], request=request)
    return page


@require_GET
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _visible(request, pk)
    user = request.user
    roles = services.roles_on(user, movement)
    counts = manifest_counts(user, movement)
    page = _passenger_page(request, movement, counts["passengers"])
    context = {
        "movement": movement,
        "passengers": page.object_list,
        "page": page,
        "counts": counts,
        "transit_points": list(movement.transit_points.all()),
        "escorts": list(movement.escorts.all()),
        "events": list(movement.events.select_related("actor")) if (roles or user.is_hq) else [],
        "transitions": transitions_from(movement.status, roles) if roles else [],
        "is_staff": bool(roles),
        "is_liaison": user.is_liaison,
        "versions": _versions_for(user, roles),
        "formats": documents.FORMATS,
    }
    return render(request, "movements/detail.html", context)


def _versions_for(user, roles) -> list[tuple[str, str]]:
    if roles or user.is_hq:
        return [(v, documents.VERSION_LABELS[v]) for v in documents.VERSIONS]
    return [(documents.GOVERNMENT, documents.VERSION_LABELS[documents.GOVERNMENT])]


@require_POST
def movement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _visible(request, pk)
    to = request.POST.get("to", "")
    try:
        services.movement_transition(
            actor=request.user,
            movement_id=movement.pk,
            to=to,
            reason=request.POST.get("reason", ""),
            override_reason=request.POST.get("override_reason", ""),
            request=request,
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("movements:detail", pk=movement.pk)
    messages.success(request, _("Movement status: %(status)s.") % {"status": MovementStatus(to).label})
    return redirect("movements:detail", pk=movement.pk)


# --- Adding passengers ----------------------------------------------------------------------------
def passengers_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose people by reference, household or the caseload filters; see who would be added and who
    refused and why; then confirm."""
    movement = _writable(request, pk)
    data = request.POST if request.method == "POST" else None
    selection = SelectionForm(data)
    filterset = MigrantFilter(data, queryset=Migrant.objects.none(), request=request)
    filterset.form.fields.pop("crisis", None)
    plan = error = None
    if data is not None and selection.is_valid() and filterset.form.is_valid():
        try:
            migrants = _selected(request, movement, selection.cleaned_data, data)
            if request.POST.get("confirm") == "1":
                plan = services.passengers_add(
                    actor=request.user, movement_id=movement.pk, migrants=migrants, request=request
                )
                messages.success(
                    request,
                    _("%(added)s passengers added; %(refused)s refused.")
                    % {"added": len(plan.added), "refused": len(plan.refused)},
                )
                return redirect("movements:detail", pk=movement.pk)
            plan = services.passengers_plan(actor=request.user, movement=movement, migrants=migrants)
        except ValidationError as exc:
            error = _error_text(exc)
    return render(
        request,
        "movements/add.html",
        {
            "movement": movement,
            "selection": selection,
            "filter": filterset,
            "plan": plan,
            "error": error,
            "hidden": [(k, v) for k in ("references", "household", *FILTER_FIELDS) for v in data.getlist(k)]
            if data is not None
            else [],
        },
        status=400 if error else 200,
    )


def _selected(request: HttpRequest, movement: Movement, selection: dict, data) -> list[Migrant]:
    references = [r for r in re.split(r"[\s,;]+", selection["references"]) if r]
    if references:
        found, unknown = services.passengers_by_reference(references, actor=request.user)
        if unknown:
            raise ValidationError(
                {"references": [_("Unknown case references: %(refs)s.") % {"refs": ", ".join(unknown)}]}
            )
        return selection_candidates(request.user, movement, migrant_ids=[m.pk for m in found])
    if selection["household"]:
        return selection_candidates(request.user, movement, household=selection["household"])
    filters = {name: data.get(name, "") for name in FILTER_FIELDS if data.get(name)}
    if not filters:
        raise ValidationError({"references": [_("Give case references, a household or at least one filter.")]})
    return selection_candidates(request.user, movement, filters=filters, request=request)


# --- One passenger --------------------------------------------------------------------------------
def _visible_passenger(request: HttpRequest, movement: Movement, passenger_id: int) -> Passenger:
    return get_object_or_404(
        passengers_visible_to(request.user, movement).select_related("migrant", "escort"), pk=passenger_id
    )


def passenger_edit(request: HttpRequest, pk: int, passenger_id: int) -> HttpResponse:
    movement = _writable(request, pk)
    seat = _visible_passenger(request, movement, passenger_id)
    log_reads(user=request.user, objects=[seat.migrant], request=request)
    initial = {
        "seat": seat.seat,
        "fitness": seat.fitness,
        "special_needs": seat.special_needs,
        "escort": seat.escort,
        "document_type": seat.document_type,
        "document_number": seat.document_number,
    }
    form = PassengerForm(request.POST or None, initial=initial, movement=movement, locked=movement.manifest_is_locked)
    share = ShareOverrideForm(request.POST or None if "share_override_reason" in request.POST else None)
    if request.method == "POST":
        target = share if "share_override_reason" in request.POST else form
        if target.is_valid():
            try:
                if target is share:
                    services.passenger_share_override(
                        actor=request.user,
                        passenger_id=seat.pk,
                        reason=share.cleaned_data["share_override_reason"],
                        request=request,
                    )
                else:
                    changed = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
                    if changed:
                        services.passenger_update(
                            actor=request.user, passenger_id=seat.pk, data=changed, request=request
                        )
            except PermissionDenied as exc:
                target.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(target, exc)
            else:
                messages.success(request, _("Passenger %(ref)s updated.") % {"ref": seat.migrant.reference})
                return redirect("movements:detail", pk=movement.pk)
    status = 400 if request.method == "POST" else 200
    context = {"movement": movement, "passenger": seat, "form": form, "share_form": share}
    return render(request, "movements/passenger_form.html", context, status=status)


@require_POST
def passenger_remove(request: HttpRequest, pk: int, passenger_id: int) -> HttpResponse:
    movement = _writable(request, pk)
    seat = _visible_passenger(request, movement, passenger_id)
    try:
        services.passenger_remove(actor=request.user, passenger_id=seat.pk, request=request)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(ref)s taken off the manifest.") % {"ref": seat.migrant.reference})
    return redirect("movements:detail", pk=movement.pk)


# --- The boarding checklist at the gate -----------------------------------------------------------
def _search(passengers: list[Passenger], query: str) -> list[Passenger]:
    words, document = normalise_name(query).split(), normalise_document(query)
    if not (words or document):
        return passengers
    found = []
    for p in passengers:
        names = f"{p.migrant.given_name_norm} {p.migrant.family_name_norm}"
        if (document and normalise_document(p.document_number) == document) or (
            words and all(any(part.startswith(w) for part in names.split()) for w in words)
        ):
            found.append(p)
    return found


@require_GET
def boarding(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap per passenger: boarded or no-show while boarding, received once arrived."""
    movement = _writable(request, pk)
    query = request.GET.get("q", "")
    passengers = _search(_passenger_rows(request, movement), query)
    return render(
        request,
        "movements/boarding.html",
        {
            "movement": movement,
            "passengers": passengers,
            "query": query,
            "counts": manifest_counts(request.user, movement),
        },
    )


@require_GET
def boarding_offline(request: HttpRequest) -> HttpResponse:
    """The boarding checklist's empty frame, which the service worker keeps and answers with for a
    checklist opened with no connection: it holds no movement and no passenger; static/js/offline.js
    fills it with the checklist of the movement this browser kept, encrypted, when it was opened online
    in this session (docs/architecture.md "Offline")."""
    if not request.user.is_office_staff:
        raise PermissionDenied
    return render(request, "movements/boarding_offline.html")


@require_POST
def boarding_mark(request: HttpRequest, pk: int, passenger_id: int) -> HttpResponse:
    movement = _writable(request, pk)
    seat = _visible_passenger(request, movement, passenger_id)
    mark = request.POST.get("mark", "")
    error = None
    try:
        if mark == "received":
            services.passenger_receive(actor=request.user, passenger_id=seat.pk, request=request)
        elif mark in BoardingStatus.values:
            services.passenger_board(
                actor=request.user,
                passenger_id=seat.pk,
                status=mark,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        else:
            raise Http404
    except (PermissionDenied, ValidationError) as exc:
        error = _error_text(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("movements:boarding", pk=movement.pk)
    movement.refresh_from_db()
    fresh = Passenger.objects.select_related("migrant", "escort").get(pk=seat.pk)
    return render(
        request,
        "movements/partials/boarding_row.html",
        {
            "movement": movement,
            "p": fresh,
            "error": error,
            "counts": manifest_counts(request.user, movement),
            "oob": True,
        },
        status=200,
    )


# --- Manifest documents ---------------------------------------------------------------------------
def _prepared(request: HttpRequest, pk: int, version: str) -> documents.Manifest:
    movement = _visible(request, pk)
    if version not in documents.VERSIONS:
        raise Http404
    return documents.manifest_prepare(user=request.user, movement=movement, version=version)


@require_GET
def manifest_page(request: HttpRequest, pk: int, version: str) -> HttpResponse:
    """The manifest as a printable A4 page (print stylesheet); printing it is a download, audited."""
    try:
        prepared = _prepared(request, pk, version)
    except ValidationError as exc:
        return render(
            request, "movements/manifest_blocked.html", {"error": _error_text(exc), "movement_id": pk}, status=400
        )
    context = documents.document_context(prepared, user=request.user, request=request)
    documents.manifest_audit(
        user=request.user, manifest=prepared, fmt="html", rows=len(context["rows"]), request=request
    )
    return render(request, "movements/manifest_document.html", {**context, "printable": True})


@require_GET
def manifest_download(request: HttpRequest, pk: int, version: str, fmt: str) -> HttpResponse:
    if fmt not in documents.FORMATS:
        raise Http404
    try:
        prepared = _prepared(request, pk, version)
    except ValidationError as exc:
        return render(
            request, "movements/manifest_blocked.html", {"error": _error_text(exc), "movement_id": pk}, status=400
        )
    return documents.manifest_response(request=request, user=request.user, manifest=prepared, fmt=fmt)
