"""Benchmark of the migrant import: N rows of a CSV through the product's import path (the same
services and chunked task body the Celery worker runs: check every row, then save), and in the same
run a raw PostgreSQL ``COPY`` of the same file into a scratch table. Not a test; it prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcof_bench_imports \\
        .venv/bin/python bench/imports.py --rows 100000

The database is created and migrated if needed; the demo accounts and crises are seeded; the
import is undone at the end (its time is printed too) and the scratch table dropped.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

HEADER = [
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "nationality",
    "document_status",
    "document_number",
    "location_country",
    "population_group",
    "phone",
    "vulnerabilities",
    "household",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phones", type=float, default=0.5, help="share of rows with a phone number")
    return parser.parse_args()


def write_csv(path: Path, rows: int, phones: float) -> None:
    every = max(1, round(1 / phones)) if phones > 0 else 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(
                [
                    f"Ahmed{i % 997}",
                    f"Hassan{i % 1009}",
                    "female" if i % 2 else "male",
                    f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    ("EGY", "BGD", "NER", "TCD")[i % 4],
                    ("lost", "valid", "none")[i % 3],
                    f"P{i:08d}",
                    "LBY",
                    "international_migrant",
                    f"+2010{i % 10_000_000:08d}" if every and i % every == 0 else "",
                    "medical_need" if i % 50 == 0 else "",
                    f"HH-{i // 5}",
                ]
            )


def main() -> None:
    from bench.generate import ensure_database

    args = parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcof_bench_imports")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mcof_site.settings_test"
    os.environ.setdefault("MCOF_VAR_DIR", tempfile.mkdtemp(prefix="mcof-bench-imports-"))
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from accounts.demo import seed as seed_accounts
    from caseload import imports
    from caseload.dedup import duplicates_find
    from caseload.models import Migrant
    from crises.demo import seed as seed_crises

    call_command("migrate", verbosity=0)
    users = seed_accounts()["users"]
    crisis = seed_crises()["libya"]
    staff = users["staff_lby"]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manifest.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, args.phones)
        size = path.stat().st_size / 1e6
        print(f"file: {args.rows} rows, {size:.1f} MB, written in {time.perf_counter() - started:.1f} s")

        # The product's path: upload, mapping, check (the task body), save (the task body).
        t0 = time.perf_counter()
        with path.open("rb") as handle:
            batch = imports.import_upload(actor=staff, crisis=crisis, file=File(handle, name="manifest.csv"))
        imports.import_set_mapping(actor=staff, batch_id=batch.pk, mapping=batch.mapping)
        t1 = time.perf_counter()
        assert imports.import_run(batch_id=batch.pk, time_budget=None) == imports.DONE
        t2 = time.perf_counter()
        batch.refresh_from_db()
        assert (batch.valid_rows, batch.error_rows) == (args.rows, 0), (batch.valid_rows, batch.error_rows)
        imports.import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)
        t3 = time.perf_counter()
        assert imports.import_run(batch_id=batch.pk, time_budget=None) == imports.DONE
        t4 = time.perf_counter()
        assert Migrant.objects.filter(import_batch=batch).count() == args.rows

        # A raw COPY of the same file into a scratch table of text columns.
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_import_copy")
            cursor.execute("CREATE TABLE bench_import_copy (" + ", ".join(f"{name} text" for name in HEADER) + ")")
        c0 = time.perf_counter()
        with connection.cursor() as cursor, path.open("rb") as handle:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy("COPY bench_import_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        c1 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_import_copy")
            copied = cursor.fetchone()[0]
            cursor.execute("DROP TABLE bench_import_copy")
        assert copied == args.rows

        d0 = time.perf_counter()
        found = duplicates_find(office_id=batch.office_id)
        d1 = time.perf_counter()

        u0 = time.perf_counter()
        imports.import_undo(actor=staff, batch_id=batch.pk)
        u1 = time.perf_counter()

    check, save, total = t2 - t1, t4 - t3, (t4 - t0)
    print(f"upload and mapping:      {t1 - t0:8.2f} s")
    print(f"check every row:         {check:8.2f} s  {args.rows / check:10,.0f} rows/s")
    print(f"save (COPY):             {save:8.2f} s  {args.rows / save:10,.0f} rows/s")
    print(f"import, end to end:      {total:8.2f} s  {args.rows / total:10,.0f} rows/s")
    print(f"raw COPY, same file:     {c1 - c0:8.2f} s  {args.rows / (c1 - c0):10,.0f} rows/s")
    print(f"duplicate search:        {d1 - d0:8.2f} s  ({found} new pairs among the office's records)")
    print(f"undo the import:         {u1 - u0:8.2f} s  {args.rows / (u1 - u0):10,.0f} rows/s")
    print(f"COPY is {total / (c1 - c0):.0f}x faster than the whole import, {save / (c1 - c0):.0f}x than its save step")


if __name__ == "__main__":
    main()
