"""Faults on the delivery path, injected against real servers: a private redis-server, a production
worker (prefork, gossip, mingle, heartbeat), celery beat, PostgreSQL and a local receiver.

One repetition: a fresh redis-server, a government of its own with webhook endpoints on the
receiver, and N notifications committed over a few seconds while the worker delivers them. When
about a third have arrived, the fault is injected; then the repetition waits until every row is
delivered, or until ``STUCK_AFTER`` seconds after the fault ended, and counts from the receiver's
log of webhook-ids against the Notification rows. ``bench/faults.py`` repeats it (20 times per
fault) and prints the table; ``outbox/tests/test_delivery_faults.py`` runs a short version.

The pool and the worker's flags are production's; the outbox's timings are scaled down (retries
after 1, 2, 4 ... s instead of 30 s, 2 min, 10 min ...; a 5 s lease and a 3 s relay grace instead
of 120 s; beat's relay every 2 s instead of every minute) so that a repetition takes seconds.
The two-minute bound on a stuck row is not scaled: a row pending that long after the fault ended
waits on something the scaled timings do not explain.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
from django.db import connection, transaction

from .receiver import Receiver
from .workers import RedisServer, kill_hard, producer_broker, start_beat, start_worker, stop, worker_log

FAULTS = ("broker", "worker", "postgres", "receiver")
DESCRIPTIONS = {
    "broker": "redis-server SIGKILLed (queue and unacked messages gone), restarted empty 3 s later",
    "worker": "the worker and its pool processes SIGKILLed, a new worker started 2 s later",
    "postgres": "every backend of the workers terminated (pg_terminate_backend), 5 times 1 s apart",
    "receiver": "the receiver answers 500 or times out (1.5 s, past the 1 s client timeout) for 10 s",
}

TIMINGS: dict = {
    "NOTIFICATIONS_RETRY_DELAYS": [1, 2, 4, 8, 15, 30, 60, 60, 60],
    "NOTIFICATIONS_RETRY_JITTER": 0.2,
    "NOTIFICATIONS_HTTP_TIMEOUT": 1.0,
    "NOTIFICATIONS_LEASE_SECONDS": 5,
    "NOTIFICATIONS_RELAY_GRACE_SECONDS": 3,
}
# scripts/run.sh's supervisor, its intervals scaled like the outbox's timings: beat queues the
# heartbeat every 2 s (20 s), the watchdog looks every 2 s (20 s) and restarts a worker whose last
# heartbeat is older than 20 s (60 s). A worker's start-up does not scale (10 to 40 s on 2 busy
# cores): it is judged only after 60 s (90 s). As in production, a worker that is alive but no
# longer consumes is replaced; the run counts how often.
WATCHDOG: dict = {"heartbeat": 2.0, "interval": 2.0, "max_age": 20, "grace": 60.0, "term_wait": 3.0}
BEAT_SCHEDULE = {
    "outbox-relay-notifications": {"task": "outbox.tasks.relay_notifications", "schedule": 2.0},
    "outbox-retry-notifications": {"task": "outbox.tasks.retry_notifications", "schedule": 2.0},
    "core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": WATCHDOG["heartbeat"]},
}
STUCK_AFTER = 120.0  # seconds after the fault ended: a row still pending then is stuck
ENDPOINTS = 10  # webhook endpoints of the run's government: one event is that many notifications
PRODUCE_SECONDS = 8.0  # the notifications are committed over about this long
TRIGGER_SHARE = 0.3  # the fault starts when this share of the notifications has arrived
TRIGGER_WAIT = 60.0  # ... or after this many seconds, whatever arrived
CRISIS_PREFIX = "FLT-"


@dataclass
class Run:
    """One repetition's counts. ``once`` and ``twice`` are rows whose webhook-id the receiver
    accepted once and more than once; ``pending`` rows the receiver never accepted that wait for a
    retry; ``lost`` rows it never accepted that nothing will send again; ``stuck`` rows still
    pending ``STUCK_AFTER`` seconds after the fault ended."""

    fault: str
    repetition: int
    created: int = 0
    once: int = 0
    twice: int = 0
    pending: int = 0
    lost: int = 0
    stuck: int = 0
    foreign: int = 0  # webhook-ids the receiver accepted that are no row of the run
    restarts: int = 0  # workers the watchdog replaced (alive but their heartbeat too old, or exited)
    recovery: float | None = None  # seconds from the fault's end to the last first arrival
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.created > 0
            and self.lost == 0
            and self.stuck == 0
            and self.foreign == 0
            and self.once + self.twice == self.created
        )


class _Stage:
    """What a fault acts on: the broker, the workers, the receiver's behaviour, the database."""

    def __init__(self, *, database_url: str, server: RedisServer, receiver: Receiver) -> None:
        self.database_url = database_url
        self.server = server
        self.receiver = receiver
        self.workers: list = []
        self.failing = False
        self.timeouts: set[int] = set()
        self.spared_backends: list[int] = []
        self.terminated = 0
        self.names = (f"f{n}" for n in itertools.count(1))
        self.lock = threading.Lock()  # the worker fault and the watchdog both replace the worker
        self.started_at = 0.0
        self.restarts: list[str] = []

    def start_worker(self) -> None:
        self.workers.append(
            start_worker(
                database_url=self.database_url,
                broker_url=self.server.url,
                overrides=TIMINGS,
                name=next(self.names),
                production=True,
            )
        )
        self.started_at = time.monotonic()

    def watch(self, done: threading.Event) -> None:
        """The supervisor of scripts/run.sh: a worker that exited is started again after 2 s; one
        whose heartbeat is older than the maximum age is stopped (TERM, then KILL) and replaced."""
        from django.db import connection as db

        from core.heartbeat import worker_health

        try:
            while not done.wait(WATCHDOG["interval"]):
                with self.lock:
                    worker = self.workers[-1]
                    if worker.poll() is not None:
                        reason = f"the worker exited ({worker.returncode})"
                    elif time.monotonic() - self.started_at < WATCHDOG["grace"]:
                        continue
                    else:
                        health = worker_health(WATCHDOG["max_age"])
                        if health.consuming:
                            continue
                        reason = f"heartbeat {health.age_seconds or 0:.0f} s old"
                        stop(worker, timeout=WATCHDOG["term_wait"])
                    time.sleep(2)
                    self.restarts.append(reason)
                    self.start_worker()
        finally:
            db.close()

    # The receiver's answers while it fails: 500 for one request, a timeout for the next.
    def respond(self, n: int) -> int:
        if not self.failing:
            return 200
        if n % 2:
            self.timeouts.add(n)
            return 503
        return 500

    def delay(self, n: int) -> float:
        return 1.5 if n in self.timeouts else 0.0

    def terminate_backends(self) -> int:
        dsn = self.database_url.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(dsn, autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ALL(%s) "
                "AND backend_type = 'client backend'",
                [self.spared_backends],
            ).fetchall()
        return sum(1 for (done,) in rows if done)


def _broker(stage: _Stage) -> None:
    stage.server.stop()
    time.sleep(3)
    stage.server.start()


def _worker(stage: _Stage) -> None:
    with stage.lock:
        kill_hard(stage.workers[-1])
        time.sleep(2)  # scripts/run.sh's supervisor waits 2 s before it starts the worker again
        stage.start_worker()


def _postgres(stage: _Stage) -> None:
    for i in range(5):
        if i:
            time.sleep(1)
        stage.terminated += stage.terminate_backends()


def _receiver(stage: _Stage) -> None:
    stage.failing = True
    time.sleep(10)
    stage.failing = False


INJECT: dict[str, Callable[[_Stage], None]] = {
    "broker": _broker,
    "worker": _worker,
    "postgres": _postgres,
    "receiver": _receiver,
}


def _world(repetition: int, notifications: int):
    """A crisis and a government of the run's own, with ``ENDPOINTS`` endpoints subscribed."""
    from accounts.models import Office
    from crises.models import Crisis
    from outbox.models import Subscription
    from partners.models import Government

    office, _ = Office.objects.get_or_create(
        code="flt", defaults={"country": "LBY", "name": "Fault office", "region": "mena"}
    )
    crisis = Crisis.objects.create(
        code=f"{CRISIS_PREFIX}{repetition:04d}-{int(time.time() * 1000) % 10**8}",
        name="Fault crisis",
        crisis_type="man_made",
        movement="internal",
        country="LBY",
        start_date="2026-01-01",
        office=office,
    )
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    taken = set(Government.objects.filter(country__startswith="Q").values_list("country", flat=True))
    country = next(
        code for code in (f"Q{a}{b}" for a in letters for b in letters) if code not in taken
    )  # Q..: user-assigned ISO codes, never a real State
    government = Government.objects.create(country=country, name=f"Fault government {crisis.code}")
    Subscription.objects.create(government=government, event_type="crisis.updated", crisis=crisis)
    return office, crisis, government


def clean_up() -> None:
    """Remove every run's rows (the benchmark's database; a test's database is flushed anyway)."""
    from core.models import DomainEvent
    from crises.models import Crisis
    from outbox.models import Notification
    from partners.models import Government

    crises = Crisis.objects.filter(code__startswith=CRISIS_PREFIX)
    Notification.objects.filter(crisis__in=crises).delete()
    DomainEvent.objects.filter(crisis_id__in=crises.values("pk")).delete()
    Government.objects.filter(name__startswith="Fault government").delete()
    crises.delete()


def run_fault(
    fault: str,
    *,
    repetition: int = 1,
    notifications: int = 500,
    database_url: str,
    redis_port: int,
    receiver_port: int = 0,
    produce_seconds: float = PRODUCE_SECONDS,
    log: Callable[[str], None] = lambda message: None,
) -> Run:
    """One repetition of ``fault``; answers its counts (see ``Run``)."""
    from core.events import record_event
    from outbox.models import Notification, WebhookEndpoint
    from outbox.services import generate_secret

    started = time.monotonic()
    run = Run(fault=fault, repetition=repetition)
    office, crisis, government = _world(repetition, notifications)
    server = RedisServer(port=redis_port)
    receiver_holder: dict = {}
    receiver = Receiver(
        respond=lambda n: receiver_holder["stage"].respond(n),
        delay=lambda n: receiver_holder["stage"].delay(n),
        port=receiver_port,
    )
    stage = _Stage(database_url=database_url, server=server, receiver=receiver)
    receiver_holder["stage"] = stage
    beat = None
    watching = threading.Event()
    watchdog = threading.Thread(target=stage.watch, args=(watching,), daemon=True)
    fault_window: dict[str, float] = {}
    with receiver, producer_broker(server.url):
        try:
            server.start()  # here, so that the finally below stops it whatever fails
            WebhookEndpoint.objects.bulk_create(
                WebhookEndpoint(government=government, url=f"{receiver.url}/{i}", secret=generate_secret())
                for i in range(ENDPOINTS)
            )
            stage.start_worker()
            _wait_ready(stage.workers[-1])
            log(f"  {fault} #{repetition}: worker ready at {time.monotonic() - started:.1f} s")
            beat = start_beat(
                database_url=database_url, broker_url=server.url, schedule=BEAT_SCHEDULE, overrides=TIMINGS
            )
            watchdog.start()
            connection.ensure_connection()
            stage.spared_backends = [connection.connection.info.backend_pid]
            trigger = max(1, int(notifications * TRIGGER_SHARE))

            def inject() -> None:
                deadline = time.monotonic() + TRIGGER_WAIT
                while sum(receiver.accepted().values()) < trigger and time.monotonic() < deadline:
                    time.sleep(0.1)
                fault_window["start"] = time.monotonic()
                try:
                    INJECT[fault](stage)
                except Exception as exc:  # noqa: BLE001 - raised again in the repetition's thread
                    fault_window["error"] = exc
                fault_window["end"] = time.monotonic()

            injector = threading.Thread(target=inject, daemon=True)
            injector.start()
            events = max(1, notifications // ENDPOINTS)
            pause = produce_seconds / events
            for _ in range(events):
                with transaction.atomic():
                    record_event(
                        "crisis.updated",
                        subject=crisis,
                        crisis_id=crisis.pk,
                        office_id=office.pk,
                        payload={"fields": ["description"]},
                    )
                time.sleep(pause)
            log(f"  {fault} #{repetition}: committed in {time.monotonic() - started:.1f} s")
            injector.join()
            if "error" in fault_window:
                raise RuntimeError(f"the {fault} fault could not be injected") from fault_window["error"]
            window = f"{fault_window['start'] - started:.1f} to {fault_window['end'] - started:.1f} s"
            log(f"  {fault} #{repetition}: fault from {window}")
            rows = Notification.objects.filter(crisis=crisis, endpoint__government=government)
            ids = {f"msg_{uid.hex}" for uid in rows.values_list("uid", flat=True)}
            give_up = fault_window["end"] + STUCK_AFTER

            def settled() -> bool:
                accepted = receiver.accepted()
                return all(accepted[i] for i in ids) and not rows.exclude(status="delivered").exists()

            while not settled() and time.monotonic() < give_up:
                time.sleep(0.5)
            log(f"  {fault} #{repetition}: settled at {time.monotonic() - started:.1f} s")
            time.sleep(1)  # a repeat still in flight arrives
            _count(run, rows, receiver, ids, stuck=time.monotonic() >= give_up)
            first: dict[str, float] = {}
            for request in receiver.requests:
                if 200 <= request.status < 300:
                    first.setdefault(request.headers.get("webhook-id", ""), request.at)
            if first:
                # Receiver times are wall-clock; the fault window is monotonic: align the two.
                end_wall = time.time() - (time.monotonic() - fault_window["end"])
                run.recovery = max(0.0, max(first.values()) - end_wall)
            if run.stuck:
                run.notes.append(_why_stuck(rows, server))
            watching.set()
            watchdog.join()
            run.restarts = len(stage.restarts)
            if stage.restarts:
                run.notes.append(f"the watchdog replaced the worker: {', '.join(stage.restarts)}")
            if fault == "postgres":
                run.notes.append(f"{stage.terminated} backends terminated")
            for worker in stage.workers[-1:]:
                if worker.poll() is not None:
                    run.notes.append(f"the worker exited ({worker.returncode}): {worker_log(worker)[-800:]}")
            if beat.poll() is not None:
                run.notes.append(f"beat exited ({beat.returncode}): {worker_log(beat)[-800:]}")
        finally:
            watching.set()
            if watchdog.is_alive():
                watchdog.join()
            # Counted already: nothing to finish cleanly.
            for process in [*([beat] if beat is not None else []), *stage.workers]:
                if process.poll() is None:
                    kill_hard(process)
                stop(process)
            server.stop()
    run.seconds = time.monotonic() - started
    log(
        f"{fault} #{repetition}: created {run.created}, once {run.once}, twice {run.twice}, "
        f"pending {run.pending}, lost {run.lost}, stuck {run.stuck}, "
        f"recovery {run.recovery if run.recovery is None else round(run.recovery, 1)} s, "
        f"{run.seconds:.0f} s{'; ' + '; '.join(run.notes) if run.notes else ''}"
    )
    return run


def _why_stuck(rows, server: RedisServer) -> str:
    """What the stuck rows wait on: their states, whether a worker answers, what the broker holds,
    and the periodic tasks' leases."""
    import redis
    from django.db.models import Count

    from core.models import TaskLock
    from mcof_site.celery import app

    states = dict(rows.exclude(status="delivered").values_list("status").annotate(n=Count("id")))
    try:
        answers = len(app.control.ping(timeout=2))
        broker = redis.Redis.from_url(server.url)
        held = f"queue {broker.llen('celery')}, unacked {broker.hlen('unacked')}"
    except Exception as exc:  # noqa: BLE001 - the broker is the question
        answers, held = -1, f"broker: {exc}"
    leases = [
        f"{lock.name} until {lock.locked_until} (finished {lock.last_finished_at})"
        for lock in TaskLock.objects.filter(name__startswith="outbox.")
    ]
    return f"stuck rows {states}; workers answering a ping: {answers}; {held}; leases: {leases}"


def _wait_ready(worker, timeout: float = 90.0) -> None:
    """Until the worker answers a ping through the broker (it consumes)."""
    from mcof_site.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited at start: {worker_log(worker)}")
        try:
            if app.control.ping(timeout=0.5):
                return
        except Exception:  # noqa: BLE001, S110 - not connected yet: ask again
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the worker did not answer a ping in {timeout:.0f} s: {worker_log(worker)}")


def _count(run: Run, rows, receiver: Receiver, ids: set[str], *, stuck: bool) -> None:
    from outbox.models import Notification

    waiting = {Notification.Status.PENDING, Notification.Status.SENDING}
    accepted = receiver.accepted()
    statuses = {f"msg_{uid.hex}": status for uid, status in rows.values_list("uid", "status")}
    run.created = len(statuses)
    for webhook_id, status in statuses.items():
        times = accepted[webhook_id]
        if times == 1:
            run.once += 1
        elif times > 1:
            run.twice += 1
        elif status in waiting:
            run.pending += 1
        else:
            run.lost += 1
            run.notes.append(f"{webhook_id} {status}, never accepted")
    run.stuck = run.pending if stuck else 0
    run.foreign = sum(1 for webhook_id in accepted if webhook_id not in statuses)
