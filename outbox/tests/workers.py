"""Real Celery worker processes and a private Redis server for the delivery tests and the benchmark."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _celery_env(database_url: str, broker_url: str, overrides: dict | None) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outbox.tests.settings_worker",
        "MCOF_TEST_SETTINGS": json.dumps(overrides or {}),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
    }


def _celery(args: list[str], *, name: str, env: dict) -> subprocess.Popen:
    """A ``celery`` subprocess; its output goes to a temporary file (a full pipe would stall it)."""
    log = tempfile.NamedTemporaryFile(prefix=f"celery-{name}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mcof_site", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log.name  # type: ignore[attr-defined]
    return process


def start_worker(
    *,
    database_url: str,
    broker_url: str,
    overrides: dict | None = None,
    name: str = "w1",
    pool: str = "solo",
    concurrency: int = 1,
    production: bool = False,
) -> subprocess.Popen:
    """A ``celery worker`` subprocess on the test settings and the ``overrides``.
    ``production`` starts it as ``scripts/run.sh`` and the README's production section do: a prefork
    pool with gossip, mingle and heartbeat on (the pool and concurrency given are then ignored)."""
    if production:
        pool, concurrency = "prefork", 2
    quiet = [] if production else ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    args = ["worker", f"--pool={pool}", f"--concurrency={concurrency}", *quiet, "--loglevel=WARNING"]
    return _celery([*args, f"--hostname={name}@%h"], name=name, env=_celery_env(database_url, broker_url, overrides))


def start_beat(
    *, database_url: str, broker_url: str, schedule: dict, overrides: dict | None = None
) -> subprocess.Popen:
    """``celery beat`` sending ``schedule`` (CELERY_BEAT_SCHEDULE, intervals in seconds) through the
    broker, as in production; its schedule file lives in a temporary folder of its own."""
    folder = tempfile.mkdtemp(prefix="celery-beat-")
    env = _celery_env(database_url, broker_url, {**(overrides or {}), "CELERY_BEAT_SCHEDULE": schedule})
    process = _celery(
        ["beat", "--loglevel=WARNING", f"--schedule={folder}/schedule", f"--pidfile={folder}/beat.pid"],
        name="beat",
        env=env,
    )
    process.folder = folder  # type: ignore[attr-defined]
    return process


def children_of(pid: int) -> list[int]:
    """The direct children of a process (a prefork worker's pool processes), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL the process and its children at once, as the kernel's OOM killer or a lost machine
    would: no warm or cold shutdown, nothing acknowledged or given back to the broker."""
    for pid in [*children_of(process.pid), process.pid]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def worker_log(process: subprocess.Popen) -> str:
    """The last lines the worker wrote (for an assertion's message)."""
    path = getattr(process, "log_path", None)
    if not path:
        return ""
    return Path(path).read_text(errors="replace")[-4000:]


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_hard(process)
    folder = getattr(process, "folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private, unpersisted redis-server on its own port: a test may stop and start it."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Stop it the hard way: whatever was queued in it is gone (no snapshot, no AOF)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def producer_broker(url: str):
    """Point this process's Celery app (the producer) at another broker for a while."""
    from kombu import pools

    from mcof_site.celery import app

    def switch(to: str) -> None:
        # kombu keeps one pool per broker in a registry: closing only ours would leave the registry
        # handing the closed pool back when the app returns to the same broker ("Acquire on closed
        # pool" in the next test that sends a task). Reset the registry with it.
        pools.reset()
        app.conf.broker_url = to
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    previous = app.conf.broker_url
    switch(url)
    try:
        yield app
    finally:
        switch(previous)
