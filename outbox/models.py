"""The outbox: webhook endpoints and subscriptions of the directory's organisations, one
notification row per event and destination, and every attempt at delivering it."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.countries import validate_iso3
from partners.models import Government, OwnedByOrganisation, Partner, one_owner

from .destinations import validate_webhook_url


class WebhookEndpoint(OwnedByOrganisation):
    """A URL of a government or partner system that receives signed events (Standard Webhooks)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        DISABLED = "disabled", _("Disabled (gone)")

    url = models.URLField(_("URL"), max_length=500, validators=[validate_webhook_url])
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100)
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    event_types = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        help_text=_("Event types or prefixes ending in a dot (referral.); empty means every event."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        constraints = [one_owner("webhook")]
        indexes = [
            models.Index(fields=["government", "status"], name="webhook_government_idx"),
            models.Index(fields=["partner", "status"], name="webhook_partner_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def accepts(self, event_type: str) -> bool:
        return not self.event_types or any(event_type_matches(p, event_type) for p in self.event_types)

    def signing_secrets(self, now: datetime.datetime) -> list[str]:
        """The current secret, and the previous one while the rotation overlap lasts."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets


def event_type_matches(pattern: str, event_type: str) -> bool:
    if pattern in ("*", ""):
        return True
    if pattern.endswith("."):
        return event_type.startswith(pattern)
    return pattern == event_type


class Subscription(OwnedByOrganisation):
    """A government or partner asks to be told of an event type, optionally for one country or crisis.

    Only HQ creates subscriptions: a subscription is HQ's decision to share that kind of event.
    Referral events still reach only the referral's own recipient (scoping always wins)."""

    event_type = models.CharField(
        _("event type"), max_length=64, help_text=_("An event type or a prefix ending in a dot (crisis.).")
    )
    country = models.CharField(_("country in crisis"), max_length=3, blank=True, validators=[validate_iso3])
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["event_type", "id"]
        constraints = [one_owner("subscription")]
        indexes = [models.Index(fields=["event_type", "is_active"], name="subscription_type_idx")]

    def __str__(self) -> str:
        return f"{self.owner} ← {self.event_type}"


class Notification(models.Model):
    """The outbox: one row per event and destination (a webhook endpoint or an e-mail address),
    written in the transaction of the change that caused it and delivered after commit.

    ``uid`` is the stable ``webhook-id``: every attempt and every resend carries the same one,
    so a receiver can drop repeats."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class RecipientType(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        PARTNER = "partner", _("Partner organisation")
        HQ = "hq", _("HQ")
        STAFF = "staff", _("Office staff")

    uid = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(
        "core.DomainEvent", verbose_name=_("event"), on_delete=models.CASCADE, related_name="notifications"
    )
    event_type = models.CharField(_("event type"), max_length=64)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient_type = models.CharField(_("recipient type"), max_length=12, choices=RecipientType.choices)
    government = models.ForeignKey(
        Government, verbose_name=_("government"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    reason = models.CharField(_("why this recipient"), max_length=64, blank=True)
    crisis = models.ForeignKey(
        "crises.Crisis", verbose_name=_("crisis"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referral_id = models.BigIntegerField(_("referral"), null=True, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=32)
    subject_id = models.BigIntegerField(_("subject id"))
    payload = models.JSONField(_("payload"), default=dict)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts in this round"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # When a delivery task was last queued for this row; the relay re-queues rows whose task
    # was queued long ago and never ran (a lost message).
    queued_at = models.DateTimeField(_("queued at"))
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                condition=models.Q(endpoint__isnull=False),
                name="notification_once_per_endpoint",
            ),
            models.UniqueConstraint(
                fields=["event", "address"],
                condition=models.Q(channel="email"),
                name="notification_once_per_address",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(channel="webhook", endpoint__isnull=False)
                    | models.Q(channel="email", endpoint__isnull=True) & ~models.Q(address="")
                ),
                name="notification_channel_destination",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["crisis", "-created_at", "-id"], name="notification_crisis_idx"),
            models.Index(fields=["referral_id", "-created_at", "-id"], name="notification_referral_idx"),
            models.Index(fields=["office", "-created_at", "-id"], name="notification_office_idx"),
            models.Index(fields=["government", "-created_at", "-id"], name="notification_government_idx"),
            models.Index(fields=["partner", "-created_at", "-id"], name="notification_partner_idx"),
            models.Index(fields=["-created_at", "-id"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.destination}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.uid.hex}"

    @property
    def destination(self) -> str:
        return self.endpoint.url if self.endpoint_id else self.address


class DeliveryAttempt(models.Model):
    """One try at delivering a notification: when, how long, the response code or the error."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="attempts_log"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["notification", "at"], name="attempt_notification_idx")]

    def __str__(self) -> str:
        return f"#{self.number} {self.response_code or self.error}"
