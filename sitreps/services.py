"""Writes of situation reports: drafting, the narrative, the transitions and the periodic cycle
(docs/domain.md "Situation reports"). Every write is audited; every transition recorded.
"""

from __future__ import annotations

import datetime
import functools
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.events import record_event
from crises.models import Crisis

from .cadence import due_after, in_series
from .figures import figures_at
from .models import SECTION_FIELDS, Sitrep, SitrepEvent, SitrepReminder, SitrepStatus
from .workflow import OFFICE, SITREP, side_for, sides_of

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
# The periodic task drafts the next report this long before it is due.
DRAFT_AHEAD = datetime.timedelta(days=1)
MAX_SECTION = 20000


def _previous(crisis_id: int, number: int) -> Sitrep | None:
    return Sitrep.objects.filter(crisis_id=crisis_id, number__lt=number).order_by("-number").first()


def next_due(crisis: Crisis) -> datetime.date | None:
    """The due date the crisis's next report answers: the first of the current level's dates after
    the last report's cut-off, and after the date it answered when that is one of this level's (a
    report drafted the day before its due date answers that date). After a change of level the
    count starts again from the new level's approval."""
    last = Sitrep.objects.filter(crisis=crisis).order_by("-number").only("cutoff", "due").first()
    if last is None:
        return due_after(crisis, None)
    after = last.cutoff.date()
    if last.due is not None and in_series(crisis, last.due):
        after = max(after, last.due)
    return due_after(crisis, after)


def _refresh(sitrep: Sitrep, at: datetime.datetime) -> None:
    """Work the figures out again at ``at`` (a draft's cut-off moves with it)."""
    previous = _previous(sitrep.crisis_id, sitrep.number)
    sitrep.period_start = previous.cutoff if previous else None
    sitrep.cutoff = at
    sitrep.level = sitrep.crisis.level
    sitrep.figures = figures_at(sitrep.crisis, sitrep.period_start, at)


def sitrep_draft(
    *,
    crisis: Crisis,
    actor: User | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Sitrep:
    """Draft the crisis's next report with the figures of now; ``actor`` None is the periodic task."""
    if actor is not None and not (actor.is_office_staff and crisis.office_id in actor.office_ids):
        raise PermissionDenied(_("Only staff of the crisis's office draft its situation reports."))
    if crisis.status != Crisis.Status.ACTIVE:
        raise ValidationError({"crisis": [_("The crisis is closed.")]})
    now = now or timezone.now()
    with transaction.atomic():
        crisis = Crisis.objects.select_for_update(of=("self",)).select_related("level_declaration").get(pk=crisis.pk)
        if Sitrep.objects.filter(crisis=crisis).exclude(status=SitrepStatus.PUBLISHED).exists():
            raise ValidationError({"crisis": [_("A situation report of this crisis is already in the making.")]})
        number = (Sitrep.objects.filter(crisis=crisis).aggregate(n=Max("number"))["n"] or 0) + 1
        due = next_due(crisis)
        sitrep = Sitrep(crisis=crisis, office_id=crisis.office_id, number=number, due=due, created_by=actor)
        sitrep.next_due = due_after(crisis, due) if due else None
        _refresh(sitrep, now)
        sitrep.save()
        SitrepEvent.objects.create(sitrep=sitrep, action="draft", to_status=sitrep.status, actor=actor)
        audit_record(
            actor=actor, action="create", obj=sitrep, request=request, after={"number": number, "due": str(due)}
        )
        record_event("sitrep.drafted", **_event(sitrep, actor=actor))
    return sitrep


def _event(sitrep: Sitrep, *, actor: Any, **extra: Any) -> dict[str, Any]:
    return {
        "subject": sitrep,
        "actor": actor,
        "crisis_id": sitrep.crisis_id,
        "office_id": sitrep.office_id,
        "payload": {"number": sitrep.number, "status": sitrep.status, "level": sitrep.level, **extra},
    }


def _locked(sitrep_id: int) -> Sitrep:
    return (
        Sitrep.objects.select_for_update(of=("self",))
        .select_related("crisis", "crisis__level_declaration")
        .get(pk=sitrep_id)
    )


def sitrep_update(
    *, actor: User, sitrep_id: int, sections: dict[str, str], request: HttpRequest | None = None
) -> Sitrep:
    """Write the narrative of a draft; its figures are worked out again at the same time."""
    unknown = sorted(set(sections) - set(SECTION_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: [_("Unknown section.")]})
    for name, text in sections.items():
        if len(text or "") > MAX_SECTION:
            raise ValidationError({name: [_("Keep each section under %(n)s characters.") % {"n": MAX_SECTION}]})
    with transaction.atomic():
        sitrep = _locked(sitrep_id)
        if OFFICE not in sides_of(actor, sitrep):
            raise PermissionDenied(_("Only staff of the office write its situation reports."))
        if sitrep.status != SitrepStatus.DRAFT:
            raise ValidationError({"status": [_("Only a draft can be edited.")]})
        changed = [name for name, text in sections.items() if getattr(sitrep, name) != (text or "")]
        for name in changed:
            setattr(sitrep, name, sections[name] or "")
        if changed and actor.pk not in sitrep.contributors:
            sitrep.contributors = [*sitrep.contributors, actor.pk]
        _refresh(sitrep, timezone.now())
        sitrep.save()
        audit_record(actor=actor, action="update", obj=sitrep, request=request, after={"sections": changed})
    return sitrep


def sitrep_transition(*, actor: User, sitrep_id: int, to: str, request: HttpRequest | None = None) -> Sitrep:
    """Move a report on (``workflow.SITREP``). Submission freezes the figures at its time."""
    transition = SITREP.transition_to(to)
    with transaction.atomic():
        try:
            sitrep = _locked(sitrep_id)
        except Sitrep.DoesNotExist:
            raise ValidationError({"sitrep": [_("Unknown situation report.")]}) from None
        SITREP.check(transition, status=sitrep.status, side=side_for(actor, sitrep, transition))
        previous = sitrep.status
        now = timezone.now()
        if transition.action == "submit":
            _refresh(sitrep, now)
            sitrep.figures_frozen_at = now
            sitrep.author = actor
            if actor.pk not in sitrep.contributors:
                sitrep.contributors = [*sitrep.contributors, actor.pk]
        transition.apply(sitrep, at=now)
        if transition.action == "approve":
            sitrep.approved_by = actor
        if transition.action == "return":
            sitrep.figures_frozen_at = None
            sitrep.submitted_at = None
        sitrep.save()
        SitrepEvent.objects.create(
            sitrep=sitrep, action=transition.action, from_status=previous, to_status=sitrep.status, actor=actor
        )
        audit_record(
            actor=actor,
            action="update",
            obj=sitrep,
            request=request,
            reason=transition.action,
            before={"status": previous},
            after={"status": sitrep.status},
        )
        record_event(transition.event, **_event(sitrep, actor=actor, previous=previous))
    return sitrep


# --- The periodic cycle ---------------------------------------------------------------------------
def _remind_office(sitrep_id: int) -> None:
    sitrep = Sitrep.objects.select_related("crisis", "office").get(pk=sitrep_id)
    if not sitrep.office.email:
        return
    link = f"{settings.SITE_URL}{reverse('sitreps:detail', args=(sitrep.pk,))}"
    send_mail(
        _("[MCOF] Situation report %(number)s of %(crisis)s is overdue")
        % {"number": sitrep.number, "crisis": sitrep.crisis.code},
        _("The situation report was due on %(due)s. Open it to finish it:\n%(link)s")
        % {"due": sitrep.due, "link": link},
        None,
        [sitrep.office.email],
    )


def sitreps_cycle(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Draft each active crisis's next report a day before it is due; remind the office once of
    each report still unpublished past its due date (``sitrep.overdue``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    drafted = reminded = 0
    crises = Crisis.objects.filter(status=Crisis.Status.ACTIVE, level__isnull=False).select_related("level_declaration")
    open_by_crisis = {
        s.crisis_id: s for s in Sitrep.objects.exclude(status=SitrepStatus.PUBLISHED).filter(crisis__in=crises)
    }
    for crisis in crises:
        sitrep = open_by_crisis.get(crisis.pk)
        if sitrep is None:
            due = next_due(crisis)
            if due is None or today < due - DRAFT_AHEAD:
                continue
            try:
                sitrep = sitrep_draft(crisis=crisis, now=now)
            except ValidationError:
                continue
            drafted += 1
        if sitrep.due and sitrep.due < today:
            try:
                with transaction.atomic():
                    SitrepReminder.objects.create(crisis=crisis, due=sitrep.due)
                    record_event("sitrep.overdue", **_event(sitrep, actor=None, due=sitrep.due.isoformat()))
                    transaction.on_commit(functools.partial(_remind_office, sitrep.pk), robust=True)
            except IntegrityError:
                continue  # reminded of this due date already
            reminded += 1
    return {"drafted": drafted, "reminded": reminded}
