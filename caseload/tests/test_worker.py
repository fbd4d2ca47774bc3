"""The overdue reminder runs in a real Celery worker, as beat schedules it."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import wait_for
from core.models import DomainEvent

from .factories import MigrantFactory, ReferralFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_the_overdue_reminder():
    entry = settings.CELERY_BEAT_SCHEDULE["caseload-remind-overdue-referrals"]
    from mcof_site.celery import app

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_worker_reminds_overdue_referrals_once(celery_worker_process, demo, libya):
    from caseload.tasks import remind_overdue_referrals

    past = timezone.now() - datetime.timedelta(days=30)
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    late = ReferralFactory(migrant=migrant, recipient_government=demo["governments"]["EGY"], sent_at=past)
    remind_overdue_referrals.delay()
    assert wait_for(lambda: DomainEvent.objects.filter(type="referral.overdue", subject_id=late.pk).exists())
    remind_overdue_referrals.delay()
    remind_overdue_referrals.delay()
    # A later reminder task that finds nothing new leaves one event per due time.
    marker = ReferralFactory(
        migrant=migrant, recipient_government=demo["governments"]["EGY"], sent_at=past - datetime.timedelta(days=1)
    )
    remind_overdue_referrals.delay()
    assert wait_for(lambda: DomainEvent.objects.filter(type="referral.overdue", subject_id=marker.pk).exists())
    assert DomainEvent.objects.filter(type="referral.overdue", subject_id=late.pk).count() == 1
