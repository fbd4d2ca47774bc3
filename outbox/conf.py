"""Tunables of notification delivery, each overridable by a Django setting of the same name."""

from __future__ import annotations

from django.conf import settings

# Seconds to wait after attempt n (1-based) before attempt n + 1: about exponential, 10 tries
# spread over about three days (30 s, 2 min, 10 min, 30 min, 1.5 h, 4 h, 8 h, 16 h, 40 h),
# as the Standard Webhooks guidance recommends. Each wait is jittered so retries spread out.
DEFAULTS: dict = {
    "NOTIFICATIONS_RETRY_DELAYS": [30, 120, 600, 1800, 5400, 14400, 28800, 57600, 144000],
    "NOTIFICATIONS_RETRY_JITTER": 0.2,  # each wait is multiplied by a random factor in 1 +/- this
    "NOTIFICATIONS_HTTP_TIMEOUT": 10.0,  # seconds for a webhook POST (connect, read, write)
    # A claim older than the lease is a dead worker's, and a queued task not run after the grace is a
    # lost message: the relay (every 30 s) frees or re-sends them, so what a killed worker held is on
    # its way again within about 90 s. A batch starts no message after half the lease
    # (outbox.delivery.send_budget), so no live batch outlasts it.
    "NOTIFICATIONS_LEASE_SECONDS": 60,
    "NOTIFICATIONS_RELAY_GRACE_SECONDS": 60,
    "NOTIFICATIONS_RELAY_BATCH": 500,
    # Ids per delivery task: a task claims, sends and records its batch together (outbox.delivery).
    "NOTIFICATIONS_BATCH_SIZE": 50,
    # Webhooks of a batch sent at once, each thread one after the other on its kept-alive connection.
    "NOTIFICATIONS_SEND_THREADS": 8,
    # No message of a batch is started later than this after its claim, so that the one then in
    # flight ends within the lease; None: half the lease, less if 3 HTTP timeouts need more
    # (outbox.delivery.send_budget).
    "NOTIFICATIONS_BATCH_SEND_SECONDS": None,
    "NOTIFICATIONS_COUNTDOWN_MAX_SECONDS": 600,  # longer waits go to the periodic retry, not the broker
    "NOTIFICATIONS_SECRET_OVERLAP_HOURS": 24,  # both signatures are sent this long after a rotation
}


def conf(name: str):
    return getattr(settings, name, DEFAULTS[name])
