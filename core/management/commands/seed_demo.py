"""Load the demo data of docs/domain.md "Demo data"; running it again changes nothing."""

import importlib
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app that has demo data keeps it in <app>/demo.py with seed(stdout) -> dict; order matters.
DEMO_MODULES = [
    "accounts.demo",
    "crises.demo",
    "sectors.demo",
    "caseload.demo",
    "movements.demo",
    "displacement.demo",
    "sitreps.demo",
    "partners.demo",
    "outbox.demo",
]


class Command(BaseCommand):
    help = "Create the demo offices, governments, partners, accounts, crises and caseload (idempotent)."

    def handle(self, *args, **options):
        allowed = settings.DEBUG or getattr(settings, "TESTING", False) or os.environ.get("MCOF_DEMO") == "1"
        if not allowed:
            raise CommandError("seed_demo refuses to run with production settings (set DEBUG=1 or MCOF_DEMO=1).")
        for name in DEMO_MODULES:
            module = importlib.import_module(name)
            self.stdout.write(f"{name}:")
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Every demo account's password: {settings.DEMO_PASSWORD}")
        )
