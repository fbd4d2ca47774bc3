"""Times of a movement shown in the zone of the place they belong to (stored in UTC)."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.filter
def local_time(value, zone: str) -> str:
    """``{{ movement.planned_departure|local_time:movement.origin_timezone }}``: the time as the place
    reads it, with its zone's abbreviation (Django's ``date`` filter would turn it back to UTC)."""
    if not value:
        return ""
    try:
        local = timezone.localtime(value, zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = value
    return dateformat.format(local, "Y-m-d H:i T")


@register.filter
def join_if_list(value):
    """A list of codes (special needs) as one cell."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return value
