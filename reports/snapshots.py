"""Dashboards read from snapshots of their figures, refreshed by a periodic task.

Counting a million cases by crisis and nationality and taking the median time of every completed
referral costs seconds; an HQ coordinator opening the overview page should not wait for it, nor
make the database do it again for each colleague. The figures of a dashboard are kept in a
``DashboardSnapshot`` per scope and filters; a view reads the snapshot while it is younger than
``DASHBOARD_SNAPSHOT_MAX_AGE`` and computes it live (then keeps it) otherwise; the periodic task
``refresh_dashboards`` recomputes every snapshot viewed in the last day before it gets old, so
that the people who look at a dashboard find it ready. The page says when the figures were taken.

Scoping is that of the live dashboard: the figures are computed through the selectors as the user
the snapshot was made for, and the key holds everything the selectors look at (role, offices,
offices with the sensitive permission), so a user is never served a snapshot made for a wider
scope. The task drops a snapshot whose user lost that scope or was deactivated.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from caseload.selectors import SENSITIVE_PERMISSION

from .dashboard import Dashboard, Filters, compute_figures, dashboard_from
from .models import DashboardSnapshot

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A snapshot's viewing time is written at most this often (not one write per page view).
VIEW_MARK = datetime.timedelta(minutes=1)
# Snapshots nobody looked at for this long are dropped rather than refreshed.
KEEP_VIEWED = datetime.timedelta(days=1)
# At most this many snapshots are recomputed per run, the most recently viewed first.
REFRESH_LIMIT = 200


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_MAX_AGE)


def refresh_every() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_REFRESH)


def scope_of(user: User) -> list:
    """What decides the records the dashboard selectors show a user, and nothing else."""
    if user.is_hq:
        return ["hq"]
    if user.is_office_staff:
        return ["office", sorted(user.office_ids), sorted(user.office_ids_with(SENSITIVE_PERMISSION))]
    raise ValueError("only HQ and office staff have a dashboard")


def _filters_json(filters: Filters) -> dict:
    return {
        "crisis_id": filters.crisis_id,
        "country": filters.country,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }


def _filters_from(data: dict) -> Filters:
    return Filters(
        crisis_id=data["crisis_id"],
        country=data["country"],
        date_from=datetime.date.fromisoformat(data["date_from"]) if data["date_from"] else None,
        date_to=datetime.date.fromisoformat(data["date_to"]) if data["date_to"] else None,
    )


def snapshot_key(user: User, filters: Filters) -> str:
    material = json.dumps([scope_of(user), _filters_json(filters)], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


def _compute(user: User, filters: Filters, now: datetime.datetime) -> tuple[dict, int]:
    started = time.perf_counter()
    figures = compute_figures(user, filters, now=now)
    return figures, round((time.perf_counter() - started) * 1000)


def _store(key: str, user: User, filters: Filters, figures: dict, duration_ms: int, now: datetime.datetime) -> None:
    values = {
        "user": user,
        "filters": _filters_json(filters),
        "figures": figures,
        "computed_at": now,
        "duration_ms": duration_ms,
        "viewed_at": now,
    }
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.update_or_create(key=key, defaults=values)
    except IntegrityError:
        # Another request stored the same snapshot at the same moment: theirs is as good.
        logger.info("dashboard snapshot %s stored concurrently", key[:12])


def dashboard_cached(user: User, filters: Filters | None = None, *, now: datetime.datetime | None = None) -> Dashboard:
    """The user's dashboard from its snapshot when that is recent enough, else computed live and
    kept for the next view. One query on a hit; the live queries plus two on a miss."""
    filters = filters or Filters()
    now = now or timezone.now()
    key = snapshot_key(user, filters)
    snapshot = (
        DashboardSnapshot.objects.filter(key=key, computed_at__gt=now - max_age())
        .only("pk", "figures", "viewed_at")
        .first()
    )
    if snapshot is not None:
        if now - snapshot.viewed_at > VIEW_MARK:
            DashboardSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=now)
        return dashboard_from(filters, snapshot.figures)
    figures, duration_ms = _compute(user, filters, now)
    _store(key, user, filters, figures, duration_ms, now)
    return dashboard_from(filters, figures)


def refresh(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Recompute the snapshots viewed lately that are due, drop the forgotten and the ones whose
    user no longer has their scope, and make sure HQ's overview is ready. Counts what it did."""
    now = now or timezone.now()
    done = {"refreshed": 0, "dropped": 0}
    done["dropped"] += DashboardSnapshot.objects.filter(viewed_at__lt=now - KEEP_VIEWED).delete()[0]
    due = (
        DashboardSnapshot.objects.filter(computed_at__lte=now - refresh_every())
        .select_related("user")
        .order_by("-viewed_at")[:REFRESH_LIMIT]
    )
    for snapshot in due:
        user = snapshot.user
        filters = _filters_from(snapshot.filters)
        has_dashboard = user.is_active and (user.is_hq or user.is_office_staff)
        if not has_dashboard or snapshot_key(user, filters) != snapshot.key:
            snapshot.delete()
            done["dropped"] += 1
            continue
        figures, duration_ms = _compute(user, filters, timezone.now())
        computed_at = datetime.datetime.fromisoformat(figures["computed_at"])
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
            figures=figures, computed_at=computed_at, duration_ms=duration_ms
        )
        done["refreshed"] += 1
    hq = get_user_model().objects.filter(role=get_user_model().Role.HQ, is_active=True).order_by("pk").first()
    if hq is not None:
        key = snapshot_key(hq, Filters())
        if not DashboardSnapshot.objects.filter(key=key).exists():
            figures, duration_ms = _compute(hq, Filters(), timezone.now())
            _store(key, hq, Filters(), figures, duration_ms, timezone.now())
            done["refreshed"] += 1
    return done
