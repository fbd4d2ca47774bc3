"""Benchmark of the migrant import: N rows of a CSV through the product's import path (the same
services and chunked task body the Celery worker runs: check every row, then save), in both modes,
and the office's duplicate search over the imported people. Not a test; it prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcof_bench_imports \\
        .venv/bin/python bench/imports.py --rows 100000 [--json]

In one run:

1. all or nothing: a file of N good rows is uploaded, checked and saved;
2. a raw PostgreSQL ``COPY`` of the same file into a scratch table of text columns (the floor);
3. the office's full duplicate search over its records (``caseload.dedup``, a first full run), and
   the check of one newly registered person against the office (``check_duplicates_of``'s body),
   the median of 20 records;
4. the import undone;
5. the good rows only: a file of N rows of which about 1% are bad, uploaded with ``save_valid_rows``,
   checked, saved, and the rejected-rows file the office downloads built; then undone.

The people are drawn as ``bench/generate.py`` draws them (its name pools by nationality, Zipf
weights, dates of birth over 70 years, an estimated age instead for 15%), and about 2% of the rows
register again a person of an earlier row (same names, date of birth and nationality): the pairs a
duplicate search is there to find.

With ``--json`` the last line of the output is one JSON object of the figures (``make bench``
reads it). The database is created and migrated if needed; the demo accounts and crises are seeded.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

HEADER = [
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "document_status",
    "document_number",
    "location_country",
    "population_group",
    "phone",
    "vulnerabilities",
    "household",
]
# Each kind of bad row of the second file: the column it breaks and the value that breaks it.
BAD = [
    ("nationality", "XXX"),
    ("date_of_birth", "2999-01-01"),
    ("sex", "zz"),
    ("given_name", ""),
    ("phone", "12345"),
    ("vulnerabilities", "flying"),
]
CRISIS_COUNTRY = "LBY"
REPEAT_SHARE = 0.02  # rows that register again the person of an earlier row
SINGLE_CHECKS = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phones", type=float, default=0.5, help="share of rows with a phone number")
    parser.add_argument("--bad", type=float, default=0.01, help="share of bad rows in the second file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    return parser.parse_args()


def write_csv(path: Path, rows: int, phones: float, *, bad: float = 0.0, seed: int = 154) -> int:
    """A manifest of ``rows`` people drawn like the benchmark caseload's; about ``bad`` of the rows
    break one field. Answers how many rows are bad."""
    from bench.generate import NAME_POOLS, NATIONALITIES, POOL_OF, _cumulative, zipf_weights

    rng = random.Random(seed)
    nationalities = [n for n in NATIONALITIES if n != CRISIS_COUNTRY]
    nat_cum = _cumulative(len(nationalities), 1.0)
    pool_cum = {name: (_cumulative(len(g)), _cumulative(len(f))) for name, (g, f) in NAME_POOLS.items()}
    vulnerabilities = ["medical_need", "single_caregiver", "older_person", "disability", "pregnant"]
    vul_cum = list(zipf_weights(len(vulnerabilities)))
    every_phone = max(1, round(1 / phones)) if phones > 0 else 0
    every_bad = max(1, round(1 / bad)) if bad > 0 else 0
    people: list[tuple[str, str, str, str, str, str]] = []
    bad_rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            if people and rng.random() < REPEAT_SHARE:
                given, family, sex, dob, age, nationality = people[rng.randrange(len(people))]
            else:
                nationality = rng.choices(nationalities, cum_weights=nat_cum)[0]
                pool = POOL_OF.get(nationality, "other")
                (given_pool, family_pool), (gw, fw) = NAME_POOLS[pool], pool_cum[pool]
                given = rng.choices(given_pool, cum_weights=gw)[0]
                family = rng.choices(family_pool, cum_weights=fw)[0]
                sex = "female" if given[-1] in "aey" else "male"
                if rng.random() < 0.85:
                    dob, age = (date(1950, 1, 1) + timedelta(days=rng.randrange(26_000))).isoformat(), ""
                else:
                    dob, age = "", str(rng.randrange(1, 80))
                people.append((given, family, sex, dob, age, nationality))
            status = rng.choice(("valid", "expired", "lost", "none"))
            document = f"{nationality[0]}{rng.randrange(10**7, 10**8)}" if status in ("valid", "expired") else ""
            vulnerability = rng.choices(vulnerabilities, cum_weights=vul_cum)[0] if rng.random() < 0.2 else ""
            row = [
                given,
                family,
                sex,
                dob,
                age,
                nationality,
                status,
                document,
                CRISIS_COUNTRY,
                "international_migrant",
                f"+2010{i % 100_000_000:08d}" if every_phone and i % every_phone == 0 else "",
                vulnerability,
                f"HH-{i // 5}",
            ]
            if every_bad and i % every_bad == every_bad - 1:
                column, value = BAD[(i // every_bad) % len(BAD)]
                row[HEADER.index(column)] = value
                bad_rows += 1
            writer.writerow(row)
    return bad_rows


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


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
    from caseload import dedup, imports
    from caseload.import_views import _rejected_lines
    from caseload.models import DuplicateCandidate, ImportStagedChunk, Migrant
    from core.models import TaskLock
    from crises.demo import seed as seed_crises

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        # The last run's 200,000 deleted rows are dead tuples until vacuumed: the plans and the scans
        # of this run would depend on when autovacuum last came by.
        cursor.execute("VACUUM ANALYZE caseload_migrant, caseload_duplicatecandidate")
    users = seed_accounts()["users"]
    crisis = seed_crises()["libya"]
    staff = users["staff_lby"]
    load_start = load_average()
    rows = args.rows

    def import_file(path: Path, *, save_valid_rows: bool) -> dict:
        """The product's path: upload, mapping, check (the task body), save (the task body)."""
        t0 = time.perf_counter()
        with path.open("rb") as handle:
            batch = imports.import_upload(
                actor=staff, crisis=crisis, file=File(handle, name=path.name), save_valid_rows=save_valid_rows
            )
        imports.import_set_mapping(actor=staff, batch_id=batch.pk, mapping=batch.mapping)
        t1 = time.perf_counter()
        assert imports.import_run(batch_id=batch.pk, time_budget=None) == imports.DONE
        t2 = time.perf_counter()
        batch.refresh_from_db()
        imports.import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=save_valid_rows)
        t3 = time.perf_counter()
        assert imports.import_run(batch_id=batch.pk, time_budget=None) == imports.DONE
        t4 = time.perf_counter()
        rejected_bytes = 0
        if save_valid_rows:
            batch.refresh_from_db()
            imports.import_rejected_rows_read(actor=staff, batch=batch)  # what the download view does
            with (Path(tmp) / "rejected.csv").open("w", encoding="utf-8") as out:
                for text in _rejected_lines(batch):
                    rejected_bytes += out.write(text)
        t5 = time.perf_counter()
        batch.refresh_from_db()
        assert batch.status == "committed", (batch.status, batch.failure)
        assert not ImportStagedChunk.objects.filter(batch=batch).exists()
        return {
            "batch": batch,
            "upload": t1 - t0,
            "check": t2 - t1,
            "commit": t3 - t2,
            "save": t4 - t3,
            "rejected_file": t5 - t4,
            "rejected_bytes": rejected_bytes,
            "total": t5 - t0,
        }

    with tempfile.TemporaryDirectory() as tmp:
        good_path, mixed_path = Path(tmp) / "manifest.csv", Path(tmp) / "manifest-with-errors.csv"
        started = time.perf_counter()
        write_csv(good_path, rows, args.phones)
        bad_rows = write_csv(mixed_path, rows, args.phones, bad=args.bad, seed=155)
        size = good_path.stat().st_size / 1e6
        print(f"files: 2 of {rows} rows ({bad_rows} bad in the second), {size:.1f} MB each, "
              f"written in {time.perf_counter() - started:.1f} s")  # fmt: skip

        # 1. All or nothing.
        whole = import_file(good_path, save_valid_rows=False)
        batch = whole["batch"]
        assert (batch.valid_rows, batch.error_rows, batch.created_rows) == (rows, 0, rows)

        # 2. A raw COPY of the same file into a scratch table of text columns.
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_import_copy")
            cursor.execute("CREATE TABLE bench_import_copy (" + ", ".join(f"{name} text" for name in HEADER) + ")")
        c0 = time.perf_counter()
        with connection.cursor() as cursor, good_path.open("rb") as handle:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy("COPY bench_import_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        copy_s = time.perf_counter() - c0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_import_copy")
            copied = cursor.fetchone()[0]
            cursor.execute("DROP TABLE bench_import_copy")
        assert copied == rows

        # 3. The office's first duplicate search (batch after batch of MAX_PAIRS to its end), and the
        # check of one new registration against the office, as check_duplicates_of runs it.
        office_id = batch.office_id
        TaskLock.objects.filter(name=dedup._mark_name(office_id)).delete()  # a first run
        DuplicateCandidate.objects.filter(office_id=office_id).delete()
        d0 = time.perf_counter()
        found = dedup.duplicates_find_since_last_run(office_id=office_id)
        duplicate_s = time.perf_counter() - d0
        complete = TaskLock.objects.filter(name=dedup._mark_name(office_id)).exists()
        stored = DuplicateCandidate.objects.filter(office_id=office_id).count()
        sample = random.Random(7).sample(
            list(Migrant.objects.filter(import_batch=batch).values_list("pk", flat=True)), SINGLE_CHECKS
        )
        singles = []
        for pk in sample:
            s0 = time.perf_counter()
            dedup.duplicates_find(office_id=office_id, migrant_ids=[pk])
            singles.append(time.perf_counter() - s0)
        single_ms = statistics.median(singles) * 1000

        # 4. Undo.
        u0 = time.perf_counter()
        imports.import_undo(actor=staff, batch_id=batch.pk)
        undo_s = time.perf_counter() - u0
        with connection.cursor() as cursor:
            # The undo's 100,000 dead rows vacuumed, so that the second mode starts from the table the
            # first had (their index entries would otherwise be found and skipped by every insert).
            cursor.execute("VACUUM ANALYZE caseload_migrant, caseload_duplicatecandidate")

        # 5. The good rows only, with the rejected-rows file.
        partial = import_file(mixed_path, save_valid_rows=True)
        batch = partial["batch"]
        assert (batch.valid_rows, batch.error_rows, batch.created_rows) == (rows - bad_rows, bad_rows, rows - bad_rows)
        imports.import_undo(actor=staff, batch_id=batch.pk)

    load_end = load_average()
    figures = {
        "rows": rows,
        "check_rps": round(rows / whole["check"]),
        "save_rps": round(rows / whole["save"]),
        "end_to_end_s": round(whole["total"], 2),
        "end_to_end_rps": round(rows / whole["total"]),
        "partial_bad_rows": bad_rows,
        "partial_check_rps": round(rows / partial["check"]),
        "partial_save_rps": round(rows / partial["save"]),
        "partial_rejected_file_s": round(partial["rejected_file"], 3),
        "partial_end_to_end_s": round(partial["total"], 2),
        "partial_end_to_end_rps": round(rows / partial["total"]),
        "copy_s": round(copy_s, 3),
        "copy_rps": round(rows / copy_s),
        "copy_ratio": round(whole["total"] / copy_s, 1),
        "duplicate_full_s": round(duplicate_s, 2),
        "duplicate_pairs": stored,
        "duplicate_new_pairs": found,
        # The run did not go through to its end within its time (RUN_BUDGET): no mark was set.
        "duplicate_hit_max_pairs": not complete,
        "single_check_ms": round(single_ms, 1),
        "undo_s": round(undo_s, 2),
        "load_average_start": load_start,
        "load_average": load_end,
    }
    for title, run in (("all or nothing", whole), ("good rows only", partial)):
        print(f"{title}:")
        print(f"  upload and mapping:    {run['upload']:8.2f} s")
        print(f"  check every row:       {run['check']:8.2f} s  {rows / run['check']:10,.0f} rows/s")
        print(f"  save:                  {run['save']:8.2f} s  {rows / run['save']:10,.0f} rows/s")
        if run["rejected_bytes"]:
            size = f"{bad_rows} rows, {run['rejected_bytes']:,} bytes"
            print(f"  rejected-rows file:    {run['rejected_file']:8.2f} s  ({size})")
        print(f"  end to end:            {run['total']:8.2f} s  {rows / run['total']:10,.0f} rows/s")
    print(f"raw COPY, same file:     {copy_s:8.2f} s  {rows / copy_s:10,.0f} rows/s "
          f"(the import takes {whole['total'] / copy_s:.0f}x as long)")  # fmt: skip
    hit = " (not through to its end within its time)" if figures["duplicate_hit_max_pairs"] else ""
    print(f"duplicate search, full:  {duplicate_s:8.2f} s  ({stored} pairs stored{hit}, {found} new)")
    print(f"one new registration:    {single_ms:8.1f} ms (median of {SINGLE_CHECKS})")
    print(f"undo the import:         {undo_s:8.2f} s  {rows / undo_s:10,.0f} rows/s")
    print(f"load average: {load_start} at the start, {load_end} at the end")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
