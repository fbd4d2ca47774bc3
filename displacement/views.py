"""Browser pages of displacement tracking: a crisis's overview (charts beside their tables), its
sites with filters, a site's history, a round's entry, validation and import, and the flow
monitoring daily entry. Scoped by the selectors: an unseen crisis, site, round or point is a 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.countries import country_choices, country_name
from crises.models import Crisis

from . import exports, imports, services
from .forms import (
    AssessmentForm,
    ImportForm,
    RoundForm,
    SiteCloseForm,
    SiteFilterForm,
    SiteForm,
    add_service_errors,
)
from .models import (
    SADD_FIELDS,
    AssessmentRound,
    Direction,
    FlowCount,
    MoveReason,
    RoundImport,
    RoundStatus,
    Site,
    SiteAssessment,
    SiteStatus,
)
from .selectors import (
    assessment_rows,
    can_count_at,
    can_enter,
    countable_point_ids,
    flow_points_visible_to,
    is_partner_view,
    overview,
    rounds_visible_to,
    site_history,
    sites_visible_to,
    tracked_crises,
)
from .workflow import ROUND, side_of

PAGE_SIZE = 100
POINTS_PAGE_SIZE = 50
BLANK_FLOW_ROWS = 6


def _reader(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_hq or user.is_office_staff or user.is_partner_liaison):
        raise PermissionDenied


def _crisis(request: HttpRequest, crisis_id: int) -> Crisis:
    _reader(request)
    return get_object_or_404(tracked_crises(request.user), pk=crisis_id)


def _entering(request: HttpRequest, crisis: Crisis) -> None:
    if not can_enter(request.user, crisis):
        raise PermissionDenied


def _round(request: HttpRequest, pk: int) -> AssessmentRound:
    _reader(request)
    return get_object_or_404(rounds_visible_to(request.user).select_related("crisis"), pk=pk)


def _chart(key: str, labels: list, datasets: list[tuple[str, list]], *, stacked: bool = False, horizontal=False):
    def number(value):
        return value if isinstance(value, int) else 0  # "<5" is drawn as nothing; the table says it

    return {
        "id": f"chart-{key}",
        "labels": [str(label) for label in labels],
        "datasets": [{"label": str(label), "data": [number(v) for v in data]} for label, data in datasets],
        "stacked": stacked,
        "horizontal": horizontal,
    }


@require_GET
def crisis_overview(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    figures = overview(request.user, crisis)
    rounds = figures["per_round"]
    areas = figures["per_admin1"]
    days = figures["per_day"]
    nations = figures["per_nationality"][:15]
    for row in nations:
        row["name"] = country_name(row["nationality"])
    charts = {
        "charts": [
            _chart(
                "rounds",
                [_("Round %(n)s") % {"n": r["round__number"]} for r in rounds],
                [
                    (_("Internally displaced persons"), [r["idps"] for r in rounds]),
                    (_("International migrants"), [r["international_migrants"] for r in rounds]),
                ],
            ),
            _chart(
                "admin1",
                [a["site__admin1_name"] for a in areas],
                [(_("Individuals"), [a["individuals"] for a in areas])],
                horizontal=True,
            ),
            _chart(
                "days",
                [d["date"].isoformat() for d in days],
                [(_("In"), [d["inflow"] for d in days]), (_("Out"), [d["outflow"] for d in days])],
            ),
            _chart(
                "nationalities",
                [n["name"] for n in nations],
                [(_("In"), [n["inflow"] for n in nations]), (_("Out"), [n["outflow"] for n in nations])],
                horizontal=True,
            ),
        ]
    }
    # The points a page at a time: a large operation has hundreds, each row with its links.
    points_page = Paginator(
        flow_points_visible_to(request.user).filter(crisis=crisis).select_related("crisis").order_by("name", "pk"),
        POINTS_PAGE_SIZE,
    ).get_page(request.GET.get("points"))
    points = list(points_page)
    countable = countable_point_ids(request.user, points)
    return render(
        request,
        "displacement/overview.html",
        {
            "crisis": crisis,
            "figures": figures,
            "nations": nations,
            "charts": charts,
            "rounds": rounds_visible_to(request.user).filter(crisis=crisis).order_by("-number"),
            "points": [(point, point.pk in countable) for point in points],
            "points_page": points_page,
            "can_enter": can_enter(request.user, crisis),
            "partner": is_partner_view(request.user),
        },
    )


@require_GET
def site_list(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    sites = sites_visible_to(request.user).filter(crisis=crisis)
    areas = sites.order_by("admin1_pcode").values_list("admin1_pcode", "admin1_name").distinct()
    form = SiteFilterForm(request.GET or None, areas=list(areas))
    if form.is_valid():
        if form.cleaned_data["admin1"]:
            sites = sites.filter(admin1_pcode=form.cleaned_data["admin1"])
        if form.cleaned_data["site_type"]:
            sites = sites.filter(site_type=form.cleaned_data["site_type"])
        if form.cleaned_data["status"]:
            sites = sites.filter(status=form.cleaned_data["status"])
    page = Paginator(sites.order_by("admin1_name", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "displacement/sites.html",
        {
            "crisis": crisis,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_enter": can_enter(request.user, crisis),
        },
    )


def site_create(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    _entering(request, crisis)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(actor=request.user, crisis=crisis, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Site %(code)s added.") % {"code": site.code})
            return redirect("displacement:site", pk=site.pk)
    return render(request, "displacement/form.html", {"crisis": crisis, "form": form, "title": _("Add a site")})


def _site_for_entry(request: HttpRequest, pk: int) -> Site:
    """A site of a crisis whose tracking the user enters (else 404 or 403)."""
    _reader(request)
    site = get_object_or_404(sites_visible_to(request.user).select_related("crisis"), pk=pk)
    _entering(request, site.crisis)
    return site


def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_for_entry(request, pk)
    if site.status == SiteStatus.CLOSED:
        messages.error(request, _("A closed site is not edited."))
        return redirect("displacement:site", pk=site.pk)
    initial = {name: getattr(site, name) for name in services.SITE_FIELDS}
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, site=site, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Site %(code)s saved.") % {"code": site.code})
            return redirect("displacement:site", pk=site.pk)
    title = _("Edit site %(code)s") % {"code": site.code}
    return render(request, "displacement/form.html", {"crisis": site.crisis, "form": form, "title": title})


def site_close(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_for_entry(request, pk)
    if site.status == SiteStatus.CLOSED:
        messages.error(request, _("A closed site is not edited."))
        return redirect("displacement:site", pk=site.pk)
    form = SiteCloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.site_close(
                actor=request.user,
                site=site,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["closure_reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Site %(code)s closed.") % {"code": site.code})
            return redirect("displacement:site", pk=site.pk)
    title = _("Close site %(code)s") % {"code": site.code}
    return render(request, "displacement/form.html", {"crisis": site.crisis, "form": form, "title": title})


@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    site = get_object_or_404(sites_visible_to(request.user).select_related("crisis"), pk=pk)
    history = site_history(request.user, site)
    chart = _chart(
        "history",
        [_("Round %(n)s") % {"n": h["round__number"]} for h in history],
        [
            (_("Individuals"), [h["individuals"] for h in history]),
            (_("Internally displaced persons"), [h["idps"] for h in history]),
        ],
    )
    labels = dict(RoundStatus.choices)
    for row in history:
        row["round_status_label"] = labels.get(row["round__status"], row["round__status"])
    return render(
        request,
        "displacement/site.html",
        {
            "site": site,
            "history": history,
            "charts": {"charts": [chart]},
            "can_enter": can_enter(request.user, site.crisis),
        },
    )


def round_open(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    _entering(request, crisis)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_open(actor=request.user, crisis=crisis, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("displacement:round", pk=round.pk)
    return render(request, "displacement/form.html", {"crisis": crisis, "form": form, "title": _("Open a round")})


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    side = side_of(request.user, round)
    rows = assessment_rows(request.user, round)
    assessed = {r["site_id"] for r in rows}
    pending = []
    if round.status == RoundStatus.OPEN and can_enter(request.user, round.crisis):
        pending = list(
            Site.objects.filter(crisis_id=round.crisis_id, status="open")
            .exclude(pk__in=assessed)
            .order_by("admin1_name", "name")[:200]
        )
    return render(
        request,
        "displacement/round.html",
        {
            "round": round,
            "crisis": round.crisis,
            "rows": rows,
            "pending": pending,
            "transitions": ROUND.transitions_from(round.status, side) if side else [],
            "can_enter": can_enter(request.user, round.crisis) and round.status == RoundStatus.OPEN,
            "can_correct": round.is_validated and (request.user.is_hq or can_enter(request.user, round.crisis)),
            "partner": is_partner_view(request.user),
            "totals": {
                f: sum(r[f] for r in rows if isinstance(r[f], int))
                for f in ("households", "individuals", "idps", "international_migrants")
            },
        },
    )


@require_POST
def round_transition(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    if side_of(request.user, round) is None:
        raise PermissionDenied
    try:
        services.round_transition(
            actor=request.user,
            round_id=round.pk,
            to=request.POST.get("to", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("You may not do this."))
    else:
        messages.success(
            request,
            _("Round %(n)s is now %(status)s.")
            % {"n": round.number, "status": RoundStatus(ROUND.transition_to(request.POST["to"]).target).label.lower()},
        )
    return redirect("displacement:round", pk=round.pk)


def assessment_edit(request: HttpRequest, pk: int, site_id: int) -> HttpResponse:
    round = _round(request, pk)
    if not (can_enter(request.user, round.crisis) or (request.user.is_hq and round.is_validated)):
        raise PermissionDenied
    if round.status == RoundStatus.SUBMITTED:
        raise PermissionDenied
    site = get_object_or_404(Site.objects.filter(crisis_id=round.crisis_id), pk=site_id)
    existing = SiteAssessment.objects.filter(round=round, site=site).first()
    if round.is_validated and existing is None:
        raise Http404
    form = AssessmentForm(request.POST or None, initial=existing.values() if existing else None)
    if not round.is_validated:
        del form.fields["correction_reason"]
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("correction_reason", "")
        try:
            if round.is_validated:
                assert existing is not None
                services.assessment_correct(
                    actor=request.user, assessment_id=existing.pk, data=values, reason=reason, request=request
                )
            else:
                services.assessment_save(
                    actor=request.user, round_id=round.pk, site_id=site.pk, data=values, request=request
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Assessment of %(site)s saved.") % {"site": site.name})
            return redirect("displacement:round", pk=round.pk)
    groups = [
        (_("Female"), [form[f] for f in SADD_FIELDS[:4]]),
        (_("Male"), [form[f] for f in SADD_FIELDS[4:]]),
    ]
    return render(
        request,
        "displacement/assessment.html",
        {"round": round, "site": site, "form": form, "groups": groups, "existing": existing},
    )


IMPORTS_SHOWN = 10


def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a round's table: it is kept and checked by the worker, and its page shows the progress,
    then the preview (new sites, assessments, each row's errors), then saves it: all rows or none."""
    round = _round(request, pk)
    if not can_enter(request.user, round.crisis) or round.status != RoundStatus.OPEN:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.round_import_start(
                actor=request.user, round=round, upload=form.cleaned_data["file"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("displacement:import_detail", pk=job.pk)
    recent = RoundImport.objects.filter(round=round).select_related("created_by")[:IMPORTS_SHOWN]
    return render(request, "displacement/import.html", {"round": round, "form": form, "recent": recent})


def _import(request: HttpRequest, pk: int) -> RoundImport:
    _reader(request)
    job = get_object_or_404(
        RoundImport.objects.filter(round__in=rounds_visible_to(request.user)).select_related("round__crisis"), pk=pk
    )
    if not can_enter(request.user, job.round.crisis):
        raise PermissionDenied
    return job


def _import_context(job: RoundImport) -> dict:
    errors = sorted(((int(row), fields) for row, fields in job.errors.items()), key=lambda item: item[0])
    return {"job": job, "round": job.round, "errors": errors, "errors_cut": job.error_rows > len(errors)}


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import(request, pk)
    return render(request, "displacement/import_detail.html", _import_context(job))


@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status part of an import's page, which htmx polls while the worker runs it."""
    job = _import(request, pk)
    return render(request, "displacement/partials/import_status.html", _import_context(job))


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import(request, pk)
    try:
        imports.round_import_confirm(actor=request.user, import_id=job.pk, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saving the assessments."))
    return redirect("displacement:import_detail", pk=job.pk)


@require_GET
def round_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    round = _round(request, pk)
    if fmt not in exports.FORMATS:
        raise Http404
    return exports.round_export(request.user, round, fmt)


@require_GET
def sites_export(request: HttpRequest, crisis_id: int, fmt: str) -> HttpResponse:
    crisis = _crisis(request, crisis_id)
    if fmt not in exports.FORMATS:
        raise Http404
    rows = exports.site_rows(sites_visible_to(request.user).filter(crisis=crisis).order_by("admin1_name", "name"))
    return exports.respond(f"{crisis.code}-sites", f"{crisis.code} sites", exports.SITE_COLUMNS, rows, fmt)


@require_GET
def flows_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _reader(request)
    point = get_object_or_404(flow_points_visible_to(request.user), pk=pk)
    if fmt not in exports.FORMATS:
        raise Http404
    return exports.flows_export(request.user, point, fmt)


def _flow_rows(post) -> list[dict]:
    rows = []
    for i in range(int(post.get("row_count") or 0)):
        row = {
            k: post.get(f"r{i}-{k}", "").strip()
            for k in ("direction", "nationality", "reason", "destination_country", "females", "males", "children")
        }
        if any(row[k] for k in ("nationality", "destination_country", "females", "males", "children")):
            rows.append(row)
    return rows


def flow_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """A day's counts at a point on one screen: the rows already counted that day, corrected in place,
    and blank rows to add; Tab moves along a row, Enter saves the day."""
    _reader(request)
    point = get_object_or_404(flow_points_visible_to(request.user).select_related("crisis"), pk=pk)
    if not can_count_at(request.user, point):
        raise PermissionDenied
    try:
        day = datetime.date.fromisoformat(request.GET.get("date") or request.POST.get("date") or "")
    except ValueError:
        day = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = _flow_rows(request.POST)
        try:
            services.flow_counts_record(
                actor=request.user, point_id=point.pk, date=request.POST.get("date"), rows=rows, request=request
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Counts of %(date)s saved.") % {"date": day.isoformat()})
            return redirect(f"{request.path}?date={day.isoformat()}")
        entered = rows
    else:
        entered = list(FlowCount.objects.filter(point=point, date=day).order_by("direction", "nationality").values())
    lines = [*entered, *({} for _i in range(BLANK_FLOW_ROWS))]
    table = []
    for i, row in enumerate(lines):
        table.append(
            {
                "index": i,
                "row": row,
                "errors": {k.split(".", 2)[2]: v for k, v in errors.items() if k.startswith(f"rows.{i}.")},
            }
        )
    return render(
        request,
        "displacement/flow_entry.html",
        {
            "point": point,
            "day": day,
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
            "table": table,
            "row_count": len(lines),
            "errors": {k: v for k, v in errors.items() if not k.startswith("rows.")},
            "directions": Direction.choices,
            "reasons": MoveReason.choices,
            "countries": country_choices(),
        },
    )
