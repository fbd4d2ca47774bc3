"""Reads of displacement tracking, scoped to the user (docs/domain.md "Displacement tracking").

- HQ: every crisis's sites, rounds and flow points.
- Office staff: those of the crises their offices see (``crises.selectors.crises_visible_to``: the
  crises they own and those that affect their office's country); they enter the tracking of the
  crises their office owns, and the counts of the flow points in their office's country.
- A partner liaison whose organisation is on a crisis's coordination list (``crises.coordination``,
  OCHA and UNHCR): that crisis's sites, its validated rounds and its flow counts, as aggregates,
  with every count of 1 to 4 shown as "<5" (``disclosed``); never the remarks.
- Anyone else, a government liaison included: nothing (404).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, DateField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Office
from core.disclosure import suppressed
from crises.coordination import PARTNER, coordination_list
from crises.models import Crisis
from crises.selectors import crises_visible_to

from .models import (
    GROUP_FIELDS,
    SADD_FIELDS,
    AssessmentRound,
    FlowCount,
    FlowPoint,
    RoundStatus,
    Site,
    SiteAssessment,
)

# A count as a partner may see it (core.disclosure: 1 to 4 becomes "<5").
disclosed = suppressed


def is_partner_view(user) -> bool:
    """A partner liaison sees suppressed aggregates; office staff and HQ see the counts as entered."""
    return bool(user.is_authenticated and user.is_partner_liaison)


def partner_crisis_ids(user) -> list[int]:
    """The crises whose coordination list names the user's organisation."""
    if not (user.is_authenticated and user.is_active and user.is_partner_liaison and user.partner_id):
        return []
    code = user.partner.code
    crises = (
        Crisis.objects.filter(Q(displacement_sites__isnull=False) | Q(flow_points__isnull=False))
        .distinct()
        .prefetch_related("affected_figures")
    )
    return [
        c.pk for c in crises if any(e.actor_type == PARTNER and e.partner_code == code for e in coordination_list(c))
    ]


def tracked_crises(user) -> QuerySet[Crisis]:
    """The crises whose tracking the user sees at all."""
    if not user.is_authenticated or not user.is_active:
        return Crisis.objects.none()
    if user.is_hq:
        return Crisis.objects.all()
    if user.is_office_staff and user.office_ids:
        return crises_visible_to(user)
    if user.is_partner_liaison:
        return Crisis.objects.filter(pk__in=partner_crisis_ids(user))
    return Crisis.objects.none()


def can_enter(user, crisis: Crisis) -> bool:
    """Staff of the crisis's office enter sites, assessments and flow counts."""
    return bool(user.is_authenticated and user.is_office_staff and crisis.office_id in user.office_ids)


def can_count_at(user, point: FlowPoint) -> bool:
    """Flow counts are entered by the crisis's office, or by an office in the point's country (the
    Tunisia office counts at the Tunisian border for the Libya crisis)."""
    return point.pk in countable_point_ids(user, [point])


def countable_point_ids(user, points: Iterable[FlowPoint]) -> set[int]:
    """The points among ``points`` whose counts the user enters (the rule of ``can_count_at``): at
    most one query, whatever the number of points (the overview lists every point of a crisis)."""
    points = list(points)
    if not (user.is_authenticated and user.is_office_staff) or not points:
        return set()
    mine = {p.pk for p in points if can_enter(user, p.crisis)}
    if len(mine) == len(points):
        return mine
    countries = set(Office.objects.filter(pk__in=user.office_ids).values_list("country", flat=True))
    return mine | {p.pk for p in points if p.country in countries}


def sites_visible_to(user) -> QuerySet[Site]:
    return Site.objects.filter(crisis__in=tracked_crises(user).values("pk"))


def rounds_visible_to(user) -> QuerySet[AssessmentRound]:
    rounds = AssessmentRound.objects.filter(crisis__in=tracked_crises(user).values("pk"))
    if is_partner_view(user):
        rounds = rounds.filter(status=RoundStatus.VALIDATED)
    return rounds


def assessments_visible_to(user) -> QuerySet[SiteAssessment]:
    return SiteAssessment.objects.filter(round__in=rounds_visible_to(user).values("pk"))


def flow_points_visible_to(user) -> QuerySet[FlowPoint]:
    return FlowPoint.objects.filter(crisis__in=tracked_crises(user).values("pk"))


def flow_counts_visible_to(user, crisis: Crisis | None = None) -> QuerySet[FlowCount]:
    """The counts of the points the user sees (of one crisis when ``crisis`` is given: the points are
    narrowed inside the subquery, so the counts are read by the (point, date) index, no join)."""
    points = flow_points_visible_to(user)
    if crisis is not None:
        points = points.filter(crisis=crisis)
    return FlowCount.objects.filter(point__in=points.values("pk"))


def latest_validated_round(crisis_id: int, *, by: datetime.datetime | None = None) -> AssessmentRound | None:
    """The crisis's latest validated round (validated at ``by`` or before it, when given)."""
    rounds = AssessmentRound.objects.filter(crisis_id=crisis_id, status=RoundStatus.VALIDATED)
    if by is not None:
        rounds = rounds.filter(validated_at__lte=by)
    return rounds.order_by("-end_date", "-number").first()


def sites_open_at(crisis_id: int, at: datetime.datetime) -> int:
    """How many of the crisis's sites were open at ``at``: created by then and not yet closed."""
    return (
        Site.objects.filter(crisis_id=crisis_id, created_at__lte=at)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=at.date()))
        .count()
    )


def round_totals(rounds: QuerySet[AssessmentRound]) -> dict[str, int]:
    """The sums of a round's (or rounds') assessments: households, individuals, each SADD and group."""
    fields = ("households", "individuals", *SADD_FIELDS, *GROUP_FIELDS)
    sums = SiteAssessment.objects.filter(round__in=rounds.values("pk")).aggregate(
        sites=Count("id"), **{f: Coalesce(Sum(f), 0) for f in fields}
    )
    return sums


def _suppress_rows(rows: Iterable[Mapping[str, Any]], keys: tuple[str, ...], partner: bool) -> list[dict[str, Any]]:
    if not partner:
        return [dict(row) for row in rows]
    return [{k: (disclosed(v) if k in keys else v) for k, v in row.items()} for row in rows]


def assessment_rows(user, round: AssessmentRound) -> list[dict[str, Any]]:
    """The round's assessments as the user may see them, one dict per site (one query)."""
    partner = is_partner_view(user)
    columns = (
        "site_id",
        "site__code",
        "site__name",
        "site__site_type",
        "site__admin1_name",
        "site__admin1_pcode",
        "site__admin2_name",
        "site__admin2_pcode",
        "site__latitude",
        "site__longitude",
        "households",
        "individuals",
        *SADD_FIELDS,
        *GROUP_FIELDS,
        "origin_admin1",
        "reason",
        "need_1",
        "need_2",
        "need_3",
        "revision",
    ) + (() if partner else ("remarks", "id"))
    rows = list(
        assessments_visible_to(user).filter(round=round).order_by("site__admin1_name", "site__name").values(*columns)
    )
    return _suppress_rows(rows, ("households", "individuals", *SADD_FIELDS, *GROUP_FIELDS), partner)


def site_history(user, site: Site) -> list[dict[str, Any]]:
    """The site's figures round by round (the rounds the user sees), oldest first."""
    rows = list(
        assessments_visible_to(user)
        .filter(site=site)
        .order_by("round__number")
        .values("round__number", "round__end_date", "round__status", "households", "individuals", *GROUP_FIELDS)
    )
    return _suppress_rows(rows, ("households", "individuals", *GROUP_FIELDS), is_partner_view(user))


ROUND_TOTALS = ("sites", "households", "individuals", "idps", "international_migrants", "returnees")


def overview(user, crisis: Crisis, *, days: int = 30) -> dict[str, Any]:
    """The crisis's displacement overview: totals per round, per admin 1 in the latest round the user
    sees, and flows in and out per day and per nationality over the last ``days`` counted.

    Five queries whatever the size of the operation (sites, rounds, points, days counted): the
    rounds with the totals their writes keep on them, the sums per admin 1 of the latest round, the
    last day counted (the newest count of each point, read off the (point, date) index), and one
    grouped query over the window, per day and nationality, that gives both the flows per day and
    those per nationality. Every read goes through the scoped querysets above, and every count
    shown to a partner through
    ``disclosed`` (``_suppress_rows``)."""
    partner = is_partner_view(user)
    rounds = rounds_visible_to(user).filter(crisis=crisis)
    # The totals each write of an assessment keeps on its round (services.round_totals_refresh).
    per_round: list[dict[str, Any]] = [
        {
            "round_id": r["pk"],
            "round__number": r["number"],
            "round__end_date": r["end_date"],
            "round__status": r["status"],
            **{key: r["totals"].get(key, 0) for key in ROUND_TOTALS},
        }
        for r in rounds.filter(totals__sites__gt=0)
        .order_by("number")
        .values("pk", "number", "end_date", "status", "totals")
    ]
    latest: int | None = per_round[-1]["round_id"] if per_round else None
    per_admin1 = (
        list(
            SiteAssessment.objects.filter(round_id=latest)
            .values("site__admin1_name", "site__admin1_pcode")
            .annotate(
                sites=Count("id"),
                households=Sum("households"),
                individuals=Sum("individuals"),
                idps=Sum("idps"),
                international_migrants=Sum("international_migrants"),
            )
            .order_by("-individuals", "site__admin1_name")
        )
        if latest
        else []
    )
    counts = flow_counts_visible_to(user, crisis)
    newest = FlowCount.objects.filter(point=OuterRef("pk")).order_by("-date").values("date")[:1]
    last = (
        flow_points_visible_to(user)
        .filter(crisis=crisis)
        .aggregate(last=Max(Subquery(newest, output_field=DateField())))["last"]
    )
    per_day: list[dict[str, Any]] = []
    per_nationality: list[dict[str, Any]] = []
    if last:
        total_in = Sum("females", filter=Q(direction="in")) + Sum("males", filter=Q(direction="in"))
        total_out = Sum("females", filter=Q(direction="out")) + Sum("males", filter=Q(direction="out"))
        window = (
            counts.filter(date__gt=last - datetime.timedelta(days=days))
            .values("date", "nationality")
            .annotate(
                inflow=Coalesce(total_in, 0), outflow=Coalesce(total_out, 0), children=Coalesce(Sum("children"), 0)
            )
            .order_by()
        )
        per_day, per_nationality = _roll_up(window)
    keys = ("households", "individuals", "idps", "international_migrants", "returnees", "inflow", "outflow", "children")
    return {
        "per_round": _suppress_rows(per_round, keys, partner),
        "per_admin1": _suppress_rows(per_admin1, keys, partner),
        "per_day": _suppress_rows(per_day, keys, partner),
        "per_nationality": _suppress_rows(per_nationality, keys, partner),
        "last_count": last,
        "days": days,
    }


def _roll_up(window: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The window's sums per day and nationality, rolled up to the flows per day (by date) and per
    nationality (largest inflow first). The sums are exact: suppression comes after, on the totals."""
    days: dict[datetime.date, dict[str, Any]] = {}
    nations: dict[str, dict[str, Any]] = {}
    for row in window:
        day = days.setdefault(row["date"], {"date": row["date"], "inflow": 0, "outflow": 0})
        nation = nations.setdefault(
            row["nationality"], {"nationality": row["nationality"], "inflow": 0, "outflow": 0, "children": 0}
        )
        for key in ("inflow", "outflow"):
            day[key] += row[key]
            nation[key] += row[key]
        nation["children"] += row["children"]
    per_day = [days[d] for d in sorted(days)]
    per_nationality = sorted(nations.values(), key=lambda n: (-n["inflow"], n["nationality"]))
    return per_day, per_nationality


def flow_count_rows(user, point: FlowPoint) -> list[dict[str, Any]]:
    """A point's counts: each row as entered for office staff and HQ; for partners summed per day,
    direction and nationality, with small counts suppressed."""
    counts = flow_counts_visible_to(user).filter(point=point)
    if not is_partner_view(user):
        return _suppress_rows(
            counts.order_by("-date", "direction", "nationality").values(
                "id",
                "date",
                "direction",
                "nationality",
                "reason",
                "destination_country",
                "females",
                "males",
                "children",
            ),
            (),
            False,
        )
    rows = list(
        counts.values("date", "direction", "nationality")
        .annotate(females=Sum("females"), males=Sum("males"), children=Sum("children"))
        .order_by("-date", "direction", "nationality")
    )
    return _suppress_rows(rows, ("females", "males", "children"), True)
