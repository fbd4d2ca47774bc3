"""What a recipient of a referral may see of the migrant: one declared list per kind.

Data minimisation (ICRC Handbook on data protection in humanitarian action): a government or a
partner receives only the fields it needs to deliver the service of that kind. The liaison page
and the API serializer both read ``KIND_MIGRANT_FIELDS``; nothing else decides it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sectors.referral_kinds import ReferralKind

_IDENTITY = ("reference", "given_name", "family_name", "sex", "date_of_birth", "estimated_age")
_CONTACT = ("languages", "phone", "location_country", "site")

KIND_MIGRANT_FIELDS: dict[str, tuple[str, ...]] = {
    # Sector 12: identify the national and issue an emergency travel document or laissez-passer.
    ReferralKind.CONSULAR: (*_IDENTITY, "other_names", "nationality", "document_status", "document_number", *_CONTACT),
    # Sector 3: move the person (and the people travelling with them) to a place of origin or destination.
    ReferralKind.TRANSPORT: (
        *_IDENTITY,
        "nationality",
        "document_status",
        "document_number",
        "household",
        "intention",
        "admin_pcode",
        *_CONTACT,
    ),
    # Sector 10: protection of victims of trafficking and vulnerable migrants.
    ReferralKind.COUNTER_TRAFFICKING: (*_IDENTITY, "nationality", "vulnerabilities", *_CONTACT),
    # Sector 4.
    ReferralKind.HEALTH: (*_IDENTITY, "vulnerabilities", *_CONTACT),
    # Sector 5.
    ReferralKind.PSYCHOSOCIAL: (*_IDENTITY, *_CONTACT),
    # Sector 2: shelter for the household.
    ReferralKind.SHELTER: (*_IDENTITY, "household", "vulnerabilities", "admin_pcode", *_CONTACT),
    # Sector 6: (re)integration in the place of origin.
    ReferralKind.REINTEGRATION: (*_IDENTITY, "nationality", "intention", "languages", "phone"),
}


def migrant_fields_for(kind: str) -> tuple[str, ...]:
    return KIND_MIGRANT_FIELDS[kind]


# What each purpose of a consent shares, in words that can be read aloud to the person before they
# agree (docs/domain.md "Consent per purpose"). The consent form and the API both read this.
PURPOSE_SHARES: dict[str, str] = {
    ReferralKind.CONSULAR: _(
        "Your name, date of birth, nationality, travel document and how to reach you go to your country's "
        "consulate, so that it can confirm who you are and give you a travel document."
    ),
    ReferralKind.TRANSPORT: _(
        "Your name, date of birth, travel document, who travels with you, where you want to go and how to "
        "reach you go to those who organise or receive your journey."
    ),
    ReferralKind.COUNTER_TRAFFICKING: _(
        "Your name, date of birth, how to reach you and the fact that you may have been trafficked or "
        "exploited go to those who protect victims of trafficking."
    ),
    ReferralKind.HEALTH: _(
        "Your name, date of birth, how to reach you and your health needs go to those who give you care."
    ),
    ReferralKind.PSYCHOSOCIAL: _(
        "Your name, date of birth and how to reach you go to those who offer you someone to talk to and support."
    ),
    ReferralKind.SHELTER: _(
        "Your name, date of birth, who lives with you, where you are and your needs go to those who give "
        "you and your family a place to stay."
    ),
    ReferralKind.REINTEGRATION: _(
        "Your name, date of birth, nationality, your plans and how to reach you go to those who help you "
        "settle back home."
    ),
}

# Said before a counter-trafficking referral goes to a government, in red on the page.
TRAFFICKING_TO_GOVERNMENT_WARNING = _(
    "This tells a government that the person may have been trafficked. The authorities of their own "
    "country may put them at risk. Send only if the person agreed to this government learning it."
)


def purposes_explained(purposes) -> list[dict[str, str]]:
    """Each purpose with its label and what it shares, for the consent form, pages and API."""
    labels = dict(ReferralKind.choices)
    return [{"purpose": p, "label": str(labels.get(p, p)), "shares": str(PURPOSE_SHARES.get(p, ""))} for p in purposes]
