"""The caseload's part of who is told (outbox.audiences): a referral's recipient, its owning office,
the other side of the one who moved it, and who may read the delivery log of one referral.
Registered from ``CaseloadConfig.ready()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import User
from outbox.audiences import Audience, audience_rule, office_staff, subject_check

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


@subject_check("referral")
def referral_visible(user: User, pk: int) -> bool:
    return referrals_visible_to(user).filter(pk=pk).exists()
