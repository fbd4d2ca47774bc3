"""A worker survives the loss of its Redis broker while it holds unacknowledged messages.

The fault, with kombu 5.7.0 and celery 5.7.0 (the newest releases; the class of bug is
celery/celery#9054 and #8030, kombu PR #2007): when the connection to Redis breaks, the consumer
calls ``connection.collect()``. Closing the channel there fails part-way (reading the pending
BRPOP raises a connection error, swallowed), so the channel stays open, and ``collect()`` then sets
the transport's ``client`` to None. Celery next calls ``connection.close()``, which closes the same
channel again; closing it restores the unacknowledged messages (retries waiting on a countdown,
deliveries in flight), restoring needs a Redis client, and the channel builds its connection pool
from ``self.connection.client.hostname``: ``AttributeError: 'NoneType' object has no attribute
'hostname'``. That is not one of the connection errors Celery ignores while it reconnects, so it
logs "Unrecoverable error" and the worker exits, with nothing delivered until a person restarts
it. ``outbox/tests/test_worker_delivery.py`` reproduces it with the production worker.

The fix: a channel whose connection no longer has its client answers a *connection* error when it
is asked for a Redis connection, which is the truth (the connection is gone). Celery ignores that
error, as it does the ones before it, and reconnects. The messages that could not be restored stay
where Redis keeps them (its ``unacked`` hash, restored by the next consumer after the visibility
timeout) or, if Redis lost them, the outbox relay queues their rows again from the database
(docs/domain.md "Notifications").

The patch is checked against the installed versions: on any other kombu it refuses to start, so an
upgrade is a decision (re-run the fault test, then widen ``PATCHED_VERSIONS`` or drop this module).
"""

from __future__ import annotations

import functools

import kombu
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

PATCHED_VERSIONS = frozenset({"5.7.0"})
_MARK = "_mcof_no_client_is_a_connection_error"


class KombuChanged(RuntimeError):
    pass


def install() -> None:
    """Patch ``kombu.transport.redis.Channel._connparams``; idempotent."""
    if kombu.__version__ not in PATCHED_VERSIONS:
        raise KombuChanged(
            f"mcof_site.kombu_fix was written for kombu {sorted(PATCHED_VERSIONS)}, not {kombu.__version__}: "
            "run outbox/tests/test_worker_delivery.py::test_redis_killed_under_the_production_worker_loses_nothing "
            "without the patch, then update mcof_site/kombu_fix.py"
        )
    channel = kombu_redis.Channel
    original = channel._connparams
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection was closed; reconnecting (mcof_site.kombu_fix)")
        return original(self, asynchronous=asynchronous)

    setattr(_connparams, _MARK, True)
    channel._connparams = _connparams
