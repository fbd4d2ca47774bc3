"""Is a worker consuming? Exit 0 if its heartbeat (core.heartbeat) is recent, 1 otherwise: the
check of scripts/run.sh's watchdog, a container's health check and a systemd timer."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from core.heartbeat import worker_health


class Command(BaseCommand):
    help = "Exit 0 when a worker ran the heartbeat task within --max-age seconds, 1 otherwise."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-age", type=int, default=None, help="seconds (default WORKER_HEARTBEAT_MAX_AGE)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the state as JSON")

    def handle(self, *args, max_age: int | None, as_json: bool, **options) -> None:
        health = worker_health(max_age)
        if as_json:
            self.stdout.write(json.dumps(health.as_dict(), sort_keys=True))
        elif health.consuming:
            self.stdout.write(f"consuming: last heartbeat {health.age_seconds:.0f} s ago")
        if not health.consuming:
            age = "never" if health.age_seconds is None else f"{health.age_seconds:.0f} s ago"
            raise CommandError(f"not consuming: last heartbeat {age} (max {health.max_age_seconds} s)", returncode=1)
