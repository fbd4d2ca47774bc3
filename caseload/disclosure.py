"""What a recipient of a referral may see of the migrant: one declared list per kind.

Data minimisation (ICRC Handbook on data protection in humanitarian action): a government or a
partner receives only the fields it needs to deliver the service of that kind. The liaison page
and the API serializer both read ``KIND_MIGRANT_FIELDS``; nothing else decides it.
"""

from __future__ import annotations

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
