"""When a crisis's next situation report is due (docs/domain.md "Situation reports").

A report is due every ``sitrep_cadence_days`` of the crisis's current level (30, 14 and 7 days for
Levels 1 to 3), counted from the approval of that level: the dates are ``approval + n × cadence``.
A change of level starts a new count from its approval, with its own cadence. The cadence is the one
the level's policy had when the level was approved (``LevelProposal.policy_snapshot``), so a later
edit of the SOP changes the reports of the levels declared after it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from crises.models import LevelPolicy

if TYPE_CHECKING:
    from crises.models import Crisis


def cadence_days(crisis: Crisis) -> int | None:
    if not crisis.level:
        return None
    declaration = crisis.level_declaration
    snapshot = (declaration.policy_snapshot or {}) if declaration else {}
    days = snapshot.get("sitrep_cadence_days")
    if not days:
        policy = LevelPolicy.objects.current().get(crisis.level)
        days = policy.sitrep_cadence_days if policy else None
    return int(days) if days else None


def level_since(crisis: Crisis) -> datetime.date | None:
    """The day the current level was approved."""
    declaration = crisis.level_declaration
    if declaration is None or declaration.decided_at is None:
        return None
    return declaration.decided_at.date()


def due_after(crisis: Crisis, after: datetime.date | None) -> datetime.date | None:
    """The first due date of the current level later than ``after`` (the due date the last report
    answered); None for a crisis without a level."""
    start, days = level_since(crisis), cadence_days(crisis)
    if start is None or days is None:
        return None
    if after is None or after < start:
        return start + datetime.timedelta(days=days)
    periods = (after - start).days // days + 1
    return start + datetime.timedelta(days=periods * days)


def in_series(crisis: Crisis, day: datetime.date | None) -> bool:
    """Whether ``day`` is one of the due dates of the current level (not of a level before it)."""
    start, days = level_since(crisis), cadence_days(crisis)
    if day is None or start is None or days is None or day <= start:
        return False
    return (day - start).days % days == 0
