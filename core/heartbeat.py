"""The worker's heartbeat: proof that a worker *consumes*, not only that its process is alive.

Beat queues ``core.tasks.heartbeat`` every ``WORKER_HEARTBEAT_SECONDS``; the task travels through
the broker like every other, and the worker that runs it writes the time in the database. A worker
that lost its broker connection without noticing (its process alive, its pages still answering)
writes nothing, so the age grows: ``manage.py worker_health``, ``/health/``, ``scripts/run.sh``'s
watchdog and the systemd watchdog (docs/operations.md) read it and restart the worker once it is
older than ``WORKER_HEARTBEAT_MAX_AGE`` (a minute)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from .models import TaskLock

HEARTBEAT = "core.heartbeat"


@dataclass(frozen=True)
class WorkerHealth:
    last_at: datetime | None
    age_seconds: float | None
    max_age_seconds: int

    @property
    def consuming(self) -> bool:
        return self.age_seconds is not None and self.age_seconds <= self.max_age_seconds

    def as_dict(self) -> dict:
        return {
            "consuming": self.consuming,
            "heartbeat_at": self.last_at.isoformat() if self.last_at else None,
            "heartbeat_age_seconds": None if self.age_seconds is None else round(self.age_seconds, 1),
            "max_age_seconds": self.max_age_seconds,
        }


def heartbeat_record() -> datetime:
    now = timezone.now()
    TaskLock.objects.update_or_create(name=HEARTBEAT, defaults={"last_finished_at": now})
    return now


def worker_health(max_age_seconds: int | None = None) -> WorkerHealth:
    max_age = max_age_seconds if max_age_seconds is not None else settings.WORKER_HEARTBEAT_MAX_AGE
    last = TaskLock.objects.filter(name=HEARTBEAT).values_list("last_finished_at", flat=True).first()
    age = None if last is None else max(0.0, (timezone.now() - last).total_seconds())
    return WorkerHealth(last_at=last, age_seconds=age, max_age_seconds=max_age)
