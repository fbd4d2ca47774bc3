"""Demo displacement tracking (docs/domain.md "Demo data"), through the services; idempotent.

- Haiti 2010 earthquake: 40 sites in and around Port-au-Prince (and Jacmel) over three rounds, the
  first two validated by the Chief of Mission of Haiti (com_hti), the third open with most sites
  entered by staff_hti; the validated rounds set the crisis's IDP figure.
- Libya 2011: two flow monitoring points at the Tunisian border, Ras Ajdir and Dehiba, with the
  daily counts of March 2011 entered by the Tunisia office.
"""

from __future__ import annotations

import datetime
import random

from accounts.models import User
from crises.models import Crisis

from . import services
from .models import AssessmentRound, FlowCount, FlowPoint, RoundStatus, Site, SiteAssessment

SEED = 2010
HAITI, LIBYA = "Haiti 2010 earthquake", "Libya 2011 civil conflict"
# (commune, admin 2 P-code, latitude, longitude): the communes of the metropolitan area.
COMMUNES = [
    ("Port-au-Prince", "HT0111", 18.543, -72.339),
    ("Delmas", "HT0112", 18.550, -72.302),
    ("Carrefour", "HT0113", 18.534, -72.410),
    ("Pétion-Ville", "HT0114", 18.512, -72.285),
    ("Cité Soleil", "HT0116", 18.585, -72.330),
    ("Tabarre", "HT0117", 18.578, -72.270),
    ("Croix-des-Bouquets", "HT0121", 18.576, -72.225),
]
CAMPS = [
    "Champ de Mars",
    "Place Saint-Pierre",
    "Parc Jean-Marie Vincent",
    "Pétion-Ville Club",
    "Terrain Acra",
    "Place Boyer",
    "Canapé Vert",
    "Carrefour Feuilles",
    "Automeca",
    "Caradeux",
    "Corail Cesselesse",
    "Tabarre Issa",
    "Delmas 33",
    "Solino",
    "Nazon",
    "Christ-Roi",
    "Maïs Gâté",
    "Terrain Toto",
    "Place Jérémie",
    "Bois Verna",
    "Turgeau",
    "Fort National",
    "Bel Air",
    "Martissant",
    "Mariani",
    "Diquini",
    "Thor",
    "Cité Militaire",
    "Drouillard",
    "Bon Repos",
    "Santo",
    "Terrain Hatte",
    "Kenscoff route",
    "Morne Hercule",
    "Delmas 75",
]
JACMEL = ["Pinchinat", "Place de la Mairie Jacmel", "Meyer", "Bas Cayes Jacmel", "La Vallée"]
TYPES = ["spontaneous_settlement"] * 6 + ["camp"] * 2 + ["collective_centre", "host_community"]
NEEDS = ["shelter", "wash", "food", "health", "protection", "livelihoods", "documentation"]
ROUNDS = [
    (datetime.date(2010, 3, 1), datetime.date(2010, 3, 31), 1.0),
    (datetime.date(2010, 5, 1), datetime.date(2010, 5, 31), 0.8),
    (datetime.date(2010, 7, 1), datetime.date(2010, 7, 31), 0.65),
]
OPEN_ROUND_LEFT = 5  # sites of the open round still to assess
POINTS = [
    ("Ras Ajdir", "border_crossing", "Medenine", "TN52", "33.1500", "11.5600", 1.0),
    ("Dehiba", "border_crossing", "Tataouine", "TN53", "32.0160", "10.7050", 0.3),
]
# Nationality -> share of the people crossing into Tunisia in March 2011, and where they go.
CROSSERS = [
    ("EGY", 0.35, "EGY"),
    ("BGD", 0.2, "BGD"),
    ("LBY", 0.2, "LBY"),
    ("TCD", 0.1, "TCD"),
    ("NER", 0.1, "NER"),
    ("SDN", 0.05, "SDN"),
]


def _sites(rng: random.Random) -> list[dict]:
    rows = []
    for n, name in enumerate(CAMPS):
        commune, pcode, lat, lon = COMMUNES[n % len(COMMUNES)]
        rows.append(
            {
                "name": name,
                "site_type": TYPES[n % len(TYPES)],
                "admin1_name": "Ouest",
                "admin1_pcode": "HT01",
                "admin2_name": commune,
                "admin2_pcode": pcode,
                "latitude": f"{lat + rng.uniform(-0.02, 0.02):.5f}",
                "longitude": f"{lon + rng.uniform(-0.02, 0.02):.5f}",
                "managing_agency": rng.choice(["IOM", "ACTED", "World Vision", "Concern", "Government of Haiti"]),
            }
        )
    for name in JACMEL:
        rows.append(
            {
                "name": name,
                "site_type": "spontaneous_settlement",
                "admin1_name": "Sud-Est",
                "admin1_pcode": "HT10",
                "admin2_name": "Jacmel",
                "admin2_pcode": "HT1011",
                "latitude": f"{18.235 + rng.uniform(-0.01, 0.01):.5f}",
                "longitude": f"{-72.535 + rng.uniform(-0.01, 0.01):.5f}",
                "managing_agency": "IOM",
            }
        )
    return rows


def assessment_values(rng: random.Random, size: int) -> dict:
    """A site's figures that add up: ``size`` people split by sex and age, most of them IDPs."""
    shares = [0.08, 0.17, 0.22, 0.04, 0.08, 0.16, 0.21, 0.04]
    counts = [int(size * s * rng.uniform(0.85, 1.15)) for s in shares]
    individuals = sum(counts)
    migrants = rng.randint(0, max(1, individuals // 200))
    host = individuals // 20
    needs = rng.sample(NEEDS[:5], 3)
    keys = (
        "female_0_4",
        "female_5_17",
        "female_18_59",
        "female_60_plus",
        "male_0_4",
        "male_5_17",
        "male_18_59",
        "male_60_plus",
    )
    return {
        "households": max(1, individuals // 5),
        "individuals": individuals,
        **dict(zip(keys, counts, strict=True)),
        "idps": individuals - migrants - host,
        "international_migrants": migrants,
        "returnees": 0,
        "host_community": host,
        "origin_admin1": "Ouest",
        "reason": "natural_disaster",
        "need_1": needs[0],
        "need_2": needs[1],
        "need_3": needs[2],
        "remarks": "",
    }


def _haiti(users: dict[str, User]) -> int:
    crisis = Crisis.objects.filter(name=HAITI).first()
    if crisis is None:
        return 0
    staff, chief = users["staff_hti"], users["com_hti"]
    rng = random.Random(SEED)
    specs = _sites(rng)
    if not Site.objects.filter(crisis=crisis).exists():
        services.sites_create_many(actor=staff, crisis=crisis, rows=specs)
    sites = list(Site.objects.filter(crisis=crisis).order_by("code"))
    sizes = {site.pk: rng.randint(300, 12000) for site in sites}
    for number, (start, end, factor) in enumerate(ROUNDS, start=1):
        round = AssessmentRound.objects.filter(crisis=crisis, number=number).first()
        if round is None:
            round = services.round_open(actor=staff, crisis=crisis, start_date=start, end_date=end)
        if round.status != RoundStatus.OPEN:
            continue
        last = number == len(ROUNDS)
        todo = sites[:-OPEN_ROUND_LEFT] if last else sites
        done = set(SiteAssessment.objects.filter(round=round).values_list("site_id", flat=True))
        rows = [(s.pk, assessment_values(rng, int(sizes[s.pk] * factor))) for s in todo if s.pk not in done]
        if rows:
            services.assessments_save_many(actor=staff, round_id=round.pk, rows=rows)
        if not last:
            services.round_transition(actor=staff, round_id=round.pk, to="submitted")
            services.round_transition(actor=chief, round_id=round.pk, to="validated")
    return len(sites)


def _libya(users: dict[str, User]) -> int:
    crisis = Crisis.objects.filter(name=LIBYA).first()
    if crisis is None:
        return 0
    rng = random.Random(SEED + 1)
    counted = 0
    for name, kind, admin1, pcode, lat, lon, weight in POINTS:
        point = FlowPoint.objects.filter(crisis=crisis, name=name).first()
        if point is None:
            point = services.flow_point_create(
                actor=users["staff_lby"],
                crisis=crisis,
                data={
                    "name": name,
                    "point_type": kind,
                    "country": "TUN",
                    "admin1_name": admin1,
                    "admin1_pcode": pcode,
                    "latitude": lat,
                    "longitude": lon,
                },
            )
        if FlowCount.objects.filter(point=point).exists():
            continue
        for day in range(31):
            date = datetime.date(2011, 3, 1) + datetime.timedelta(days=day)
            peak = 1.0 + 1.5 * max(0.0, 1 - abs(day - 6) / 8)  # the first week of March was the peak
            rows = []
            for nationality, share, home in CROSSERS:
                people = int(4000 * weight * share * peak * rng.uniform(0.7, 1.3))
                if people == 0:
                    continue
                females = int(people * rng.uniform(0.05, 0.2))
                rows.append(
                    {
                        "direction": "in",
                        "nationality": nationality,
                        "reason": "conflict",
                        "destination_country": home,
                        "females": females,
                        "males": people - females,
                        "children": int(people * rng.uniform(0.02, 0.1)),
                    }
                )
            back = int(300 * weight * rng.uniform(0.5, 1.5))
            rows.append(
                {
                    "direction": "out",
                    "nationality": "LBY",
                    "reason": "return_home",
                    "destination_country": "LBY",
                    "females": back // 4,
                    "males": back - back // 4,
                    "children": back // 10,
                }
            )
            services.flow_counts_record(actor=users["staff_tun"], point_id=point.pk, date=date, rows=rows)
            counted += len(rows)
    return counted


def seed(stdout=None) -> dict:
    users = {
        u.username: u for u in User.objects.filter(username__in=["staff_hti", "com_hti", "staff_lby", "staff_tun"])
    }
    sites = _haiti(users)
    counts = _libya(users)
    if stdout:
        stdout.write(
            f"  displacement: {sites} sites in Haiti over {len(ROUNDS)} rounds; "
            f"flow counts at Ras Ajdir and Dehiba ({counts} new rows)"
        )
    return {"sites": sites, "counts": counts}
