"""Demo caseload on the Libya 2011 crisis: stranded Egyptian, Bangladeshi, Nigerien and Chadian migrants
with consular, transport and other referrals in every state (docs/domain.md "Demo data"); idempotent.

The framework's paragraph 154 recalls that during the Libyan crisis "IOM received requests from 47
governments to assist them with the evacuation of their nationals".
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from crises.models import Crisis
from partners.models import Government, Partner
from sectors.referral_kinds import ReferralKind

from .models import (
    Consent,
    DocumentStatus,
    DocumentType,
    Intention,
    LegalBasis,
    Migrant,
    PopulationGroup,
    Priority,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Sex,
    Vulnerability,
)
from .names import name_key
from .services import sensitivity_refresh
from .validators import normalise_document, normalise_name
from .workflow import BY_TARGET, CLOSED, RECIPIENT, side_of

SEED = 2011
COUNT = 320
PREFIX = "LBY-DEMO-"

NATIONALITIES = [("EGY", 0.4), ("BGD", 0.25), ("NER", 0.2), ("TCD", 0.15)]
NAMES = {
    "EGY": (
        ["Ahmed", "Mohamed", "Mahmoud", "Mostafa", "Amr", "Khaled", "Hany", "Samir", "Fatma", "Mona", "Heba", "Aya"],
        ["Hassan", "Ibrahim", "Abdel Fattah", "El-Sayed", "Mansour", "Farouk", "Soliman", "Youssef", "Zaki"],
        ["ar"],
        "+2010",
    ),
    "BGD": (
        ["Rahim", "Karim", "Abdul", "Hasan", "Jamal", "Mizanur", "Shahid", "Nasrin", "Rina", "Salma"],
        ["Hossain", "Rahman", "Islam", "Uddin", "Ahmed", "Chowdhury", "Miah", "Sarkar", "Akter"],
        ["bn"],
        "+88017",
    ),
    "NER": (
        ["Moussa", "Issa", "Abdou", "Ibrahim", "Hamidou", "Oumarou", "Aïssa", "Mariama", "Hadiza"],
        ["Maïga", "Issoufou", "Abdoulaye", "Harouna", "Moumouni", "Seydou", "Boubacar"],
        ["ha", "fr"],
        "+22790",
    ),
    "TCD": (
        ["Mahamat", "Abakar", "Adoum", "Hassane", "Idriss", "Zakaria", "Achta", "Halime", "Khadidja"],
        ["Deby", "Abdelkerim", "Brahim", "Saleh", "Haroun", "Mahamat", "Ousmane"],
        ["ar", "fr"],
        "+23566",
    ),
}
SITES = [
    ("LY0101", "Tripoli, Tajoura transit site"),
    ("LY0102", "Tripoli, Janzour gathering point"),
    ("LY0201", "Benghazi port"),
    ("LY0301", "Misrata port"),
    ("LY0401", "Zuwara, Ras Ajdir border road"),
    ("LY0501", "Sabha transit centre"),
]
STATUS_PATH = [
    ReferralStatus.DRAFT,
    ReferralStatus.SENT,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
]


def _path_to(status: str) -> list[str]:
    if status in STATUS_PATH:
        return STATUS_PATH[: STATUS_PATH.index(status) + 1]
    if status == ReferralStatus.DECLINED:
        return [ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.DECLINED]
    return [ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.CANCELLED]


def _pick_nationality(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for code, share in NATIONALITIES:
        total += share
        if roll < total:
            return code
    return NATIONALITIES[-1][0]


def seed(stdout=None) -> dict:
    crisis = Crisis.objects.filter(office__code="lby").order_by("start_date").first()
    if crisis is None:
        if stdout:
            stdout.write("  no crisis of the Libya office yet: caseload skipped")
        return {}
    if Migrant.objects.filter(reference__startswith=PREFIX).exists():
        count = Migrant.objects.filter(reference__startswith=PREFIX).count()
        if stdout:
            stdout.write(f"  caseload already there: {count} migrants")
        return {"crisis": crisis, "migrants": count}

    rng = random.Random(SEED)
    users = {u.username: u for u in User.objects.filter(username__in=["staff_lby", "com_lby", "gov_egy", "unhcr"])}
    staff, chief = users.get("staff_lby"), users.get("com_lby")
    governments = {g.country: g for g in Government.objects.all()}
    partners = {p.code: p for p in Partner.objects.all()}
    now = timezone.now()

    migrants = []
    household = 0
    in_household = 0
    for i in range(1, COUNT + 1):
        nationality = _pick_nationality(rng)
        given, family, languages, phone_prefix = NAMES[nationality]
        if in_household <= 0:
            household += 1
            in_household = rng.choice([1, 1, 1, 2, 3, 4])
        in_household -= 1
        vulnerabilities = [v for v in Vulnerability.values if rng.random() < 0.05]
        if i % 40 == 7 and Vulnerability.VICTIM_OF_TRAFFICKING not in vulnerabilities:
            vulnerabilities.append(Vulnerability.VICTIM_OF_TRAFFICKING)
        document_status = rng.choice(DocumentStatus.values)
        document_number = (
            f"{nationality[0]}{rng.randrange(10_000_000, 99_999_999)}" if document_status != DocumentStatus.NONE else ""
        )
        pcode, site = rng.choice(SITES)
        known_birth = rng.random() < 0.7
        given_name, family_name = rng.choice(given), rng.choice(family)
        migrants.append(
            Migrant(
                reference=f"{PREFIX}{i:04d}",
                given_name=given_name,
                family_name=family_name,
                given_name_norm=normalise_name(given_name),
                family_name_norm=normalise_name(family_name),
                given_name_key=name_key(given_name),
                family_name_key=name_key(family_name),
                sex=Sex.FEMALE if given_name in given[-3:] else Sex.MALE,
                date_of_birth=date(rng.randrange(1960, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
                if known_birth
                else None,
                estimated_age=None if known_birth else rng.randrange(16, 60),
                nationality=nationality,
                languages=list(languages),
                document_status=document_status,
                document_number=document_number,
                document_number_norm=normalise_document(document_number),
                location_country="LBY",
                admin_pcode=pcode,
                site=site,
                household=f"HH-LBY-{household:04d}",
                population_group=PopulationGroup.INTERNATIONAL_MIGRANT
                if rng.random() < 0.9
                else PopulationGroup.TRAPPED,
                vulnerabilities=vulnerabilities,
                intention=rng.choice(
                    [Intention.RETURN, Intention.RETURN, Intention.RETURN, Intention.ONWARD, Intention.STAY]
                ),
                phone=f"+21891{rng.randrange(1_000_000, 9_999_999)}" if rng.random() < 0.6 else "",
                legal_basis=LegalBasis.CONSENT if rng.random() < 0.85 else LegalBasis.VITAL_INTEREST,
                office_id=crisis.office_id,
                crisis=crisis,
                created_by=staff,
                created_at=now - timedelta(days=rng.randrange(1, 60)),
            )
        )
    # Coherent flags: no adult is an unaccompanied child, nobody under 60 an older person.
    for migrant in migrants:
        age = migrant.age() or 0
        migrant.vulnerabilities = [
            v
            for v in migrant.vulnerabilities
            if not (v == Vulnerability.UNACCOMPANIED_CHILD and age >= 18)
            and not (v == Vulnerability.OLDER_PERSON and age < 60)
        ]
    migrants = Migrant.objects.bulk_create(migrants)

    # Referrals: every kind in every status, cycling through the caseload; consular, transport and
    # reintegration go to the government of nationality, the others to a partner or, for a few
    # counter-trafficking cases of Egyptians, to Egypt with (or without) their consent.
    kinds = list(ReferralKind.values)
    statuses = list(ReferralStatus.values)
    combos = [(k, s) for k in kinds for s in statuses]
    referrals: list[Referral] = []
    consents: dict[tuple[int, str, str], Consent] = {}
    # Per referral: each step of the state machine after "create", with when it was made.
    steps: list[list[tuple[str, str, datetime]]] = []
    reason = "Nationality could not be confirmed from the documents available."
    for index, migrant in enumerate(migrants[: len(combos) * 4]):
        kind, status = combos[index % len(combos)]
        government = partner = None
        if kind in (ReferralKind.CONSULAR, ReferralKind.TRANSPORT, ReferralKind.REINTEGRATION):
            government = governments.get(migrant.nationality)
        elif kind == ReferralKind.COUNTER_TRAFFICKING and migrant.nationality == "EGY":
            government = governments.get("EGY")
        elif kind in (ReferralKind.SHELTER, ReferralKind.COUNTER_TRAFFICKING):
            partner = partners.get("unhcr")
        else:
            partner = partners.get("ocha") or partners.get("unhcr")
        if government is None and partner is None:
            continue
        priority = rng.choice([Priority.NORMAL, Priority.NORMAL, Priority.URGENT, Priority.LIFE_SAVING])
        age = timedelta(days=rng.randrange(0, 25), hours=rng.randrange(0, 24))
        sent_at = None if status == ReferralStatus.DRAFT else now - age
        referral = Referral(
            migrant=migrant,
            crisis=crisis,
            office_id=migrant.office_id,
            kind=kind,
            priority=priority,
            recipient_government=government,
            recipient_partner=partner,
            request_note="",
            created_by=staff,
            created_at=(sent_at or now) - timedelta(hours=2),
        )
        if kind == ReferralKind.CONSULAR and status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
            referral.document_type = rng.choice([DocumentType.EMERGENCY_TRAVEL_DOCUMENT, DocumentType.LAISSEZ_PASSER])
            referral.document_number = f"ETD-{migrant.nationality}-{rng.randrange(100000, 999999)}"
            referral.document_issued_on = (sent_at + age / 3).date()
        if kind == ReferralKind.TRANSPORT and status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
            referral.departure_from = rng.choice(["Misrata port", "Benghazi port", "Ras Ajdir border crossing"])
            referral.destination = {"EGY": "Alexandria", "BGD": "Dhaka", "NER": "Niamey", "TCD": "N'Djamena"}[
                migrant.nationality
            ]
            referral.travel_date = (sent_at + age / 2).date()
        # Consent naming the recipient, for most; the rest were shared by the Chief of Mission's override
        # (or, for counter-trafficking referrals to Egypt, stay hidden from Egypt without consent).
        if status != ReferralStatus.DRAFT:
            consented = rng.random() < (0.5 if kind == ReferralKind.COUNTER_TRAFFICKING else 0.85)
            if consented:
                key = (migrant.pk, "g" if government else "p", (government or partner).pk)
                consent = consents.setdefault(
                    key,
                    Consent(
                        migrant=migrant,
                        government=government,
                        partner=partner,
                        purposes=[],
                        given_on=(sent_at - timedelta(days=1)).date(),
                        recorded_by=staff,
                        recorded_at=sent_at - timedelta(days=1),
                    ),
                )
                # Consent per purpose: for the kind of this referral (docs/domain.md "Consent per purpose").
                if kind not in consent.purposes:
                    consent.purposes.append(kind)
            else:
                referral.consent_override_reason = "Vital interest: the person must leave the conflict area urgently."
                referral.consent_overridden_by = chief
        # The outcome is recorded above, so the state machine lets each referral reach its status:
        # sent at sent_at, each later step spread between then and the close (half its age) or now.
        path = _path_to(status)
        later = path[2:]
        end = sent_at + age / 2 if status in CLOSED else now
        walked = []
        for n, (previous, target) in enumerate(zip(path, path[1:], strict=False)):
            at = sent_at if n == 0 else sent_at + (end - sent_at) * n / len(later)
            BY_TARGET[target].apply(referral, at=at, reason=reason)
            walked.append((previous, target, at))
        referrals.append(referral)
        steps.append(walked)
    # A few more consents naming Egypt for Egyptians without a referral yet.
    for migrant in migrants[len(combos) * 4 :]:
        if migrant.nationality == "EGY" and rng.random() < 0.3 and "EGY" in governments:
            consents.setdefault(
                (migrant.pk, "g", governments["EGY"].pk),
                Consent(
                    migrant=migrant,
                    government=governments["EGY"],
                    purposes=[ReferralKind.CONSULAR],
                    given_on=now.date() - timedelta(days=3),
                    recorded_by=staff,
                ),
            )
    referrals = Referral.objects.bulk_create(referrals)
    Consent.objects.bulk_create(consents.values())
    sensitivity_refresh(migrant_ids=[m.pk for m in migrants])

    events = []
    recipient_actor = {"g": users.get("gov_egy"), "p": users.get("unhcr")}
    for referral, walked in zip(referrals, steps, strict=True):
        events.append(
            ReferralEvent(
                referral=referral, action="create", to_status=ReferralStatus.DRAFT, actor=staff, at=referral.created_at
            )
        )
        for previous, target, at in walked:
            transition = BY_TARGET[target]
            actor = staff
            if transition.by == RECIPIENT:
                liaison = recipient_actor["g"] if referral.recipient_government_id else recipient_actor["p"]
                actor = liaison if liaison is not None and side_of(liaison, referral) == RECIPIENT else None
            events.append(
                ReferralEvent(
                    referral=referral,
                    action=transition.action,
                    from_status=previous,
                    to_status=target,
                    actor=actor,
                    at=at,
                    note=reason if transition.needs_reason else "",
                )
            )
    ReferralEvent.objects.bulk_create(events)
    overdue = sum(1 for r in referrals if r.is_overdue(now))
    if stdout:
        stdout.write(
            f"  caseload: {len(migrants)} migrants, {len(referrals)} referrals ({overdue} overdue), "
            f"{len(consents)} consents on {crisis.code}"
        )
    return {"crisis": crisis, "migrants": len(migrants), "referrals": len(referrals), "overdue": overdue}
