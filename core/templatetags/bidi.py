"""Figures, dates, codes and phone numbers kept in their own direction inside right-to-left text.

In an Arabic page a value such as ``2026-12-02 10:30`` or ``+20 10 1234 5678`` is made of runs of
digits separated by spaces, and the Unicode bidirectional algorithm lays those runs out from the
right: ``10:30 2026-12-02``. ``{{ value|bdi }}`` isolates the value in a ``<bdi>`` (its direction
taken from its own first letter, left to right when it has none); ``{{ value|bdi:"ltr" }}`` forces
left to right, for values that are never anything else (ISO dates, phone and document numbers).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter(is_safe=True)
def bdi(value: object, direction: str = "") -> SafeString | str:
    if value is None or value == "":
        return ""
    if direction == "ltr":
        return format_html('<bdi dir="ltr">{}</bdi>', value)
    return format_html("<bdi>{}</bdi>", value)
