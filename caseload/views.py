"""Browser pages of the caseload: office lists and forms, and the liaison inbox."""

from __future__ import annotations

import contextlib
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Office
from core.countries import country_code
from core.forms import add_service_errors
from core.models import AuditEntry
from core.pagination import keyset_page as core_keyset_page
from crises.selectors import crises_visible_to
from partners.models import Government
from sectors.referral_kinds import ReferralKind

from . import services
from .access_log import log_read, log_reads
from .disclosure import KIND_MIGRANT_FIELDS, TRAFFICKING_TO_GOVERNMENT_WARNING
from .filters import MigrantFilter, ReferralFilter
from .forms import (
    ConsentForm,
    DecideTransferForm,
    HouseholdForm,
    HouseholdMemberFormSet,
    MigrantForm,
    OutcomeForm,
    ReferralForm,
    ShareForm,
    TransitionForm,
)
from .models import CaseShare, Consent, Migrant, Referral, ReferralEvent, ReferralStatus
from .rows import MIGRANT_LIST_FIELDS, migrant_row, referral_row
from .selectors import incoming_cases_for, migrants_visible_to, possible_duplicates, referrals_visible_to
from .workflow import BY_TARGET, RECIPIENT, may_record_outcome, side_of, transitions_from

DEFAULT_PAGE = 50
MAX_PAGE = 200
ACCESS_LOG_ROWS = 50


def _office_or_hq(request: HttpRequest) -> None:
    if not (request.user.is_office_staff or request.user.is_hq):
        raise PermissionDenied


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE))
    except ValueError:
        size = DEFAULT_PAGE
    return max(1, min(size, MAX_PAGE))


def keyset_page(queryset, request: HttpRequest) -> tuple[list, str | None]:
    """Keyset pagination on the primary key, newest first: no COUNT over a big table."""
    return core_keyset_page(queryset, request, size=_page_size(request))


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# --- Office pages ---------------------------------------------------------------------------------
def migrant_list(request: HttpRequest) -> HttpResponse:
    _office_or_hq(request)
    user = request.user
    filterset = MigrantFilter(request.GET or None, queryset=migrants_visible_to(user), request=request)
    queryset = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    rows, next_after = keyset_page(queryset.values_list(*MIGRANT_LIST_FIELDS, named=True), request)
    log_reads(user=user, objects=rows, request=request, object_type=Migrant._meta.label_lower)
    today = timezone.localdate()
    return render(
        request,
        "caseload/migrant_list.html",
        {
            "filter": filterset,
            "migrants": [migrant_row(m, today) for m in rows],
            "next_after": next_after,
            "query": _query_without(request, "after"),
            "incoming": list(incoming_cases_for(user)) if user.is_office_staff else [],
        },
    )


def migrant_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_office_staff or not user.office_ids:
        raise PermissionDenied
    crises = crises_visible_to(user).filter(status="active").order_by("-start_date")
    offices = Office.objects.filter(pk__in=user.office_ids).order_by("name")
    form = MigrantForm(request.POST or None, crises=crises, offices=offices, initial=_only_choices(crises, offices))
    duplicates: list[Migrant] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            possible_duplicates(
                user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                nationality=data["nationality"],
                document_number=data["document_number"],
            )
        )
        if duplicates and not data.get("confirm_not_duplicate"):
            form.add_error(
                "confirm_not_duplicate",
                _("Possible duplicates found: check them, then confirm this is another person."),
            )
        else:
            try:
                migrant = services.migrant_register(
                    actor=user,
                    office=data["office"],
                    crisis=data["crisis"],
                    data=form.migrant_data(),
                    consent=form.consent_data(),
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Migrant %(ref)s registered.") % {"ref": migrant.reference})
                return redirect("caseload:migrant_detail", pk=migrant.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "caseload/migrant_form.html", {"form": form, "duplicates": duplicates}, status=status)


HOUSEHOLD_ROWS = 3


def household_create(request: HttpRequest) -> HttpResponse:
    """Several people registered together: one crisis, office, location and household reference,
    a row per person; nothing is saved unless every row is right."""
    user = request.user
    if not user.is_office_staff or not user.office_ids:
        raise PermissionDenied
    crises = crises_visible_to(user).filter(status="active").order_by("-start_date")
    offices = Office.objects.filter(pk__in=user.office_ids).order_by("name")
    data = request.POST.copy() if request.method == "POST" else None
    adding = data is not None and "add_person" in data
    if adding:  # one row more, what was typed kept, nothing checked yet
        total = f"{FORMSET_PREFIX}-TOTAL_FORMS"
        data[total] = str(min(int(data.get(total) or 0) + 1, HouseholdMemberFormSet.max_num))
    form = HouseholdForm(data, crises=crises, offices=offices, initial=_only_choices(crises, offices))
    formset = HouseholdMemberFormSet(data, prefix=FORMSET_PREFIX)
    formset.extra = HOUSEHOLD_ROWS  # empty rows to fill in; a POST says itself how many it has
    if data is not None and not adding:
        shared_ok = form.is_valid()
        rows_ok = formset.is_valid()
        filled = [f for f in formset.forms if f.has_changed()]
        if shared_ok and rows_ok:
            try:
                migrants = services.household_register(
                    actor=user,
                    office=form.cleaned_data["office"],
                    crisis=form.cleaned_data["crisis"],
                    shared=form.cleaned_data,
                    members=[f.cleaned_data for f in filled],
                    request=request,
                )
            except ValidationError as exc:
                shared_errors, per_person = services.member_errors(exc)
                add_service_errors(form, ValidationError(shared_errors))
                for index, errors in per_person.items():
                    add_service_errors(filled[index], ValidationError(errors))
            else:
                messages.success(
                    request,
                    _("%(count)s people registered together as %(household)s.")
                    % {"count": len(migrants), "household": migrants[0].household},
                )
                return redirect(f"{reverse('caseload:migrant_list')}?household={migrants[0].household}")
    status = 400 if data is not None and not adding else 200
    return render(request, "caseload/household_form.html", {"form": form, "formset": formset}, status=status)


FORMSET_PREFIX = "member"


def _only_choices(crises, offices) -> dict:
    """The office (and the crisis) preselected when there is only one to choose."""
    initial = {}
    for name, queryset in (("crisis", crises), ("office", offices)):
        first_two = list(queryset.values_list("pk", flat=True)[:2])
        if len(first_two) == 1:
            initial[name] = first_two[0]
    return initial


def duplicate_check(request: HttpRequest) -> HttpResponse:
    """htmx partial of the registration form: possible duplicates of what has been typed so far."""
    if not request.user.is_office_staff:
        raise PermissionDenied
    params = request.GET
    duplicates: list[Migrant] = []
    date_of_birth = None
    with contextlib.suppress(ValueError):
        date_of_birth = date.fromisoformat(params.get("date_of_birth", ""))
    names = params.get("given_name", "").strip() and params.get("family_name", "").strip()
    # The nationality picker sends the country's name as typed; the lookups want its code.
    nationality = country_code(params.get("nationality", "")) or ""
    if (names and nationality) or params.get("document_number", "").strip():
        duplicates = list(
            possible_duplicates(
                request.user,
                given_name=params.get("given_name", ""),
                family_name=params.get("family_name", ""),
                date_of_birth=date_of_birth,
                nationality=nationality,
                document_number=params.get("document_number", ""),
            )
        )
    return render(request, "caseload/partials/duplicates.html", {"duplicates": duplicates})


def _visible_migrant(request: HttpRequest, pk: int) -> Migrant:
    _office_or_hq(request)
    migrant = get_object_or_404(migrants_visible_to(request.user).select_related("crisis", "office"), pk=pk)
    log_read(user=request.user, obj=migrant, request=request)
    return migrant


def migrant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    user = request.user
    referrals = list(
        referrals_visible_to(user)
        .filter(migrant=migrant)
        .select_related("recipient_government", "recipient_partner")
        .prefetch_related(Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")))
        .order_by("-id")
    )
    is_owner = user.is_member_of(migrant.office_id)
    # Who read or changed this record (the audit trail), for its office and HQ (ICRC handbook:
    # accountability for access to personal data).
    access_log = None
    if is_owner or user.is_hq:
        access_log = list(
            AuditEntry.objects.filter(object_type=migrant._meta.label_lower, object_id=str(migrant.pk))
            .select_related("actor")
            .order_by("-at", "-id")[:ACCESS_LOG_ROWS]
        )
    return render(
        request,
        "caseload/migrant_detail.html",
        {
            "access_log": access_log,
            "migrant": migrant,
            "consents": migrant.consents.select_related("government", "partner", "recorded_by"),
            "referrals": referrals,
            "shares": migrant.shares.select_related("to_office", "from_office"),
            "is_owner": is_owner,
            "is_chief": user.is_office_staff and user.is_chief_of(migrant.office_id),
        },
    )


def _shown(form: MigrantForm, name: str, value) -> str:
    """A field's value as the form shows it: a choice's label, a list joined."""
    choices = dict(getattr(form.fields[name], "choices", None) or [])
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(str(choices.get(v, v)) for v in values if v not in (None, "")) or "—"


def migrant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a case on the version it was opened at: if someone else changed it meanwhile, the fields
    that both changed are shown with both values and the person chooses, field by field (409)."""
    migrant = _visible_migrant(request, pk)
    if not request.user.is_member_of(migrant.office_id):
        raise PermissionDenied
    initial = {name: getattr(migrant, name) for name in services.MIGRANT_FIELDS}
    initial["version"] = migrant.updated_at.isoformat()
    form = MigrantForm(request.POST or None, initial=initial, editing=True)
    conflicts: list[dict] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.migrant_data()
        # The fields of an earlier conflict: each needs the person's choice; "theirs" keeps the value now.
        pending = [f for f in request.POST.getlist("conflict_fields") if f in services.MIGRANT_FIELDS]
        unchosen = [f for f in pending if request.POST.get(f"keep_{f}") not in ("theirs", "mine")]
        for name in pending:
            if request.POST.get(f"keep_{name}") == "theirs":
                data[name] = getattr(migrant, name)
        try:
            if unchosen:
                raise services.EditConflict(migrant, {f: (getattr(migrant, f), data.get(f)) for f in unchosen})
            services.migrant_update(
                actor=request.user, migrant=migrant, data=data, base_updated_at=form.base_version(), request=request
            )
        except services.EditConflict as conflict:
            form.data = form.data.copy()
            form.data["version"] = conflict.current.updated_at.isoformat()
            conflicts = [
                {
                    "name": name,
                    "label": form.fields[name].label,
                    "theirs": _shown(form, name, theirs),
                    "mine": _shown(form, name, mine),
                    "unchosen": name in unchosen,
                }
                for name, (theirs, mine) in sorted(conflict.conflicts.items())
            ]
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("Migrant %(ref)s updated.") % {"ref": migrant.reference})
            return redirect("caseload:migrant_detail", pk=migrant.pk)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "migrant": migrant, "conflicts": conflicts}
    return render(request, "caseload/migrant_form.html", context, status=status)


@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(
        Consent.objects.filter(migrant__in=migrants_visible_to(request.user).values("pk"), withdrawn_at__isnull=True),
        pk=pk,
    )
    services.consent_withdraw(actor=request.user, consent=consent, request=request)
    messages.success(request, _("Consent withdrawn."))
    return redirect("caseload:migrant_detail", pk=consent.migrant_id)


def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    if request.method == "POST":
        services.require_office_member(request.user, migrant.office_id)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                migrant=migrant,
                governments=list(form.cleaned_data["governments"]),
                partners=list(form.cleaned_data["partners"]),
                purposes=form.cleaned_data["purposes"],
                given_on=form.cleaned_data["given_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("caseload:migrant_detail", pk=migrant.pk)
    return render(request, "caseload/consent_form.html", {"form": form, "migrant": migrant})


def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    if not request.user.is_member_of(migrant.office_id):
        raise PermissionDenied
    # Suggested, never chosen: the page offers it only for a consular referral (docs/domain.md).
    suggested = Government.objects.filter(country=migrant.nationality, is_active=True).first()
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user,
                migrant=migrant,
                kind=data["kind"],
                recipient_government=data["recipient_government"],
                recipient_partner=data["recipient_partner"],
                priority=data["priority"],
                request_note=data["request_note"],
                send=form.send,
                override_reason=data["override_reason"],
                trafficking_confirmed=data["trafficking_confirmed"],
                request=request,
            )
        except PermissionDenied as exc:
            form.add_error("override_reason", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if referral.status == ReferralStatus.SENT:
                messages.success(request, _("Referral sent to %(recipient)s.") % {"recipient": referral.recipient})
            else:
                messages.success(request, _("Referral saved as a draft: nothing was sent."))
            return redirect("caseload:referral_detail", pk=referral.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "migrant": migrant,
        "suggested_government": suggested,
        "trafficking_warning": TRAFFICKING_TO_GOVERNMENT_WARNING,
    }
    return render(request, "caseload/referral_form.html", context, status=status)


def referral_list(request: HttpRequest) -> HttpResponse:
    _office_or_hq(request)
    return _referral_list(request, "caseload/referral_list.html")


# The columns of the referral lists (templates/caseload/partials/referral_table.html). A liaison's
# inbox shows no migrant name and no recipient: it does not load them either.
REFERRAL_LIST_FIELDS = ("id", "kind", "is_sensitive", "priority", "status", "due_at", "crisis__code")
REFERRAL_LIST_OFFICE_FIELDS = (
    "migrant__reference",
    "migrant__given_name",
    "migrant__family_name",
    "recipient_government__name",
    "recipient_partner__name",
)


def _referral_list(request: HttpRequest, template: str) -> HttpResponse:
    user = request.user
    if user.is_liaison:
        queryset = referrals_visible_to(user).select_related("crisis").only(*REFERRAL_LIST_FIELDS)
    else:
        queryset = (
            referrals_visible_to(user)
            .select_related("migrant", "crisis", "recipient_government", "recipient_partner")
            .only(*REFERRAL_LIST_FIELDS, *REFERRAL_LIST_OFFICE_FIELDS)
        )
    filterset = ReferralFilter(request.GET or None, queryset=queryset)
    for name in ("migrant", "recipient_government", "recipient_partner", "crisis"):
        filterset.form.fields.pop(name, None)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    rows, next_after = keyset_page(qs, request)
    log_reads(user=user, objects=rows, request=request)
    now = timezone.now()
    return render(
        request,
        template,
        {
            "filter": filterset,
            "referrals": [referral_row(r, now=now, for_liaison=user.is_liaison) for r in rows],
            "next_after": next_after,
            "query": _query_without(request, "after"),
        },
    )


# --- Liaison portal -------------------------------------------------------------------------------
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The referrals addressed to the liaison's government or organisation."""
    if not request.user.is_liaison:
        raise PermissionDenied
    return _referral_list(request, "caseload/inbox.html")


def _migrant_fields(referral: Referral) -> list[tuple[str, object]]:
    """Label and display value of each migrant field the referral's kind discloses."""
    migrant = referral.migrant
    rows = []
    for name in KIND_MIGRANT_FIELDS[referral.kind]:
        field = Migrant._meta.get_field(name)
        if name == "vulnerabilities":
            value = ", ".join(migrant.get_vulnerabilities_display())
        elif name in ("nationality", "location_country"):
            value = getattr(migrant, f"{name}_name")
        elif name == "languages":
            value = ", ".join(migrant.languages)
        elif field.choices:
            value = getattr(migrant, f"get_{name}_display")()
        else:
            value = getattr(migrant, name)
        rows.append((name, field.verbose_name, value))
    return rows


def _visible_referral(request: HttpRequest, pk: int) -> Referral:
    referral = get_object_or_404(
        referrals_visible_to(request.user).select_related(
            "migrant", "crisis", "office", "recipient_government", "recipient_partner"
        ),
        pk=pk,
    )
    log_read(user=request.user, obj=referral, request=request)
    return referral


def referral_detail(request: HttpRequest, pk: int, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    referral = _visible_referral(request, pk)
    user = request.user
    side = side_of(user, referral)
    forms = forms or {}
    context = {
        "referral": referral,
        "events": referral.events.select_related("actor"),
        "transitions": transitions_from(referral.status, side) if side else [],
        "transition_form": forms.get("transition") or TransitionForm(),
        "outcome_form": forms.get("outcome") or OutcomeForm(kind=referral.kind, initial=_outcome_initial(referral)),
        "can_record_outcome": may_record_outcome(side, referral.status),
        "is_liaison": user.is_liaison,
        "overdue": referral.is_overdue(),
        "trafficking_to_government": referral.kind == ReferralKind.COUNTER_TRAFFICKING
        and bool(referral.recipient_government_id),
        "trafficking_warning": TRAFFICKING_TO_GOVERNMENT_WARNING,
    }
    if user.is_liaison:
        context["migrant_fields"] = _migrant_fields(referral)
    return render(request, "caseload/referral_detail.html", context, status=status)


def _outcome_initial(referral: Referral) -> dict:
    names = ("document_type", "document_number", "document_issued_on", "departure_from", "destination", "travel_date")
    return {n: getattr(referral, n) for n in names if getattr(referral, n)} | {"outcome_note": referral.outcome_note}


@require_POST
def referral_transition(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _visible_referral(request, pk)
    if side_of(request.user, referral) is None:
        raise PermissionDenied
    to = request.POST.get("to", "")
    if to not in BY_TARGET:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    outcome = {}
    if to == ReferralStatus.COMPLETED:
        outcome_form = OutcomeForm(request.POST, kind=referral.kind)
        if outcome_form.is_valid():
            outcome = outcome_form.outcome()
    try:
        services.referral_transition(
            actor=request.user,
            referral_id=referral.pk,
            to=to,
            note=form.cleaned_data.get("note", ""),
            reason=form.cleaned_data.get("reason", ""),
            outcome=outcome,
            override_reason=form.cleaned_data.get("override_reason", ""),
            trafficking_confirmed=form.cleaned_data.get("trafficking_confirmed", False),
            request=request,
        )
    except (PermissionDenied, ValidationError) as exc:
        text = str(exc) if isinstance(exc, PermissionDenied) else " ".join(exc.messages)
        messages.error(request, text or _("You may not do this."))
        return redirect("caseload:referral_detail", pk=referral.pk)
    messages.success(request, _("Referral status: %(status)s.") % {"status": ReferralStatus(to).label})
    return redirect("caseload:referral_detail", pk=referral.pk)


@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _visible_referral(request, pk)
    if side_of(request.user, referral) != RECIPIENT:
        raise PermissionDenied
    form = OutcomeForm(request.POST, kind=referral.kind)
    if form.is_valid():
        try:
            services.referral_record_outcome(
                actor=request.user, referral_id=referral.pk, outcome=form.outcome(), request=request
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect("caseload:referral_detail", pk=referral.pk)
    return referral_detail(request, pk, forms={"outcome": form}, status=400)


# --- Sharing and transfer -------------------------------------------------------------------------
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    if not (request.user.is_office_staff and request.user.is_chief_of(migrant.office_id)):
        raise PermissionDenied
    form = ShareForm(request.POST or None, exclude_office_id=migrant.office_id)
    if request.method == "POST" and form.is_valid():
        try:
            share = services.case_share(
                actor=request.user,
                migrant=migrant,
                to_office=form.cleaned_data["to_office"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if share.kind == CaseShare.Kind.SHARE:
                messages.success(request, _("Case shared with %(office)s.") % {"office": share.to_office})
            else:
                messages.success(request, _("Transfer to %(office)s requested.") % {"office": share.to_office})
            return redirect("caseload:migrant_detail", pk=migrant.pk)
    return render(request, "caseload/share_form.html", {"form": form, "migrant": migrant})


@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecideTransferForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        share = services.case_transfer_decide(
            actor=request.user, share_id=pk, accept=accept, reason=form.cleaned_data.get("reason", ""), request=request
        )
    except CaseShare.DoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("caseload:migrant_list")
    if accept:
        messages.success(request, _("Transfer accepted: the case now belongs to your office."))
        return redirect("caseload:migrant_detail", pk=share.migrant_id)
    messages.success(request, _("Transfer refused."))
    return redirect("caseload:migrant_list")
