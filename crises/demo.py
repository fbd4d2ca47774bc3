"""Demo crises: the seed's own examples, Libya 2011 (Annex I para 10) and the Haiti 2010
earthquake (para 16), each with its level history. Idempotent: a crisis is found by its name,
and only what is missing goes through the services."""

from __future__ import annotations

import datetime

from accounts.models import Office, User

from . import services
from .models import AffectedGroup, Crisis, CrisisType, LevelProposal, Movement, Phase

LIBYA = "Libya 2011 civil conflict"
HAITI = "Haiti 2010 earthquake"

SCORES_L2 = {"score_scale": 3, "score_urgency": 4, "score_complexity": 3, "score_capacity": 3, "score_risk": 3}
SCORES_L3 = {"score_scale": 5, "score_urgency": 5, "score_complexity": 5, "score_capacity": 4, "score_risk": 5}

CRISES = [
    {
        "name": LIBYA,
        "office": "lby",
        "registrar": "staff_lby",
        "values": {
            "crisis_type": CrisisType.MAN_MADE,
            "movement": Movement.CROSS_BORDER,
            "country": "LBY",
            "phase": Phase.BEFORE,
            "start_date": datetime.date(2011, 2, 15),
            "other_countries": ["TUN", "EGY"],
            "nationalities": ["EGY", "BGD", "NER", "TCD"],
            "glide": None,
            "description": (
                "Violence and conflict trapped hundreds of thousands of third-country nationals; most fled "
                "across the borders with Tunisia and Egypt and needed evacuation to their countries of origin."
            ),
        },
        "phases": [("during", "staff_lby", "Mass cross-border movements towards Tunisia and Egypt.")],
        "figures": [
            (AffectedGroup.INTERNATIONAL_MIGRANTS, 790000, datetime.date(2011, 9, 30), "IOM situation report"),
            (AffectedGroup.TRAPPED, 25000, datetime.date(2011, 4, 15), "IOM situation report"),
            (AffectedGroup.IDPS, 200000, datetime.date(2011, 6, 30), "Cluster system estimate"),
            (AffectedGroup.REFUGEES, 8000, datetime.date(2011, 6, 30), "UNHCR estimate"),
        ],
        "levels": [
            (
                2,
                "staff_lby",
                "hq",
                SCORES_L2,
                "Third-country nationals stranded at the borders; the office needs regional support.",
            ),
            (
                3,
                "com_lby",
                "hq",
                SCORES_L3,
                "Hundreds of thousands crossing into Tunisia and Egypt; evacuation at scale.",
            ),
        ],
    },
    {
        "name": HAITI,
        "office": "hti",
        "registrar": "staff_hti",
        "values": {
            "crisis_type": CrisisType.SUDDEN_NATURAL,
            "movement": Movement.INTERNAL,
            "country": "HTI",
            "phase": Phase.DURING,
            "start_date": datetime.date(2010, 1, 12),
            "other_countries": [],
            "nationalities": [],
            "glide": "EQ-2010-000009-HTI",
            "description": (
                "A magnitude 7.0 earthquake struck near Port-au-Prince; camps of displaced people formed "
                "across the city."
            ),
        },
        "phases": [],
        "figures": [
            (AffectedGroup.IDPS, 1500000, datetime.date(2010, 2, 28), "IOM Displacement Tracking Matrix"),
            (AffectedGroup.HOST_COMMUNITIES, 600000, datetime.date(2010, 3, 31), "Government of Haiti estimate"),
            (AffectedGroup.UNACCOMPANIED_CHILDREN, 1000, datetime.date(2010, 3, 31), "Child Protection sub-cluster"),
        ],
        "levels": [
            (
                3,
                "staff_hti",
                "hq",
                SCORES_L3,
                "Catastrophic destruction in the capital; over a million people displaced.",
            ),
        ],
    },
]


def _seed_one(spec: dict, users: dict[str, User]) -> Crisis:
    crisis = Crisis.objects.filter(name=spec["name"]).first()
    if crisis is None:
        crisis = services.crisis_register(
            actor=users[spec["registrar"]],
            office=Office.objects.get(code=spec["office"]),
            name=spec["name"],
            **spec["values"],
        )
        for phase, who, reason in spec["phases"]:
            services.crisis_phase_change(crisis=crisis, actor=users[who], phase=phase, reason=reason)
    existing = set(crisis.affected_figures.values_list("group", "as_of", "source"))
    for group, figure, as_of, source in spec["figures"]:
        if (group, as_of, source) not in existing:
            services.affected_figure_record(
                crisis=crisis, actor=users[spec["registrar"]], group=group, figure=figure, as_of=as_of, source=source
            )
    if not LevelProposal.objects.filter(crisis=crisis).exists():
        for level, proposer, approver, scores, justification in spec["levels"]:
            proposal = services.escalation_propose(
                crisis=crisis, actor=users[proposer], level=level, justification=justification, **scores
            )
            services.escalation_approve(proposal=proposal, actor=users[approver], comment="Approved per the SOP.")
    crisis.refresh_from_db()
    return crisis


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(username__in=["hq", "com_lby", "staff_lby", "staff_hti"])}
    crises = {spec["name"]: _seed_one(spec, users) for spec in CRISES}
    if stdout:
        stdout.write("  crises: " + ", ".join(f"{c.code} (Level {c.level})" for c in crises.values()))
    return {"crises": crises, "libya": crises[LIBYA], "haiti": crises[HAITI]}
