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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Q
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


def http_client() -> httpx.Client:
    """One pooled client per process (keep-alive to the same receivers), made after a fork."""
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        # TCP_NODELAY: headers and body go out in two writes; without it Nagle's algorithm and
        # the receiver's delayed ACK add ~40 ms to every request on a kept-alive connection.
        transport = pin_transport(httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]))
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


def send_email(notification: Notification) -> Outcome:
    started = time.monotonic()
    try:
        sent = email_message(notification).send()
    except Exception as exc:  # noqa: BLE001 - any mail backend failure is a failed attempt, retried later
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=_ms(started))
    if not sent:
        return Outcome(ok=False, error="the mail backend sent nothing", duration_ms=_ms(started))
    return Outcome(ok=True, duration_ms=_ms(started))


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


def notification_claim(notification_id: int) -> str | None:
    """Take the row for one delivery: answer a claim token, or None if it is not ours to send."""
    now = timezone.now()
    token = secrets.token_hex(8)
    with bookkeeping():
        claimed = (
            Notification.objects.filter(pk=notification_id)
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
    return token if claimed else None


def notification_deliver(notification_id: int) -> str:
    """Deliver one notification if it is due; answer what happened (for logs and tests)."""
    token = notification_claim(notification_id)
    if token is None:
        return "skipped"
    notification = Notification.objects.select_related("endpoint").get(pk=notification_id)
    if notification.channel == Notification.Channel.WEBHOOK:
        if not notification.endpoint.is_active:
            _finish(notification, token, status=Status.CANCELLED, error="endpoint not active")
            return "cancelled"
        outcome = send_webhook(notification)
    else:
        outcome = send_email(notification)
    return _record(notification, token, outcome)


def _finish(notification: Notification, token: str, *, status: str, error: str = "", **fields) -> bool:
    return bool(
        Notification.objects.filter(pk=notification.pk, claim_token=token).update(
            status=status, claim_token="", claimed_until=None, last_error=error[:500], **fields
        )
    )


def _record(notification: Notification, token: str, outcome: Outcome) -> str:
    now = timezone.now()
    attempt = notification.attempts
    with bookkeeping():
        DeliveryAttempt.objects.create(
            notification=notification,
            number=attempt,
            at=now,
            duration_ms=outcome.duration_ms,
            response_code=outcome.response_code,
            error=outcome.error[:500],
            succeeded=outcome.ok,
        )
        common = {"last_response_code": outcome.response_code}
        if outcome.ok:
            _finish(notification, token, status=Status.DELIVERED, delivered_at=now, **common)
            return "delivered"
        if outcome.gone:
            # 410 Gone: the receiver says the endpoint no longer exists (Standard Webhooks).
            if _finish(notification, token, status=Status.FAILED, error=outcome.error, **common):
                from .services import webhook_endpoint_set_status

                webhook_endpoint_set_status(
                    endpoint=notification.endpoint,
                    status=WebhookEndpoint.Status.DISABLED,
                    reason="HTTP 410 Gone",
                )
            return "gone"
        if attempt >= max_attempts():
            if (
                _finish(notification, token, status=Status.FAILED, error=outcome.error, **common)
                and notification.channel == Notification.Channel.WEBHOOK
            ):
                from .services import webhook_endpoint_set_status

                webhook_endpoint_set_status(
                    endpoint=notification.endpoint,
                    status=WebhookEndpoint.Status.PAUSED,
                    reason=f"{attempt} failed attempts, last: {outcome.error}",
                )
            return "failed"
        delay = retry_delay(attempt)
        next_at = now + timedelta(seconds=delay)
        by_countdown = delay <= conf("NOTIFICATIONS_COUNTDOWN_MAX_SECONDS")
        retried = _finish(
            notification,
            token,
            status=Status.PENDING,
            error=outcome.error,
            next_attempt_at=next_at,
            # A short wait rides on the broker (countdown); a long one waits for the periodic
            # retry, which queues rows whose queued_at is older than their next attempt.
            queued_at=next_at if by_countdown else now,
            **common,
        )
        if retried and by_countdown:
            from .services import queue_deliveries

            pk = notification.pk
            transaction.on_commit(lambda: queue_deliveries([pk], countdown=delay), robust=True)
        return "retry"


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
