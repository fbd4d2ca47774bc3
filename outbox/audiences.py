"""Who is told of each event: one table of event types and the audience rules it names.

A service records a domain event in its transaction (``core.events.record_event``); the outbox's
subscriber (``outbox.handlers``) writes one notification per destination of the event's audience.
That audience is the union of the rules named for the event's exact type in ``AUDIENCES``: each
organisation keeps the reason of the first rule that names it, HQ the first HQ reason. An event type
with no rule, or with an empty row, notifies nobody; every type the code records has a row (a test
reads the ``record_event`` calls of the tree and says which lacks one).

A rule is a function ``(event, crisis) -> Audience`` registered by name with ``@audience_rule``; a rule
may add its batch form with ``@audience_rule_many`` (``(events, crises) -> [Audience, ...]``, the same
answer for each event in fewer queries), which ``events_audiences`` uses for a batch of events (a
movement's thousand referrals, ``outbox.services.notifications_for_events``). The
outbox provides ``subscriptions``, ``coordination_list``, ``hq_for_level_2_3`` and
``endpoint_owner``; an app above the outbox registers its own in ``<app>/audiences.py``, imported
from its ``AppConfig.ready()`` (caseload: ``referral_recipient``), so the outbox never imports it.

This module and ``outbox.selectors`` are all that other apps import of the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from core.models import DomainEvent
from crises.coordination import coordination_list
from partners.models import Government, Partner

from .models import Subscription, WebhookEndpoint

if TYPE_CHECKING:
    from accounts.models import User
    from crises.models import Crisis


@dataclass(frozen=True)
class Audience:
    """Who is told of one event, each with the reason it is told (a code, kept on the notification)."""

    governments: dict[int, str] = field(default_factory=dict)  # government id -> reason
    partners: dict[int, str] = field(default_factory=dict)  # partner organisation id -> reason
    hq: str | None = None  # HQ's reason, or None when HQ is not told
    # Staff of the organisation told by name (a Chief of Mission, an office's staff): user id -> reason.
    staff: dict[int, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.governments or self.partners or self.hq or self.staff)

    @property
    def is_internal(self) -> bool:
        """Nobody outside the organisation is told."""
        return not (self.governments or self.partners)


AudienceRule = Callable[[DomainEvent, "Crisis | None"], Audience]
# The batch form: the events, the crises by id -> each event's audience, in the events' order.
AudienceRuleMany = Callable[[Sequence[DomainEvent], Mapping[int, "Crisis"]], list[Audience]]
_rules: dict[str, AudienceRule] = {}
_many_rules: dict[str, AudienceRuleMany] = {}


def audience_rule(name: str) -> Callable[[AudienceRule], AudienceRule]:
    """Register ``rule`` under ``name``, the name the ``AUDIENCES`` table uses."""

    def register(rule: AudienceRule) -> AudienceRule:
        known = _rules.get(name)
        if known is not None and known.__qualname__ != rule.__qualname__:
            raise ImproperlyConfigured(f"two audience rules are named {name!r}: {known.__module__}, {rule.__module__}")
        _rules[name] = rule
        return rule

    return register


def audience_rule_many(name: str) -> Callable[[AudienceRuleMany], AudienceRuleMany]:
    """Register the batch form of the rule ``name``: for a list of events, the list of what the rule
    answers for each, with the queries shared (once per recipient, office or crisis, not per event)."""

    def register(rule: AudienceRuleMany) -> AudienceRuleMany:
        _many_rules[name] = rule
        return rule

    return register


def registered_rules() -> frozenset[str]:
    return frozenset(_rules)


# --- The table -----------------------------------------------------------------------------
# Crisis events and approved levels: the HQ-made subscriptions that match, then the crisis's
# coordination list (MC/2355 Annex I "Partnerships and coordination", paras 7, 13, 19, 25, 31), the
# default audience; HQ for Level 2 and 3 (MC/2355 para 21: L2 and L3 are led from headquarters).
CRISIS_AUDIENCE = ("subscriptions", "coordination_list", "hq_for_level_2_3")
# A level not yet approved is an internal decision (docs/domain.md "Who is told"): its approvers (the
# Chief of Mission for Level 1, HQ for Levels 2 and 3, MC/2355 paras 15 and 21) and the office that
# proposed it; never a government, a partner or a subscription.
LEVEL_DECISION_AUDIENCE = ("level_approvers", "crisis_office")
MOVEMENT_AUDIENCE = ("movement_destination_government", "movement_receiving_partner", "coordination_list")

AUDIENCES: dict[str, tuple[str, ...]] = {
    "crisis.registered": CRISIS_AUDIENCE,
    "crisis.updated": CRISIS_AUDIENCE,
    "crisis.phase_changed": CRISIS_AUDIENCE,
    "level.proposed": LEVEL_DECISION_AUDIENCE,
    "level.approved": CRISIS_AUDIENCE,
    "level.rejected": LEVEL_DECISION_AUDIENCE,
    "level.extended": CRISIS_AUDIENCE,
    "level.review_due": LEVEL_DECISION_AUDIENCE,
    # A government or partner sees the referrals addressed to it and no other: a subscription never
    # widens that. Sending tells the recipient; a later step tells the other side of the one who
    # made it (caseload.audiences): the recipient when the office acts, the office when the
    # recipient does. Nobody is told of their own step (``notifications_for_event``).
    "referral.sent": ("referral_recipient",),
    "referral.transitioned": ("referral_other_side",),
    "referral.overdue": ("referral_recipient", "referral_office"),
    # The system paused an endpoint (its last retry failed) or disabled it (410 Gone): its owner and HQ.
    "webhook.paused": ("endpoint_owner",),
    "webhook.disabled": ("endpoint_owner",),
    # A movement's milestones: the government it is bound for, its receiving agency and the crisis's
    # coordination list (movements.audiences); each fetches what it may see through the API.
    "movement.scheduled": MOVEMENT_AUDIENCE,
    "movement.manifest_locked": MOVEMENT_AUDIENCE,
    "movement.departed": MOVEMENT_AUDIENCE,
    "movement.arrived": MOVEMENT_AUDIENCE,
    "movement.cancelled": MOVEMENT_AUDIENCE,
    # Closing a movement that has arrived is the office's bookkeeping: the trail only.
    "movement.closed": (),
    # An assessment round of displacement tracking: its validated figures go to the coordination list
    # (displacement.selectors: partners on it see them); submitting and returning stay in the office.
    "round.validated": ("coordination_list",),
    "round.submitted": (),
    "round.returned": (),
    # A published situation report goes to the crisis's coordination list (and to HQ's subscribers);
    # the drafts and the steps before publication stay inside (sitreps).
    "sitrep.published": ("subscriptions", "coordination_list"),
    # The overdue reminder goes to the office by e-mail (sitreps.services) and to HQ for L2 and L3.
    "sitrep.overdue": ("hq_for_level_2_3",),
    # Recorded for the trail and for the subscribers of other apps; nobody outside is told.
    "sitrep.drafted": (),
    "sitrep.transitioned": (),
    "sector_matrix.changed": (),
    "sector_plan.proposed": (),
    "sector_plan.updated": (),
    "migrant.merged": (),
}

# The thin payload names the object of an event family and where to fetch it through the API:
# family -> (object name, API resource under /api/v1/).
OBJECTS: dict[str, tuple[str, str]] = {
    "crisis": ("crisis", "crises"),
    "level": ("escalation", "escalations"),
    "referral": ("referral", "referrals"),
    "webhook": ("webhook_endpoint", "webhooks"),
    "movement": ("movement", "movements"),
    "round": ("assessment_round", "rounds"),
    "sitrep": ("sitrep", "sitreps"),
}


def event_audience(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The union of the rules of the event's type; inactive organisations are told nothing."""
    return _only_active(combine(_rule(name)(event, crisis) for name in AUDIENCES.get(event.type, ())))


def events_audiences(events: Sequence[DomainEvent], crises: Mapping[int, Crisis]) -> list[Audience]:
    """``event_audience`` of each of ``events`` (``crises``: their crises by id): each rule runs once
    for all the events of the types naming it, through its batch form when it has one; the inactive
    organisations are left out with one query for them all."""
    found: list[dict[str, Audience]] = [{} for _ in events]
    names = dict.fromkeys(name for event in events for name in AUDIENCES.get(event.type, ()))
    for name in names:
        positions = [i for i, event in enumerate(events) if name in AUDIENCES.get(event.type, ())]
        chosen = [events[i] for i in positions]
        many = _many_rules.get(name)
        if many is not None:
            results = many(chosen, crises)
        else:
            rule = _rule(name)
            results = [rule(event, crises.get(event.crisis_id) if event.crisis_id else None) for event in chosen]
        for i, result in zip(positions, results, strict=True):
            found[i][name] = result
    return _only_active_many(
        [
            combine(by_rule[name] for name in AUDIENCES.get(event.type, ()))
            for event, by_rule in zip(events, found, strict=True)
        ]
    )


def combine(audiences: Iterable[Audience]) -> Audience:
    """Every organisation of every audience with the first reason given for it; the first HQ reason."""
    governments: dict[int, str] = {}
    partners: dict[int, str] = {}
    staff: dict[int, str] = {}
    hq: str | None = None
    for audience in audiences:
        for pk, reason in audience.governments.items():
            governments.setdefault(pk, reason)
        for pk, reason in audience.partners.items():
            partners.setdefault(pk, reason)
        for pk, reason in audience.staff.items():
            staff.setdefault(pk, reason)
        hq = hq or audience.hq
    return Audience(governments=governments, partners=partners, hq=hq, staff=staff)


def _rule(name: str) -> AudienceRule:
    try:
        return _rules[name]
    except KeyError:
        raise ImproperlyConfigured(f"no audience rule is registered as {name!r}") from None


def _only_active(audience: Audience) -> Audience:
    governments, partners = audience.governments, audience.partners
    if governments:
        active = set(Government.objects.filter(pk__in=governments, is_active=True).values_list("pk", flat=True))
        governments = {k: v for k, v in governments.items() if k in active}
    if partners:
        active = set(Partner.objects.filter(pk__in=partners, is_active=True).values_list("pk", flat=True))
        partners = {k: v for k, v in partners.items() if k in active}
    return Audience(governments=governments, partners=partners, hq=audience.hq, staff=audience.staff)


def _only_active_many(audiences: list[Audience]) -> list[Audience]:
    """``_only_active`` of each audience, with one query per kind of organisation for them all."""
    government_ids = {pk for audience in audiences for pk in audience.governments}
    partner_ids = {pk for audience in audiences for pk in audience.partners}
    active_governments = (
        set(Government.objects.filter(pk__in=government_ids, is_active=True).values_list("pk", flat=True))
        if government_ids
        else set()
    )
    active_partners = (
        set(Partner.objects.filter(pk__in=partner_ids, is_active=True).values_list("pk", flat=True))
        if partner_ids
        else set()
    )
    return [
        Audience(
            governments={k: v for k, v in audience.governments.items() if k in active_governments},
            partners={k: v for k, v in audience.partners.items() if k in active_partners},
            hq=audience.hq,
            staff=audience.staff,
        )
        for audience in audiences
    ]


@checks.register()
def check_audiences(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every rule the table names is registered (an app's ``ready()`` may have been forgotten)."""
    missing = sorted({name for names in AUDIENCES.values() for name in names} - registered_rules())
    return [
        checks.Error(f"AUDIENCES names the audience rule {name!r}, which no app registers.", id="outbox.E001")
        for name in missing
    ]


# --- The outbox's own rules ----------------------------------------------------------------
@audience_rule("subscriptions")
def subscriptions(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The active subscriptions to the type, its family or everything, for every crisis or this one,
    every country or the crisis's."""
    family = event.type.split(".", 1)[0]
    matching = Subscription.objects.filter(is_active=True, event_type__in=[event.type, f"{family}.", "*"])
    matching = matching.filter(Q(crisis__isnull=True) | Q(crisis_id=event.crisis_id))
    matching = matching.filter(Q(country="") | Q(country=getattr(crisis, "country", "")))
    governments: dict[int, str] = {}
    partners: dict[int, str] = {}
    for government_id, partner_id in matching.values_list("government_id", "partner_id"):
        if government_id:
            governments.setdefault(government_id, "subscription")
        else:
            partners.setdefault(partner_id, "subscription")
    return Audience(governments=governments, partners=partners)


@audience_rule("coordination_list")
def coordination(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The governments and partners of the crisis's coordination list (crises.coordination)."""
    if crisis is None:
        return Audience()
    entries = coordination_list(crisis)
    countries = {e.government_country: e.rule for e in entries if e.actor_type == "government"}
    codes = {e.partner_code: e.rule for e in entries if e.actor_type == "partner"}
    governments: dict[int, str] = {}
    partners: dict[int, str] = {}
    if countries:
        for pk, country in Government.objects.filter(country__in=countries).values_list("pk", "country"):
            governments.setdefault(pk, f"coordination:{countries[country]}"[:64])
    if codes:
        for pk, code in Partner.objects.filter(code__in=codes).values_list("pk", "code"):
            partners.setdefault(pk, f"coordination:{codes[code]}"[:64])
    return Audience(governments=governments, partners=partners)


@audience_rule("hq_for_level_2_3")
def hq_for_level_2_3(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """HQ, when the event's level (a level event's own, else the crisis's) is 2 or 3."""
    if event.type.startswith("level."):
        try:
            level = int(event.payload.get("level"))
        except (TypeError, ValueError):
            level = None
    else:
        level = getattr(crisis, "level", None)
    return Audience(hq=f"level_{level}") if level in (2, 3) else Audience()


def _staff_of(office_id: int | None, *, chief_only: bool = False) -> list[int]:
    from accounts.models import Membership

    if office_id is None:
        return []
    members = Membership.objects.filter(office_id=office_id, user__is_active=True, user__role="office")
    if chief_only:
        members = members.filter(is_chief_of_mission=True)
    return list(members.values_list("user_id", flat=True))


@audience_rule("level_approvers")
def level_approvers(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """Who decides the proposed level: the Chief of Mission of the crisis's office for Level 1 (MC/2355
    para 15), HQ for Levels 2 and 3 (para 21)."""
    try:
        level = int(event.payload.get("level"))
    except (TypeError, ValueError):
        return Audience()
    if level in (2, 3):
        return Audience(hq=f"approver_level_{level}")
    office_id = getattr(crisis, "office_id", None) or event.office_id
    return Audience(staff=dict.fromkeys(_staff_of(office_id, chief_only=True), "approver_level_1"))


@audience_rule("crisis_office")
def crisis_office(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The staff of the office that proposed (the crisis's office)."""
    office_id = event.office_id or getattr(crisis, "office_id", None)
    return Audience(staff=dict.fromkeys(_staff_of(office_id), "proposing_office"))


def office_staff(office_id: int | None, reason: str) -> Audience:
    """The active staff of an office, for the rules of the apps above (a referral's owning office)."""
    return Audience(staff=dict.fromkeys(_staff_of(office_id), reason))


@audience_rule("endpoint_owner")
def endpoint_owner(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The organisation that owns the event's webhook endpoint, and HQ, which manages endpoints."""
    owner = WebhookEndpoint.objects.filter(pk=event.subject_id).values("government_id", "partner_id").first()
    if owner and owner["government_id"]:
        return Audience(governments={owner["government_id"]: "endpoint_owner"}, hq="endpoint_owner_hq")
    if owner and owner["partner_id"]:
        return Audience(partners={owner["partner_id"]: "endpoint_owner"}, hq="endpoint_owner_hq")
    return Audience(hq="endpoint_owner_hq")


# --- Subjects ------------------------------------------------------------------------------
# The delivery log of one subject (a referral) answers only to who may see that subject, which the
# app that owns it decides; it registers the check here as it registers its audience rules.
SubjectCheck = Callable[["User", int], bool]
_subject_checks: dict[str, SubjectCheck] = {}


def subject_check(family: str) -> Callable[[SubjectCheck], SubjectCheck]:
    def register(check: SubjectCheck) -> SubjectCheck:
        _subject_checks[family] = check
        return check

    return register


def subject_visible_to(user: User, family: str, pk: int) -> bool:
    check = _subject_checks.get(family)
    if check is None:
        raise ImproperlyConfigured(f"no app registers who may see a {family!r}")
    return check(user, pk)
