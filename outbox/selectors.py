"""Reads of the outbox, scoped to the user; with ``outbox.audiences``, what other apps may import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Notification, WebhookEndpoint

if TYPE_CHECKING:
    from accounts.models import User


def webhook_endpoints_visible_to(user: User) -> QuerySet[WebhookEndpoint]:
    """HQ manages every endpoint; a liaison sees its own organisation's endpoints."""
    if not user.is_authenticated or not user.is_active:
        return WebhookEndpoint.objects.none()
    endpoints = WebhookEndpoint.objects.select_related("government", "partner")
    if user.is_hq:
        return endpoints
    if user.is_government_liaison and user.government_id is not None:
        return endpoints.filter(government_id=user.government_id)
    if user.is_partner_liaison and user.partner_id is not None:
        return endpoints.filter(partner_id=user.partner_id)
    return WebhookEndpoint.objects.none()


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """The delivery log (docs/domain.md "Notifications"): HQ sees every notification; office staff those
    of their office's crises and referrals; a liaison those addressed to its organisation."""
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    if user.is_hq:
        return Notification.objects.all()
    if user.is_office_staff and user.office_ids:
        return Notification.objects.filter(office_id__in=user.office_ids)
    if user.is_government_liaison and user.government_id is not None:
        return Notification.objects.filter(recipient_type="government", government_id=user.government_id)
    if user.is_partner_liaison and user.partner_id is not None:
        return Notification.objects.filter(recipient_type="partner", partner_id=user.partner_id)
    return Notification.objects.none()
