"""Dashboards read from kept snapshots of their figures: the same figures as live, one query on a
hit, never a snapshot made for a wider scope, refreshed by the periodic task on a real worker."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import remove_perm

from accounts.tests.factories import office_staff
from caseload.tests.factories import MigrantFactory
from conftest import wait_for
from reports.dashboard import Filters, dashboard_for
from reports.models import DashboardSnapshot
from reports.snapshots import dashboard_cached, refresh, snapshot_key

from .test_dashboard import fresh

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


def same_figures(a, b) -> bool:
    return a.totals == b.totals and [(t.key, t.rows, t.totals) for t in a.tables] == [
        (t.key, t.rows, t.totals) for t in b.tables
    ]


@pytest.mark.parametrize("username", ["hq", "staff_lby", "staff_tun"])
def test_a_snapshot_gives_the_live_figures_and_a_hit_takes_one_query(world, username):
    user = fresh(world.users[username])
    user.office_ids, user.office_ids_with("view_sensitive_records")  # the request loads these once
    live = dashboard_for(user)
    with CaptureQueriesContext(connection) as miss:
        first = dashboard_cached(user)
    with CaptureQueriesContext(connection) as hit:
        second = dashboard_cached(user)
    assert same_figures(first, live) and same_figures(second, live)
    assert len(hit.captured_queries) == 1
    assert len(miss.captured_queries) > len(hit.captured_queries)
    assert DashboardSnapshot.objects.count() == 1
    assert second.as_of == first.as_of


def test_users_share_a_snapshot_only_when_they_see_the_same_records(world):
    staff_lby = fresh(world.users["staff_lby"])  # holds the sensitive permission in Libya
    plain = office_staff(world.offices["lby"])  # the same office, without it
    other = office_staff(world.offices["lby"])
    assert dashboard_cached(staff_lby).totals["migrants"] == 9
    # Seen first by a colleague allowed the victim's record, never served to one who is not.
    assert dashboard_cached(plain).totals["migrants"] == 8
    assert dashboard_cached(other).totals["migrants"] == 8
    assert snapshot_key(plain, Filters()) == snapshot_key(other, Filters())
    assert len({snapshot_key(u, Filters()) for u in (staff_lby, plain, fresh(world.users["hq"]))}) == 3
    assert DashboardSnapshot.objects.count() == 2
    # Filters make their own snapshot.
    hq = fresh(world.users["hq"])
    assert dashboard_cached(hq, Filters(country="TUN")).totals["migrants"] == 4
    assert dashboard_cached(hq).totals["migrants"] == 15


def test_an_old_snapshot_is_recomputed_by_the_page(world, settings):
    user = fresh(world.users["staff_tun"])
    first = dashboard_cached(user)
    MigrantFactory(office=world.offices["tun"], crisis=world.crises.tun, nationality="NER")
    assert dashboard_cached(user).totals["migrants"] == first.totals["migrants"]  # still the snapshot
    later = timezone.now() + datetime.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_MAX_AGE + 1)
    again = dashboard_cached(user, now=later)
    assert again.totals["migrants"] == first.totals["migrants"] + 1
    assert again.as_of == later


def test_the_periodic_refresh_brings_snapshots_up_to_date_and_drops_what_must_go(world, settings):
    hq = fresh(world.users["hq"])
    staff_lby = fresh(world.users["staff_lby"])
    leaver = office_staff(world.offices["tun"])
    idle = office_staff(world.offices["hti"])
    now = timezone.now()
    for user in (staff_lby, leaver):
        dashboard_cached(user, now=now)
    dashboard_cached(idle, now=now - datetime.timedelta(days=2))
    MigrantFactory(office=world.offices["lby"], crisis=world.crises.lby, nationality="EGY")
    remove_perm("view_sensitive_records", staff_lby, world.offices["lby"])
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    due = now + datetime.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_REFRESH + 1)
    done = refresh(now=due)
    # Libya's snapshot was made for a holder of the sensitive permission who no longer holds it,
    # the leaver is deactivated, the idle one looked two days ago: all three dropped; HQ's made.
    assert done == {"refreshed": 1, "dropped": 3}
    assert list(DashboardSnapshot.objects.values_list("key", flat=True)) == [snapshot_key(hq, Filters())]
    assert dashboard_cached(fresh(staff_lby)).totals["migrants"] == 9  # 8 plain ones and the new one

    # A snapshot viewed lately and due is recomputed in place.
    MigrantFactory(office=world.offices["hti"], crisis=world.crises.hti, nationality="HTI")
    snapshot = DashboardSnapshot.objects.get(key=snapshot_key(hq, Filters()))
    refresh(now=snapshot.computed_at + datetime.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_REFRESH + 1))
    snapshot.refresh_from_db()
    assert sum(n for _code, _name, n in snapshot.figures["caseload_crisis"]) == 17
    # Not due yet: left alone.
    assert refresh(now=snapshot.computed_at + MINUTE) == {"refreshed": 0, "dropped": 0}


def test_the_overview_page_and_the_api_say_when_the_figures_were_taken(world, client_for, api_for):
    hq = world.users["hq"]
    page = client_for(hq).get("/")
    assert page.status_code == 200
    assert "Figures as of" in page.content.decode()
    answer = api_for(hq).get("/api/v1/dashboard/")
    assert answer.status_code == 200
    as_of = datetime.datetime.fromisoformat(answer.json()["as_of"].replace("Z", "+00:00"))
    assert abs((timezone.now() - as_of).total_seconds()) < 300
    assert answer.json()["totals"]["migrants"] == 15


@pytest.mark.worker
def test_a_real_worker_runs_the_refresh(celery_worker_process, demo):
    from reports.tasks import refresh_dashboards

    assert not DashboardSnapshot.objects.exists()
    refresh_dashboards.delay()
    assert wait_for(lambda: DashboardSnapshot.objects.filter(user__role="hq").exists(), timeout=60)
