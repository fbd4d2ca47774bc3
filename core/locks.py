"""A lease in the database that periodic tasks take so that two runs never overlap.

It works the same on SQLite and PostgreSQL and across machines: the lease is claimed with a
conditional UPDATE (only if free or expired), so exactly one claimant wins.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import TaskLock

logger = logging.getLogger(__name__)


def lock_acquire(name: str, ttl: timedelta) -> str | None:
    """Take the lease ``name`` for ``ttl``; answer its token, or None when someone holds it."""
    now = timezone.now()
    token = secrets.token_hex(16)
    try:
        with transaction.atomic():
            TaskLock.objects.get_or_create(name=name)
    except IntegrityError:
        pass  # created by a concurrent claimant: fine, we race on the UPDATE below
    claimed = TaskLock.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now), name=name).update(
        token=token, locked_until=now + ttl
    )
    return token if claimed else None


def lock_release(name: str, token: str) -> None:
    TaskLock.objects.filter(name=name, token=token).update(token="", locked_until=None, last_finished_at=timezone.now())


@contextmanager
def task_lock(name: str, ttl: timedelta) -> Iterator[bool]:
    token = lock_acquire(name, ttl)
    try:
        yield token is not None
    finally:
        if token:
            lock_release(name, token)


def single_run(name: str | None = None, ttl: timedelta = timedelta(minutes=10)) -> Callable:
    """Decorate a periodic task body so that a second concurrent run returns at once."""

    def decorate(func: Callable) -> Callable:
        lock_name = name or f"{func.__module__}.{func.__name__}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with task_lock(lock_name, ttl) as acquired:
                if not acquired:
                    logger.info("%s is already running; skipped", lock_name)
                    return None
                return func(*args, **kwargs)

        return wrapper

    return decorate
