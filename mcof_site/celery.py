"""The Celery application: JSON only, acknowledged late, one task at a time per process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcof_site.settings")

app = Celery("mcof_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
