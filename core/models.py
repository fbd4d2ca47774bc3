"""Cross-cutting records: domain events, the audit trail and periodic-task locks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DomainEvent(models.Model):
    """Something that happened in the domain, recorded in the transaction that caused it.

    Subscribers (``core.events.subscribe``) run in that same transaction, so whatever they
    write (an outbox row, a sector plan) commits or rolls back with the change itself.
    """

    type = models.CharField(_("type"), max_length=64)
    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_type = models.CharField(_("subject type"), max_length=32)
    subject_id = models.BigIntegerField(_("subject id"))
    crisis_id = models.BigIntegerField(_("crisis"), null=True, blank=True)
    office_id = models.BigIntegerField(_("office"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-occurred_at"], name="event_subject_idx"),
            models.Index(fields=["crisis_id", "-occurred_at"], name="event_crisis_idx"),
            models.Index(fields=["type", "-occurred_at"], name="event_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_type}#{self.subject_id}"


class AuditEntry(models.Model):
    """One write, or one read of a sensitive record: who, what, when, from where, before and after.

    Append-only: on PostgreSQL a trigger refuses every UPDATE and DELETE (migration 0002), so not
    even the application can rewrite the trail; accounts that acted are deactivated, never deleted.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        READ = "read", _("read")
        EXPORT = "export", _("export")
        OVERRIDE = "override", _("override")
        LOGIN = "login", _("login")

    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class TaskLock(models.Model):
    """A named lease that a periodic task holds so that two runs never overlap."""

    name = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=64, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task lock")
        verbose_name_plural = _("task locks")

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key`` header (core.idempotency): a
    replay of the same request with the same key gets it again and changes nothing. Kept 24 hours."""

    owner = models.CharField(_("owner"), max_length=80)  # "user:<id>" or a digest of the API token
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)  # of the method, path and body
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    location = models.CharField(_("location"), max_length=2000, blank=True)
    body = models.BinaryField(_("body"), default=b"", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
