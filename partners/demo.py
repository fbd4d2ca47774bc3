"""Demo contacts and subscriptions of the demo governments and partners (DESIGN "Demo data"); idempotent.

No demo webhook endpoint: a receiver that does not exist would only fill the delivery log with
failures. HQ adds one on the webhook pages to see signed deliveries."""

from __future__ import annotations

from .models import Contact, Government, Partner, Subscription

# (ISO3 or partner code, e-mail, function, language)
CONTACTS = [
    ("EGY", "consular.duty@egy.mcof.invalid", "Consular duty desk", "en"),
    ("BGD", "consular.wing@bgd.mcof.invalid", "Consular wing", "en"),
    ("NER", "affaires.consulaires@ner.mcof.invalid", "Affaires consulaires", "fr"),
    ("TCD", "affaires.consulaires@tcd.mcof.invalid", "Affaires consulaires", "fr"),
    ("unhcr", "protection@unhcr.mcof.invalid", "Protection unit", "en"),
    ("ocha", "coordination@ocha.mcof.invalid", "Coordination unit", "en"),
]
# OCHA follows every crisis and level change (the cluster system, Annex I paras 7 and 13); the
# others are told through the coordination list and the referrals addressed to them.
SUBSCRIPTIONS = [("ocha", "crisis."), ("ocha", "level.")]


def seed(stdout=None) -> dict:
    governments = {g.country: g for g in Government.objects.all()}
    partners = {p.code: p for p in Partner.objects.all()}
    contacts = []
    for owner, email, name, language in CONTACTS:
        government, partner = governments.get(owner), partners.get(owner)
        if not (government or partner):
            continue
        contact, _ = Contact.objects.update_or_create(
            government=government,
            partner=partner,
            email=email,
            defaults={"name": name, "language": language, "is_active": True},
        )
        contacts.append(contact)
    subscriptions = []
    for code, event_type in SUBSCRIPTIONS:
        if code in partners:
            subscription, _ = Subscription.objects.get_or_create(
                partner=partners[code], event_type=event_type, country="", crisis=None, defaults={"is_active": True}
            )
            subscriptions.append(subscription)
    if stdout:
        stdout.write(f"  contacts: {len(contacts)}, subscriptions: {len(subscriptions)}")
    return {"contacts": contacts, "subscriptions": subscriptions}
