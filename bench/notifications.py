"""Benchmark of the notification outbox: N webhook notifications to a local receiver, delivered by
real Celery worker processes on PostgreSQL and Redis. Not a test; it prints its figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcof_bench REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/notifications.py --count 10000 --workers 2

The database is created and migrated if needed; the benchmark's rows are removed before and after.
Events are committed in transactions of ``--fanout`` notifications (one crisis event to that many
subscribed endpoints) at ``--rate`` notifications per second (0: as fast as possible). It reports
deliveries per second (first commit to last delivery) and the time from each commit to the
notification's first arrival at the receiver (p50, p95, max).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fanout", type=int, default=50, help="notifications per event and transaction")
    parser.add_argument("--rate", type=float, default=0, help="notifications committed per second; 0 = unpaced")
    parser.add_argument("--pool", default="threads", help="pool of each worker process: threads, solo, prefork")
    parser.add_argument("--concurrency", type=int, default=8, help="tasks at once in each worker process")
    parser.add_argument(
        "--backlog", action="store_true", help="commit everything first, then start the workers (pure delivery rate)"
    )
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--receiver-port", type=int, default=0, help="port of the local receiver; 0 = any free one")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object on the last line")
    return parser.parse_args()


def serve(port_out, count, stop, arrivals_path: str, listen_port: int = 0) -> None:
    """The receiver, in its own process so that its threads never wait on the producer's GIL."""
    import json

    from outbox.tests.receiver import Receiver

    with Receiver(port=listen_port) as receiver:
        port_out.value = receiver.server.server_address[1]
        while not stop.is_set():
            count.value = receiver.count()
            time.sleep(0.2)
        count.value = receiver.count()
    with open(arrivals_path, "w") as out:
        json.dump([[r.headers["webhook-id"], r.at] for r in receiver.requests], out)


def main() -> None:
    from bench.generate import ensure_database

    args = parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcof_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mcof_site.settings_test"
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import Office
    from core.events import record_event
    from core.models import DomainEvent
    from crises.models import Crisis
    from mcof_site.celery import app
    from outbox.models import Notification, Subscription, WebhookEndpoint
    from outbox.services import generate_secret
    from outbox.tests.workers import start_worker, stop
    from partners.models import Government

    call_command("migrate", verbosity=0)
    app.control.purge()

    def clean() -> None:
        Notification.objects.filter(event__crisis_id__in=Crisis.objects.filter(code="BENCH-0001").values("pk")).delete()
        DomainEvent.objects.filter(crisis_id__in=Crisis.objects.filter(code="BENCH-0001").values("pk")).delete()
        Government.objects.filter(country="NER").delete()
        Crisis.objects.filter(code="BENCH-0001").delete()

    clean()
    office, _ = Office.objects.get_or_create(
        code="bench", defaults={"country": "LBY", "name": "Benchmark office", "region": "mena"}
    )
    crisis = Crisis.objects.create(
        code="BENCH-0001",
        name="Benchmark crisis",
        crisis_type="man_made",
        movement="internal",
        country="LBY",
        start_date="2026-01-01",
        office=office,
    )
    government = Government.objects.create(country="NER", name="Benchmark government")
    Subscription.objects.create(government=government, event_type="crisis.updated", crisis=crisis)

    workers = []
    port, count, stop_receiver = mp.Value("i", 0), mp.Value("i", 0), mp.Event()
    arrivals_path = os.path.join(tempfile.mkdtemp(prefix="bench-"), "arrivals.json")
    receiver = mp.Process(target=serve, args=(port, count, stop_receiver, arrivals_path, args.receiver_port))
    receiver.start()
    while not port.value:
        time.sleep(0.05)
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(government=government, url=f"http://127.0.0.1:{port.value}/hook/{i}", secret=generate_secret())
        for i in range(args.fanout)
    )
    try:

        def start_workers() -> None:
            for i in range(args.workers):
                workers.append(
                    start_worker(
                        database_url=os.environ["DATABASE_URL"],
                        broker_url=settings.CELERY_BROKER_URL,
                        name=f"b{i}",
                        pool=args.pool,
                        concurrency=args.concurrency,
                    )
                )
            time.sleep(4)  # let the workers connect

        if not args.backlog:
            start_workers()
        committed_at: dict[int, float] = {}
        events = args.count // args.fanout
        interval = args.fanout / args.rate if args.rate else 0
        started = time.time()
        for n in range(events):
            with transaction.atomic():
                stamp: dict = {}
                # The first on_commit callback runs right after COMMIT, before the queueing.
                transaction.on_commit(lambda s=stamp: s.setdefault("t", time.time()))
                event = record_event(
                    "crisis.updated",
                    subject=crisis,
                    crisis_id=crisis.pk,
                    office_id=office.pk,
                    payload={"fields": ["description"]},
                )
            committed_at[event.pk] = stamp["t"]
            if interval:
                time.sleep(max(0.0, started + (n + 1) * interval - time.time()))
        produced = time.time()
        if args.backlog:
            start_workers()
        expected = events * args.fanout
        deadline = time.time() + args.timeout
        while time.time() < deadline and count.value < expected:
            time.sleep(0.2)
    finally:
        stop_receiver.set()
        receiver.join()
        for worker in workers:
            stop(worker)

    with open(arrivals_path) as arrivals_file:
        arrivals = json.load(arrivals_file)
    os.unlink(arrivals_path)
    first_arrival: dict[str, float] = {}
    for webhook_id, at in arrivals:
        first_arrival.setdefault(webhook_id, at)
    uid_to_event = {f"msg_{uid.hex}": event_id for uid, event_id in Notification.objects.values_list("uid", "event_id")}
    latencies = sorted(at - committed_at[uid_to_event[wid]] for wid, at in first_arrival.items() if wid in uid_to_event)
    delivered = Notification.objects.filter(event_id__in=committed_at, status="delivered").count()
    first, last = (min(first_arrival.values()), max(first_arrival.values())) if first_arrival else (started, produced)
    duration = last - first
    print(f"notifications: {expected}, delivered: {delivered}, requests received: {len(arrivals)}")
    print(f"workers: {args.workers} processes, pool {args.pool} x {args.concurrency}")
    print(f"fanout: {args.fanout} per transaction, rate: {args.rate or 'unpaced'}, backlog first: {args.backlog}")
    print(f"committed in {produced - started:.1f} s ({expected / (produced - started):.0f} per second)")
    print(f"first to last delivery: {duration:.1f} s; first commit to last delivery: {last - started:.1f} s")
    rate = len(first_arrival) / duration if duration else 0.0
    print(f"deliveries per second: {rate:.0f}")
    p50 = p95 = 0.0
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"commit to delivery: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        )
    from django.db.models import Count

    from outbox.models import DeliveryAttempt

    failed = (
        DeliveryAttempt.objects.filter(notification__event_id__in=committed_at, succeeded=False)
        .values_list("error")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    print(f"failed attempts: {sum(n for _, n in failed)}" + "".join(f"; {n} x {error[:80]}" for error, n in failed[:3]))
    clean()
    if args.json:
        print(
            json.dumps(
                {
                    "notifications": expected,
                    "delivered": delivered,
                    "received": len(arrivals),
                    "unique_received": len(first_arrival),
                    "repeats": len(arrivals) - len(first_arrival),
                    "lost": expected - len(first_arrival),
                    "deliveries_per_second": round(rate, 1),
                    "committed_per_second": round(expected / (produced - started), 1),
                    "p50_s": round(p50, 3),
                    "p95_s": round(p95, 3),
                    "failed_attempts": sum(n for _, n in failed),
                    "workers": args.workers,
                    "rate": args.rate,
                    "backlog": args.backlog,
                    "load_average": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
                }
            )
        )


if __name__ == "__main__":
    main()
