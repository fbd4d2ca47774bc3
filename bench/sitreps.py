"""Benchmark of drafting a situation report over the benchmark database: the figures of the largest
crisis (the Libya evacuation: most of the caseload) worked out at a cut-off, as the periodic task
does a day before the report is due, then its page (bench/RESULTS.md). Target: under 5 s.

Run by ``make bench`` after the request figures; alone on any database that has the demo accounts::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcof_bench .venv/bin/python -m bench.sitreps

Everything it makes is rolled back at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TARGET_S = 5.0
READS = 10


class _Rollback(Exception):
    pass


def measure(log=print) -> list[str]:
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from caseload.models import Migrant
    from crises.models import Crisis
    from sitreps import services
    from sitreps.models import Sitrep

    from .measure import client_for, percentile

    staff = User.objects.get(username="staff_lby")
    biggest = (
        Migrant.objects.filter(crisis__office_id__in=staff.office_ids)
        .values("crisis")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    crisis = (
        Crisis.objects.get(pk=biggest["crisis"])
        if biggest
        else Crisis.objects.filter(office_id__in=staff.office_ids).first()
    )
    people = biggest["n"] if biggest else 0
    total = Migrant.objects.count()
    rows: list[tuple[str, float, int]] = []
    try:
        with transaction.atomic():
            Sitrep.objects.filter(crisis=crisis).exclude(status="published").delete()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                sitrep = services.sitrep_draft(crisis=crisis, actor=staff)
                elapsed = time.perf_counter() - started
            rows.append(("Draft (figures at the cut-off)", elapsed * 1000, len(ctx.captured_queries)))
            log(f"sitreps: draft {elapsed:.2f} s, {len(ctx.captured_queries)} queries")
            client = client_for("staff_lby")
            times = []
            for _ in range(READS):
                started = time.perf_counter()
                response = client.get(f"/sitreps/{sitrep.pk}/")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            rows.append((f"Report page (p95 of {READS})", percentile(times, 95), 0))
            log(f"sitreps: page p95 {percentile(times, 95):.0f} ms")
            raise _Rollback
    except _Rollback:
        pass
    lines = [
        "## Drafting a situation report",
        "",
        f"bench/sitreps.py on the benchmark database ({total:,} migrants): the report of {crisis.code}, "
        f"the crisis with most of the caseload ({people:,} people), drafted with its figures at the cut-off "
        "as the periodic task does; rolled back at the end.",
        "",
        "| Step | ms | Queries | Target | Met |",
        "|---|---|---|---|---|",
    ]
    for name, ms, queries in rows:
        lines.append(
            f"| {name} | {ms:.0f} | {queries or '-'} | < {TARGET_S:.0f} s | {'yes' if ms < TARGET_S * 1000 else 'no'} |"
        )
    lines.append("")
    return lines


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    from bench.generate import setup_django

    setup_django()  # the benchmark's settings, as make bench runs it
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    for line in measure():
        print(line)


if __name__ == "__main__":
    main()
