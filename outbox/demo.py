"""Demo subscriptions of the demo partners (docs/domain.md "Demo data"); idempotent.

No demo webhook endpoint: a receiver that does not exist would only fill the delivery log with
failures. HQ adds one on the webhook pages to see signed deliveries."""

from __future__ import annotations

from partners.models import Partner

from .models import Subscription

# OCHA follows every crisis and level change (the cluster system, Annex I paras 7 and 13); the
# others are told through the coordination list and the referrals addressed to them.
SUBSCRIPTIONS = [("ocha", "crisis."), ("ocha", "level.")]


def seed(stdout=None) -> dict:
    partners = {p.code: p for p in Partner.objects.all()}
    subscriptions = []
    for code, event_type in SUBSCRIPTIONS:
        if code in partners:
            subscription, _ = Subscription.objects.get_or_create(
                partner=partners[code], event_type=event_type, country="", crisis=None, defaults={"is_active": True}
            )
            subscriptions.append(subscription)
    if stdout:
        stdout.write(f"  subscriptions: {len(subscriptions)}")
    return {"subscriptions": subscriptions}
