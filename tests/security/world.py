"""One small world shared by the security tests: two offices, each with a crisis, a migrant, consents,
referrals to a government and to a partner, a pending level proposal, a transfer request, an import,
a possible duplicate, a webhook, and a displacement site, round and flow point; and one account
per role.

Side A (office A, government G, partner P) is "own" for the owning office's staff, its Chief of
Mission, G's liaison and P's liaison. Side B (office B, government H, partner Q) is nobody's but HQ's
among the personas, so that every persona but HQ must get 404 for it and never see it in a list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile

ROLES = (
    "anonymous",
    "staff",  # office staff of the owning office A
    "other_staff",  # office staff of office C (neither A nor B)
    "chief",  # Chief of Mission of office A
    "hq",
    "gov",  # liaison of government G, addressed by side A's consular referral
    "other_gov",  # liaison of government K, addressed by nothing
    "partner",  # liaison of partner P, addressed by side A's health referral
    "other_partner",  # liaison of partner R, addressed by nothing
)


@dataclass
class Side:
    office: object
    crisis: object
    migrant: object
    consent: object
    referral_gov: object
    referral_partner: object
    proposal: object
    transfer: object
    batch: object
    duplicate: object
    webhook: object
    partner_webhook: object
    notification: object
    partner_notification: object
    export_job: object  # a large export, built and ready, requested by the side's Chief of Mission
    movement: object  # bound for the side's government, its partner the receiving agency
    passenger: object  # the side's migrant on it
    dtm_site: object  # a displacement site of the side's crisis
    dtm_round: object  # its open assessment round, with the site assessed
    dtm_point: object  # a flow monitoring point of the crisis, in the office's country, with a day counted
    dtm_import: object  # a table of the open round, uploaded and checked, not saved
    sitrep: object  # a draft situation report of the side's crisis
    marker: str  # a string that appears in this side's rows and nowhere else


@dataclass
class World:
    users: dict
    a: Side
    b: Side
    extra: dict = field(default_factory=dict)


def _side(tag: str, office, chief, government, partner, *, hq) -> Side:
    from accounts.tests.factories import OfficeFactory
    from caseload.models import CaseShare, DuplicateCandidate, ImportBatch, Migrant
    from caseload.services import consent_record, migrant_register, referral_create
    from crises.services import crisis_register, escalation_propose
    from outbox.models import Notification
    from outbox.tests.factories import WebhookEndpointFactory

    crisis = crisis_register(
        actor=chief,
        office=office,
        name=f"Zzcrisis{tag}",
        crisis_type="man_made",
        movement="cross_border",
        country=office.country,
        start_date=datetime.date(2026, 1, 10),
        nationalities=[government.country],
    )
    data = {
        "given_name": f"Zzgiven{tag}",
        "family_name": f"Zzfamily{tag}",
        "sex": "male",
        "date_of_birth": datetime.date(1991, 3, 4),
        "nationality": government.country,
        "document_status": "lost",
        "location_country": office.country,
        "population_group": "international_migrant",
        "phone": "+201001234567",
    }
    migrant = migrant_register(actor=chief, office=office, crisis=crisis, data=data)
    twin = migrant_register(actor=chief, office=office, crisis=crisis, data=data)
    consent = consent_record(
        actor=chief,
        migrant=migrant,
        governments=[government],
        partners=[partner],
        purposes=["consular", "health"],
        given_on=datetime.date(2026, 2, 1),
    )[0]
    webhook = WebhookEndpointFactory(government=government, created_by=hq)
    partner_webhook = WebhookEndpointFactory(government=None, partner=partner, created_by=hq)
    referral_gov = referral_create(
        actor=chief, migrant=migrant, kind="consular", recipient_government=government, priority="normal", send=True
    )
    referral_partner = referral_create(
        actor=chief, migrant=migrant, kind="health", recipient_partner=partner, priority="normal", send=True
    )
    proposal = escalation_propose(
        crisis=crisis,
        actor=chief,
        level=2,
        justification="Scale and urgency",
        score_scale=3,
        score_urgency=3,
        score_complexity=2,
        score_capacity=2,
        score_risk=2,
    )
    elsewhere = OfficeFactory(code=f"x{tag.lower()}", country="EGY")
    transfer = CaseShare.objects.create(
        migrant=twin, from_office=office, to_office=elsewhere, kind="transfer", requested_by=chief
    )
    batch = ImportBatch.objects.create(
        office=office,
        crisis=crisis,
        file=ContentFile(b"given_name\nX\n", name=f"{tag}.csv"),
        file_name=f"{tag}.csv",
        file_format="csv",
        created_by=chief,
    )
    from reports.export_jobs import exports_dir
    from reports.models import ExportJob

    export_file = f"matrix-{tag.lower()}.xlsx"
    (exports_dir() / export_file).write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
    export_job = ExportJob.objects.create(
        user=chief,
        dataset="migrants",
        file_format="xlsx",
        language="en",
        status=ExportJob.Status.DONE,
        total_rows=1,
        done_rows=1,
        file_name=export_file,
    )
    from movements.services import movement_create, passengers_add

    departure = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
    movement = movement_create(
        actor=chief,
        office=office,
        crisis=crisis,
        data={
            "kind": "return",
            "mode": "air",
            "carrier": f"Zzcarrier{tag}",
            "origin_country": office.country,
            "origin_place": "Capital airport",
            "origin_timezone": "Africa/Tripoli",
            "destination_country": government.country,
            "destination_place": "Home airport",
            "destination_timezone": "Africa/Cairo",
            "planned_departure": departure,
            "planned_arrival": departure + datetime.timedelta(hours=3),
            "seat_capacity": 10,
            "receiving_partner": partner,
        },
    )
    passenger = passengers_add(actor=chief, movement_id=movement.pk, migrants=[migrant]).passengers[0]
    from displacement import services as tracking

    dtm_site = tracking.site_create(
        actor=chief,
        crisis=crisis,
        data={
            "name": f"Zzsite{tag}",
            "site_type": "camp",
            "admin1_name": "Area",
            "admin1_pcode": f"X{tag}01",
            "latitude": "30.1",
            "longitude": "12.2",
        },
    )
    dtm_round = tracking.round_open(actor=chief, crisis=crisis, start_date="2026-02-01", end_date="2026-02-28")
    sadd = {"female_18_59": 6, "male_18_59": 6}
    tracking.assessment_save(
        actor=chief,
        round_id=dtm_round.pk,
        site_id=dtm_site.pk,
        data={"households": 3, "individuals": 12, **sadd, "idps": 12, "reason": "conflict", "need_1": "food"},
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from displacement import imports as tracking_imports

    table = (
        "Site code,Households,Individuals,Male 18-59,Reason for displacement,First need\n"
        f"{dtm_site.code},1,4,4,conflict,food\n"
    )
    dtm_import = tracking_imports.round_import_start(
        actor=chief, round=dtm_round, upload=SimpleUploadedFile("round.csv", table.encode())
    )
    tracking_imports.round_import_check(dtm_import.pk)
    dtm_point = tracking.flow_point_create(
        actor=chief,
        crisis=crisis,
        data={
            "name": f"Zzpoint{tag}",
            "point_type": "border_crossing",
            "country": office.country,
            "latitude": "32.1",
            "longitude": "11.2",
        },
    )
    tracking.flow_counts_record(
        actor=chief,
        point_id=dtm_point.pk,
        date="2026-02-02",
        rows=[
            {"direction": "in", "nationality": "EGY", "reason": "conflict", "destination_country": "EGY", "males": 9}
        ],
    )
    from sitreps.services import sitrep_draft

    sitrep = sitrep_draft(crisis=crisis, actor=chief)
    low, high = sorted([migrant, twin], key=lambda m: m.pk)
    duplicate = DuplicateCandidate.objects.create(
        office=office, migrant_a=low, migrant_b=high, reason="name", score=1.0
    )
    notification = Notification.objects.filter(government=government).order_by("pk").first()
    partner_notification = Notification.objects.filter(partner=partner).order_by("pk").first()
    assert notification is not None and partner_notification is not None, "a sent referral is notified"
    assert Migrant.objects.filter(pk=migrant.pk).exists()
    return Side(
        office=office,
        crisis=crisis,
        migrant=migrant,
        consent=consent,
        referral_gov=referral_gov,
        referral_partner=referral_partner,
        proposal=proposal,
        transfer=transfer,
        batch=batch,
        duplicate=duplicate,
        webhook=webhook,
        partner_webhook=partner_webhook,
        notification=notification,
        partner_notification=partner_notification,
        export_job=export_job,
        movement=movement,
        passenger=passenger,
        dtm_site=dtm_site,
        dtm_round=dtm_round,
        dtm_point=dtm_point,
        dtm_import=dtm_import,
        sitrep=sitrep,
        marker=f"Zzfamily{tag}",
    )


def build_world() -> World:
    from accounts.tests.factories import (
        GovernmentFactory,
        OfficeFactory,
        PartnerFactory,
        government_liaison,
        hq_user,
        office_staff,
        partner_liaison,
    )

    office_a = OfficeFactory(code="seca", country="LBY", name="Office A")
    office_b = OfficeFactory(code="secb", country="TUN", name="Office B")
    office_c = OfficeFactory(code="secc", country="HTI", name="Office C")
    gov_g = GovernmentFactory(country="EGY")
    gov_h = GovernmentFactory(country="BGD")
    gov_k = GovernmentFactory(country="NER")
    partner_p = PartnerFactory(code="secp", name="Partner P")
    partner_q = PartnerFactory(code="secq", name="Partner Q")
    partner_r = PartnerFactory(code="secr", name="Partner R")
    users = {
        "anonymous": None,
        "staff": office_staff(office_a, username="sec_staff_a"),
        "chief": office_staff(office_a, chief=True, username="sec_chief_a"),
        "other_staff": office_staff(office_c, username="sec_staff_c"),
        "hq": hq_user(username="sec_hq", is_superuser=False),
        "gov": government_liaison(gov_g, username="sec_gov_g"),
        "other_gov": government_liaison(gov_k, username="sec_gov_k"),
        "partner": partner_liaison(partner_p, username="sec_partner_p"),
        "other_partner": partner_liaison(partner_r, username="sec_partner_r"),
    }
    chief_b = office_staff(office_b, chief=True, username="sec_chief_b")
    a = _side("A", office_a, users["chief"], gov_g, partner_p, hq=users["hq"])
    b = _side("B", office_b, chief_b, gov_h, partner_q, hq=users["hq"])
    return World(users=users, a=a, b=b)
