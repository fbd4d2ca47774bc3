"""Faults on the delivery path, each repeated, with a table of what became of every notification.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcof_faults REDIS_URL=redis://127.0.0.1:6379/4 \\
        nice -n 10 .venv/bin/python -m bench.faults [--repetitions 20] [--notifications 500] [--only FAULT]

Each repetition (outbox/tests/faults.py) starts a private redis-server (``--redis-port``), a
production worker, celery beat and a local receiver (``--receiver-port``), commits its own
notifications on a database of its own (created and migrated if needed), injects the fault, and
counts from the receiver's log of webhook-ids: created, delivered once, delivered twice (the same
webhook-id again), pending, lost, and stuck (still pending two minutes after the fault ended).
Target: 0 lost and 0 stuck in every repetition. ``--budget`` bounds the whole run: a repetition
that would start after it is skipped, and the table says how many ran.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
COLUMNS = ("created", "once", "twice", "pending", "lost", "stuck")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from outbox.tests.faults import FAULTS

    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=20, help="repetitions of each fault")
    parser.add_argument("--notifications", type=int, default=500, help="notifications per repetition")
    parser.add_argument("--only", action="append", choices=FAULTS, default=[], help="this fault only (repeatable)")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--receiver-port", type=int, default=8104)
    parser.add_argument("--budget", type=float, default=3 * 3600, help="seconds; no repetition starts after it")
    return parser.parse_args(argv)


def table(runs: list, faults: tuple[str, ...], repetitions: int) -> str:
    """Sums per fault over its repetitions, and the worst repetition's recovery time."""
    lines = [
        "| fault | runs | created | delivered once | delivered twice | pending | lost | stuck > 2 min "
        "| runs all delivered | slowest recovery | watchdog restarts |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for fault in faults:
        mine = [r for r in runs if r.fault == fault]
        if not mine:
            continue
        sums = [sum(getattr(r, column) for r in mine) for column in COLUMNS]
        recoveries = [r.recovery for r in mine if r.recovery is not None]
        slowest = f"{max(recoveries):.1f} s" if recoveries else "-"
        good = sum(1 for r in mine if r.ok)
        lines.append(
            f"| {fault} | {len(mine)} of {repetitions} | "
            + " | ".join(str(s) for s in sums)
            + f" | {good} | {slowest} | {sum(r.restarts for r in mine)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcof_faults")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mcof_site.settings_test"
    sys.path.insert(0, str(BASE_DIR))
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("The fault script runs on PostgreSQL: set DATABASE_URL=postgres://...")
    from bench.generate import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from outbox.tests.faults import DESCRIPTIONS, FAULTS, clean_up, run_fault

    args = parse_args(argv)
    faults = tuple(args.only) or FAULTS
    call_command("migrate", verbosity=0)
    clean_up()
    t0 = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - t0:7.1f}s] {message}", flush=True)

    runs = []
    # Round robin (broker, worker, postgres, receiver, broker, ...): a budget cut short leaves
    # every fault with about as many repetitions.
    for repetition in range(1, args.repetitions + 1):
        for fault in faults:
            if time.monotonic() - t0 > args.budget:
                log(f"budget of {args.budget:.0f} s spent: {fault} #{repetition} and after not run")
                break
            runs.append(
                run_fault(
                    fault,
                    repetition=repetition,
                    notifications=args.notifications,
                    database_url=os.environ["DATABASE_URL"],
                    redis_port=args.redis_port,
                    receiver_port=args.receiver_port,
                    log=log,
                )
            )
            clean_up()
        else:
            continue
        break
    print()
    print(f"{args.notifications} notifications per repetition; {time.monotonic() - t0:.0f} s in all")
    for fault in faults:
        print(f"- {fault}: {DESCRIPTIONS[fault]}")
    print()
    print(table(runs, faults, args.repetitions))
    failed = [r for r in runs if not r.ok]
    for run in failed:
        print(f"FAILED {run.fault} #{run.repetition}: {'; '.join(run.notes)[:2000]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
