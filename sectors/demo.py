"""Demo sector plans: every crisis has its plan, and the Libya office has adapted one sector
(transit camps at the borders). Idempotent."""

from __future__ import annotations

from accounts.models import User
from crises.models import Crisis

from .models import SectorPlan
from .services import sector_plan_propose, sector_plan_update

LIBYA_NAME = "Libya 2011 civil conflict"
LIBYA_CHOICES = [
    {
        "sector": 1,
        "priority_override": "critical",
        "override_reason": (
            "Transit camps at the Tunisian and Egyptian borders hold tens of thousands of third-country "
            "nationals waiting for evacuation: camp management is as essential as the transport itself."
        ),
        "partners": ["unhcr"],
    },
    {"sector": 3, "focal_point": "staff_lby"},
    {"sector": 12, "focal_point": "com_lby"},
]


def seed(stdout=None) -> dict:
    proposed = 0
    for crisis in Crisis.objects.filter(sector_plan__isnull=True):
        sector_plan_propose(crisis=crisis)
        proposed += 1
    libya = Crisis.objects.filter(name=LIBYA_NAME).select_related("sector_plan").first()
    chief = User.objects.filter(username="com_lby").first()
    if libya is not None and chief is not None and chief.is_chief_of(libya.office_id):
        entries = {e.sector.number: e for e in libya.sector_plan.entries.select_related("sector", "focal_point")}
        users = {u.username: u for u in User.objects.filter(username__in=["staff_lby", "com_lby"])}
        todo = []
        for choice in LIBYA_CHOICES:
            entry = entries[choice["sector"]]
            if "priority_override" in choice and entry.priority_override is None:
                todo.append(choice)
            elif "focal_point" in choice and entry.focal_point is None and choice["focal_point"] in users:
                todo.append({"sector": choice["sector"], "focal_point": users[choice["focal_point"]].pk})
        if todo:
            sector_plan_update(crisis=libya, actor=chief, entries=todo)
    if stdout:
        stdout.write(f"  sector plans: {SectorPlan.objects.count()} ({proposed} proposed now)")
    return {"plans": SectorPlan.objects.count()}
