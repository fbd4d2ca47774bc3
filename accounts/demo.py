"""Demo offices, governments, partners and accounts (docs/domain.md "Demo data"); idempotent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm

from partners.models import Government, Partner

from .mfa import demo_key
from .models import Membership, Office, Region, User

OFFICES = [
    ("lby", "LBY", "IOM Libya", Region.MENA),
    ("tun", "TUN", "IOM Tunisia", Region.MENA),
    ("hti", "HTI", "IOM Haiti", Region.CENTRAL_NORTH_AMERICA),
]
GOVERNMENTS = [
    ("EGY", "Government of Egypt: Ministry of Foreign Affairs, consular services"),
    ("BGD", "Government of Bangladesh: Ministry of Foreign Affairs, consular wing"),
    ("NER", "Government of Niger: Ministry of Foreign Affairs, consular affairs"),
    ("TCD", "Government of Chad: Ministry of Foreign Affairs, consular affairs"),
]
PARTNERS = [
    ("unhcr", "UNHCR", Partner.Kind.UN_AGENCY),
    ("ocha", "OCHA", Partner.Kind.UN_AGENCY),
]
# username, first name, last name, role, organisation (office code, ISO3 or partner code), chief
ACCOUNTS = [
    ("hq", "Hana", "Quaresma", User.Role.HQ, None, False),
    ("com_lby", "Leila", "Ben Omar", User.Role.OFFICE, "lby", True),
    ("staff_lby", "Samir", "Lahmar", User.Role.OFFICE, "lby", False),
    ("staff_tun", "Nour", "Trabelsi", User.Role.OFFICE, "tun", False),
    ("com_hti", "Marie", "Saint-Fleur", User.Role.OFFICE, "hti", True),
    ("staff_hti", "Jean", "Pierre-Louis", User.Role.OFFICE, "hti", False),
    ("gov_egy", "Karim", "Mansour", User.Role.GOVERNMENT, "EGY", False),
    ("gov_bgd", "Rahima", "Akter", User.Role.GOVERNMENT, "BGD", False),
    ("unhcr", "Ursula", "Hansen", User.Role.PARTNER, "unhcr", False),
]
# Per-office grants (django-guardian): who may read sensitive records, who may override consent.
# Accounts whose role requires two-step verification get an authenticator whose secret derives from
# the username and DEMO_PASSWORD (demo only): `manage.py demo_otp <username>` prints its code.
DEMO_AUTHENTICATOR_NAME = "demo authenticator"
MFA_ACCOUNTS = ["hq", "gov_egy", "gov_bgd", "unhcr"]
GRANTS = [
    ("com_lby", "lby", ["view_sensitive_records", "override_consent", "override_travel_document"]),
    ("staff_lby", "lby", ["view_sensitive_records"]),
]


def seed(stdout=None) -> dict:
    offices = {}
    for code, country, name, region in OFFICES:
        offices[code], _ = Office.objects.update_or_create(
            code=code, defaults={"country": country, "name": name, "region": region, "email": f"{code}@mcof.invalid"}
        )
    governments = {}
    for country, name in GOVERNMENTS:
        governments[country], _ = Government.objects.update_or_create(country=country, defaults={"name": name})
    partners = {}
    for code, name, kind in PARTNERS:
        partners[code], _ = Partner.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})

    users = {}
    for username, first, last, role, org, chief in ACCOUNTS:
        defaults = {
            "first_name": first,
            "last_name": last,
            "email": f"{username}@mcof.invalid",
            "role": role,
            "government": governments.get(org) if role == User.Role.GOVERNMENT else None,
            "partner": partners.get(org) if role == User.Role.PARTNER else None,
            "is_staff": role == User.Role.HQ,
            "is_superuser": role == User.Role.HQ,
            "is_active": True,
        }
        user, _ = User.objects.update_or_create(username=username, defaults=defaults)
        if not check_password(settings.DEMO_PASSWORD, user.password):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role == User.Role.OFFICE:
            Membership.objects.update_or_create(user=user, office=offices[org], defaults={"is_chief_of_mission": chief})
        users[username] = user
    for username, office_code, perms in GRANTS:
        for perm in perms:
            assign_perm(f"accounts.{perm}", users[username], offices[office_code])
    for username in MFA_ACCOUNTS:
        TOTPDevice.objects.update_or_create(
            user=users[username],
            name=DEMO_AUTHENTICATOR_NAME,
            defaults={"key": demo_key(username), "confirmed": True},
        )
    if stdout:
        stdout.write(
            f"  offices: {len(offices)}, governments: {len(governments)}, partners: {len(partners)}, "
            f"accounts: {len(users)} ({', '.join(MFA_ACCOUNTS)} with an authenticator: manage.py demo_otp <username>)"
        )
    return {"offices": offices, "governments": governments, "partners": partners, "users": users}
