"""A small world of three offices' crises, cases and referrals, whose figures each test knows by heart.

Libya (office lby, LBY-T, Level 3, during): 6 Egyptians (one a victim of trafficking, sensitive) and
3 Bangladeshis; referrals: 5 consular to Egypt (draft, sent, acknowledged, completed in 2 days,
completed in 5 days), 1 consular to Bangladesh (in progress), 1 transport to UNHCR (sent, overdue),
1 counter-trafficking of the victim to Egypt (sent; no consent names Egypt).
Tunisia (office tun, TUN-T, Level 2, before): 4 Nigeriens; 2 health to UNHCR (completed in 1 day,
sent), 1 consular to Niger (sent, urgent, overdue).
Haiti (office hti, HTI-T, no level, after): 2 Haitians; 1 shelter to UNHCR (completed in 3 days).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from caseload.models import Vulnerability
from caseload.tests.factories import MigrantFactory, ReferralFactory
from crises.models import AffectedFigure, CrisisType, Movement, Phase
from crises.tests.factories import CrisisFactory

NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)


def sent_days_ago(days: float) -> dict:
    sent = NOW - datetime.timedelta(days=days)
    return {"sent_at": sent, "due_at": sent + datetime.timedelta(days=14)}


def completed(sent_days_ago_: float, took_days: float) -> dict:
    sent = NOW - datetime.timedelta(days=sent_days_ago_)
    return {
        "status": "completed",
        "sent_at": sent,
        "due_at": sent + datetime.timedelta(days=14),
        "closed_at": sent + datetime.timedelta(days=took_days),
    }


@pytest.fixture
def world(demo):
    offices, governments, partners = demo["offices"], demo["governments"], demo["partners"]
    egypt, bangladesh = governments["EGY"], governments["BGD"]
    unhcr = partners["unhcr"]
    from partners.models import Government

    niger = Government.objects.get(country="NER")

    lby = CrisisFactory(
        office=offices["lby"],
        code="LBY-T",
        name="Libya (test)",
        country="LBY",
        level=3,
        phase=Phase.DURING,
        glide="CE-2011-000022-LBY",
        start_date=datetime.date(2011, 2, 15),
    )
    tun = CrisisFactory(
        office=offices["tun"], code="TUN-T", name="Tunisia (test)", country="TUN", level=2, phase=Phase.BEFORE
    )
    hti = CrisisFactory(
        office=offices["hti"],
        code="HTI-T",
        name="Haiti (test)",
        country="HTI",
        level=None,
        phase=Phase.AFTER,
        crisis_type=CrisisType.SUDDEN_NATURAL,
        movement=Movement.INTERNAL,
        start_date=datetime.date(2010, 1, 12),
    )
    AffectedFigure.objects.create(
        crisis=lby, group="international_migrants", figure=200000, as_of=datetime.date(2011, 3, 1), source="IOM"
    )
    AffectedFigure.objects.create(
        crisis=lby, group="international_migrants", figure=250000, as_of=datetime.date(2011, 4, 1), source="IOM"
    )
    AffectedFigure.objects.create(
        crisis=hti, group="idps", figure=1500000, as_of=datetime.date(2010, 2, 1), source="OCHA"
    )

    lby_egy = [
        MigrantFactory(office=offices["lby"], crisis=lby, nationality="EGY", family_name=f"Egy{i}") for i in range(5)
    ]
    victim = MigrantFactory(
        office=offices["lby"],
        crisis=lby,
        nationality="EGY",
        family_name="Victim",
        is_sensitive=True,
        vulnerabilities=[Vulnerability.VICTIM_OF_TRAFFICKING],
    )
    lby_bgd = [
        MigrantFactory(office=offices["lby"], crisis=lby, nationality="BGD", family_name=f"Bgd{i}") for i in range(3)
    ]
    tun_ner = [
        MigrantFactory(
            office=offices["tun"], crisis=tun, nationality="NER", location_country="TUN", family_name=f"Ner{i}"
        )
        for i in range(4)
    ]
    hti_hti = [
        MigrantFactory(
            office=offices["hti"], crisis=hti, nationality="HTI", location_country="HTI", family_name=f"Hti{i}"
        )
        for i in range(2)
    ]

    refs = SimpleNamespace()
    refs.egy_draft = ReferralFactory(
        migrant=lby_egy[0], recipient_government=egypt, status="draft", sent_at=None, due_at=None
    )
    refs.egy_sent = ReferralFactory(migrant=lby_egy[1], recipient_government=egypt, **sent_days_ago(1))
    refs.egy_ack = ReferralFactory(
        migrant=lby_egy[2], recipient_government=egypt, status="acknowledged", **sent_days_ago(2)
    )
    refs.egy_done_2 = ReferralFactory(migrant=lby_egy[3], recipient_government=egypt, **completed(10, 2))
    refs.egy_done_5 = ReferralFactory(migrant=lby_egy[4], recipient_government=egypt, **completed(10, 5))
    refs.bgd_progress = ReferralFactory(
        migrant=lby_bgd[0], recipient_government=bangladesh, status="in_progress", **sent_days_ago(3)
    )
    refs.transport_overdue = ReferralFactory(
        migrant=lby_bgd[1],
        recipient_partner=unhcr,
        kind="transport",
        sent_at=NOW - 20 * DAY,
        due_at=NOW - 6 * DAY,
    )
    refs.victim_ct = ReferralFactory(
        migrant=victim, recipient_government=egypt, kind="counter_trafficking", **sent_days_ago(1)
    )
    refs.tun_health_done = ReferralFactory(
        migrant=tun_ner[0], recipient_partner=unhcr, kind="health", **completed(5, 1)
    )
    refs.tun_health_sent = ReferralFactory(
        migrant=tun_ner[1], recipient_partner=unhcr, kind="health", **sent_days_ago(1)
    )
    refs.tun_consular_overdue = ReferralFactory(
        migrant=tun_ner[2],
        recipient_government=niger,
        priority="urgent",
        sent_at=NOW - 5 * DAY,
        due_at=NOW - 2 * DAY,
    )
    refs.hti_shelter_done = ReferralFactory(
        migrant=hti_hti[0], recipient_partner=unhcr, kind="shelter", **completed(6, 3)
    )
    return SimpleNamespace(
        users=demo["users"],
        offices=offices,
        crises=SimpleNamespace(lby=lby, tun=tun, hti=hti),
        migrants=SimpleNamespace(lby_egy=lby_egy, victim=victim, lby_bgd=lby_bgd, tun_ner=tun_ner, hti_hti=hti_hti),
        referrals=refs,
    )
