"""The delivery path under each fault of bench/faults.py, once and smaller: the same code
(outbox/tests/faults.py) with a private redis-server, a production worker, celery beat and a local
receiver. ``python -m bench.faults`` repeats each 20 times with 500 notifications."""

import pytest

from conftest import _database_url_of_test_db

from .faults import FAULTS, run_fault
from .workers import free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("fault", FAULTS)
def test_every_notification_arrives_through_the_fault(fault):
    run = run_fault(
        fault,
        notifications=40,
        produce_seconds=2,
        database_url=_database_url_of_test_db(),
        redis_port=free_port(),  # ports the kernel picks: never one another run holds
        receiver_port=0,
        log=print,  # shown with a failure
    )
    assert run.created == 40
    assert (run.lost, run.stuck, run.pending, run.foreign) == (0, 0, 0, 0), run
    assert run.once + run.twice == run.created  # a repeat carries the same webhook-id
