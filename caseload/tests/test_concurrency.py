"""Two transitions of one referral at the same moment leave a consistent state (PostgreSQL row lock)."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from caseload import services
from caseload.models import Referral, ReferralEvent
from core.models import DomainEvent

from .factories import ConsentFactory, MigrantFactory, ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls):
    """Run the calls in threads released together; answer what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except (ValidationError, PermissionDenied) as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def referral(demo, libya):
    egypt = demo["governments"]["EGY"]
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    ConsentFactory(migrant=migrant, government=egypt)
    return ReferralFactory(migrant=migrant, recipient_government=egypt, status="sent")


def test_two_acknowledgements_at_once_leave_one(users, referral):
    gov = users["gov_egy"]
    call = lambda: services.referral_transition(actor=gov, referral_id=referral.pk, to="acknowledged")  # noqa: E731
    results = _race([call, call, call])
    succeeded = [r for r in results if isinstance(r, Referral)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(succeeded) == 1 and len(refused) == 2
    assert Referral.objects.get(pk=referral.pk).status == "acknowledged"
    assert ReferralEvent.objects.filter(referral=referral, action="acknowledge").count() == 1
    assert DomainEvent.objects.filter(type="referral.transitioned", subject_id=referral.pk).count() == 1


def test_complete_and_cancel_at_once_leave_one_consistent_end(users, referral):
    Referral.objects.filter(pk=referral.pk).update(
        status="in_progress", document_type="etd", document_number="E-1", document_issued_on="2026-03-01"
    )
    gov, staff = users["gov_egy"], users["staff_lby"]
    results = _race(
        [
            lambda: services.referral_transition(actor=gov, referral_id=referral.pk, to="completed"),
            lambda: services.referral_transition(actor=staff, referral_id=referral.pk, to="cancelled"),
        ]
    )
    succeeded = [r for r in results if isinstance(r, Referral)]
    assert len(succeeded) == 1
    final = Referral.objects.get(pk=referral.pk)
    assert final.status == succeeded[0].status
    events = list(ReferralEvent.objects.filter(referral=referral).values_list("to_status", flat=True))
    assert events == [final.status]
    assert DomainEvent.objects.filter(type="referral.transitioned", subject_id=referral.pk).count() == 1
