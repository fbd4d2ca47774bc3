"""The caseload's part of who is told (outbox.audiences): a referral's recipient, and who may read
the delivery log of one referral. Registered from ``CaseloadConfig.ready()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outbox.audiences import Audience, audience_rule, subject_check

from .models import Referral
from .selectors import referrals_visible_to, referrals_visible_to_recipient

if TYPE_CHECKING:
    from accounts.models import User
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


@subject_check("referral")
def referral_visible(user: User, pk: int) -> bool:
    return referrals_visible_to(user).filter(pk=pk).exists()
