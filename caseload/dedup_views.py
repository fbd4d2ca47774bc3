"""Browser pages of possible duplicates: the review queue, a pair side by side, merge or distinct."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import dedup
from .access_log import log_read, log_reads
from .models import DuplicateCandidate, Migrant, Referral
from .services import MIGRANT_FIELDS
from .views import keyset_page

COMPARED = (
    "given_name",
    "family_name",
    "other_names",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "document_status",
    "document_number",
    "location_country",
    "site",
    "household",
    "phone",
)


def _queue_allowed(request: HttpRequest) -> None:
    if not (request.user.is_office_staff or request.user.is_hq):
        raise Http404


def duplicate_queue(request: HttpRequest) -> HttpResponse:
    _queue_allowed(request)
    user = request.user
    queryset = (
        dedup.duplicate_candidates_visible_to(user)
        .filter(status=DuplicateCandidate.Status.OPEN)
        .select_related("migrant_a__crisis", "migrant_b__crisis", "office")
    )
    rows, next_after = keyset_page(queryset, request)
    log_reads(user=user, objects=[m for pair in rows for m in (pair.migrant_a, pair.migrant_b)], request=request)
    return render(
        request,
        "caseload/dedup/queue.html",
        {"candidates": rows, "next_after": next_after, "can_scan": user.is_office_staff and bool(user.office_ids)},
    )


@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """Look for new pairs in the user's offices now rather than at the next periodic run."""
    from .tasks import find_duplicates

    if not request.user.is_office_staff:
        raise Http404
    for office_id in sorted(request.user.office_ids):
        transaction.on_commit(lambda office_id=office_id: find_duplicates.delay(office_id=office_id))
    messages.success(request, _("Looking for possible duplicates; the list is updated in a moment."))
    return redirect("caseload:duplicate_queue")


def _value(migrant: Migrant, name: str):
    field = Migrant._meta.get_field(name)
    if name in ("nationality", "location_country"):
        return getattr(migrant, f"{name}_name")
    if field.choices:
        return getattr(migrant, f"get_{name}_display")()
    value = getattr(migrant, name)
    return value if value not in (None, "", []) else ""


def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _queue_allowed(request)
    candidate = get_object_or_404(
        dedup.duplicate_candidates_visible_to(request.user).select_related(
            "migrant_a__crisis", "migrant_b__crisis", "office", "decided_by"
        ),
        pk=pk,
    )
    a, b = candidate.migrant_a, candidate.migrant_b
    for migrant in (a, b):
        log_read(user=request.user, obj=migrant, request=request)
    counts = dict(
        Referral.objects.filter(migrant__in=[a.pk, b.pk])
        .values_list("migrant")
        .annotate(n=Count("pk"))
        .values_list("migrant", "n")
    )
    rows = [
        {
            "label": Migrant._meta.get_field(name).verbose_name,
            "a": _value(a, name),
            "b": _value(b, name),
            "differs": getattr(a, name) != getattr(b, name),
        }
        for name in COMPARED
        if name in MIGRANT_FIELDS
    ]
    return render(
        request,
        "caseload/dedup/detail.html",
        {
            "candidate": candidate,
            "a": a,
            "b": b,
            "rows": rows,
            "referrals_a": counts.get(a.pk, 0),
            "referrals_b": counts.get(b.pk, 0),
            "can_decide": request.user.is_office_staff
            and candidate.office_id in request.user.office_ids
            and candidate.status == DuplicateCandidate.Status.OPEN,
        },
    )


def _decide(request: HttpRequest, pk: int, action) -> HttpResponse:
    _queue_allowed(request)
    try:
        action()
    except DuplicateCandidate.DoesNotExist:
        raise Http404 from None
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("caseload:duplicate_detail", pk=pk)
    return redirect("caseload:duplicate_queue")


@require_POST
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        survivor_id = int(request.POST.get("survivor", ""))
    except ValueError:
        survivor_id = 0

    def merge():
        candidate = dedup.duplicate_merge(actor=request.user, candidate_id=pk, survivor_id=survivor_id, request=request)
        messages.success(request, _("Records merged into %(reference)s.") % {"reference": candidate.survivor.reference})

    return _decide(request, pk, merge)


@require_POST
def duplicate_distinct(request: HttpRequest, pk: int) -> HttpResponse:
    def distinct():
        dedup.duplicate_mark_distinct(actor=request.user, candidate_id=pk, request=request)
        messages.success(request, _("Marked as different people; this pair will not be proposed again."))

    return _decide(request, pk, distinct)
