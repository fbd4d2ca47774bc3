"""Possible duplicates: trigram pairs on PostgreSQL, the plain fallback, merge keeping every history,
"different people" remembered, scoping of the queue and its constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caseload import dedup
from caseload.models import CaseShare, Consent, DuplicateCandidate, Migrant, Referral, ReferralEvent
from caseload.selectors import migrants_visible_to
from caseload.tasks import find_all_duplicates
from core.models import AuditEntry, DomainEvent

from .factories import ConsentFactory, MigrantFactory, ReferralFactory

pytestmark = pytest.mark.django_db

DOB = datetime.date(1988, 7, 14)


@pytest.fixture
def office(demo):
    return demo["offices"]["lby"]


@pytest.fixture
def person(office, libya):
    def make(given: str, family: str, **kwargs) -> Migrant:
        kwargs.setdefault("date_of_birth", DOB)
        return MigrantFactory(office=office, crisis=libya, given_name=given, family_name=family, **kwargs)

    return make


def pairs(office) -> set[tuple[str, str, str]]:
    return {
        (c.migrant_a.family_name, c.migrant_b.family_name, c.reason)
        for c in DuplicateCandidate.objects.filter(office=office).select_related("migrant_a", "migrant_b")
    }


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="pg_trgm is a PostgreSQL extension")
def test_trigram_similarity_finds_spelling_variants_on_postgresql(office, person):
    person("Mohamed", "Abdelrahman")
    person("Mohammed", "Abd El-Rahman")  # same person, spelt otherwise
    person("Mohamed", "Abdelrahman", date_of_birth=datetime.date(1990, 1, 1))  # another date of birth
    person("Mohamed", "Abdelrahman", nationality="BGD")  # another nationality
    person("Karim", "Mansour")  # another name
    person("Rahim", "Uddin", document_number="BG 1234567", nationality="BGD")
    person("Rahim", "Udin", document_number="bg1234567", nationality="BGD", date_of_birth=None, estimated_age=40)

    assert dedup.duplicates_find(office_id=office.pk) == 2
    assert pairs(office) == {("Abdelrahman", "Abd El-Rahman", "name"), ("Uddin", "Udin", "document")}
    name_pair = DuplicateCandidate.objects.get(reason="name")
    assert 0.5 <= name_pair.score < 1
    # The finder joins on equality before it compares names: the migrants keep no GIN trigram index,
    # which no query would read and every insert would pay for (caseload migration 0011).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'caseload_migrant'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert definitions and not [d for d in definitions if "gin" in d.lower() or "trgm" in d.lower()]


def test_plain_fallback_compares_names_of_the_same_birth_date_and_nationality(office, person):
    a = person("Fatima", "Diallo")
    b = person("Fatimah", "Diallo")
    person("Aminata", "Diallo")
    c = person("Ali", "Traore", date_of_birth=None, estimated_age=30)
    d = person("Ali", "Traoré", date_of_birth=None, estimated_age=31)
    found = {(x, y) for x, y, _reason, _score in dedup._pairs_fallback(office.pk, None)}
    assert found == {(a.pk, b.pk), (c.pk, d.pk)}


def test_a_pair_marked_distinct_is_never_proposed_again(users, office, person):
    person("Ahmed", "Hassan", document_number="A1")
    person("Ahmed", "Hassan", document_number="A1")
    assert dedup.duplicates_find(office_id=office.pk) == 1
    candidate = DuplicateCandidate.objects.get()
    dedup.duplicate_mark_distinct(actor=users["staff_lby"], candidate_id=candidate.pk)
    assert dedup.duplicates_find(office_id=office.pk) == 0
    assert DuplicateCandidate.objects.get().status == "distinct"
    assert find_all_duplicates() == 0
    assert "caseload-find-duplicates" in settings.CELERY_BEAT_SCHEDULE


def test_merge_keeps_both_histories_and_every_referral(users, demo, office, person, egypt):
    staff = users["staff_lby"]
    kept = person("Mahmoud", "El-Sayed", phone="", household="")
    other = person("Mahmoud", "El Sayed", phone="+201001112233", household="HH-9", vulnerabilities=["medical_need"])
    first = ReferralFactory(migrant=kept, recipient_government=egypt)
    second = ReferralFactory(migrant=other, recipient_government=egypt, kind="transport")
    ReferralEvent.objects.create(referral=second, action="send", from_status="draft", to_status="sent", actor=staff)
    ConsentFactory(migrant=other, government=egypt)
    CaseShare.objects.create(
        migrant=other, from_office=office, to_office=demo["offices"]["tun"], kind="share", status="accepted"
    )
    dedup.duplicates_find(office_id=office.pk)
    candidate = DuplicateCandidate.objects.get()

    dedup.duplicate_merge(actor=staff, candidate_id=candidate.pk, survivor_id=kept.pk)

    kept.refresh_from_db()
    other.refresh_from_db()
    assert set(Referral.objects.filter(migrant=kept)) == {first, second}
    assert ReferralEvent.objects.filter(referral=second).count() == 1
    assert Consent.objects.filter(migrant=kept, government=egypt).exists()
    assert CaseShare.objects.filter(migrant=kept).count() == 1
    assert (kept.phone, kept.household, kept.vulnerabilities) == ("+201001112233", "HH-9", ["medical_need"])
    assert other.merged_into == kept and other.merged_at is not None
    assert not migrants_visible_to(staff).filter(pk=other.pk).exists()
    assert not migrants_visible_to(users["hq"]).filter(pk=other.pk).exists()
    candidate.refresh_from_db()
    assert (candidate.status, candidate.survivor, candidate.decided_by) == ("merged", kept, staff)
    event = DomainEvent.objects.get(type="migrant.merged")
    assert event.payload == {
        "merged_id": other.pk,
        "survivor_id": kept.pk,
        "moved": {"referrals": 1, "consents": 1, "shares": 1},
    }
    audit = AuditEntry.objects.get(object_type="caseload.migrant", object_id=str(kept.pk), action="update")
    assert audit.after["merged"] == other.reference and "phone" in audit.after["filled"]
    assert audit.before["phone"] == ""
    assert AuditEntry.objects.filter(object_id=str(other.pk), after__merged_into=kept.reference).exists()
    # The merged record is never proposed again.
    assert dedup.duplicates_find(office_id=office.pk) == 0


def test_only_the_office_decides_and_others_get_404(users, office, person, client_for):
    person("Ahmed", "Hassan", document_number="A1")
    person("Ahmed", "Hassan", document_number="A1")
    dedup.duplicates_find(office_id=office.pk)
    candidate = DuplicateCandidate.objects.get()
    for name in ("staff_tun", "staff_hti"):
        with pytest.raises(DuplicateCandidate.DoesNotExist):
            dedup.duplicate_mark_distinct(actor=users[name], candidate_id=candidate.pk)
    with pytest.raises(PermissionDenied):
        dedup.duplicate_merge(actor=users["hq"], candidate_id=candidate.pk, survivor_id=candidate.migrant_a_id)
    for name in ("staff_tun", "gov_egy", "unhcr"):
        client = client_for(users[name])
        assert client.get(reverse("caseload:duplicate_detail", args=[candidate.pk])).status_code == 404
        assert client.post(reverse("caseload:duplicate_distinct", args=[candidate.pk])).status_code == 404
        assert (
            client.post(
                reverse("caseload:duplicate_merge", args=[candidate.pk]), {"survivor": candidate.migrant_a_id}
            ).status_code
            == 404
        )
    for name in ("gov_egy", "unhcr"):
        assert client_for(users[name]).get(reverse("caseload:duplicate_queue")).status_code == 404
    assert (
        f'data-candidate="{candidate.pk}"'
        not in client_for(users["staff_tun"]).get(reverse("caseload:duplicate_queue")).content.decode()
    )
    hq = client_for(users["hq"])
    assert f'data-candidate="{candidate.pk}"' in hq.get(reverse("caseload:duplicate_queue")).content.decode()
    assert hq.get(reverse("caseload:duplicate_detail", args=[candidate.pk])).status_code == 200
    assert hq.post(reverse("caseload:duplicate_distinct", args=[candidate.pk])).status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == "open"


def test_review_and_merge_through_the_pages(users, office, person, client_for):
    a = person("Ahmed", "Hassan", document_number="A1")
    b = person("Ahmed", "Hassan", document_number="A1")
    dedup.duplicates_find(office_id=office.pk)
    candidate = DuplicateCandidate.objects.get()
    client = client_for(users["staff_lby"])
    page = client.get(reverse("caseload:duplicate_detail", args=[candidate.pk])).content.decode()
    assert a.reference in page and b.reference in page and "Merge" in page
    response = client.post(reverse("caseload:duplicate_merge", args=[candidate.pk]), {"survivor": b.pk})
    assert response.url == reverse("caseload:duplicate_queue")
    a.refresh_from_db()
    assert a.merged_into == b
    assert client.get(reverse("caseload:migrant_detail", args=[a.pk])).status_code == 404


def test_queue_in_a_constant_number_of_queries(users, office, person, client_for, django_assert_max_num_queries):
    client = client_for(users["staff_lby"])
    url = reverse("caseload:duplicate_queue")
    person("Ahmed", "Hassan", document_number="A1")
    person("Ahmed", "Hassan", document_number="A1")
    dedup.duplicates_find(office_id=office.pk)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(8):
        born = datetime.date(1970 + i, 1, 1)
        person(f"Omar{i}", "Khalil", document_number=f"D{i}", date_of_birth=born)
        person(f"Omar{i}", "Khalil", document_number=f"D{i}", date_of_birth=born)
    dedup.duplicates_find(office_id=office.pk)
    assert DuplicateCandidate.objects.count() == 9
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_run_after_the_first_compares_only_what_changed_since_with_the_whole_office(office, person):
    """The periodic run is incremental: a pair of two records untouched since the last run (here
    made to look so by dating them back) is not looked for again; a new record is compared with
    every record of the office, old ones included."""
    old = person("Mohamed", "Abdelrahman")
    assert dedup.duplicates_find_since_last_run(office_id=office.pk) == 0
    long_ago = timezone.now() - datetime.timedelta(days=1)
    twin = person("Mohammed", "Abd El-Rahman")
    Migrant.objects.filter(pk__in=[old.pk, twin.pk]).update(created_at=long_ago, updated_at=long_ago)
    newcomer = person("Mohamad", "Abdulrahman")
    assert dedup.duplicates_find_since_last_run(office_id=office.pk) == 2
    found = {(c.migrant_a_id, c.migrant_b_id) for c in DuplicateCandidate.objects.filter(office=office)}
    assert found == {(old.pk, newcomer.pk), (twin.pk, newcomer.pk)}
    # A full run (the first of a new office, or a crisis's) finds the pair the increment left.
    assert dedup.duplicates_find(office_id=office.pk) == 1
    assert (old.pk, twin.pk) in {(c.migrant_a_id, c.migrant_b_id) for c in DuplicateCandidate.objects.all()}


def test_a_run_cut_short_by_the_bound_moves_no_mark_and_the_next_goes_on(office, person, monkeypatch):
    """A batch stops at MAX_PAIRS; the next finds the pairs it did not reach (stored pairs are not
    found again), and the mark moves only once a batch goes through to its end."""
    from core.models import TaskLock

    mark = TaskLock.objects.filter(name=f"caseload.duplicates_searched.{office.pk}")
    person("Mohamed", "Abdelrahman")
    person("Mohammed", "Abd El-Rahman")
    person("Mohamad", "Abdulrahman")
    monkeypatch.setattr(dedup, "MAX_PAIRS", 1)
    monkeypatch.setattr(dedup, "RUN_BUDGET", datetime.timedelta(0))  # one batch a run
    assert dedup.duplicates_find_since_last_run(office_id=office.pk) == 1
    assert not mark.exists()
    assert dedup.duplicates_find_since_last_run(office_id=office.pk) == 1  # another pair, not the same
    assert DuplicateCandidate.objects.filter(office=office).count() == 2
    assert not mark.exists()
    monkeypatch.setattr(dedup, "RUN_BUDGET", datetime.timedelta(minutes=2))
    assert dedup.duplicates_find_since_last_run(office_id=office.pk) == 1  # the third, then a batch with none
    assert mark.exists()
    assert DuplicateCandidate.objects.filter(office=office).count() == 3


def test_a_first_run_goes_on_batch_after_batch_to_the_end_within_its_time(office, person, monkeypatch):
    from core.models import TaskLock

    for given in ("Mohamed", "Mohammed", "Mohamad", "Muhammad"):
        person(given, "Abdelrahman")
    monkeypatch.setattr(dedup, "MAX_PAIRS", 2)
    assert dedup.duplicates_find_since_last_run(office_id=office.pk) == 6  # every pair of four, 2 a batch
    assert TaskLock.objects.filter(name=f"caseload.duplicates_searched.{office.pk}").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_registration_is_checked_against_the_office_as_soon_as_it_is_saved(
    celery_worker_process, users, office, person, libya
):
    from caseload.services import migrant_register
    from conftest import wait_for

    old = person("Mohamed", "Abdelrahman")
    data = {
        "given_name": "Mohammed",
        "family_name": "Abd El-Rahman",
        "sex": "male",
        "date_of_birth": DOB,
        "nationality": old.nationality,
        "document_status": old.document_status,
        "location_country": old.location_country,
        "population_group": old.population_group,
    }
    new = migrant_register(actor=users["staff_lby"], office=office, crisis=libya, data=data)
    assert wait_for(lambda: DuplicateCandidate.objects.filter(migrant_a=old, migrant_b=new).exists(), timeout=30)
