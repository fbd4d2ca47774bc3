"""Writes of displacement tracking (docs/domain.md "Displacement tracking"): sites, rounds and their
assessments, corrections of validated rounds, flow points and their daily counts. Each function
authorises, validates every field before any change (a ValidationError naming each bad field),
writes, and records the audit entry and the domain event."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.countries import is_iso3
from core.events import record_event
from crises.models import AffectedFigure, AffectedGroup, Crisis

from .models import (
    ASSESSMENT_FIELDS,
    COUNT_FIELDS,
    GROUP_FIELDS,
    SADD_FIELDS,
    AssessmentRevision,
    AssessmentRound,
    Direction,
    FlowCount,
    FlowPoint,
    MoveReason,
    Need,
    PointType,
    Reason,
    RoundStatus,
    Site,
    SiteAssessment,
    SiteStatus,
    SiteType,
)
from .selectors import can_count_at, can_enter, flow_points_visible_to, rounds_visible_to
from .workflow import ROUND, side_of

Errors = dict[str, list[str]]


def _require_office(actor: User, crisis: Crisis) -> None:
    if not can_enter(actor, crisis):
        raise PermissionDenied(_("Only staff of the crisis's office record displacement tracking."))


def _text(data: dict, name: str, errors: Errors, *, required: bool = False, max_length: int = 200) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[name] = [_("At most %(n)s characters.") % {"n": max_length}]
    return value


def _choice(data: dict, name: str, choices, errors: Errors, *, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if not value and not required:
        return ""
    if value not in choices.values:
        errors[name] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}]
    return value


def _count(data: dict, name: str, errors: Errors, *, default: int | None = 0) -> int:
    raw = data.get(name)
    if raw in (None, ""):
        if default is None:
            errors[name] = [_("This field is required.")]
            return 0
        return default
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        errors[name] = [_("Give a whole number, zero or more.")]
        return 0
    if value < 0 or isinstance(raw, bool | float):
        errors[name] = [_("Give a whole number, zero or more.")]
        return 0
    return value


def _coordinate(data: dict, name: str, limit: int, errors: Errors) -> Decimal:
    try:
        value = Decimal(str(data.get(name)).strip())
    except (InvalidOperation, TypeError, ValueError):
        label = _("latitude") if name == "latitude" else _("longitude")
        errors[name] = [_("Give the %(name)s in decimal degrees.") % {"name": label}]
        return Decimal(0)
    if not value.is_finite() or not -limit <= value <= limit:
        errors[name] = [_("Between -%(limit)s and %(limit)s degrees.") % {"limit": limit}]
        return Decimal(0)
    return value.quantize(Decimal("0.00001"))


def _date(value: Any, name: str, errors: Errors) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        errors[name] = [_("Give a date (YYYY-MM-DD).")]
        return None


# --- Sites --------------------------------------------------------------------------------------


def clean_site(data: dict) -> dict[str, Any]:
    errors: Errors = {}
    values = {
        "name": _text(data, "name", errors, required=True),
        "site_type": _choice(data, "site_type", SiteType, errors),
        "admin1_name": _text(data, "admin1_name", errors, required=True, max_length=100),
        "admin1_pcode": _text(data, "admin1_pcode", errors, required=True, max_length=20).upper(),
        "admin2_name": _text(data, "admin2_name", errors, max_length=100),
        "admin2_pcode": _text(data, "admin2_pcode", errors, max_length=20).upper(),
        "latitude": _coordinate(data, "latitude", 90, errors),
        "longitude": _coordinate(data, "longitude", 180, errors),
        "managing_agency": _text(data, "managing_agency", errors),
    }
    if errors:
        raise ValidationError(errors)
    return values


def _next_code(prefix: str, model) -> str:
    """The next code under ``prefix`` (``HTI-2010-001-S0042``); the crisis row is locked by the caller."""
    last = model.objects.filter(code__startswith=f"{prefix}-").aggregate(last=Max("code"))["last"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}-{number:05d}"


def _lock_crisis(crisis_id: int) -> Crisis:
    return Crisis.objects.select_for_update().get(pk=crisis_id)


def site_create(*, actor: User, crisis: Crisis, data: dict, request=None) -> Site:
    _require_office(actor, crisis)
    values = clean_site(data)
    with transaction.atomic():
        crisis = _lock_crisis(crisis.pk)
        if Site.objects.filter(crisis=crisis, name=values["name"], admin2_pcode=values["admin2_pcode"]).exists():
            raise ValidationError({"name": [_("This crisis already has a site of that name in that area.")]})
        site = Site.objects.create(crisis=crisis, code=_next_code(f"{crisis.code}-S", Site), created_by=actor, **values)
        audit_record(actor=actor, action="create", obj=site, request=request, after={"code": site.code})
    return site


def sites_create_many(*, actor: User, crisis: Crisis, rows: list[dict]) -> list[Site]:
    """Many new sites at once (an import or the demo): validated first, then one INSERT."""
    _require_office(actor, crisis)
    cleaned = [clean_site(row) for row in rows]
    with transaction.atomic():
        crisis = _lock_crisis(crisis.pk)
        last = Site.objects.filter(code__startswith=f"{crisis.code}-S-").aggregate(last=Max("code"))["last"]
        start = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        sites = [
            Site(crisis=crisis, code=f"{crisis.code}-S-{start + i:05d}", created_by=actor, **values)
            for i, values in enumerate(cleaned)
        ]
        return Site.objects.bulk_create(sites)


SITE_FIELDS = (
    "name",
    "site_type",
    "admin1_name",
    "admin1_pcode",
    "admin2_name",
    "admin2_pcode",
    "latitude",
    "longitude",
    "managing_agency",
)


def site_update(*, actor: User, site: Site, data: dict, request=None) -> Site:
    """Correct or complete an open site's details (name, type, areas, coordinates, managing agency).
    Fields not given keep their value; the code never changes; the audit entry keeps what changed,
    before and after. A closed site is kept as it was when it closed."""
    _require_office(actor, site.crisis)
    current = {name: getattr(site, name) for name in SITE_FIELDS}
    values = clean_site({**current, **{k: v for k, v in data.items() if k in SITE_FIELDS}})
    with transaction.atomic():
        site = Site.objects.select_for_update().select_related("crisis").get(pk=site.pk)
        if site.status == SiteStatus.CLOSED:
            raise ValidationError({"status": [_("A closed site is not edited.")]})
        duplicate = Site.objects.filter(
            crisis_id=site.crisis_id, name=values["name"], admin2_pcode=values["admin2_pcode"]
        ).exclude(pk=site.pk)
        if duplicate.exists():
            raise ValidationError({"name": [_("This crisis already has a site of that name in that area.")]})
        changed = [name for name in SITE_FIELDS if getattr(site, name) != values[name]]
        if not changed:
            return site
        before = {name: str(getattr(site, name)) for name in changed}
        for name in changed:
            setattr(site, name, values[name])
        site.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="update",
            obj=site,
            request=request,
            before=before,
            after={name: str(values[name]) for name in changed},
        )
    return site


def site_close(*, actor: User, site: Site, closed_on: Any, reason: str, request=None) -> Site:
    _require_office(actor, site.crisis)
    errors: Errors = {}
    day = _date(closed_on, "closed_on", errors)
    if day and day > timezone.localdate():
        errors["closed_on"] = [_("A site cannot close in the future.")]
    if not (reason or "").strip():
        errors["closure_reason"] = [_("Say why the site closed.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        site = Site.objects.select_for_update().get(pk=site.pk)
        if site.status == SiteStatus.CLOSED:  # read under the lock: two closures at once close it once
            raise ValidationError({"status": [_("The site is already closed.")]})
        site.status, site.closed_on, site.closure_reason = SiteStatus.CLOSED, day, reason.strip()
        site.save(update_fields=["status", "closed_on", "closure_reason"])
        audit_record(actor=actor, action="update", obj=site, request=request, after={"status": "closed"})
    return site


# --- Rounds and assessments -------------------------------------------------------------------


def round_open(*, actor: User, crisis: Crisis, start_date: Any, end_date: Any, request=None) -> AssessmentRound:
    _require_office(actor, crisis)
    errors: Errors = {}
    start = _date(start_date, "start_date", errors)
    end = _date(end_date, "end_date", errors)
    if start and end and end < start:
        errors["end_date"] = [_("The round ends on or after its start.")]
    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None  # both checked above
    with transaction.atomic():
        crisis = _lock_crisis(crisis.pk)
        if AssessmentRound.objects.filter(crisis=crisis).exclude(status=RoundStatus.VALIDATED).exists():
            raise ValidationError({"start_date": [_("Validate the round in progress before opening another.")]})
        number = (AssessmentRound.objects.filter(crisis=crisis).aggregate(n=Max("number"))["n"] or 0) + 1
        round = AssessmentRound.objects.create(
            crisis=crisis, number=number, start_date=start, end_date=end, created_by=actor
        )
        audit_record(actor=actor, action="create", obj=round, request=request, after={"number": number})
    return round


def clean_assessment(data: dict) -> dict[str, Any]:
    """An assessment's values, or a ValidationError naming each bad field: the sex and age counts
    must add up to the individuals, the population groups may not exceed them, and the three needs
    come from the fixed list, each once."""
    errors: Errors = {}
    values: dict[str, Any] = {}
    for name in COUNT_FIELDS:
        values[name] = _count(data, name, errors, default=None if name in ("households", "individuals") else 0)
    values["origin_admin1"] = _text(data, "origin_admin1", errors, max_length=100)
    values["reason"] = _choice(data, "reason", Reason, errors)
    values["need_1"] = _choice(data, "need_1", Need, errors)
    values["need_2"] = _choice(data, "need_2", Need, errors, required=False)
    values["need_3"] = _choice(data, "need_3", Need, errors, required=False)
    values["remarks"] = _text(data, "remarks", errors, max_length=2000)
    if not errors:
        sadd = sum(values[f] for f in SADD_FIELDS)
        if sadd != values["individuals"]:
            errors["individuals"] = [
                _("The sex and age counts add up to %(sadd)s, not to the %(individuals)s individuals.")
                % {"sadd": sadd, "individuals": values["individuals"]}
            ]
        groups = sum(values[f] for f in GROUP_FIELDS)
        if groups > values["individuals"]:
            errors["idps"] = [
                _("The population groups add up to %(groups)s, more than the %(individuals)s individuals.")
                % {"groups": groups, "individuals": values["individuals"]}
            ]
        if values["households"] > values["individuals"]:
            errors["households"] = [_("More households than individuals.")]
        if values["need_3"] and not values["need_2"]:
            errors["need_2"] = [_("Give the second need before the third.")]
        needs = [values[f] for f in ("need_1", "need_2", "need_3") if values[f]]
        if len(set(needs)) != len(needs):
            errors["need_2" if values["need_2"] in needs[:1] else "need_3"] = [_("Name each need once.")]
    if errors:
        raise ValidationError(errors)
    return values


def _lock_round(actor: User, round_id: int) -> AssessmentRound:
    round = (
        rounds_visible_to(actor).select_for_update(of=("self",)).select_related("crisis").filter(pk=round_id).first()
    )
    if round is None:
        raise AssessmentRound.DoesNotExist
    return round


def assessment_save(*, actor: User, round_id: int, site_id: int, data: dict, request=None) -> SiteAssessment:
    """Enter or change a site's assessment in an open round; a submitted or validated round refuses it."""
    values = clean_assessment(data)
    with transaction.atomic():
        round = _lock_round(actor, round_id)
        _require_office(actor, round.crisis)
        if round.status != RoundStatus.OPEN:
            raise ValidationError(
                {
                    "round": [
                        _("Round %(number)s is %(status)s: its assessments cannot be changed.")
                        % {"number": round.number, "status": round.get_status_display().lower()}
                    ]
                }
            )
        site = Site.objects.filter(pk=site_id, crisis_id=round.crisis_id).first()
        if site is None:
            raise ValidationError({"site": [_("No such site in this crisis.")]})
        if site.status == SiteStatus.CLOSED:
            raise ValidationError({"site": [_("The site is closed.")]})
        assessment, created = SiteAssessment.objects.update_or_create(
            round=round, site=site, defaults={**values, "entered_by": actor}
        )
        round_totals_refresh(round.pk)
        audit_record(
            actor=actor,
            action="create" if created else "update",
            obj=assessment,
            request=request,
            after={"individuals": values["individuals"]},
        )
    return assessment


def assessments_save_many(*, actor: User, round_id: int, rows: list[tuple[int, dict]]) -> int:
    """Many assessments of one open round at once (an import or the demo): every row validated,
    then the rows of sites not yet assessed inserted and the others updated."""
    cleaned = [(site_id, clean_assessment(data)) for site_id, data in rows]
    with transaction.atomic():
        round = _lock_round(actor, round_id)
        _require_office(actor, round.crisis)
        if round.status != RoundStatus.OPEN:
            raise ValidationError({"round": [_("Only an open round takes assessments.")]})
        known = set(Site.objects.filter(crisis_id=round.crisis_id).values_list("pk", flat=True))
        missing = sorted({s for s, _v in cleaned} - known)
        if missing:
            raise ValidationError({"site": [_("No such site in this crisis.")]})
        objs = [SiteAssessment(round=round, site_id=s, entered_by=actor, **v) for s, v in cleaned]
        SiteAssessment.objects.bulk_create(
            objs,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["round", "site"],
            update_fields=[*ASSESSMENT_FIELDS, "entered_by"],
        )
        round_totals_refresh(round.pk)
        audit_record(actor=actor, action="update", obj=round, after={"assessments": len(objs)})
    return len(objs)


TOTAL_FIELDS = ("households", "individuals", "idps", "international_migrants", "returnees")


def round_totals_refresh(round_id: int) -> dict[str, int]:
    """Sum the round's assessments into ``AssessmentRound.totals``: called by every write of an
    assessment, in its transaction (one aggregate over the round's rows, one UPDATE)."""
    sums = SiteAssessment.objects.filter(round_id=round_id).aggregate(
        sites=Count("id"), **{name: Sum(name) for name in TOTAL_FIELDS}
    )
    totals = {name: int(value or 0) for name, value in sums.items()}
    AssessmentRound.objects.filter(pk=round_id).update(totals=totals)
    return totals


def _set_crisis_figures(round: AssessmentRound, actor: User) -> None:
    """The latest validated round sets the crisis's IDP and international migrant figures, with the
    round as the source and its end as the date; hand-entered figures of other sources stay."""
    latest = (
        AssessmentRound.objects.filter(crisis_id=round.crisis_id, status=RoundStatus.VALIDATED)
        .order_by("-end_date", "-number")
        .first()
    )
    if latest is None or latest.pk != round.pk:
        return
    sums = AssessmentRound.objects.values_list("totals", flat=True).get(pk=round.pk)
    for group, key in ((AffectedGroup.IDPS, "idps"), (AffectedGroup.INTERNATIONAL_MIGRANTS, "international_migrants")):
        AffectedFigure.objects.update_or_create(
            crisis_id=round.crisis_id,
            group=group,
            as_of=round.end_date,
            source=round.source,
            defaults={"figure": sums.get(key, 0), "recorded_by": actor},
        )


def round_transition(*, actor: User, round_id: int, to: str, reason: str = "", request=None) -> AssessmentRound:
    transition = ROUND.transition_to(to)
    with transaction.atomic():
        round = _lock_round(actor, round_id)
        ROUND.check(transition, status=round.status, side=side_of(actor, round), reason=reason)
        previous = round.status
        transition.apply(round, at=timezone.now(), reason=reason)
        if transition.action == "submit":
            round.submitted_by = actor
        elif transition.action == "return":
            round.submitted_by, round.submitted_at = None, None
        else:
            round.validated_by = actor
        round.save()
        if round.status == RoundStatus.VALIDATED:
            _set_crisis_figures(round, actor)
        audit_record(actor=actor, action="update", obj=round, request=request, after={"status": round.status})
        record_event(
            transition.event,
            subject=round,
            actor=actor,
            crisis_id=round.crisis_id,
            office_id=round.crisis.office_id,
            payload=transition.payload(round, previous),
        )
    return round


def assessment_correct(*, actor: User, assessment_id: int, data: dict, reason: str, request=None) -> SiteAssessment:
    """Correct an assessment of a validated round: a new revision keeping what it replaced, who and
    why; the crisis's figures follow when the round is the latest validated."""
    values = clean_assessment(data)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the validated figures are corrected.")]})
    with transaction.atomic():
        assessment = SiteAssessment.objects.select_for_update().filter(pk=assessment_id).first()
        if assessment is None or not rounds_visible_to(actor).filter(pk=assessment.round_id).exists():
            raise SiteAssessment.DoesNotExist
        round = AssessmentRound.objects.select_related("crisis").get(pk=assessment.round_id)
        if not (actor.is_hq or can_enter(actor, round.crisis)):
            raise PermissionDenied(_("Only the crisis's office or HQ correct a validated round."))
        if round.status != RoundStatus.VALIDATED:
            raise ValidationError({"round": [_("Change the assessment itself while the round is open.")]})
        before = assessment.values()
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.revision += 1
        assessment.save()
        AssessmentRevision.objects.create(
            assessment=assessment,
            number=assessment.revision,
            before=before,
            after=values,
            reason=reason.strip(),
            revised_by=actor,
        )
        round_totals_refresh(round.pk)
        _set_crisis_figures(round, actor)
        audit_record(actor=actor, action="update", obj=assessment, request=request, before=before, after=values)
    return assessment


# --- Flow monitoring ----------------------------------------------------------------------------


def flow_point_create(*, actor: User, crisis: Crisis, data: dict, request=None) -> FlowPoint:
    _require_office(actor, crisis)
    errors: Errors = {}
    values: dict[str, Any] = {
        "name": _text(data, "name", errors, required=True),
        "point_type": _choice(data, "point_type", PointType, errors),
        "country": str(data.get("country") or "").strip().upper(),
        "admin1_name": _text(data, "admin1_name", errors, max_length=100),
        "admin1_pcode": _text(data, "admin1_pcode", errors, max_length=20).upper(),
        "latitude": _coordinate(data, "latitude", 90, errors),
        "longitude": _coordinate(data, "longitude", 180, errors),
    }
    if not is_iso3(values["country"]):
        errors["country"] = [_("Give the country as an ISO 3166 alpha-3 code.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        crisis = _lock_crisis(crisis.pk)
        point = FlowPoint.objects.create(
            crisis=crisis, code=_next_code(f"{crisis.code}-F", FlowPoint), created_by=actor, **values
        )
        audit_record(actor=actor, action="create", obj=point, request=request, after={"code": point.code})
    return point


COUNT_KEY = ("direction", "nationality", "reason", "destination_country")


def clean_flow_row(row: dict, prefix: str, errors: Errors) -> dict[str, Any]:
    local: Errors = {}
    values: dict[str, Any] = {
        "direction": _choice(row, "direction", Direction, local),
        "nationality": str(row.get("nationality") or "").strip().upper(),
        "reason": _choice(row, "reason", MoveReason, local),
        "destination_country": str(row.get("destination_country") or "").strip().upper(),
        "females": _count(row, "females", local),
        "males": _count(row, "males", local),
        "children": _count(row, "children", local),
    }
    for name in ("nationality", "destination_country"):
        if not is_iso3(values[name]):
            local[name] = [_("Give the country as an ISO 3166 alpha-3 code.")]
    if not local and values["children"] > values["females"] + values["males"]:
        local["children"] = [_("More children than people counted.")]
    errors.update({f"{prefix}{name}": messages for name, messages in local.items()})
    return values


def flow_counts_record(*, actor: User, point_id: int, date: Any, rows: list[dict], request=None) -> list[FlowCount]:
    """A day's counts at a point: each row keyed by direction, nationality, reason and destination;
    a key already counted that day is corrected, never duplicated. All rows or none."""
    point = flow_points_visible_to(actor).select_related("crisis").filter(pk=point_id).first()
    if point is None:
        raise FlowPoint.DoesNotExist
    if not can_count_at(actor, point):
        raise PermissionDenied(_("Only the crisis's office, or an office in the point's country, counts there."))
    errors: Errors = {}
    day = _date(date, "date", errors)
    if day and day > timezone.localdate():
        errors["date"] = [_("Counts cannot be dated in the future.")]
    if not rows:
        errors["rows"] = [_("Enter at least one count.")]
    cleaned = [clean_flow_row(row, f"rows.{i}.", errors) for i, row in enumerate(rows)]
    keys = [tuple(v[k] for k in COUNT_KEY) for v in cleaned]
    if not errors and len(set(keys)) != len(keys):
        errors["rows"] = [_("The same direction, nationality, reason and destination appear twice.")]
    if errors:
        raise ValidationError(errors)
    assert day is not None  # checked above
    with transaction.atomic():
        objs = [FlowCount(point=point, date=day, entered_by=actor, **v) for v in cleaned]
        saved = FlowCount.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=["point", "date", *COUNT_KEY],
            update_fields=["females", "males", "children", "entered_by", "updated_at"],
        )
        audit_record(
            actor=actor,
            action="update",
            obj=point,
            request=request,
            after={"date": day.isoformat() if day else "", "rows": len(objs)},
        )
    return saved
