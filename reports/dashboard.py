"""Dashboard figures, aggregated in the database from the querysets each user may see.

Every figure starts from a selector (``crises_visible_to``, ``migrants_visible_to``,
``referrals_visible_to``), so a record a user may not see is in no count (docs/domain.md "Who uses it").
The number of queries is fixed whatever the size of the data: one grouped query per figure.
HQ sees every crisis; an office the crises and cases of its office; a liaison its inbox counts.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.models import Priority, ReferralStatus
from caseload.selectors import migrants_visible_to, referrals_visible_to
from caseload.workflow import OPEN, overdue_q
from core.countries import country_label
from crises.models import CrisisCountry, Phase
from crises.selectors import crises_visible_to
from movements.selectors import people_moved
from sectors.referral_kinds import ReferralKind

if TYPE_CHECKING:
    from accounts.models import User

# A long tail of crises or nationalities is summed up in one "other" row.
TOP = 10
LEVELS = (3, 2, 1, None)
# Okabe-Ito colours, told apart with the common colour-vision deficiencies.
RED, ORANGE, GREEN, BLUE, SKY, PURPLE, GREY = (
    "#b8401a",
    "#e69f00",
    "#009e73",
    "#0072b2",
    "#56b4e9",
    "#cc79a7",
    "#8a8a8a",
)
LEVEL_COLORS = [RED, ORANGE, BLUE, GREY]
STATUS_COLORS = {
    ReferralStatus.DRAFT: GREY,
    ReferralStatus.SENT: BLUE,
    ReferralStatus.ACKNOWLEDGED: SKY,
    ReferralStatus.IN_PROGRESS: PURPLE,
    ReferralStatus.COMPLETED: GREEN,
    ReferralStatus.DECLINED: ORANGE,
    ReferralStatus.CANCELLED: "#3b3b3b",
}
PRIORITY_COLORS = {Priority.LIFE_SAVING: RED, Priority.URGENT: ORANGE, Priority.NORMAL: BLUE}
SECONDS_PER_DAY = 86400


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)``: the median in the database."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


class EpochSeconds(Func):
    """Seconds in a PostgreSQL interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Filters:
    crisis_id: int | None = None
    country: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.crisis_id or self.country or self.date_from or self.date_to)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _in_country(country: str, crisis_ref: str) -> Q:
    """The crisis is in that country, or the country is one it affects (transit, first refuge), as
    in the crisis list's country filter."""
    other = CrisisCountry.objects.filter(crisis_id=OuterRef(crisis_ref), country=country)
    prefix = "" if crisis_ref == "pk" else "crisis__"
    return Q(**{f"{prefix}country": country}) | Q(Exists(other))


def _created_between(queryset: QuerySet, filters: Filters, name: str = "created_at") -> QuerySet:
    if filters.date_from:
        queryset = queryset.filter(**{f"{name}__gte": _day_start(filters.date_from)})
    if filters.date_to:
        queryset = queryset.filter(**{f"{name}__lt": _day_start(filters.date_to + datetime.timedelta(days=1))})
    return queryset


def scoped_querysets(user: User, filters: Filters) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The crises, migrants and referrals the user may see, narrowed by the filters: crises active in
    the period, migrants registered and referrals created in it."""
    crises = crises_visible_to(user)
    migrants = migrants_visible_to(user)
    referrals = referrals_visible_to(user)
    if filters.crisis_id:
        crises = crises.filter(pk=filters.crisis_id)
        migrants = migrants.filter(crisis_id=filters.crisis_id)
        referrals = referrals.filter(crisis_id=filters.crisis_id)
    if filters.country:
        crises = crises.filter(_in_country(filters.country, "pk"))
        migrants = migrants.filter(_in_country(filters.country, "crisis_id"))
        referrals = referrals.filter(_in_country(filters.country, "crisis_id"))
    if filters.date_to:
        crises = crises.filter(start_date__lte=filters.date_to)
    if filters.date_from:
        crises = crises.filter(Q(end_date__isnull=True) | Q(end_date__gte=filters.date_from))
    migrants = _created_between(migrants, filters)
    referrals = _created_between(referrals, filters)
    return crises, migrants, referrals


# --- Figures -----------------------------------------------------------------------------------
@dataclass
class Table:
    """A figure as the accessible table shows it (and the chart draws it)."""

    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)
    totals: list | None = None
    unit: str = ""
    stacked: bool = False
    horizontal: bool = False
    # Colours of the columns where they mean something (a red Level 3, a green "completed").
    colors: list[str] = field(default_factory=list)

    def chart(self) -> dict:
        """What the chart script draws: one dataset per column, one bar per row."""
        return {
            "id": f"chart-{self.key}",
            "labels": [label for label, _values in self.rows],
            "datasets": [
                {"label": column, "data": [values[i] for _label, values in self.rows]}
                for i, column in enumerate(self.columns)
            ],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "colors": self.colors,
        }


def _level_label(level: int | None) -> str:
    return _("Level %(level)s") % {"level": level} if level else _("No level")


def crises_by_level_and_phase(groups: list[list]) -> Table:
    counts = {(level, phase): n for level, phase, n in groups}
    phases = list(Phase)
    table = Table(
        key="crises",
        title=_("Crises by emergency level and phase"),
        row_header=_("Phase"),
        columns=[_level_label(level) for level in LEVELS],
        stacked=True,
        colors=LEVEL_COLORS,
    )
    for phase in phases:
        table.rows.append((str(phase.label), [counts.get((level, phase.value), 0) for level in LEVELS]))
    table.totals = [sum(values[i] for _label, values in table.rows) for i in range(len(LEVELS))]
    return table


def _top(rows: list[tuple[str, int]], other_label: str) -> list[tuple[str, list]]:
    top = [(label, [n]) for label, n in rows[:TOP]]
    rest = sum(n for _label, n in rows[TOP:])
    if rest:
        top.append((other_label, [rest]))
    return top


def _crisis_groups(crises: QuerySet) -> list[list]:
    groups = crises.order_by().values("level", "phase").annotate(n=Count("id"))
    return [[row["level"], row["phase"], row["n"]] for row in groups]


def _caseload_crisis_groups(migrants: QuerySet) -> list[list]:
    groups = (
        migrants.order_by()
        .values("crisis__code", "crisis__name")
        .annotate(n=Count("id"))
        .order_by("-n", "crisis__code")
    )
    return [[g["crisis__code"], g["crisis__name"], g["n"]] for g in groups]


def _nationality_groups(migrants: QuerySet) -> list[list]:
    groups = migrants.order_by().values("nationality").annotate(n=Count("id")).order_by("-n", "nationality")
    return [[g["nationality"], g["n"]] for g in groups]


def caseload_by_crisis(groups: list[list]) -> Table:
    rows = [(f"{code} {name}", n) for code, name, n in groups]
    return Table(
        key="caseload-crisis",
        title=_("Caseload by crisis"),
        row_header=_("Crisis"),
        columns=[_("Migrants")],
        rows=_top(rows, _("Other crises")),
        totals=[sum(n for _label, n in rows)],
        horizontal=True,
    )


def caseload_by_nationality(groups: list[list]) -> Table:
    rows = [(country_label(nationality), n) for nationality, n in groups]
    return Table(
        key="caseload-nationality",
        title=_("Caseload by nationality"),
        row_header=_("Nationality"),
        columns=[_("Migrants")],
        rows=_top(rows, _("Other nationalities")),
        totals=[sum(n for _label, n in rows)],
        horizontal=True,
    )


def _referral_groups(referrals: QuerySet, now: datetime.datetime) -> list[dict]:
    """Referrals counted by kind, status and priority, with how many of each group are overdue: one
    query feeds both the status and the overdue figures."""
    return list(
        referrals.order_by()
        .values("kind", "status", "priority")
        .annotate(n=Count("id"), overdue=Count("id", filter=overdue_q(now)))
    )


def referrals_by_kind_and_status(groups: list[dict], statuses: list[ReferralStatus] | None = None) -> Table:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for g in groups:
        counts[(g["kind"], g["status"])] += g["n"]
    statuses = statuses or list(ReferralStatus)
    table = Table(
        key="referrals",
        title=_("Referrals by kind and status"),
        row_header=_("Kind"),
        columns=[str(s.label) for s in statuses],
        stacked=True,
        colors=[STATUS_COLORS[s] for s in statuses],
    )
    for kind in ReferralKind:
        values = [counts.get((kind.value, s.value), 0) for s in statuses]
        if any(values):
            table.rows.append((str(kind.label), values))
    table.totals = [sum(values[i] for _label, values in table.rows) for i in range(len(statuses))]
    return table


def overdue_referrals(groups: list[dict]) -> Table:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for g in groups:
        counts[(g["kind"], g["priority"])] += g["overdue"]
    priorities = [Priority.LIFE_SAVING, Priority.URGENT, Priority.NORMAL]
    table = Table(
        key="overdue",
        title=_("Overdue referrals by kind and priority"),
        row_header=_("Kind"),
        columns=[str(p.label) for p in priorities],
        stacked=True,
        colors=[PRIORITY_COLORS[p] for p in priorities],
    )
    for kind in ReferralKind:
        values = [counts.get((kind.value, p.value), 0) for p in priorities]
        if any(values):
            table.rows.append((str(kind.label), values))
    table.totals = [sum(values[i] for _label, values in table.rows) for i in range(len(priorities))]
    return table


def _median_days_by_kind(completed: QuerySet) -> dict[str, list]:
    """Number of completed referrals and median days from sent to completed, per kind."""
    if connection.vendor == "postgresql":
        duration = ExpressionWrapper(F("closed_at") - F("sent_at"), output_field=DurationField())
        rows = completed.order_by().values("kind").annotate(n=Count("id"), median=Median(EpochSeconds(duration)))
        return {r["kind"]: [r["n"], r["median"] / SECONDS_PER_DAY] for r in rows}
    # SQLite has no percentile_cont: one pass over the user's own completed referrals.
    durations: dict[str, list[float]] = defaultdict(list)
    for kind, sent_at, closed_at in completed.order_by().values_list("kind", "sent_at", "closed_at").iterator():
        durations[kind].append((closed_at - sent_at).total_seconds())
    return {kind: [len(values), statistics.median(values) / SECONDS_PER_DAY] for kind, values in durations.items()}


def _medians(referrals: QuerySet) -> dict[str, list]:
    completed = referrals.filter(
        status=ReferralStatus.COMPLETED, sent_at__isnull=False, closed_at__isnull=False, closed_at__gte=F("sent_at")
    )
    return _median_days_by_kind(completed)


def median_time_to_complete(medians: dict[str, list]) -> Table:
    table = Table(
        key="median",
        title=_("Median time from sent to completed"),
        row_header=_("Kind"),
        columns=[_("Median (days)"), _("Completed referrals")],
        unit=_("days"),
    )
    for kind in ReferralKind:
        if kind.value in medians:
            n, days = medians[kind.value]
            table.rows.append((str(kind.label), [round(days, 1), n]))
    return table


# --- People moved (movements) -----------------------------------------------------------------
def _moved_groups(user, filters: Filters) -> list[list]:
    """Boarded passengers of arrived movements by crisis, destination country and ISO week of the
    arrival: one grouped query over what the user may see (movements.selectors.people_moved)."""
    moved = people_moved(user)
    if filters.crisis_id:
        moved = moved.filter(movement__crisis_id=filters.crisis_id)
    if filters.country:
        other = CrisisCountry.objects.filter(crisis_id=OuterRef("movement__crisis_id"), country=filters.country)
        moved = moved.filter(Q(movement__crisis__country=filters.country) | Q(Exists(other)))
    moved = _created_between(moved, filters, "movement__actual_arrival")
    groups = (
        moved.order_by()
        .annotate(week=TruncWeek("movement__actual_arrival"))
        .values("movement__crisis__code", "movement__crisis__name", "movement__destination_country", "week")
        .annotate(n=Count("id"))
        .order_by("week", "movement__crisis__code", "movement__destination_country")
    )
    return [
        [
            g["movement__crisis__code"],
            g["movement__crisis__name"],
            g["movement__destination_country"],
            g["week"].date().isoformat(),
            g["n"],
        ]
        for g in groups
    ]


def _moved_table(key: str, title: str, row_header: str, rows: list[tuple[str, int]], *, top: bool) -> Table:
    listed = _top(rows, _("Others")) if top else [(label, [n]) for label, n in rows]
    return Table(
        key=key,
        title=title,
        row_header=row_header,
        columns=[_("People moved")],
        rows=listed,
        totals=[sum(n for _label, n in rows)],
        horizontal=top,
    )


def people_moved_tables(groups: list[list]) -> list[Table]:
    by_crisis: dict[str, int] = defaultdict(int)
    by_destination: dict[str, int] = defaultdict(int)
    by_week: dict[str, int] = defaultdict(int)
    for code, name, destination, week, n in groups:
        by_crisis[f"{code} {name}"] += n
        by_destination[country_label(destination)] += n
        by_week[week] += n

    def ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    weeks = [(_("Week of %(date)s") % {"date": week}, n) for week, n in sorted(by_week.items())]
    return [
        _moved_table("moved-crisis", _("People moved by crisis"), _("Crisis"), ranked(by_crisis), top=True),
        _moved_table(
            "moved-destination", _("People moved by destination"), _("Destination"), ranked(by_destination), top=True
        ),
        _moved_table("moved-week", _("People moved per week"), _("Week of arrival"), weeks, top=False),
    ]


@dataclass
class Dashboard:
    filters: Filters
    totals: dict[str, int]
    tables: list[Table]
    # When the figures were computed: now for a live dashboard, earlier for one read from a snapshot.
    as_of: datetime.datetime | None = None
    people_moved: int = 0

    def charts(self) -> list[dict]:
        charts = []
        for table in self.tables:
            chart = table.chart()
            if table.key == "median":
                chart["datasets"] = chart["datasets"][:1]  # the count is for the table only
            charts.append(chart)
        return charts


def compute_figures(user: User, filters: Filters, *, now: datetime.datetime | None = None) -> dict:
    """The raw figures of a dashboard: codes and counts, no translated word, so that they can be
    kept as JSON (``reports.snapshots``) and drawn in any language. Six grouped queries."""
    now = now or timezone.now()
    crises, migrants, referrals = scoped_querysets(user, filters)
    return {
        "computed_at": now.isoformat(),
        "crises": _crisis_groups(crises),
        "caseload_crisis": _caseload_crisis_groups(migrants),
        "caseload_nationality": _nationality_groups(migrants),
        "referrals": _referral_groups(referrals, now),
        "medians": _medians(referrals),
        "moved": _moved_groups(user, filters),
    }


def dashboard_from(filters: Filters, figures: dict) -> Dashboard:
    """The tables and totals of the dashboard, in the active language, from its raw figures."""
    crisis_table = crises_by_level_and_phase(figures["crises"])
    by_crisis = caseload_by_crisis(figures["caseload_crisis"])
    groups = figures["referrals"]
    referral_table = referrals_by_kind_and_status(groups)
    overdue_table = overdue_referrals(groups)
    totals = {
        "crises": sum(crisis_table.totals or []),
        "migrants": (by_crisis.totals or [0])[0],
        "referrals": sum(g["n"] for g in groups),
        "open_referrals": sum(g["n"] for g in groups if g["status"] in OPEN),
        "overdue_referrals": sum(g["overdue"] for g in groups),
    }
    return Dashboard(
        filters=filters,
        totals=totals,
        tables=[
            crisis_table,
            by_crisis,
            caseload_by_nationality(figures["caseload_nationality"]),
            referral_table,
            overdue_table,
            median_time_to_complete(figures["medians"]),
            # A snapshot kept before movements were counted has none.
            *people_moved_tables(figures.get("moved", [])),
        ],
        as_of=datetime.datetime.fromisoformat(figures["computed_at"]),
        people_moved=sum(group[-1] for group in figures.get("moved", [])),
    )


def dashboard_for(user: User, filters: Filters | None = None, *, now: datetime.datetime | None = None) -> Dashboard:
    """The HQ or office dashboard computed live: six grouped queries, whatever the size of the data."""
    filters = filters or Filters()
    return dashboard_from(filters, compute_figures(user, filters, now=now))


# --- Liaisons ------------------------------------------------------------------------------------
@dataclass
class InboxCounts:
    by_status: list[tuple[str, str, int]]
    by_kind: Table
    total: int
    open: int
    overdue: int


def inbox_counts(user: User, *, now: datetime.datetime | None = None) -> InboxCounts:
    """A liaison's inbox in figures: referrals addressed to its government or organisation by status
    and kind, and how many are overdue (one query)."""
    now = now or timezone.now()
    groups = list(
        referrals_visible_to(user)
        .order_by()
        .values("kind", "status")
        .annotate(n=Count("id"), overdue=Count("id", filter=overdue_q(now)))
    )
    per_status: dict[str, int] = defaultdict(int)
    for g in groups:
        per_status[g["status"]] += g["n"]
    statuses = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]
    return InboxCounts(
        by_status=[(s.value, str(s.label), per_status.get(s.value, 0)) for s in statuses],
        by_kind=referrals_by_kind_and_status(groups, statuses),
        total=sum(per_status.values()),
        open=sum(per_status.get(s, 0) for s in OPEN),
        overdue=sum(g["overdue"] for g in groups),
    )


__all__ = [
    "Dashboard",
    "Filters",
    "InboxCounts",
    "Median",
    "Table",
    "compute_figures",
    "dashboard_for",
    "dashboard_from",
    "inbox_counts",
    "scoped_querysets",
]
