"""Keyset pagination of the browser's lists: the next page starts after the last row shown, read
through an index in list order, so no page costs a COUNT or an OFFSET over a table that only grows
(the caseload, the delivery log). The API has DRF's cursor pagination for the same reason."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest


def _cursor_of(row, timestamp: str | None) -> str:
    if timestamp is None:
        return str(row.pk)
    return f"{getattr(row, timestamp).isoformat()}_{row.pk}"


def _after(queryset: QuerySet, cursor: str, timestamp: str | None) -> QuerySet:
    """The rows after the cursor in newest-first order; a cursor that does not parse starts over."""
    if timestamp is None:
        return queryset.filter(pk__lt=int(cursor)) if cursor.isdigit() else queryset
    moment, _sep, pk = cursor.rpartition("_")
    try:
        at = datetime.datetime.fromisoformat(moment)
    except ValueError:
        return queryset
    if not pk.isdigit() or at.tzinfo is None:
        return queryset
    return queryset.filter(Q(**{f"{timestamp}__lt": at}) | Q(**{timestamp: at, "pk__lt": int(pk)}))


def keyset_page(
    queryset: QuerySet, request: HttpRequest, *, size: int, timestamp: str | None = None, param: str = "after"
) -> tuple[list, str | None]:
    """A page of ``size`` rows, newest first: by primary key, or by ``timestamp`` then primary key
    (the order of an index such as ``(-created_at, -id)``); and the cursor of the next page, or None
    on the last one."""
    cursor = request.GET.get(param, "")
    if cursor:
        queryset = _after(queryset, cursor, timestamp)
    ordering = ["-pk"] if timestamp is None else [f"-{timestamp}", "-pk"]
    rows = list(queryset.order_by(*ordering)[: size + 1])
    next_cursor = _cursor_of(rows[size - 1], timestamp) if len(rows) > size else None
    return rows[:size], next_cursor
