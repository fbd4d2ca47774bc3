"""Writes of the crisis registry and the emergency-level SOP (main text paragraph 21).

Every rule lives here once: the browser views, the API, the demo seed and the tasks call these
functions. Each one validates and authorises, changes state in one transaction, and records its
domain event (core.events) and audit entry in that same transaction.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Office, User
from core.audit import audit_record
from core.countries import is_iso3
from core.events import record_event

from .models import (
    AffectedFigure,
    AffectedGroup,
    ApproverKind,
    Audience,
    Crisis,
    CrisisCountry,
    CrisisNationality,
    CrisisType,
    LevelPolicy,
    LevelPolicyRevision,
    LevelProposal,
    Movement,
    Phase,
    PhaseChange,
)
from .selectors import can_decide, can_edit, can_extend, can_register_in

GLIDE_RE = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}-[A-Z]{3}$")
LEVELS = (1, 2, 3)
SCORE_RANGE = range(1, 6)
# A review reminder goes out this many days before the due date (and at once when overdue).
REVIEW_NOTICE_DAYS = 14
EDITABLE_FIELDS = (
    "name",
    "crisis_type",
    "movement",
    "country",
    "glide",
    "start_date",
    "end_date",
    "status",
    "description",
    "other_countries",
    "nationalities",
    "retention_days",
)
# Bounds of a crisis's own retention period (days after closure before pseudonymisation).
RETENTION_DAYS_MAX = 3650


class ProposalAlreadyDecided(Exception):
    """Raised when a decision meets a proposal that someone else decided a moment before."""


# --- Validation helpers -------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _country_codes(values: Iterable[str] | None, field: str, errors: dict) -> list[str]:
    codes = []
    for value in values or []:
        code = str(value).strip().upper()
        if not is_iso3(code):
            errors.setdefault(field, []).append(
                _("%(value)s is not an ISO 3166-1 alpha-3 country code.") % {"value": value}
            )
        elif code not in codes:
            codes.append(code)
    return codes


def _clean_crisis(data: dict[str, Any], instance: Crisis | None = None) -> dict[str, Any]:
    """Check every field of a registration or an edit; raise one ValidationError naming them all."""
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if "name" in data:
        clean["name"] = (data["name"] or "").strip()
        if not clean["name"]:
            errors["name"] = [_("Give the crisis a name.")]
    if "crisis_type" in data and data["crisis_type"] not in CrisisType.values:
        errors["crisis_type"] = [_("Choose one of the crisis types.")]
    if "movement" in data and data["movement"] not in Movement.values:
        errors["movement"] = [_("Choose internal, cross-border or both.")]
    if "phase" in data and data["phase"] not in Phase.values:
        errors["phase"] = [_("Choose one of the phases: before, during or after.")]
    if "status" in data and data["status"] not in Crisis.Status.values:
        errors["status"] = [_("Choose active or closed.")]
    if "country" in data:
        clean["country"] = (data["country"] or "").strip().upper()
        if not is_iso3(clean["country"]):
            errors["country"] = [
                _("%(value)s is not an ISO 3166-1 alpha-3 country code.") % {"value": data["country"] or ""}
            ]
    if "other_countries" in data:
        clean["other_countries"] = _country_codes(data["other_countries"], "other_countries", errors)
    if "nationalities" in data:
        clean["nationalities"] = _country_codes(data["nationalities"], "nationalities", errors)
    if "glide" in data:
        glide = (data["glide"] or "").strip().upper() or None
        clean["glide"] = glide
        if glide and not GLIDE_RE.match(glide):
            errors["glide"] = [_("A GLIDE number looks like FL-2010-000141-PAK (event, year, number, country).")]
        elif glide:
            taken = Crisis.objects.filter(glide=glide)
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                errors["glide"] = [_("Another crisis already has this GLIDE number.")]
    if "retention_days" in data and data["retention_days"] is not None:
        days = data["retention_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= RETENTION_DAYS_MAX:
            errors["retention_days"] = [
                _("Give a number of days from 1 to %(max)s, or leave it empty for the default.")
                % {"max": RETENTION_DAYS_MAX}
            ]
    start = data.get("start_date", instance.start_date if instance else None)
    end = data.get("end_date", instance.end_date if instance else None)
    if "start_date" in data and not data["start_date"]:
        errors["start_date"] = [_("Give the date the crisis started.")]
    elif start and end and end < start:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    if errors:
        raise ValidationError(errors)
    return clean


def _snapshot(crisis: Crisis) -> dict[str, Any]:
    return {
        "code": crisis.code,
        "name": crisis.name,
        "crisis_type": crisis.crisis_type,
        "phase": crisis.phase,
        "movement": crisis.movement,
        "country": crisis.country,
        "glide": crisis.glide,
        "start_date": crisis.start_date.isoformat() if crisis.start_date else None,
        "end_date": crisis.end_date.isoformat() if crisis.end_date else None,
        "status": crisis.status,
        "retention_days": crisis.retention_days,
        "office_id": crisis.office_id,
        "level": crisis.level,
    }


def _next_code(country: str, year: int) -> str:
    prefix = f"{country}-{year}-"
    numbers = [
        int(code.removeprefix(prefix))
        for code in Crisis.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _set_countries(crisis: Crisis, model, codes: list[str]) -> bool:
    existing = set(model.objects.filter(crisis=crisis).values_list("country", flat=True))
    wanted = set(codes)
    if existing == wanted:
        return False
    model.objects.filter(crisis=crisis).exclude(country__in=wanted).delete()
    model.objects.bulk_create([model(crisis=crisis, country=code) for code in sorted(wanted - existing)])
    return True


# --- Crises -------------------------------------------------------------------------------
@transaction.atomic
def crisis_register(
    *,
    actor: User,
    office: Office | None,
    name: str,
    crisis_type: str,
    movement: str,
    country: str,
    start_date: datetime.date | None,
    phase: str = Phase.DURING,
    other_countries: Iterable[str] = (),
    nationalities: Iterable[str] = (),
    glide: str | None = None,
    end_date: datetime.date | None = None,
    description: str = "",
    request=None,
) -> Crisis:
    """Register a crisis for an office the actor belongs to; its code is generated
    (country, start year, number: ``LBY-2011-001``)."""
    if not getattr(actor, "is_office_staff", False):
        raise PermissionDenied(_("Only staff of an office register its crises."))
    if office is None:
        offices = sorted(actor.office_ids)
        if len(offices) != 1:
            raise ValidationError({"office": [_("Choose the office that owns the crisis.")]})
        office = Office.objects.get(pk=offices[0])
    if not can_register_in(actor, office.pk):
        raise PermissionDenied(_("Only staff of an office register its crises."))
    data = _clean_crisis(
        {
            "name": name,
            "crisis_type": crisis_type,
            "movement": movement,
            "country": country,
            "phase": phase,
            "other_countries": other_countries,
            "nationalities": nationalities,
            "glide": glide,
            "start_date": start_date,
            "end_date": end_date,
        }
    )
    other = [code for code in data.pop("other_countries") if code != data["country"]]
    origins = data.pop("nationalities")
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a taken code rolls back this insert only
                crisis = Crisis.objects.create(
                    code=_next_code(data["country"], data["start_date"].year),
                    office=office,
                    description=description or "",
                    created_by=actor,
                    **data,
                )
                break
        except IntegrityError:
            # Someone took the same code (or GLIDE number) a moment ago: check again and retry.
            _clean_crisis({"glide": data["glide"]})
    else:  # pragma: no cover - five collisions in a row
        raise ValidationError({"non_field_errors": [_("Could not generate a crisis code; try again.")]})
    with transaction.atomic():
        _set_countries(crisis, CrisisCountry, other)
        _set_countries(crisis, CrisisNationality, origins)
        record_event(
            "crisis.registered",
            subject=crisis,
            actor=actor,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={
                "code": crisis.code,
                "name": crisis.name,
                "crisis_type": crisis.crisis_type,
                "phase": crisis.phase,
            },
        )
        audit_record(actor=actor, action="create", obj=crisis, request=request, after=_snapshot(crisis))
    return crisis


@transaction.atomic
def crisis_update(*, crisis: Crisis, actor: User, request=None, **changes: Any) -> Crisis:
    """Change the registered facts of a crisis; the phase moves with ``crisis_phase_change`` and
    the level with proposals. Records ``crisis.updated`` with the changed fields, if any."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: [_("This field cannot be changed here.")] for field in sorted(unknown)})
    crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
    if not can_edit(actor, crisis):
        raise PermissionDenied(_("Only staff of the owning office edit a crisis."))
    data = _clean_crisis(changes, instance=crisis)
    before = _snapshot(crisis)
    changed: list[str] = []
    if "other_countries" in data:
        codes = [code for code in data.pop("other_countries") if code != data.get("country", crisis.country)]
        if _set_countries(crisis, CrisisCountry, codes):
            changed.append("other_countries")
    if "nationalities" in data and _set_countries(crisis, CrisisNationality, data.pop("nationalities")):
        changed.append("nationalities")
    data.pop("nationalities", None)
    if "description" in data:
        data["description"] = data["description"] or ""
    for field, value in data.items():
        if getattr(crisis, field) != value:
            setattr(crisis, field, value)
            changed.append(field)
    model_fields = [f for f in changed if f not in ("other_countries", "nationalities")]
    if model_fields:
        crisis.save(update_fields=[*model_fields, "updated_at"])
    if changed:
        record_event(
            "crisis.updated",
            subject=crisis,
            actor=actor,
            crisis_id=crisis.pk,
            office_id=crisis.office_id,
            payload={"fields": changed},
        )
        audit_record(actor=actor, action="update", obj=crisis, request=request, before=before, after=_snapshot(crisis))
    return crisis


@transaction.atomic
def crisis_phase_change(*, crisis: Crisis, actor: User, phase: str, reason: str, request=None) -> PhaseChange:
    """Move the crisis to another phase of Pillar 1, keeping who, when and why."""
    crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
    if not can_edit(actor, crisis):
        raise PermissionDenied(_("Only staff of the owning office change the phase of a crisis."))
    errors: dict[str, list[str]] = {}
    if phase not in Phase.values:
        errors["phase"] = [_("Choose one of the phases: before, during or after.")]
    elif phase == crisis.phase:
        errors["phase"] = [_("The crisis is already in this phase.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the phase changes.")]
    if errors:
        raise ValidationError(errors)
    change = PhaseChange.objects.create(
        crisis=crisis, from_phase=crisis.phase, to_phase=phase, reason=reason, changed_by=actor
    )
    crisis.phase = phase
    crisis.save(update_fields=["phase", "updated_at"])
    record_event(
        "crisis.phase_changed",
        subject=crisis,
        actor=actor,
        crisis_id=crisis.pk,
        office_id=crisis.office_id,
        payload={"from": change.from_phase, "to": phase, "reason": reason},
    )
    audit_record(
        actor=actor,
        action="update",
        obj=crisis,
        request=request,
        reason=reason,
        before={"phase": change.from_phase},
        after={"phase": phase},
    )
    return change


@transaction.atomic
def affected_figure_record(
    *,
    crisis: Crisis,
    actor: User,
    group: str,
    figure: int | None,
    as_of: datetime.date | None,
    source: str,
    request=None,
) -> AffectedFigure:
    """Add an estimate for one affected group; earlier estimates stay as they were."""
    if not can_edit(actor, crisis):
        raise PermissionDenied(_("Only staff of the owning office record affected figures."))
    errors: dict[str, list[str]] = {}
    if group not in AffectedGroup.values:
        errors["group"] = [_("Choose one of the affected groups.")]
    if figure is None or not isinstance(figure, int) or figure < 0:
        errors["figure"] = [_("Give a whole number, zero or more.")]
    if not as_of:
        errors["as_of"] = [_("Give the date of the estimate.")]
    elif as_of > timezone.localdate():
        errors["as_of"] = [_("An estimate cannot be dated in the future.")]
    source = (source or "").strip()
    if not source:
        errors["source"] = [_("Name the source of the estimate.")]
    if errors:
        raise ValidationError(errors)
    assert figure is not None and as_of is not None  # both checked above
    row, created = AffectedFigure.objects.update_or_create(
        crisis=crisis, group=group, as_of=as_of, source=source, defaults={"figure": figure, "recorded_by": actor}
    )
    record_event(
        "crisis.updated",
        subject=crisis,
        actor=actor,
        crisis_id=crisis.pk,
        office_id=crisis.office_id,
        payload={"fields": ["affected_figures"]},
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=row,
        request=request,
        after={"group": group, "figure": figure, "as_of": as_of.isoformat(), "source": source},
    )
    return row


# --- Emergency levels ---------------------------------------------------------------------
def _clean_scores(scores: dict[str, Any], errors: dict) -> dict[str, int]:
    clean = {}
    for name in LevelProposal.SCORE_FIELDS:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORE_RANGE:
            errors[name] = [_("Score this criterion from 1 to 5.")]
        else:
            clean[name] = value
    return clean


@transaction.atomic
def escalation_propose(
    *,
    crisis: Crisis,
    actor: User,
    level: Any,
    justification: str,
    score_scale: Any = None,
    score_urgency: Any = None,
    score_complexity: Any = None,
    score_capacity: Any = None,
    score_risk: Any = None,
    request=None,
) -> LevelProposal:
    """Propose a new emergency level (up or down), scored on the five IASC criteria."""
    crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
    if not can_edit(actor, crisis):
        raise PermissionDenied(_("Only staff of the owning office propose a level for its crisis."))
    errors: dict[str, list[str]] = {}
    if crisis.status != Crisis.Status.ACTIVE:
        errors["non_field_errors"] = [_("The crisis is closed.")]
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        errors["level"] = [_("The level must be 1, 2 or 3.")]
    elif level == crisis.level:
        errors["level"] = [_("The crisis is already at this level.")]
    scores = _clean_scores(
        {
            "score_scale": score_scale,
            "score_urgency": score_urgency,
            "score_complexity": score_complexity,
            "score_capacity": score_capacity,
            "score_risk": score_risk,
        },
        errors,
    )
    justification = (justification or "").strip()
    if not justification:
        errors["justification"] = [_("Justify the proposed level.")]
    if LevelProposal.objects.filter(crisis=crisis, status=LevelProposal.Status.PENDING).exists():
        errors.setdefault("non_field_errors", []).append(
            _("A proposal for this crisis is already awaiting a decision.")
        )
    if errors:
        raise ValidationError(errors)
    direction = (
        LevelProposal.Direction.UP if crisis.level is None or level > crisis.level else LevelProposal.Direction.DOWN
    )
    proposal = LevelProposal.objects.create(
        crisis=crisis,
        level=level,
        previous_level=crisis.level,
        direction=direction,
        justification=justification,
        proposed_by=actor,
        **scores,
    )
    record_event(
        "level.proposed",
        subject=proposal,
        actor=actor,
        crisis_id=crisis.pk,
        office_id=crisis.office_id,
        payload={"level": level, "previous_level": crisis.level, "direction": direction},
    )
    audit_record(actor=actor, action="create", obj=proposal, request=request, after={"level": level, **scores})
    return proposal


def _lock_pending(proposal_id: int) -> LevelProposal:
    """Lock the proposal row (and its crisis) so that two deciders meet one after the other."""
    proposal = LevelProposal.objects.select_for_update().select_related("crisis").get(pk=proposal_id)
    if not proposal.is_pending:
        raise ProposalAlreadyDecided(
            _("This proposal was already %(status)s.") % {"status": proposal.get_status_display().lower()}
        )
    return proposal


@transaction.atomic
def escalation_approve(*, proposal: LevelProposal, actor: User, comment: str = "", request=None) -> LevelProposal:
    """Approve a pending proposal: the crisis takes its level until the review the SOP sets."""
    proposal = _lock_pending(proposal.pk)
    crisis = proposal.crisis
    if not can_decide(actor, proposal):
        raise PermissionDenied(_("You may not decide this proposal."))
    policy = LevelPolicy.objects.current()[proposal.level]
    today = timezone.localdate()
    previous_level = crisis.level
    proposal.status = LevelProposal.Status.APPROVED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_comment = (comment or "").strip()
    proposal.policy_snapshot = policy.snapshot()
    proposal.review_due = add_months(today, policy.validity_months)
    proposal.save(
        update_fields=["status", "decided_by", "decided_at", "decision_comment", "policy_snapshot", "review_due"]
    )
    Crisis.objects.filter(pk=crisis.pk).update(
        level=proposal.level,
        level_declaration=proposal,
        level_review_due=proposal.review_due,
        level_extensions=0,
        level_review_reminded_for=None,
        updated_at=timezone.now(),
    )
    crisis.refresh_from_db()
    record_event(
        "level.approved",
        subject=proposal,
        actor=actor,
        crisis_id=crisis.pk,
        office_id=crisis.office_id,
        payload={"level": proposal.level, "previous_level": previous_level},
    )
    audit_record(
        actor=actor,
        action="update",
        obj=proposal,
        request=request,
        reason=proposal.decision_comment,
        before={"status": "pending", "crisis_level": previous_level},
        after={"status": "approved", "crisis_level": proposal.level, "review_due": proposal.review_due.isoformat()},
    )
    return proposal


@transaction.atomic
def escalation_reject(*, proposal: LevelProposal, actor: User, comment: str, request=None) -> LevelProposal:
    """Reject a pending proposal with a comment; the crisis keeps its level."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Say why the proposal is rejected.")]})
    proposal = _lock_pending(proposal.pk)
    if not can_decide(actor, proposal):
        raise PermissionDenied(_("You may not decide this proposal."))
    proposal.status = LevelProposal.Status.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_comment = comment
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    record_event(
        "level.rejected",
        subject=proposal,
        actor=actor,
        crisis_id=proposal.crisis_id,
        office_id=proposal.crisis.office_id,
        payload={"level": proposal.level},
    )
    audit_record(
        actor=actor,
        action="update",
        obj=proposal,
        request=request,
        reason=comment,
        before={"status": "pending"},
        after={"status": "rejected"},
    )
    return proposal


@transaction.atomic
def level_extend(*, crisis: Crisis, actor: User, comment: str = "", request=None) -> Crisis:
    """Extend the validity of the crisis's current level by the SOP's extension; the declaration
    itself stays as decided. Records ``level.extended`` with the new review date."""
    crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
    policies = LevelPolicy.objects.current()
    if not crisis.level or crisis.level_declaration_id is None:
        raise ValidationError({"non_field_errors": [_("The crisis has no level to extend.")]})
    policy = policies[crisis.level]
    if crisis.level_extensions >= policy.max_extensions or not policy.extension_months:
        raise ValidationError({"non_field_errors": [_("The SOP allows no further extension of this level.")]})
    if not can_extend(actor, crisis, policies=policies):
        raise PermissionDenied(_("You may not extend this level."))
    declaration = crisis.level_declaration
    assert declaration is not None  # level_declaration_id checked above
    before = crisis.level_review_due
    base = max(before or timezone.localdate(), timezone.localdate())
    crisis.level_review_due = add_months(base, policy.extension_months)
    crisis.level_extensions += 1
    crisis.save(update_fields=["level_review_due", "level_extensions", "updated_at"])
    record_event(
        "level.extended",
        subject=declaration,
        actor=actor,
        crisis_id=crisis.pk,
        office_id=crisis.office_id,
        payload={
            "level": crisis.level,
            "due": crisis.level_review_due.isoformat(),
            "extension": crisis.level_extensions,
        },
    )
    audit_record(
        actor=actor,
        action="update",
        obj=crisis,
        request=request,
        reason=(comment or "").strip(),
        before={"level_review_due": before.isoformat() if before else None},
        after={"level_review_due": crisis.level_review_due.isoformat(), "extensions": crisis.level_extensions},
    )
    return crisis


@transaction.atomic
def level_policy_update(
    *, policy: LevelPolicy, actor: User, reason: str = "", request=None, **values: Any
) -> LevelPolicy:
    """HQ edits the SOP of one level; the previous state stays in the revisions."""
    if not getattr(actor, "is_hq", False):
        raise PermissionDenied(_("Only HQ edits the emergency-level SOP."))
    policy = LevelPolicy.objects.select_for_update().get(pk=policy.pk)
    errors: dict[str, list[str]] = {}
    allowed = {"approver", "validity_months", "extension_months", "max_extensions", "sitrep_cadence_days", "notify"}
    for field in sorted(set(values) - allowed):
        errors[field] = [_("This field cannot be changed here.")]
    if "approver" in values and values["approver"] not in ApproverKind.values:
        errors["approver"] = [_("Choose who approves a declaration.")]
    for field, minimum in (
        ("validity_months", 1),
        ("extension_months", 0),
        ("max_extensions", 0),
        ("sitrep_cadence_days", 1),
    ):
        if field in values:
            value = values[field]
            if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= 366:
                errors[field] = [_("Give a whole number from %(minimum)s to 366.") % {"minimum": minimum}]
    if "notify" in values:
        notify = list(dict.fromkeys(values["notify"] or []))
        if any(item not in Audience.values for item in notify):
            errors["notify"] = [_("Choose among the listed audiences.")]
        values["notify"] = notify
    if errors:
        raise ValidationError(errors)
    before = policy.snapshot()
    for field, value in values.items():
        setattr(policy, field, value)
    if policy.snapshot() == before:
        return policy
    policy.updated_by = actor
    policy.save()
    LevelPolicyRevision.objects.create(policy=policy, values=policy.snapshot(), reason=reason or "", changed_by=actor)
    audit_record(
        actor=actor, action="update", obj=policy, request=request, reason=reason, before=before, after=policy.snapshot()
    )
    return policy


def level_reviews_remind(*, today: datetime.date | None = None) -> int:
    """Record ``level.review_due`` for each active crisis whose level review is near or past,
    once per due date: a conditional UPDATE claims the due date so two runs never both remind."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    candidates = list(
        Crisis.objects.filter(
            status=Crisis.Status.ACTIVE,
            level__isnull=False,
            level_declaration__isnull=False,
            level_review_due__lte=horizon,
        )
        .exclude(level_review_reminded_for=F("level_review_due"))
        .values_list("pk", "level_review_due")
    )
    sent = 0
    for crisis_id, due in candidates:
        assert due is not None  # level_review_due__lte above
        with transaction.atomic():
            claimed = (
                Crisis.objects.filter(pk=crisis_id, level_review_due=due)
                .exclude(level_review_reminded_for=due)
                .update(level_review_reminded_for=due)
            )
            if not claimed:
                continue
            crisis = Crisis.objects.select_related("level_declaration").get(pk=crisis_id)
            assert crisis.level_declaration is not None  # level_declaration__isnull=False above
            record_event(
                "level.review_due",
                subject=crisis.level_declaration,
                crisis_id=crisis.pk,
                office_id=crisis.office_id,
                payload={"level": crisis.level, "due": due.isoformat(), "overdue": due < today},
            )
            sent += 1
    return sent
