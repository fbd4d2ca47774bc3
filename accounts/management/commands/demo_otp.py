"""Print the current code of a demo account's authenticator, to pass the second step of a demo login."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_AUTHENTICATOR_NAME
from accounts.mfa import current_code


class Command(BaseCommand):
    help = "Print the current two-step verification code of a demo account (demo and development only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        allowed = settings.DEBUG or getattr(settings, "TESTING", False) or os.environ.get("MCOF_DEMO") == "1"
        if not allowed:
            raise CommandError("demo_otp refuses to run with production settings (set DEBUG=1 or MCOF_DEMO=1).")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_AUTHENTICATOR_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo authenticator (run seed_demo; only hq, gov_egy, gov_bgd and unhcr have one)."
            )
        remaining = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(current_code(device))
        self.stderr.write(f"valid for about {remaining} more seconds")
