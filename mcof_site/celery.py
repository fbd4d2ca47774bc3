"""The Celery application: JSON only, acknowledged late, one task at a time per process."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready
from django.db import close_old_connections

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


# Each task is to a worker what a request is to the web server: before and after it, the database
# connection is given up if it is broken or older than CONN_MAX_AGE, and the first query of the
# task checks it is alive (CONN_HEALTH_CHECKS), as Django does around a request. Without this a
# connection that PostgreSQL dropped (a failover, a restart, pg_terminate_backend) stays in the
# worker's processes and every task there fails on it ("the connection is lost"): deliveries, the
# relay, the heartbeat, until Celery renews the connection CELERY_DB_REUSE_MAX tasks later or the
# watchdog restarts the worker for its missing heartbeats (docs/operations.md).
@task_prerun.connect
def _database_connection_checked_before_a_task(**kwargs) -> None:
    close_old_connections()


@task_postrun.connect
def _database_connection_released_if_broken_after_a_task(**kwargs) -> None:
    close_old_connections()
