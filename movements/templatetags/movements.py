"""Times of a movement shown in the zone of the place they belong to (stored in UTC)."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def in_zone(value, zone: str):
    """``{{ movement.planned_departure|in_zone:movement.origin_timezone|date:"Y-m-d H:i T" }}``"""
    if not value:
        return value
    try:
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return value


@register.filter
def join_if_list(value):
    """A list of codes (special needs) as one cell."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return value
