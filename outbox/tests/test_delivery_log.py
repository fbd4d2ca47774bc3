"""The delivery log pages newest first by keyset: every notification once, in order, ties on the
creation time broken by id, a cursor that does not parse starts over, and no COUNT of the outbox."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox.models import Notification
from outbox.views import PAGE_SIZE

from . import events
from .test_views_api import egypt_hook, libya  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_the_log_pages_through_every_notification_once_without_counting(
    users,
    client_for,
    demo,
    libya,  # noqa: F811
    egypt_hook,  # noqa: F811
):
    for _ in range(PAGE_SIZE + 15):
        events.referral_sent(libya, government=demo["governments"]["EGY"])
    # A burst written in the same instant: the id orders them.
    same_moment = timezone.now()
    burst = list(Notification.objects.order_by("id").values_list("pk", flat=True)[10:40])
    Notification.objects.filter(pk__in=burst).update(created_at=same_moment)
    expected = list(Notification.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert len(expected) > 2 * PAGE_SIZE or len(expected) > PAGE_SIZE

    client = client_for(users["hq"])
    seen: list[int] = []
    url = "/partners/notifications/"
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
        html = response.content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/partners/notifications/(\d+)/"', html)]
        older = re.search(r'href="\?([^"]*after=[^"]+)">Older<', html)
        url = "/partners/notifications/?" + older.group(1).replace("&amp;", "&") if older else None
        pages += 1
        if pages > 1:
            assert "Newest" in html
    assert seen == expected
    assert pages == -(-len(expected) // PAGE_SIZE)


def test_a_cursor_that_does_not_parse_shows_the_first_page(users, client_for, demo, libya, egypt_hook):  # noqa: F811
    events.referral_sent(libya, government=demo["governments"]["EGY"])
    client = client_for(users["hq"])
    first = client.get("/partners/notifications/").content.decode()
    for cursor in ("nonsense", "2026-13-40T00:00:00_5", "2026-11-27T00:00:00_x", "2026-11-27T00:00:00_5"):
        response = client.get("/partners/notifications/", {"after": cursor})
        assert response.status_code == 200, cursor
        rows = re.findall(r'href="/partners/notifications/(\d+)/"', response.content.decode())
        assert rows == re.findall(r'href="/partners/notifications/(\d+)/"', first), cursor
