"""The figures of a sitrep, worked out from the data at its cut-off (docs/domain.md "Situation reports").

``figures_at(crisis, period_start, cutoff)`` answers a JSON-ready dict that the sitrep keeps: the
crisis's level, phase and latest affected figures with their sources; the people registered in the
period and in total, by nationality (the ten largest and the rest) and by vulnerability; the
referrals by kind and status and those overdue at the cut-off (``caseload.workflow.overdue_q``);
the movements that arrived in the period and the people they carried, by destination; the sectors
active under the sector plan with their priorities. A fixed number of grouped queries whatever the
size of the caseload.

A referral's status is its status when the figures are worked out (at the latest, submission): the
report is drafted a day before its cut-off and frozen then.

``compare`` sets each figure beside the previous sitrep's; ``shown`` writes a sensitive count of 1
to 4 as "<5" in every version that leaves the office (docs/domain.md "Sensitive records").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from caseload.models import Migrant, Referral, Vulnerability
from caseload.selectors import has_vulnerability
from caseload.workflow import overdue_q
from core.disclosure import suppressed
from crises.models import AffectedFigure, AffectedGroup
from displacement.models import AssessmentRound
from displacement.selectors import latest_validated_round, round_totals, sites_open_at
from movements.models import Movement, MovementStatus, Passenger
from sectors.selectors import plan_for_crisis

if TYPE_CHECKING:
    from crises.models import Crisis

TOP = 10
OTHER = "other"
# The categories whose small counts could point at a person (victims of trafficking).
SENSITIVE_VULNERABILITIES = frozenset({Vulnerability.VICTIM_OF_TRAFFICKING.value})
SENSITIVE_GROUPS = frozenset({AffectedGroup.TRAFFICKING_VICTIMS.value})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _affected(crisis: Crisis, cutoff: datetime) -> list[dict[str, Any]]:
    """The latest estimate of each group as of the cut-off, with its source."""
    latest: dict[str, dict[str, Any]] = {}
    rows = AffectedFigure.objects.filter(crisis=crisis, as_of__lte=cutoff.date()).order_by("group", "-as_of", "-id")
    for group, figure, as_of, source in rows.values_list("group", "figure", "as_of", "source"):
        latest.setdefault(group, {"group": group, "figure": figure, "as_of": as_of.isoformat(), "source": source})
    return list(latest.values())


def _registrations(crisis: Crisis, start: datetime | None, cutoff: datetime) -> dict[str, Any]:
    migrants = Migrant.objects.filter(crisis=crisis, merged_into__isnull=True, created_at__lte=cutoff)
    in_period = Q(created_at__gt=start) if start else Q()
    totals = migrants.aggregate(
        total=Count("pk"),
        period=Count("pk", filter=in_period),
        **{f"v_{v}": Count("pk", filter=has_vulnerability(v)) for v in Vulnerability.values},
        **{f"vp_{v}": Count("pk", filter=has_vulnerability(v) & in_period) for v in Vulnerability.values},
    )
    nationalities = list(
        migrants.values("nationality")
        .annotate(total=Count("pk"), period=Count("pk", filter=in_period))
        .order_by("-total", "nationality")
        .values_list("nationality", "total", "period")
    )
    top = [{"key": n, "total": t, "period": p} for n, t, p in nationalities[:TOP]]
    rest = nationalities[TOP:]
    if rest:
        top.append({"key": OTHER, "total": sum(r[1] for r in rest), "period": sum(r[2] for r in rest)})
    vulnerabilities = [
        {"key": v, "total": totals[f"v_{v}"], "period": totals[f"vp_{v}"], "sensitive": v in SENSITIVE_VULNERABILITIES}
        for v in Vulnerability.values
    ]
    return {
        "total": totals["total"],
        "period": totals["period"],
        "by_nationality": top,
        "by_vulnerability": vulnerabilities,
    }


def _referrals(crisis: Crisis, cutoff: datetime) -> dict[str, Any]:
    referrals = Referral.objects.filter(crisis=crisis, created_at__lte=cutoff)
    rows = referrals.values("kind", "status").annotate(n=Count("pk")).order_by("kind", "status")
    overdue = referrals.filter(overdue_q(cutoff)).count()
    return {
        "by_kind_status": [{"kind": r["kind"], "status": r["status"], "count": r["n"]} for r in rows],
        "overdue": overdue,
    }


def _movements(crisis: Crisis, start: datetime | None, cutoff: datetime) -> dict[str, Any]:
    arrived = Q(actual_arrival__lte=cutoff) & (Q(actual_arrival__gt=start) if start else Q())
    done = Movement.objects.filter(arrived, crisis=crisis, status__in=(MovementStatus.ARRIVED, MovementStatus.CLOSED))
    people = (
        Passenger.objects.filter(movement__in=done.values("pk"), boarding_status="boarded")
        .values("movement__destination_country")
        .annotate(n=Count("pk"))
        .order_by("-n", "movement__destination_country")
    )
    by_destination = [{"key": r["movement__destination_country"], "count": r["n"]} for r in people]
    return {
        "done": done.count(),
        "people": sum(r["count"] for r in by_destination),
        "by_destination": by_destination,
    }


def _sectors(crisis: Crisis) -> list[dict[str, Any]]:
    plan = plan_for_crisis(crisis)
    if plan is None:
        return []
    return [
        {
            "number": e.sector.number,
            "name": {"en": e.sector.name_en, "fr": e.sector.name_fr, "es": e.sector.name_es},
            "priority": e.priority,
        }
        for e in plan.entries.all()
        if e.is_active
    ]


# The figures of displacement tracking a sitrep carries, in the order they are shown.
DISPLACEMENT_KEYS = ("sites_open", "sites_assessed", "households", "individuals", "idps", "international_migrants")


def displacement_section(crisis: Crisis, start: datetime | None, cutoff: datetime) -> dict[str, Any] | None:
    """Sites open at the cut-off and the totals of the latest round validated by then (displacement
    tracking, Sector 1); none when the crisis tracks no site."""
    sites_open = sites_open_at(crisis.pk, cutoff)
    latest = latest_validated_round(crisis.pk, by=cutoff)
    if latest is None and not sites_open:
        return None
    totals = round_totals(AssessmentRound.objects.filter(pk=latest.pk)) if latest else {}
    return {
        "round": latest.number if latest else None,
        "round_end": latest.end_date.isoformat() if latest else None,
        "sites_open": sites_open,
        "sites_assessed": totals.get("sites"),
        **{key: totals.get(key) for key in DISPLACEMENT_KEYS[2:]},
    }


def figures_at(crisis: Crisis, start: datetime | None, cutoff: datetime) -> dict[str, Any]:
    return {
        "cutoff": _iso(cutoff),
        "period_start": _iso(start),
        "crisis": {"code": crisis.code, "name": crisis.name, "level": crisis.level, "phase": crisis.phase},
        "affected": _affected(crisis, cutoff),
        "registrations": _registrations(crisis, start, cutoff),
        "referrals": _referrals(crisis, cutoff),
        "movements": _movements(crisis, start, cutoff),
        "sectors": _sectors(crisis),
        "displacement": displacement_section(crisis, start, cutoff),
    }


# --- Beside the previous sitrep -------------------------------------------------------------------
def _by_key(rows: Iterable[dict[str, Any]], key: str = "key") -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows}


def change(current: int | None, previous: int | None) -> int | None:
    if current is None or previous is None:
        return None
    return current - previous


def compare(figures: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The headline figures with the previous sitrep's and the change; rows matched by their key."""
    prev = previous or {}
    reg, preg = figures.get("registrations", {}), prev.get("registrations", {})
    mov, pmov = figures.get("movements", {}), prev.get("movements", {})
    ref, pref = figures.get("referrals", {}), prev.get("referrals", {})
    dis, pdis = figures.get("displacement") or {}, prev.get("displacement") or {}

    def line(key: str, now: int | None, before: int | None, sensitive: bool = False) -> dict[str, Any]:
        return {"key": key, "value": now, "previous": before, "change": change(now, before), "sensitive": sensitive}

    pnat = _by_key(preg.get("by_nationality", []))
    pvul = _by_key(preg.get("by_vulnerability", []))
    paff = _by_key(prev.get("affected", []), "group")
    pdest = _by_key(pmov.get("by_destination", []))
    return {
        "headline": [
            line("registered_total", reg.get("total"), preg.get("total")),
            line("registered_period", reg.get("period"), preg.get("period")),
            line("referrals_overdue", ref.get("overdue"), pref.get("overdue")),
            line("movements_done", mov.get("done"), pmov.get("done")),
            line("people_moved", mov.get("people"), pmov.get("people")),
        ],
        "affected": [
            {
                **line(a["group"], a["figure"], paff.get(a["group"], {}).get("figure"), a["group"] in SENSITIVE_GROUPS),
                "source": a["source"],
                "as_of": a["as_of"],
            }
            for a in figures.get("affected", [])
        ],
        "by_nationality": [
            {**line(n["key"], n["total"], pnat.get(n["key"], {}).get("total")), "period": n["period"]}
            for n in reg.get("by_nationality", [])
        ],
        "by_vulnerability": [
            {**line(v["key"], v["total"], pvul.get(v["key"], {}).get("total"), v["sensitive"]), "period": v["period"]}
            for v in reg.get("by_vulnerability", [])
        ],
        "by_destination": [
            line(d["key"], d["count"], pdest.get(d["key"], {}).get("count")) for d in mov.get("by_destination", [])
        ],
        "displacement": [line(key, dis.get(key), pdis.get(key)) for key in DISPLACEMENT_KEYS if dis],
    }


def shown(value: int | None, *, sensitive: bool, inside: bool) -> int | str | None:
    """The count as it may be shown: 1 to 4 of a sensitive category is "<5" outside the office."""
    return value if inside or not sensitive else suppressed(value)


def suppress(compared: dict[str, Any], *, inside: bool) -> dict[str, Any]:
    """``compare``'s answer with the small sensitive counts (and their changes) suppressed."""
    if inside:
        return compared
    out: dict[str, Any] = {}
    for section, rows in compared.items():
        masked = []
        for row in rows:
            row = dict(row)
            if row.get("sensitive"):
                small = any(
                    isinstance(shown(row.get(k), sensitive=True, inside=False), str)
                    for k in ("value", "previous", "period")
                )
                for k in ("value", "previous", "period"):
                    if k in row:
                        row[k] = shown(row[k], sensitive=True, inside=False)
                if small:
                    row["change"] = None  # a change would give the small count away
            masked.append(row)
        out[section] = masked
    return out
