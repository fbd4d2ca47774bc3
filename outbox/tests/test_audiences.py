"""The one table of who is told: a row for every event type the code records, every rule it names
registered, and an event type without a rule telling nobody."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.core import checks
from django.db import transaction

from core.events import record_event
from core.machine import Machine
from crises.tests.factories import CrisisFactory
from outbox.audiences import AUDIENCES, OBJECTS, Audience, combine, registered_rules
from outbox.models import Notification

BASE_DIR = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "var", "static", "migrations", "tests", "bench", "node_modules", "locale"}


def _product_files() -> list[Path]:
    packages = [d for d in BASE_DIR.iterdir() if (d / "__init__.py").exists() and d.name not in SKIPPED]
    return [
        path
        for package in packages
        for path in package.rglob("*.py")
        if not SKIPPED & set(path.relative_to(BASE_DIR).parts)
    ]


def _event_types(node: ast.expr, where: str) -> set[str]:
    """The event types a record_event call can record; its first argument must spell them out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _event_types(node.body, where) | _event_types(node.orelse, where)
    if isinstance(node, ast.Attribute) and node.attr == "event":
        return set()  # a transition of a state machine: its table spells the type out (machine_event_types)
    raise AssertionError(f"{where}: record_event's event type is not written out ({ast.unparse(node)})")


def recorded_event_types() -> dict[str, str]:
    """Every event type a ``record_event(...)`` call of the product code records, with one place."""
    found: dict[str, str] = {}
    for path in _product_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name != "record_event":
                continue
            where = f"{path.relative_to(BASE_DIR)}:{node.lineno}"
            for event_type in _event_types(node.args[0], where):
                found.setdefault(event_type, where)
    return {**machine_event_types(), **found}


def machine_event_types() -> dict[str, str]:
    """The event types the state machines record (core.machine): each transition of each
    ``<app>/workflow.py`` table names its own."""
    found: dict[str, str] = {}
    for path in _product_files():
        if path.name != "workflow.py":
            continue
        module = importlib.import_module(".".join(path.relative_to(BASE_DIR).with_suffix("").parts))
        for machine in (value for value in vars(module).values() if isinstance(value, Machine)):
            for transition in machine.transitions:
                found.setdefault(transition.event, f"{path.relative_to(BASE_DIR)} ({transition.action})")
    return found


def test_every_event_type_the_code_records_has_a_row():
    recorded = recorded_event_types()
    # The scan finds the services of every app that records events.
    assert {"crisis.registered", "level.approved", "referral.sent", "webhook.paused", "migrant.merged"} <= set(recorded)
    missing = {t: where for t, where in recorded.items() if t not in AUDIENCES}
    assert not missing, f"event types with no row in outbox.audiences.AUDIENCES: {missing}"
    stale = set(AUDIENCES) - set(recorded)
    assert not stale, f"rows of AUDIENCES for event types nothing records: {sorted(stale)}"


def test_every_rule_the_table_names_is_registered_and_every_family_told_has_an_object(db):
    # db: the system checks ask PostgreSQL its version for the generated fields.
    named = {rule for rules in AUDIENCES.values() for rule in rules}
    assert named == {
        "subscriptions",
        "coordination_list",
        "hq_for_level_2_3",
        "endpoint_owner",
        "level_approvers",
        "crisis_office",
        "referral_recipient",
        "referral_other_side",
        "referral_office",
        "movement_destination_government",
        "movement_receiving_partner",
    }
    assert named <= registered_rules()
    assert not [m for m in checks.run_checks() if m.id == "outbox.E001"]
    told = {event_type.split(".", 1)[0] for event_type, rules in AUDIENCES.items() if rules}
    assert told <= set(OBJECTS)


def test_the_first_reason_wins_and_an_empty_audience_is_false():
    first = Audience(governments={1: "subscription"}, partners={7: "subscription"})
    second = Audience(governments={1: "coordination:state_in_crisis", 2: "coordination:origin"}, hq="level_3")
    assert combine([first, second]) == Audience(
        governments={1: "subscription", 2: "coordination:origin"}, partners={7: "subscription"}, hq="level_3"
    )
    assert not Audience() and not combine([])


@pytest.mark.django_db
def test_an_event_type_with_an_empty_row_tells_nobody(django_assert_max_num_queries):
    from accounts.tests.factories import hq_user

    hq_user(email="hq@hq.example")
    crisis = CrisisFactory(level=3)
    assert AUDIENCES["migrant.merged"] == ()
    with django_assert_max_num_queries(3), transaction.atomic():  # the event row and a savepoint
        record_event("migrant.merged", subject=crisis, crisis_id=crisis.pk, office_id=crisis.office_id)
    assert not Notification.objects.exists()
