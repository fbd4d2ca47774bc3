"""Browser pages of the reports: the overview (the home page, with the dashboard of each role) and
the export downloads."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from sitreps.selectors import overdue_sitreps

from . import export_jobs, exports
from .dashboard import inbox_counts
from .forms import DashboardFilterForm
from .snapshots import dashboard_cached


def overview_context(request: HttpRequest) -> dict:
    """What the overview page shows the user's role: HQ and office staff the dashboard of what they
    may see, with its filters; a liaison the counts of its inbox."""
    user = request.user
    if user.is_liaison:
        return {"inbox": inbox_counts(user)}
    if not (user.is_hq or user.is_office_staff):
        return {}
    form = DashboardFilterForm(request.GET or None, user=user)
    # HQ sees the situation reports overdue across crises (sitreps.selectors).
    overdue = list(overdue_sitreps(user)[:50]) if user.is_hq else []
    dashboard = dashboard_cached(user, form.filters()) if not form.is_bound or form.is_valid() else None
    return {
        "dashboard_form": form,
        "dashboard": dashboard,
        "charts": {"charts": dashboard.charts()} if dashboard else None,
        "overdue_sitreps": overdue,
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/home.html", {"demo": settings.DEBUG, **overview_context(request)})


def export_choices(user) -> list[dict]:
    """The exports the user's role may download: a liaison only the referrals addressed to it."""
    labels = exports.DATASET_LABELS
    if user.is_hq or user.is_office_staff:
        datasets = exports.DATASETS
    elif user.is_liaison:
        datasets = (exports.REFERRALS,)
    else:
        datasets = ()
    return [{"dataset": d, "label": labels[d], "formats": exports.FORMATS} for d in datasets]


@require_GET
def export_index(request: HttpRequest) -> HttpResponse:
    choices = export_choices(request.user)
    if not choices:
        raise PermissionDenied
    jobs = export_jobs.export_jobs_of(request.user).order_by("-id")[:10]
    context = {"choices": choices, "jobs": jobs, "inline_max": settings.EXPORT_INLINE_MAX_ROWS}
    return render(request, "reports/exports.html", context)


@require_GET
def export(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    """Download the list the user sees, with the list page's filters, as CSV or XLSX."""
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise Http404
    try:
        prepared = exports.export_prepare(user=request.user, dataset=dataset, params=request.GET, request=request)
    except ValidationError as exc:
        return render(request, "reports/export_invalid.html", {"errors": exc.message_dict}, status=400)
    big, rows = export_jobs.needs_job(prepared, fmt)
    if big:
        job = export_jobs.export_job_start(user=request.user, export=prepared, fmt=fmt, rows=rows, request=request)
        return redirect("reports:export_job", pk=job.pk)
    return exports.export_response(request=request, user=request.user, export=prepared, fmt=fmt, rows=rows)


@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a large export, then its download; htmx polls the status part while it runs."""
    job = get_object_or_404(export_jobs.export_jobs_of(request.user), pk=pk)
    template = "reports/partials/export_job_status.html" if request.htmx else "reports/export_job.html"
    return render(request, template, {"job": job, "keep_hours": settings.EXPORT_KEEP_HOURS})


@require_GET
def export_job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return export_jobs.export_job_file(request.user, pk)
