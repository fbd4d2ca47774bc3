from datetime import timedelta

import pytest
from django.db import transaction

from core.events import EventRecord, record_event, record_events, subscribe
from core.locks import lock_acquire, single_run, task_lock
from core.models import DomainEvent, TaskLock

pytestmark = pytest.mark.django_db


def test_health_checks_database_and_broker(client):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_events_reach_subscribers_in_the_same_transaction(users):
    seen = []

    @subscribe("test.")
    def handler(event):
        seen.append((event.type, DomainEvent.objects.filter(pk=event.pk).exists()))

    office_user = users["staff_lby"]
    with transaction.atomic():
        record_event("test.happened", subject=office_user, actor=office_user, payload={"n": 1})
    assert seen == [("test.happened", True)]


def test_a_batch_reaches_a_batch_form_once_and_other_subscribers_per_event(users):
    one_by_one, batches = [], []

    def each(event):
        one_by_one.append(event.subject_id)

    @subscribe("test.batch")
    def plain(event):
        one_by_one.append(("plain", event.subject_id))

    subscribe("test.batch", many=lambda events: batches.append([e.subject_id for e in events]))(each)
    people = [users["staff_lby"], users["hq"]]
    with transaction.atomic():
        record_events("test.batch", [EventRecord(subject=p) for p in people], actor=users["hq"])
        record_event("test.batch", subject=people[0])
    ids = [p.pk for p in people]
    # The batch form takes the batch; a single event still reaches the one-event form.
    assert batches == [ids]
    assert one_by_one == [("plain", ids[0]), ("plain", ids[1]), ("plain", ids[0]), ids[0]]


def test_an_event_rolls_back_with_its_change(users):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("test.rolled_back", subject=users["hq"])
        raise RuntimeError("the change failed")
    assert not DomainEvent.objects.filter(type="test.rolled_back").exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(users):
    with pytest.raises(RuntimeError):
        record_event("test.loose", subject=users["hq"])


def test_a_periodic_task_never_runs_twice_at_once():
    calls = []

    @single_run("test.lock")
    def job():
        calls.append(1)
        return "ran"

    with task_lock("test.lock", timedelta(minutes=5)) as acquired:
        assert acquired
        assert job() is None  # a second run while the first holds the lock does nothing
    assert job() == "ran"
    assert calls == [1]


def test_an_expired_lease_can_be_taken_again():
    assert lock_acquire("test.expiry", timedelta(seconds=-1))
    assert lock_acquire("test.expiry", timedelta(minutes=1))
    assert lock_acquire("test.expiry", timedelta(minutes=1)) is None
    assert TaskLock.objects.get(name="test.expiry").locked_until is not None
