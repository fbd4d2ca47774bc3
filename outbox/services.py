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

from .audiences import AUDIENCES, OBJECTS, Audience, event_audience, events_audiences
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
    owners = Q(government_id__in=list(audience.governments)) | Q(partner_id__in=list(audience.partners))
    outside = bool(audience.governments or audience.partners)
    rows = _notification_rows(
        event,
        crisis,
        audience,
        now=timezone.now(),
        endpoints=(
            list(WebhookEndpoint.objects.filter(owners, status=WebhookEndpoint.Status.ACTIVE))
            if outside and not event.type.startswith("webhook.")
            else []
        ),
        contacts=list(Contact.objects.filter(owners, is_active=True)) if outside else [],
        hq_users=_hq_users() if audience.hq else [],
        named_users=_named_users(audience.staff) if audience.staff else [],
    )
    return _write(rows)


def notifications_for_events(events: list[DomainEvent]) -> list[Notification]:
    """``notifications_for_event`` for each of ``events`` (a batch from ``core.events.record_events``):
    the same notifications, each with its own webhook-id, with the audiences resolved once per rule,
    recipient and crisis and the endpoints, contacts and staff read once for the batch; one INSERT."""
    told = [event for event in events if AUDIENCES.get(event.type)]
    if not told:
        return []
    crisis_ids = {event.crisis_id for event in told if event.crisis_id}
    crises = Crisis.objects.in_bulk(crisis_ids) if crisis_ids else {}
    audiences = events_audiences(told, crises)
    pairs = [(event, audience) for event, audience in zip(told, audiences, strict=True) if audience]
    if not pairs:
        return []
    governments = {pk for _event, audience in pairs for pk in audience.governments}
    partners = {pk for _event, audience in pairs for pk in audience.partners}
    owners = Q(government_id__in=list(governments)) | Q(partner_id__in=list(partners))
    outside = bool(governments or partners)
    hooked = any(not event.type.startswith("webhook.") and not audience.is_internal for event, audience in pairs)
    endpoints = list(WebhookEndpoint.objects.filter(owners, status=WebhookEndpoint.Status.ACTIVE)) if hooked else []
    contacts = list(Contact.objects.filter(owners, is_active=True)) if outside else []
    hq_users = _hq_users() if any(audience.hq for _event, audience in pairs) else []
    staff = {pk: reason for _event, audience in pairs for pk, reason in audience.staff.items()}
    named_users = _named_users(staff) if staff else []
    now = timezone.now()
    rows: list[Notification] = []
    for event, audience in pairs:
        rows += _notification_rows(
            event,
            crises.get(event.crisis_id) if event.crisis_id else None,
            audience,
            now=now,
            endpoints=endpoints if not event.type.startswith("webhook.") else [],
            contacts=contacts,
            hq_users=hq_users,
            named_users=named_users,
        )
    return _write(rows)


# (user id, e-mail, language) of the organisation's staff who may be told by e-mail.
StaffRow = tuple[int, str, str]


def _hq_users() -> list[StaffRow]:
    return list(
        User.objects.filter(role=User.Role.HQ, is_active=True).exclude(email="").values_list("pk", "email", "language")
    )


def _named_users(staff: dict[int, str]) -> list[StaffRow]:
    return list(
        User.objects.filter(pk__in=list(staff), is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email", "language")
    )


def _owned_by(audience: Audience, owner: Contact | WebhookEndpoint) -> bool:
    if owner.government_id is not None:
        return owner.government_id in audience.governments
    return owner.partner_id is not None and owner.partner_id in audience.partners


def _notification_rows(
    event: DomainEvent,
    crisis: Crisis | None,
    audience: Audience,
    *,
    now: datetime.datetime,
    endpoints: list[WebhookEndpoint],
    contacts: list[Contact],
    hq_users: list[StaffRow],
    named_users: list[StaffRow],
) -> list[Notification]:
    """The unsaved notifications of one event: ``endpoints`` and ``contacts`` are the active ones of
    (at least) the audience's organisations, ``hq_users`` and ``named_users`` the staff who may be
    told by e-mail (at least the audience's); those outside this audience are skipped here."""
    payload = thin_payload(event, crisis)
    facts = email_facts(event, crisis)
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
    if not event.type.startswith("webhook.") and (audience.governments or audience.partners):
        for endpoint in endpoints:
            if not _owned_by(audience, endpoint) or not endpoint.accepts(event.type):
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
        for contact in contacts:
            if not _owned_by(audience, contact):
                continue
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
        internal += [(HQ, email, language, audience.hq) for pk, email, language in hq_users if pk != event.actor_id]
    if audience.staff:
        internal += [
            (STAFF, email, language, audience.staff[pk])
            for pk, email, language in named_users
            if pk in audience.staff and pk != event.actor_id
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
    return rows


def _write(rows: list[Notification]) -> list[Notification]:
    """Save the notifications in one INSERT and queue their delivery for after the commit."""
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows, batch_size=1000)
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
    """Hand the ids to the broker, one task per batch of up to NOTIFICATIONS_BATCH_SIZE; stop at
    the first broker failure (the relay sends the rest). Answers the ids queued."""
    from mcof_site.celery import app

    from .tasks import deliver_notifications

    size = conf("NOTIFICATIONS_BATCH_SIZE")
    queued = 0
    try:
        with app.producer_or_acquire() as producer:
            for start in range(0, len(ids), size):
                batch = list(ids[start : start + size])
                deliver_notifications.apply_async(
                    (batch,),
                    countdown=countdown,
                    producer=producer,
                    retry=True,
                    retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
                )
                queued += len(batch)
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
