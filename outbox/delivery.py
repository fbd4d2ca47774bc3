"""Delivery of outbox rows: claim, send (signed webhook or e-mail), record the attempt.

Every step is safe to repeat. A delivery first claims its row with a conditional UPDATE (only
a pending row that is due, or a row whose claim expired because its worker died), so two
copies of the same task never send at once; the outcome is written only by the claim holder.
A repeat after a crash carries the same ``webhook-id``, so receivers can drop it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .conf import conf
from .destinations import DestinationRefused, pin_transport, url_problem
from .models import DeliveryAttempt, Notification, WebhookEndpoint

logger = logging.getLogger(__name__)

Status = Notification.Status


@dataclass(frozen=True)
class Outcome:
    ok: bool
    response_code: int | None = None
    error: str = ""
    duration_ms: int = 0
    gone: bool = False


# --- Standard Webhooks signing -------------------------------------------------------------
def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body`` under the secret's key."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_request(notification: Notification, now_ts: int | None = None) -> tuple[dict, bytes]:
    """Headers and body of a webhook delivery; one signature per valid secret (rotation overlap)."""
    body = json.dumps(notification.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = now_ts if now_ts is not None else int(time.time())
    msg_id = notification.webhook_id
    signatures = [
        sign(secret, msg_id, timestamp, body) for secret in notification.endpoint.signing_secrets(timezone.now())
    ]
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
    return headers, body


_client: httpx.Client | None = None
_client_pid: int | None = None
_client_lock = threading.Lock()


def http_client() -> httpx.Client:
    """One pooled client per process, made after a fork and shared by its threads: it keeps its
    connections to each receiver alive from one delivery and one batch to the next."""
    global _client, _client_pid
    with _client_lock:
        if _client is None or _client_pid != os.getpid():
            # TCP_NODELAY: headers and body go out in two writes; without it Nagle's algorithm and
            # the receiver's delayed ACK add ~40 ms to every request on a kept-alive connection.
            # No cap on connections: a request never waits for a free one, so it takes at most its
            # own timeouts (send_budget); the batches' threads keep theirs alive (send_webhooks),
            # at most one per thread sending at once. No cap on the idle ones kept either: httpcore
            # 1.0.9 closes "surplus" idle connections counting the busy ones too, and may close one
            # it has just handed to another thread's request (encode/httpcore#1110: "Bad file
            # descriptor" mid-request, seen here once in 60,000 deliveries with a cap of 100).
            transport = pin_transport(
                httpx.HTTPTransport(
                    socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                    limits=httpx.Limits(max_connections=None, max_keepalive_connections=None, keepalive_expiry=30),
                )
            )
            _client = httpx.Client(
                transport=transport,
                timeout=conf("NOTIFICATIONS_HTTP_TIMEOUT"),
                follow_redirects=False,
                headers={"user-agent": "MCOF-Notifications/1.0"},
            )
            _client_pid = os.getpid()
        return _client


def send_webhook(notification: Notification) -> Outcome:
    # Checked at every delivery: what the URL says here, and the address the host name resolves to
    # when the client connects, in PinnedBackend (outbox.destinations), to that same address.
    refused = url_problem(notification.endpoint.url, resolve=False)
    if refused:
        return Outcome(ok=False, error=_("Not sent: %(reason)s") % {"reason": refused}, duration_ms=0)
    headers, body = webhook_request(notification)
    started = time.monotonic()
    try:
        response = http_client().post(notification.endpoint.url, content=body, headers=headers)
    except DestinationRefused as exc:
        return Outcome(ok=False, error=_("Not sent: %(reason)s") % {"reason": exc}, duration_ms=_ms(started))
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=_ms(started))
    duration = _ms(started)
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(ok=True, response_code=code, duration_ms=duration)
    return Outcome(ok=False, response_code=code, error=f"HTTP {code}", duration_ms=duration, gone=code == 410)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


# --- E-mail --------------------------------------------------------------------------------
def app_link(notification: Notification) -> str:
    """Where in the application the recipient acts on the event."""
    family = notification.event_type.split(".", 1)[0]
    pk = notification.subject_id
    if family == "referral":
        path = reverse("caseload:referral_detail", args=(pk,))
    elif family == "sitrep":
        path = reverse("sitreps:detail", args=(pk,))
    elif family == "webhook":
        path = reverse("outbox:webhook_detail", args=(pk,))
    elif notification.crisis_id and notification.recipient_type in (
        Notification.RecipientType.HQ,
        Notification.RecipientType.STAFF,
    ):
        path = reverse("crises:detail", args=(notification.crisis_id,))
    else:
        path = "/"
    return f"{settings.SITE_URL}{path}"


def email_message(notification: Notification) -> EmailMessage:
    """The e-mail, in the recipient's language; it names the object and links to the application."""
    facts = notification.payload.get("facts", {})
    context = {
        "event_type": notification.event_type,
        "family": notification.event_type.split(".", 1)[0],
        "facts": facts,
        "data": notification.payload.get("data", {}),
        "link": app_link(notification),
        "recipient_type": notification.recipient_type,
    }
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("outbox/email/subject.txt", context).split())
        body = render_to_string("outbox/email/body.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[notification.address],
        headers={"X-MCOF-Notification": notification.webhook_id},
    )


def send_email(notification: Notification, connection) -> Outcome:
    """Send one e-mail on ``connection``, a mail backend open for the batch (send_emails)."""
    started = time.monotonic()
    try:
        sent = connection.send_messages([email_message(notification)])
    except Exception as exc:  # noqa: BLE001 - any mail backend failure is a failed attempt, retried later
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=_ms(started))
    if not sent:
        return Outcome(ok=False, error="the mail backend sent nothing", duration_ms=_ms(started))
    return Outcome(ok=True, duration_ms=_ms(started))


# --- Sending a batch -----------------------------------------------------------------------
# A batch's claim (its lease, NOTIFICATIONS_LEASE_SECONDS) must outlast its sending, or the relay
# frees the rows and a second worker sends them again while the first is still at it. So a batch
# starts no message later than its send budget (send_budget: half the lease, 30 s) after its
# claim, and the message then in flight ends within its own timeouts (a webhook: connect, write
# and read, each at most NOTIFICATIONS_HTTP_TIMEOUT, 3 x 10 s; an e-mail: the SMTP timeout, 20 s),
# before the lease runs out. A message not started in time is a failed attempt ("not sent") and
# follows the retry rules like any other. Within the budget, the webhooks of a batch go out
# NOTIFICATIONS_SEND_THREADS at a time on the process's kept-alive client; its e-mails one after
# the other on one SMTP connection. Sent one after the other with no budget, a batch of 50 webhooks
# to a receiver that times out would take 50 x 10 s, far past the lease.
def send_budget() -> float:
    """Seconds after its claim within which a batch may start sending a message."""
    budget = conf("NOTIFICATIONS_BATCH_SEND_SECONDS")
    if budget is not None:
        return float(budget)
    lease = float(conf("NOTIFICATIONS_LEASE_SECONDS"))
    room = lease - 3 * float(conf("NOTIFICATIONS_HTTP_TIMEOUT"))
    # A lease shorter than three timeouts (a test's) cannot cover the worst case at all: half of it.
    return min(lease / 2, room) if room > 0 else lease / 2


def _not_in_time() -> Outcome:
    return Outcome(ok=False, error=_("Not sent: %(reason)s") % {"reason": _("the batch ran out of time")})


def send_webhooks(notifications: list[Notification], *, started: float) -> dict[int, Outcome]:
    """The outcome of each webhook delivery of the batch, several at once."""
    deadline = started + send_budget()

    def send(notification: Notification) -> Outcome:
        if time.monotonic() > deadline:
            return _not_in_time()
        return _send_webhook_of_batch(notification)

    threads = min(len(notifications), conf("NOTIFICATIONS_SEND_THREADS"))
    if threads <= 1:
        return {n.pk: send(n) for n in notifications}
    http_client()  # made once, before the threads share it
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook") as pool:
        return dict(zip((n.pk for n in notifications), pool.map(send, notifications), strict=True))


def _send_webhook_of_batch(notification: Notification) -> Outcome:
    """``send_webhook``; an error it did not expect is this row's failed attempt, not the batch's."""
    try:
        return send_webhook(notification)
    except Exception as exc:  # noqa: BLE001 - logged, recorded and retried like any failed attempt
        logger.exception("webhook delivery of notification %s failed", notification.pk)
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])


def send_emails(notifications: list[Notification], *, started: float) -> dict[int, Outcome]:
    """The outcome of each e-mail of the batch, sent on one connection to the mail server."""
    if not notifications:
        return {}
    deadline = started + send_budget()
    try:
        connection = mailers.default
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server is unreachable: every message failed
        error = f"{type(exc).__name__}: {exc}"[:500]
        return {n.pk: Outcome(ok=False, error=error) for n in notifications}
    outcomes: dict[int, Outcome] = {}
    try:
        for notification in notifications:
            if time.monotonic() > deadline:
                outcomes[notification.pk] = _not_in_time()
            else:
                outcomes[notification.pk] = send_email(notification, connection)
    finally:
        with suppress(Exception):
            connection.close()
    return outcomes


# --- Claim, deliver, record ----------------------------------------------------------------
@contextmanager
def bookkeeping() -> Iterator[None]:
    """A transaction for delivery bookkeeping (claims, outcomes), committed without waiting for
    the disk on PostgreSQL. Safe because every step is idempotent: if a crash loses the last
    few such commits, the rows fall back to pending and are sent again under the same
    webhook-id. The outbox rows themselves commit durably with the change that made them."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def retry_delay(attempt: int) -> float:
    """Seconds before the attempt after ``attempt`` (1-based), jittered; None-safe at the end."""
    delays = conf("NOTIFICATIONS_RETRY_DELAYS")
    base = float(delays[min(attempt, len(delays)) - 1])
    jitter = float(conf("NOTIFICATIONS_RETRY_JITTER"))
    return max(0.0, base * random.uniform(1 - jitter, 1 + jitter))


def max_attempts() -> int:
    return len(conf("NOTIFICATIONS_RETRY_DELAYS")) + 1


def notifications_claim(notification_ids: list[int]) -> tuple[str, list[Notification]]:
    """Take the rows of one delivery batch: answer the batch's claim token and the rows that are
    ours to send (pending and due, or claimed by a dead worker), with their endpoints."""
    now = timezone.now()
    token = secrets.token_hex(8)
    with bookkeeping():
        claimed = (
            Notification.objects.filter(pk__in=notification_ids)
            .filter(
                Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, claimed_until__lt=now)
            )
            .update(
                status=Status.SENDING,
                claim_token=token,
                claimed_until=now + timedelta(seconds=conf("NOTIFICATIONS_LEASE_SECONDS")),
                attempts=F("attempts") + 1,
            )
        )
    if not claimed:
        return token, []
    rows = Notification.objects.select_related("endpoint").filter(pk__in=notification_ids, claim_token=token)
    return token, list(rows.order_by("id"))


def notifications_deliver(notification_ids: list[int]) -> dict[int, str]:
    """Deliver the notifications of a batch that are due; answer what happened to each id
    ("skipped" when it was not ours to send), for logs and tests."""
    results = dict.fromkeys(notification_ids, "skipped")
    started = time.monotonic()
    token, rows = notifications_claim(notification_ids)
    if not rows:
        return results
    # A webhook whose endpoint is no longer active is not sent: no outcome, and _decide cancels it.
    webhooks = [n for n in rows if n.channel == Notification.Channel.WEBHOOK and n.endpoint.is_active]
    emails = [n for n in rows if n.channel != Notification.Channel.WEBHOOK]
    outcomes = {**send_webhooks(webhooks, started=started), **send_emails(emails, started=started)}
    results.update(_record(rows, token, outcomes))
    return results


def notification_deliver(notification_id: int) -> str:
    """Deliver one notification if it is due: a batch of one."""
    return notifications_deliver([notification_id])[notification_id]


@dataclass
class _Decision:
    """What one outcome does to its row: the result, the row's new fields and what follows."""

    result: str
    fields: dict
    endpoint_status: str = ""  # the endpoint is paused or disabled, if the row was still ours
    endpoint_reason: str = ""
    retry_in: float | None = None  # seconds: the retry rides on the broker (countdown)


def _decide(notification: Notification, outcome: Outcome | None, now) -> _Decision:
    """The rules of an outcome, for one row (None: not sent, its endpoint is not active)."""
    done = {"claim_token": "", "claimed_until": None}
    if outcome is None:
        return _Decision("cancelled", {**done, "status": Status.CANCELLED, "last_error": "endpoint not active"})
    done["last_response_code"] = outcome.response_code
    error = outcome.error[:500]
    if outcome.ok:
        return _Decision("delivered", {**done, "status": Status.DELIVERED, "delivered_at": now, "last_error": ""})
    failed = {**done, "status": Status.FAILED, "last_error": error}
    if outcome.gone:
        # 410 Gone: the receiver says the endpoint no longer exists (Standard Webhooks).
        return _Decision("gone", failed, WebhookEndpoint.Status.DISABLED, "HTTP 410 Gone")
    attempt = notification.attempts
    if attempt >= max_attempts():
        if notification.channel != Notification.Channel.WEBHOOK:
            return _Decision("failed", failed)
        reason = f"{attempt} failed attempts, last: {outcome.error}"
        return _Decision("failed", failed, WebhookEndpoint.Status.PAUSED, reason)
    delay = retry_delay(attempt)
    next_at = now + timedelta(seconds=delay)
    by_countdown = delay <= conf("NOTIFICATIONS_COUNTDOWN_MAX_SECONDS")
    fields = {
        **done,
        "status": Status.PENDING,
        "last_error": error,
        "next_attempt_at": next_at,
        # A short wait rides on the broker (countdown); a long one waits for the periodic
        # retry, which queues rows whose queued_at is older than their next attempt.
        "queued_at": next_at if by_countdown else now,
    }
    return _Decision("retry", fields, retry_in=delay if by_countdown else None)


def _update_rows(token: str, changes: dict[int, dict]) -> None:
    """One UPDATE for rows of one outcome, each given its own values where they differ; only
    rows that still carry the batch's claim token are written."""
    names = {name for fields in changes.values() for name in fields}
    values: dict = {}
    for name in sorted(names):
        distinct = {repr(fields[name]) for fields in changes.values()}
        if len(distinct) == 1:
            values[name] = next(iter(changes.values()))[name]
        else:
            field = Notification._meta.get_field(name)
            values[name] = Case(
                *(When(pk=pk, then=Value(fields[name], output_field=field)) for pk, fields in changes.items()),
                output_field=field,
            )
    Notification.objects.filter(pk__in=list(changes), claim_token=token).update(**values)


def _record(rows: list[Notification], token: str, outcomes: dict[int, Outcome]) -> dict[int, str]:
    """Write the outcome of each row of a batch: one attempt per row sent, the rows' new states
    (one UPDATE per kind of outcome), and what follows (an endpoint paused or disabled, retries
    queued). Rows whose claim was lost meanwhile (the relay freed them) are not written."""
    from .services import queue_deliveries, webhook_endpoint_set_status

    now = timezone.now()
    decisions = {n.pk: _decide(n, outcomes.get(n.pk), now) for n in rows}
    with bookkeeping():
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                notification=n,
                number=n.attempts,
                at=now,
                duration_ms=outcome.duration_ms,
                response_code=outcome.response_code,
                error=outcome.error[:500],
                succeeded=outcome.ok,
            )
            for n in rows
            if (outcome := outcomes.get(n.pk)) is not None
        )
        # The rows still ours, locked until the commit: exactly those the UPDATEs below write.
        ours = set(
            Notification.objects.select_for_update()
            .filter(pk__in=[n.pk for n in rows], claim_token=token)
            .values_list("pk", flat=True)
        )
        by_result: dict[str, dict[int, dict]] = {}
        for pk, decision in decisions.items():
            if pk in ours:
                by_result.setdefault(decision.result, {})[pk] = decision.fields
        for changes in by_result.values():
            _update_rows(token, changes)
        told: set[tuple[int, str]] = set()
        for n in rows:
            decision = decisions[n.pk]
            if n.pk not in ours:
                continue
            if decision.endpoint_status and (n.endpoint_id, decision.endpoint_status) not in told:
                told.add((n.endpoint_id, decision.endpoint_status))
                webhook_endpoint_set_status(
                    endpoint=n.endpoint, status=decision.endpoint_status, reason=decision.endpoint_reason
                )
            if decision.retry_in is not None:
                transaction.on_commit(
                    lambda pk=n.pk, delay=decision.retry_in: queue_deliveries([pk], countdown=delay), robust=True
                )
    return {pk: decision.result for pk, decision in decisions.items()}


# --- Relay and retry -----------------------------------------------------------------------
def _claim_batch(condition: Q, batch: int, *, release: bool) -> list[int]:
    """Mark a batch of rows as queued now and answer their ids. On PostgreSQL the rows are taken
    with ``FOR UPDATE SKIP LOCKED`` so a delivery that holds one right now is skipped, not
    waited for; SQLite has one writer at a time, so a plain claim is enough there."""
    now = timezone.now()
    with transaction.atomic():
        rows = Notification.objects.filter(condition).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("id", flat=True)[:batch])
        if ids:
            changes: dict = {"queued_at": now}
            if release:
                # A dead worker's claim: free the row so the next delivery can claim it.
                changes.update(status=Status.PENDING, claim_token="", claimed_until=None, next_attempt_at=now)
            Notification.objects.filter(pk__in=ids).update(**changes)
    return ids


def notifications_relay() -> int:
    """Re-send what a lost message or a dead worker left: due rows whose task was queued more than
    the grace period ago and never ran, and claimed rows whose lease expired."""
    from .services import queue_deliveries

    now = timezone.now()
    grace = now - timedelta(seconds=conf("NOTIFICATIONS_RELAY_GRACE_SECONDS"))
    batch = conf("NOTIFICATIONS_RELAY_BATCH")
    total = 0
    for condition, release in (
        (Q(status=Status.SENDING, claimed_until__lt=now), True),
        (Q(status=Status.PENDING, next_attempt_at__lte=grace, queued_at__lte=grace), False),
    ):
        while True:
            ids = _claim_batch(condition, batch, release=release)
            if ids:
                queue_deliveries(ids)
                total += len(ids)
            if len(ids) < batch:
                break
    if total:
        logger.info("relay re-queued %d notification(s)", total)
    return total


def notifications_retry_due() -> int:
    """Queue the retries whose wait was too long for the broker and is now over."""
    from .services import queue_deliveries

    batch = conf("NOTIFICATIONS_RELAY_BATCH")
    condition = Q(status=Status.PENDING, next_attempt_at__lte=timezone.now(), queued_at__lt=F("next_attempt_at"))
    total = 0
    while True:
        ids = _claim_batch(condition, batch, release=False)
        if ids:
            queue_deliveries(ids)
            total += len(ids)
        if len(ids) < batch:
            return total
