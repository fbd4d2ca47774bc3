"""The outbox's tables moved out of the directory app without losing a row, and back again.

On a database with the demo loaded (and an endpoint and a delivery attempt, which the demo does not
make), every row of every moved table is compared, column by column, after migrating back to
before the move, forward, back and forward again (Django's MigrationExecutor)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from outbox.delivery import notification_deliver
from outbox.models import DeliveryAttempt, Notification, Subscription, WebhookEndpoint
from partners.models import Government

from .factories import WebhookEndpointFactory

BEFORE = [("partners", "0003_webhook_url_public")]
AFTER = [("partners", "0004_outbox_moves_to_its_own_app"), ("outbox", "0001_initial")]
MOVED = ["webhookendpoint", "subscription", "notification", "deliveryattempt"]


def _rows(prefix: str) -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        rows = {}
        for model in MOVED:
            cursor.execute(f'SELECT * FROM "{prefix}_{model}" ORDER BY id')  # noqa: S608 - our own names
            rows[model] = cursor.fetchall()
        return rows


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _content_types(app_label: str) -> dict[str, int]:
    return dict(
        ContentType.objects.filter(app_label=app_label, model__in=MOVED).values_list("model", "pk").order_by("model")
    )


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_both_ways():
    call_command("seed_demo", verbosity=0)
    WebhookEndpointFactory(government=Government.objects.get(country="EGY"), url="http://127.0.0.1:9/hook")
    notification_deliver(Notification.objects.filter(channel="email").order_by("id").first().pk)
    counts = {
        "webhookendpoint": WebhookEndpoint.objects.count(),
        "subscription": Subscription.objects.count(),
        "notification": Notification.objects.count(),
        "deliveryattempt": DeliveryAttempt.objects.count(),
    }
    assert all(counts.values()), counts
    expected = _rows("outbox")
    assert {model: len(rows) for model, rows in expected.items()} == counts
    content_types = _content_types("outbox")
    assert set(content_types) == set(MOVED)

    try:
        for _ in range(2):
            _migrate(BEFORE)
            assert not {f"outbox_{m}" for m in MOVED} & _tables()
            assert _rows("partners") == expected
            ContentType.objects.clear_cache()
            assert _content_types("partners") == content_types and not _content_types("outbox")

            _migrate(AFTER)
            assert not {f"partners_{m}" for m in MOVED} & _tables()
            assert _rows("outbox") == expected
            ContentType.objects.clear_cache()
            assert _content_types("outbox") == content_types and not _content_types("partners")
    finally:
        _migrate(AFTER)
        ContentType.objects.clear_cache()
    print(f"\nrows per moved table, before and after each move: {counts}")
