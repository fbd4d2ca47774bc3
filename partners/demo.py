"""Demo contacts of the demo governments and partners (docs/domain.md "Demo data"); idempotent."""

from __future__ import annotations

from .models import Contact, Government, Partner

# (ISO3 or partner code, e-mail, function, language)
CONTACTS = [
    ("EGY", "consular.duty@egy.mcof.invalid", "Consular duty desk", "en"),
    ("BGD", "consular.wing@bgd.mcof.invalid", "Consular wing", "en"),
    ("NER", "affaires.consulaires@ner.mcof.invalid", "Affaires consulaires", "fr"),
    ("TCD", "affaires.consulaires@tcd.mcof.invalid", "Affaires consulaires", "fr"),
    ("unhcr", "protection@unhcr.mcof.invalid", "Protection unit", "en"),
    ("ocha", "coordination@ocha.mcof.invalid", "Coordination unit", "en"),
]


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
    if stdout:
        stdout.write(f"  contacts: {len(contacts)}")
    return {"contacts": contacts}
