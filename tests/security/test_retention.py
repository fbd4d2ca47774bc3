"""Retention: the migrants of a crisis closed longer than its retention period are pseudonymised by a
periodic task; the figures stay the same, the personal data is gone, open crises are untouched."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import GovernmentFactory, OfficeFactory, hq_user, office_staff
from caseload.models import Consent, Migrant, Referral, ReferralEvent
from caseload.retention import (
    AUDIT_REASON,
    PSEUDONYM_GIVEN_NAME,
    crises_past_retention,
    crisis_pseudonymise,
    pseudonymise_expired,
)
from caseload.services import consent_record, migrant_register, referral_create, referral_transition
from core.models import AuditEntry
from crises.models import Crisis
from crises.services import crisis_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _crisis(chief, office, name, *, closed_days_ago=None, retention_days=None):
    crisis = crisis_register(
        actor=chief,
        office=office,
        name=name,
        crisis_type="sudden_natural",
        movement="internal",
        country=office.country,
        start_date=datetime.date(2020, 1, 1),
    )
    if closed_days_ago is not None:
        Crisis.objects.filter(pk=crisis.pk).update(
            status=Crisis.Status.CLOSED,
            end_date=TODAY - datetime.timedelta(days=closed_days_ago),
            retention_days=retention_days,
        )
    return Crisis.objects.get(pk=crisis.pk)


def _people(chief, office, crisis, government, n=3):
    people = []
    for i in range(n):
        migrant = migrant_register(
            actor=chief,
            office=office,
            crisis=crisis,
            data={
                "given_name": f"Fatima{i}",
                "family_name": "Elmasri",
                "other_names": "Umm Ali",
                "sex": "female" if i % 2 else "male",
                "date_of_birth": datetime.date(1988 + i, 7, 23),
                "nationality": government.country,
                "document_status": "valid",
                "document_number": f"A1234567{i}",
                "location_country": office.country,
                "site": "Shelter near the port",
                "population_group": "international_migrant",
                "vulnerabilities": ["medical_need"] if i == 0 else [],
                "phone": "+201001234567",
            },
        )
        consent_record(
            actor=chief,
            migrant=migrant,
            governments=[government],
            purposes=["consular"],
            given_on=datetime.date(2021, 1, 1),
            note="Ali's wife",
        )
        referral = referral_create(
            actor=chief,
            migrant=migrant,
            kind="consular",
            recipient_government=government,
            priority="normal",
            request_note="Passport of Fatima lost at sea",
            send=True,
        )
        people.append((migrant, referral))
    return people


def _figures(crisis) -> dict:
    migrants = Migrant.objects.filter(crisis=crisis)
    return {
        "count": migrants.count(),
        "by_nationality_sex": sorted(migrants.values_list("nationality", "sex").annotate(n=Count("pk"))),
        "years": sorted(m.date_of_birth.year for m in migrants if m.date_of_birth),
        "vulnerabilities": sorted(str(m.vulnerabilities) for m in migrants),
        "groups": sorted(migrants.values_list("population_group", "location_country").annotate(n=Count("pk"))),
        "referrals": sorted(
            Referral.objects.filter(crisis=crisis).values_list("kind", "status", "sent_at", "closed_at", "due_at")
        ),
        "events": ReferralEvent.objects.filter(referral__crisis=crisis).count(),
    }


@pytest.fixture
def setting():
    office = OfficeFactory(code="ret", country="LBY")
    chief = office_staff(office, chief=True, username="ret_chief")
    government = GovernmentFactory(country="EGY")
    return office, chief, government


def test_expired_crisis_is_pseudonymised_and_figures_stay(setting, api_for):
    office, chief, government = setting
    old = _crisis(chief, office, "Old flood", closed_days_ago=40, retention_days=30)
    recent = _crisis(chief, office, "Recent flood", closed_days_ago=10, retention_days=30)
    active = _crisis(chief, office, "Ongoing flood")
    people = {c.pk: _people(chief, office, c, government) for c in (old, recent, active)}
    referral = people[old.pk][0][1]
    referral_transition(actor=chief, referral_id=referral.pk, to="cancelled", reason="Family reunited")
    before = {c.pk: _figures(c) for c in (old, recent, active)}
    hq = hq_user(username="ret_hq")
    dashboard_before = api_for(hq).get("/api/v1/dashboard/").json()
    untouched = {m.pk: (m.given_name, m.phone, m.date_of_birth) for c in (recent, active) for m, _ in people[c.pk]}

    assert list(crises_past_retention()) == [old]
    assert pseudonymise_expired() == 3

    for c in (old, recent, active):
        assert _figures(c) == before[c.pk], "the figures are the same before and after"
    assert api_for(hq).get("/api/v1/dashboard/").json() == dashboard_before
    for migrant in Migrant.objects.filter(crisis=old):
        assert migrant.pseudonymised_at is not None
        assert migrant.given_name == PSEUDONYM_GIVEN_NAME and "Fatima" not in migrant.family_name
        assert "Elmasri" not in (migrant.full_name_norm or "").title()
        assert migrant.other_names == migrant.phone == migrant.document_number == migrant.site == ""
        assert (migrant.date_of_birth.month, migrant.date_of_birth.day) == (1, 1)
    assert not Consent.objects.filter(migrant__crisis=old).exclude(note="").exists()
    assert not Referral.objects.filter(crisis=old).exclude(request_note="").exists()
    assert not ReferralEvent.objects.filter(referral__crisis=old).exclude(note="").exists()
    for c in (recent, active):
        for m in Migrant.objects.filter(crisis=c):
            assert (m.given_name, m.phone, m.date_of_birth) == untouched[m.pk]
            assert m.pseudonymised_at is None
    entry = AuditEntry.objects.get(reason=AUDIT_REASON)
    assert entry.object_id == str(old.pk) and entry.after["migrants"] == 3

    # Idempotent: a second run changes nothing and records nothing.
    snapshot = list(Migrant.objects.filter(crisis=old).order_by("pk").values())
    assert pseudonymise_expired() == 0
    assert list(Migrant.objects.filter(crisis=old).order_by("pk").values()) == snapshot
    assert AuditEntry.objects.filter(reason=AUDIT_REASON).count() == 1


def test_default_period_from_settings(setting):
    office, chief, government = setting
    crisis = _crisis(chief, office, "Drought", closed_days_ago=100)
    _people(chief, office, crisis, government, n=1)
    with override_settings(RETENTION_DAYS_DEFAULT=365):
        assert not crises_past_retention().exists()
        assert pseudonymise_expired() == 0
    with override_settings(RETENTION_DAYS_DEFAULT=90):
        assert pseudonymise_expired() == 1


def test_pseudonym_is_stable_and_batches_resume(setting):
    office, chief, government = setting
    crisis = _crisis(chief, office, "Storm", closed_days_ago=5, retention_days=1)
    _people(chief, office, crisis, government, n=3)
    assert crisis_pseudonymise(crisis_id=crisis.pk, limit=2) == 2
    first = dict(Migrant.objects.filter(crisis=crisis, pseudonymised_at__isnull=False).values_list("pk", "family_name"))
    assert crisis_pseudonymise(crisis_id=crisis.pk, limit=2) == 1
    assert crisis_pseudonymise(crisis_id=crisis.pk, limit=2) == 0
    again = dict(Migrant.objects.filter(pk__in=first).values_list("pk", "family_name"))
    assert again == first
    assert AuditEntry.objects.filter(reason=AUDIT_REASON, object_id=str(crisis.pk)).count() == 2


def test_periodic_task_is_scheduled():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["caseload-pseudonymise-expired"]
    assert entry["task"] == pseudonymise_expired.name == "caseload.retention.pseudonymise_expired"


def test_migrant_page_shows_who_accessed_the_record(setting, client_for):
    office, chief, government = setting
    crisis = _crisis(chief, office, "Access crisis")
    migrant, _ = _people(chief, office, crisis, government, n=1)[0]
    Migrant.objects.filter(pk=migrant.pk).update(vulnerabilities=["victim_of_trafficking"], is_sensitive=True)
    from guardian.shortcuts import assign_perm

    assign_perm("accounts.view_sensitive_records", chief, office)
    hq = hq_user(username="acc_hq")
    client_for(hq).get(f"/caseload/migrants/{migrant.pk}/")  # a sensitive record: the read is logged
    response = client_for(chief).get(f"/caseload/migrants/{migrant.pk}/")
    page = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "Who accessed this record" in page
    assert "acc_hq" in page and "ret_chief" in page
