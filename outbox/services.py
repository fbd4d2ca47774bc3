"""Writes of the outbox: notification rows, webhook endpoints and resends.

The outbox follows docs/domain.md "Notifications": ``notifications_for_event`` runs inside the
transaction that recorded the domain event (core.events), so the notification rows commit or
roll back with the change; the delivery tasks are queued only after commit. Who is told is
``outbox.audiences``.
"""

from __future__ import annotations

import base64
import datetime
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.events import record_event
from core.models import DomainEvent
from crises.models import Crisis
from partners.models import Contact, Government, Partner

from .audiences import AUDIENCES, OBJECTS, Audience, event_audience
from .conf import conf
from .models import Notification, WebhookEndpoint

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

GOVERNMENT = Notification.RecipientType.GOVERNMENT
PARTNER = Notification.RecipientType.PARTNER
HQ = Notification.RecipientType.HQ
STAFF = Notification.RecipientType.STAFF

# Facts of an event payload that an e-mail may repeat: codes and states, never free text
# (a reason typed by a person may name someone) and never personal data.
EMAIL_FACTS = {
    "level",
    "previous_level",
    "direction",
    "from",
    "to",
    "kind",
    "priority",
    "due",
    "due_at",
    "number",
    "overdue",
    "phase",
    "crisis_type",
    "fields",
}


def generate_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


# --- Payloads ------------------------------------------------------------------------------
def thin_payload(event: DomainEvent, crisis: Crisis | None) -> dict:
    """The webhook body: event type, time, and a reference with its API link; no personal data."""
    family = event.type.split(".", 1)[0]
    object_name, resource = OBJECTS.get(family, (event.subject_type, event.subject_type))
    data: dict = {"object": object_name, "id": event.subject_id}
    if crisis is not None:
        data["crisis"] = crisis.code
        if family == "crisis":
            data["code"] = crisis.code
    data["api_url"] = f"{settings.SITE_URL}/api/v1/{resource}/{event.subject_id}/"
    return {
        "type": event.type,
        "timestamp": event.occurred_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }


def email_facts(event: DomainEvent, crisis: Crisis | None) -> dict:
    facts = {key: value for key, value in event.payload.items() if key in EMAIL_FACTS}
    if crisis is not None:
        facts["crisis_code"] = crisis.code
        facts["crisis_name"] = crisis.name
    if event.type.startswith("webhook."):
        facts["url"] = event.payload.get("url", "")
        facts["status_reason"] = event.payload.get("reason", "")
    return facts


# --- The outbox ----------------------------------------------------------------------------
def notifications_for_event(*, event: DomainEvent) -> list[Notification]:
    """Write one notification per destination of the event's audience, in the caller's
    transaction, and queue their delivery for after the commit."""
    if not AUDIENCES.get(event.type):
        return []
    crisis = Crisis.objects.filter(pk=event.crisis_id).first() if event.crisis_id else None
    audience = event_audience(event, crisis)
    if not audience:
        return []

    now = timezone.now()
    payload = thin_payload(event, crisis)
    facts = email_facts(event, crisis)
    is_webhook_event = event.type.startswith("webhook.")
    referral_id = event.subject_id if event.type.startswith("referral.") else None
    common = {
        "event": event,
        "event_type": event.type,
        "crisis": crisis,
        "office_id": event.office_id,
        "referral_id": referral_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "next_attempt_at": now,
        "queued_at": now,
    }
    rows: list[Notification] = []
    owners = Q(government_id__in=list(audience.governments)) | Q(partner_id__in=list(audience.partners))

    if not is_webhook_event and (audience.governments or audience.partners):
        for endpoint in WebhookEndpoint.objects.filter(owners, status=WebhookEndpoint.Status.ACTIVE):
            if not endpoint.accepts(event.type):
                continue
            rows.append(
                Notification(
                    channel=Notification.Channel.WEBHOOK,
                    recipient_type=GOVERNMENT if endpoint.government_id else PARTNER,
                    government_id=endpoint.government_id,
                    partner_id=endpoint.partner_id,
                    endpoint=endpoint,
                    reason=_reason_for(audience, endpoint),
                    payload=payload,
                    **common,
                )
            )
    if audience.governments or audience.partners:
        for contact in Contact.objects.filter(owners, is_active=True):
            rows.append(
                Notification(
                    channel=Notification.Channel.EMAIL,
                    recipient_type=GOVERNMENT if contact.government_id else PARTNER,
                    government_id=contact.government_id,
                    partner_id=contact.partner_id,
                    address=contact.email,
                    language=contact.language,
                    reason=_reason_for(audience, contact),
                    payload={**payload, "facts": facts},
                    **common,
                )
            )
    # Staff of the organisation by e-mail: HQ, then those named (a Chief of Mission, an office); the
    # person who made the change is not told of it.
    seen = {row.address for row in rows if row.address}
    internal: list[tuple[str, str, str, str]] = []
    if audience.hq:
        hq_users = User.objects.filter(role=User.Role.HQ, is_active=True).exclude(email="")
        if event.actor_id:
            hq_users = hq_users.exclude(pk=event.actor_id)
        internal += [
            (HQ, email, language, audience.hq) for email, language in hq_users.values_list("email", "language")
        ]
    if audience.staff:
        named = User.objects.filter(pk__in=list(audience.staff), is_active=True).exclude(email="")
        if event.actor_id:
            named = named.exclude(pk=event.actor_id)
        internal += [
            (STAFF, email, language, audience.staff[pk])
            for pk, email, language in named.order_by("pk").values_list("pk", "email", "language")
        ]
    for recipient_type, email, language, reason in internal:
        if email in seen:
            continue
        seen.add(email)
        rows.append(
            Notification(
                channel=Notification.Channel.EMAIL,
                recipient_type=recipient_type,
                address=email,
                language=language or settings.LANGUAGE_CODE,
                reason=reason,
                payload={**payload, "facts": facts},
                **common,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: queue_deliveries(ids), robust=True)
    return created


def _reason_for(audience: Audience, owner: Contact | WebhookEndpoint) -> str:
    if owner.government_id is not None:
        return audience.governments.get(owner.government_id, "")
    if owner.partner_id is not None:
        return audience.partners.get(owner.partner_id, "")
    return ""


def queue_deliveries(ids: list[int], *, countdown: float | None = None) -> int:
    """Hand the ids to the broker; stop at the first broker failure (the relay sends the rest)."""
    from mcof_site.celery import app

    from .tasks import deliver_notification

    queued = 0
    try:
        with app.producer_or_acquire() as producer:
            for pk in ids:
                deliver_notification.apply_async(
                    (pk,),
                    countdown=countdown,
                    producer=producer,
                    retry=True,
                    retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
                )
                queued += 1
    except Exception as exc:  # noqa: BLE001 - any broker failure: the relay re-sends from the outbox
        logger.warning("could not queue %d notification(s) (%s); the relay will send them", len(ids) - queued, exc)
    return queued


def notification_resend(*, notification: Notification, actor: User, request: HttpRequest | None = None) -> Notification:
    """HQ sends a notification again, with the same webhook-id, as a fresh round of attempts."""
    endpoint = notification.endpoint
    if notification.channel == Notification.Channel.WEBHOOK and (endpoint is None or not endpoint.is_active):
        raise ValidationError({"endpoint": [_("The webhook endpoint is not active; resume it first.")]})
    if notification.status == Notification.Status.SENDING:
        raise ValidationError({"status": [_("This notification is being sent right now.")]})
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            queued_at=now,
            claimed_until=None,
            claim_token="",
        )
        audit_record(actor=actor, action="update", obj=notification, request=request, reason="resend")
        transaction.on_commit(lambda: queue_deliveries([notification.pk]), robust=True)
    notification.refresh_from_db()
    return notification


# --- Webhook endpoints ---------------------------------------------------------------------
def _validate_owner(government: Government | None, partner: Partner | None) -> None:
    if bool(government) == bool(partner):
        raise ValidationError({"owner": [_("Choose either a government or a partner organisation.")]})


def _validate_event_types(event_types: list[str]) -> list[str]:
    cleaned = [str(t).strip() for t in event_types if str(t).strip()]
    families = ("crisis.", "level.", "referral.", "movement.", "sitrep.")
    for item in cleaned:
        if item != "*" and not item.startswith(families):
            raise ValidationError(
                {
                    "event_types": [
                        _("%(type)s is not a crisis, level, referral, movement or sitrep event type.") % {"type": item}
                    ]
                }
            )
    return cleaned


def webhook_endpoint_create(
    *,
    actor: User,
    url: str,
    government: Government | None = None,
    partner: Partner | None = None,
    event_types: list[str] | None = None,
    description: str = "",
    request: HttpRequest | None = None,
) -> WebhookEndpoint:
    _validate_owner(government, partner)
    endpoint = WebhookEndpoint(
        url=url,
        government=government,
        partner=partner,
        event_types=_validate_event_types(event_types or []),
        description=description,
        secret=generate_secret(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status_changed_at=timezone.now(),
    )
    endpoint.full_clean(exclude=["created_by"])
    with transaction.atomic():
        endpoint.save()
        audit_record(actor=actor, action="create", obj=endpoint, request=request, after=_snapshot(endpoint))
    return endpoint


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: User,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    request: HttpRequest | None = None,
) -> WebhookEndpoint:
    before = _snapshot(endpoint)
    if url is not None:
        endpoint.url = url
    if event_types is not None:
        endpoint.event_types = _validate_event_types(event_types)
    if description is not None:
        endpoint.description = description
    endpoint.full_clean(exclude=["created_by"])
    with transaction.atomic():
        endpoint.save()
        audit_record(
            actor=actor, action="update", obj=endpoint, request=request, before=before, after=_snapshot(endpoint)
        )
    return endpoint


def webhook_endpoint_set_status(
    *,
    endpoint: WebhookEndpoint,
    status: str,
    reason: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> WebhookEndpoint:
    """Pause, resume or disable an endpoint. When the system pauses or disables one (its last
    retry failed, or it answered 410 Gone) a ``webhook.paused``/``webhook.disabled`` event tells
    its owner's contacts and HQ."""
    before = _snapshot(endpoint)
    now = timezone.now()
    with transaction.atomic():
        changed = (
            WebhookEndpoint.objects.filter(pk=endpoint.pk)
            .exclude(status=status)
            .update(status=status, status_reason=reason[:300], status_changed_at=now, updated_at=now)
        )
        endpoint.refresh_from_db()
        if not changed:
            return endpoint
        audit_record(
            actor=actor, action="update", obj=endpoint, request=request, before=before, after=_snapshot(endpoint)
        )
        if actor is None and status in (WebhookEndpoint.Status.PAUSED, WebhookEndpoint.Status.DISABLED):
            record_event(
                "webhook.paused" if status == WebhookEndpoint.Status.PAUSED else "webhook.disabled",
                subject=endpoint,
                payload={"url": endpoint.url, "reason": reason[:300]},
            )
    return endpoint


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, actor: User, request: HttpRequest | None = None
) -> WebhookEndpoint:
    """A new secret; the old one keeps signing alongside it for the overlap, so the receiver can
    switch over without losing a message (Standard Webhooks: several signatures in the header)."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = timezone.now() + datetime.timedelta(
            hours=conf("NOTIFICATIONS_SECRET_OVERLAP_HOURS")
        )
        endpoint.secret = generate_secret()
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
        audit_record(actor=actor, action="update", obj=endpoint, request=request, reason="rotate secret")
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="delete", obj=endpoint, request=request, before=_snapshot(endpoint))
        endpoint.delete()


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "government": endpoint.government_id,
        "partner": endpoint.partner_id,
        "event_types": list(endpoint.event_types),
        "status": endpoint.status,
    }
