"""`python -m bench` (`make bench`): load the benchmark database if needed, measure, write bench/RESULTS.md.

make bench                                   # 1M migrants on postgres://.../mcof_bench
.venv/bin/python -m bench --fresh            # drop and reload the database first
.venv/bin/python -m bench --scale 0.02       # a small trial (20,000 migrants)
.venv/bin/python -m bench --scale 0.3 --only "Name search"   # one scenario, printed, RESULTS.md untouched
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time

from . import generate


def main(argv: list[str] | None = None) -> None:
    t0 = time.monotonic()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and load it again")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 1M migrants and 300k referrals")
    parser.add_argument("--requests", type=int, default=200, help="requests per measured page (at least 200)")
    parser.add_argument("--duration", type=int, default=30, help="seconds of mixed workload (0: skip it)")
    parser.add_argument(
        "--only", action="append", default=[], metavar="SCENARIO", help="measure only this scenario (repeatable)"
    )
    parser.add_argument(
        "--no-pipelines", action="store_true", help="skip the import and notification delivery measurements"
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f}s] {message}", flush=True)

    generate.ensure_loaded(fresh=args.fresh, scale=args.scale, log=log)
    generate.setup_django()
    from django.core.management import call_command

    from . import displacement, measure, movements, sitreps, targets

    # The pages rendered below need the static files' manifest (a fresh clone has none yet).
    call_command("collectstatic", interactive=False, verbosity=0)

    if args.only:
        measure.run_only(args.only, requests=args.requests, log=log)
        return
    measure.settle(log)
    log("measuring a movement of 1,000 passengers")
    movement_lines = movements.measure(log=log)
    log("measuring displacement tracking at 5,000 sites")
    movement_lines += displacement.measure(log=log)
    log("measuring the drafting of a situation report")
    movement_lines += sitreps.measure(log=log)

    args_given = argv if argv is not None else sys.argv[1:]
    command = "python -m bench" + (" " + shlex.join(args_given) if args_given else " (what make bench runs)")
    measure.run(
        requests=args.requests,
        duration=args.duration,
        command=command,
        t0=t0,
        log=log,
        notes=movement_lines,
        # After the requests and the mixed workload: the import leaves dead rows for autovacuum and
        # the delivery leaves a busy machine, which the requests would otherwise be measured beside.
        pipelines=None if args.no_pipelines else lambda: targets.run_pipelines(log=log),
    )


if __name__ == "__main__":
    main()
