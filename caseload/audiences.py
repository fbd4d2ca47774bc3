"""The caseload's part of who is told (outbox.audiences): a referral's recipient, its owning office,
the other side of the one who moved it, and who may read the delivery log of one referral.
Registered from ``CaseloadConfig.ready()``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from accounts.models import User
from outbox.audiences import Audience, audience_rule, audience_rule_many, office_staff, subject_check

from .models import Referral
from .selectors import referrals_visible_to, referrals_visible_to_recipient

if TYPE_CHECKING:
    from core.models import DomainEvent
    from crises.models import Crisis


@audience_rule("referral_recipient")
def referral_recipient(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The government or partner the referral is addressed to, if it may see the referral as its
    recipient (the same selector its liaisons' views use)."""
    row = Referral.objects.filter(pk=event.subject_id).values("recipient_government_id", "recipient_partner_id").first()
    if row is None:
        return Audience()
    if row["recipient_government_id"]:
        recipient_type, recipient_id = "government", row["recipient_government_id"]
    else:
        recipient_type, recipient_id = "partner", row["recipient_partner_id"]
    if not referrals_visible_to_recipient(recipient_type, recipient_id).filter(pk=event.subject_id).exists():
        return Audience()
    if recipient_type == "government":
        return Audience(governments={recipient_id: "referral_recipient"})
    return Audience(partners={recipient_id: "referral_recipient"})


@audience_rule("referral_office")
def referral_office(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The staff of the office that owns the referral."""
    office_id = Referral.objects.filter(pk=event.subject_id).values_list("office_id", flat=True).first()
    return office_staff(office_id, "referral_office") if office_id else Audience()


@audience_rule("referral_other_side")
def referral_other_side(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The side that did not make the step (docs/domain.md "Who is told"): the owning office when the
    government or partner acted, the recipient when the office did (a movement's step is the
    office's)."""
    role = User.objects.filter(pk=event.actor_id).values_list("role", flat=True).first() if event.actor_id else None
    if role in (User.Role.GOVERNMENT, User.Role.PARTNER):
        return referral_office(event, crisis)
    return referral_recipient(event, crisis)


# --- The same rules for a batch of events (a movement's referrals): once per recipient and office ---
def _referral_rows(events: Sequence[DomainEvent]) -> dict[int, dict]:
    rows = Referral.objects.filter(pk__in={event.subject_id for event in events}).values(
        "pk", "recipient_government_id", "recipient_partner_id", "office_id"
    )
    return {row["pk"]: row for row in rows}


@audience_rule_many("referral_recipient")
def referral_recipient_many(events: Sequence[DomainEvent], crises: Mapping[int, Crisis]) -> list[Audience]:
    rows = _referral_rows(events)
    asked: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for row in rows.values():
        if row["recipient_government_id"]:
            asked[("government", row["recipient_government_id"])].append(row["pk"])
        else:
            asked[("partner", row["recipient_partner_id"])].append(row["pk"])
    told: dict[int, Audience] = {}
    for (recipient_type, recipient_id), pks in asked.items():
        audience = (
            Audience(governments={recipient_id: "referral_recipient"})
            if recipient_type == "government"
            else Audience(partners={recipient_id: "referral_recipient"})
        )
        visible = referrals_visible_to_recipient(recipient_type, recipient_id).filter(pk__in=pks)  # type: ignore[arg-type]
        told.update(dict.fromkeys(visible.values_list("pk", flat=True), audience))
    return [told.get(event.subject_id, Audience()) for event in events]


@audience_rule_many("referral_office")
def referral_office_many(events: Sequence[DomainEvent], crises: Mapping[int, Crisis]) -> list[Audience]:
    rows = _referral_rows(events)
    offices: dict[int, Audience] = {}
    for row in rows.values():
        if row["office_id"] and row["office_id"] not in offices:
            offices[row["office_id"]] = office_staff(row["office_id"], "referral_office")
    return [
        offices[row["office_id"]] if (row := rows.get(event.subject_id)) and row["office_id"] else Audience()
        for event in events
    ]


@audience_rule_many("referral_other_side")
def referral_other_side_many(events: Sequence[DomainEvent], crises: Mapping[int, Crisis]) -> list[Audience]:
    actor_ids = {event.actor_id for event in events if event.actor_id}
    roles = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "role")) if actor_ids else {}
    outside = {User.Role.GOVERNMENT, User.Role.PARTNER}
    by_office = [i for i, event in enumerate(events) if roles.get(event.actor_id) in outside]
    by_recipient = [i for i, event in enumerate(events) if roles.get(event.actor_id) not in outside]
    answers: list[Audience] = [Audience()] * len(events)
    for positions, rule in ((by_office, referral_office_many), (by_recipient, referral_recipient_many)):
        if positions:
            for i, audience in zip(positions, rule([events[i] for i in positions], crises), strict=True):
                answers[i] = audience
    return answers


@subject_check("referral")
def referral_visible(user: User, pk: int) -> bool:
    return referrals_visible_to(user).filter(pk=pk).exists()
