"""The Celery application: JSON only, acknowledged late, one task at a time per process."""

import os

from celery import Celery
from celery.signals import worker_ready

from . import kombu_fix
from .systemd import sd_notify

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcof_site.settings")

# A worker must survive the loss of its broker while it holds unacknowledged messages.
kombu_fix.install()

app = Celery("mcof_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _tell_systemd_ready(**kwargs) -> None:
    sd_notify("READY=1")
