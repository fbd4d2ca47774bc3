"""Names across scripts (docs/domain.md "Names across scripts"): Arabic normalisation, the Latin name
key kept by the services and the backfill, duplicates found across scripts on 240 common name pairs,
few false matches among 10,000 unrelated pairs, and the name search in either script."""

from __future__ import annotations

import csv
import datetime
import importlib
import random
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from caseload import dedup
from caseload.models import DuplicateCandidate, Migrant
from caseload.names import name_key, normalise_arabic, trigram_similarity
from caseload.selectors import possible_duplicates
from caseload.services import _normalise, migrant_register
from caseload.validators import normalise_name

from .factories import MigrantFactory

PAIRS_FILE = Path(__file__).parent / "data" / "arabic_latin_names.csv"
NATIONALITIES = ("SYR", "LBY", "EGY", "IRQ", "YEM", "LBN", "TUN", "SDN")


def name_pairs() -> list[dict[str, str]]:
    with PAIRS_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- The rule ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),
        ("ٱلله", "الله"),
        ("مؤمن", "مومن"),
        ("عائشة", "عايشه"),
        ("مصطفى", "مصطفي"),
        ("مُحَمَّد", "محمد"),  # harakat and shadda
        ("مـحـمـد", "محمد"),  # tatweel
        ("Mohamed", "Mohamed"),  # other scripts are left alone
    ],
)
def test_arabic_normalisation_folds_the_spellings_of_one_word(written, normalised):
    assert normalise_arabic(written) == normalised


def test_the_normalised_name_of_the_search_folds_arabic_too():
    assert normalise_name("  أَحْمَد   فاطمة ") == "احمد فاطمه"
    assert normalise_name("José Ñúñez-Díaz") == "jose nunez diaz"


@pytest.mark.parametrize(
    "spellings",
    [
        ("محمد حسن", "Mohamed Hassan", "Mohammed Hasan", "Muhammad Hassan", "Mohamad Hasan"),
        ("عبد الرحمن", "Abdelrahman", "Abdul Rahman", "Abderrahmane", "Abd El-Rahman", "عبدالرحمن"),
        ("عبد الله", "Abdullah", "Abdallah", "Abd Allah", "عبدالله"),
        ("نور الدين", "Noureddine", "Nour Eddine", "Nour al-Din"),
        ("يوسف المصري", "Youssef El Masry", "Yusuf Al-Masri", "Youcef Elmasri"),
        ("فاطمة الزهراء", "Fatima Zahra", "Fatimah Al-Zahraa", "فاطمه الزهراء"),
        ("أبو بكر", "Abu Bakr", "Abou Bakr", "Aboubakar"),
        ("خالد الشريف", "Khaled El Cherif", "Khalid Al-Sharif"),
        ("جمال", "Jamal", "Gamal", "Djamel"),
    ],
)
def test_the_name_key_is_the_same_for_common_spellings_in_both_scripts(spellings):
    assert len({name_key(s) for s in spellings}) == 1, {s: name_key(s) for s in spellings}


def test_the_name_key_keeps_different_names_apart():
    assert name_key("محمد حسن") == "mhmd hsn"
    assert len({name_key(n) for n in ("Omar", "Ali", "Karim", "Samir", "Walid", "Tarek", "Taha")}) == 7


def test_the_python_trigram_similarity_is_pg_trgms(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is a PostgreSQL extension")
    words = [("mhmd hsn", "mhmd hmd"), ("abdrhmn", "abdlh rhmn"), ("ysf msr", "ykf msr"), ("a", "b")]
    with connection.cursor() as cursor:
        for a, b in words:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert trigram_similarity(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6)


# --- Kept by the services and the backfill ----------------------------------------------------------------


@pytest.fixture
def office(demo):
    return demo["offices"]["lby"]


def register(users, office, libya, given, family, **extra) -> Migrant:
    data = {
        "given_name": given,
        "family_name": family,
        "sex": "male",
        "date_of_birth": datetime.date(1987, 3, 9),
        "nationality": "SYR",
        "location_country": "LBY",
        "document_status": "lost",
        "legal_basis": "consent",
        "population_group": "international_migrant",
        **extra,
    }
    return migrant_register(actor=users["staff_lby"], office=office, crisis=libya, data=data)


@pytest.mark.django_db
def test_the_person_in_both_scripts_is_a_possible_duplicate_and_found_by_either_search(
    users, office, libya, client_for, api_for
):
    arabic = register(users, office, libya, "محمد", "حسن")
    latin = register(users, office, libya, "Mohamed", "Hassan")
    other = register(users, office, libya, "Mohamed", "Hassan", date_of_birth=datetime.date(1990, 1, 1))
    assert arabic.name_key == latin.name_key == "mhmd hsn"

    # The warning at registration names the record in the other script.
    warned = possible_duplicates(
        users["staff_lby"],
        given_name="Muhammad",
        family_name="Hasan",
        date_of_birth=datetime.date(1987, 3, 9),
        nationality="SYR",
    )
    assert set(warned) == {arabic, latin}

    # The duplicate finder proposes the pair (the same date of birth and nationality), not the third.
    assert dedup.duplicates_find(office_id=office.pk) == 1
    pair = DuplicateCandidate.objects.get()
    assert {pair.migrant_a_id, pair.migrant_b_id} == {arabic.pk, latin.pk}
    found = {(a, b) for a, b, _reason, _score in dedup._pairs_fallback(office.pk, None)}
    assert found == {(arabic.pk, latin.pk)}

    def refs(query: str) -> set[int]:
        api = {m["id"] for m in api_for(users["staff_lby"]).get("/api/v1/migrants/", {"q": query}).json()["results"]}
        html = client_for(users["staff_lby"]).get(reverse("caseload:migrant_list"), {"q": query}).content.decode()
        page = {m.pk for m in (arabic, latin, other) if m.reference in html}
        assert api == page, (query, api, page)
        return api

    everyone = {arabic.pk, latin.pk, other.pk}
    assert refs("محمد حسن") == everyone
    assert refs("Mohamed Hassan") == everyone
    assert refs("muhammad hasan") == everyone
    assert refs("حسن") == everyone
    assert refs("مُحَمَّد") == everyone
    assert refs("Karim") == set()


@pytest.mark.django_db
def test_an_update_keeps_the_key_and_the_backfill_fills_existing_rows(users, office, libya):
    from caseload.services import migrant_update

    migrant = register(users, office, libya, "يوسف", "المصري")
    assert migrant.name_key == "ysf msr"
    migrant_update(actor=users["staff_lby"], migrant=migrant, data={"family_name": "الخطيب"})
    migrant.refresh_from_db()
    assert migrant.name_key == "ysf xtb"

    older = MigrantFactory(office=office, crisis=libya, given_name="Abdel Kader", family_name="Ben Ali")
    Migrant.objects.update(given_name_key="", family_name_key="")
    backfill = importlib.import_module("caseload.migrations.0008_migrant_name_key")
    backfill.fill_name_keys(apps, None)
    keys = dict(Migrant.objects.values_list("pk", "name_key"))  # the full key, kept by the database
    assert keys == {migrant.pk: "ysf xtb", older.pk: "abdkdr bnl"}


# --- Measured on name lists -------------------------------------------------------------------------------
def _migrant(office, crisis, given: str, family: str, dob: datetime.date, nationality: str, ref: str) -> Migrant:
    migrant = Migrant(
        reference=ref,
        given_name=given,
        family_name=family,
        sex="male",
        date_of_birth=dob,
        nationality=nationality,
        location_country="LBY",
        document_status="lost",
        legal_basis="consent",
        population_group="international_migrant",
        office=office,
        crisis=crisis,
    )
    _normalise(migrant)  # what the services store
    return migrant


def _found(office) -> set[tuple[int, int]]:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does after a large import
            cursor.execute("ANALYZE caseload_migrant")
    dedup.duplicates_find(office_id=office.pk)
    return set(DuplicateCandidate.objects.filter(office=office).values_list("migrant_a_id", "migrant_b_id"))


@pytest.mark.django_db
def test_at_least_95_percent_of_the_common_name_pairs_are_found_across_scripts(office, libya):
    pairs = name_pairs()
    assert len(pairs) >= 200
    start = datetime.date(1960, 1, 1)
    people = []
    for i, row in enumerate(pairs):
        dob, nationality = start + datetime.timedelta(days=i), NATIONALITIES[i % len(NATIONALITIES)]
        people.append(
            _migrant(office, libya, row["given_name_ar"], row["family_name_ar"], dob, nationality, f"AR-{i:04d}")
        )
        people.append(
            _migrant(office, libya, row["given_name_latin"], row["family_name_latin"], dob, nationality, f"LA-{i:04d}")
        )
    created = Migrant.objects.bulk_create(people)
    expected = {(created[2 * i].pk, created[2 * i + 1].pk) for i in range(len(pairs))}

    found = _found(office)
    assert found <= expected  # nothing else: every pair has its own date of birth
    assert len(found) >= 0.95 * len(expected), len(found)
    # The plain fallback (SQLite) finds as many.
    fallback = {(a, b) for a, b, _reason, _score in dedup._pairs_fallback(office.pk, None)}
    assert fallback <= expected
    assert len(fallback) >= 0.95 * len(expected), len(fallback)


def unrelated_pairs(n: int, seed: int = 16) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """``n`` pairs of two different people drawn from the name lists, each written in either script."""
    pairs = name_pairs()
    given = sorted({(r["given_name_ar"], r["given_name_latin"]) for r in pairs})
    family = sorted({(r["family_name_ar"], r["family_name_latin"]) for r in pairs})
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        (ga, fa), (gb, fb) = (rng.choice(given), rng.choice(family)), (rng.choice(given), rng.choice(family))
        if name_key(ga[0]) == name_key(gb[0]) and name_key(fa[0]) == name_key(fb[0]):
            continue  # the same name, which is no test of telling two people apart
        a, b = rng.randrange(2), rng.randrange(2)
        out.append(((ga[a], fa[a]), (gb[b], fb[b])))
    return out


def test_no_more_than_1_percent_of_10000_unrelated_pairs_match_the_rule():
    """The finder's rule on 10,000 pairs: trigram similarity (pg_trgm's, see above) of the normalised
    names or of the name keys at the finder's thresholds."""
    flagged = 0
    for a, b in unrelated_pairs(10_000):
        norm_a, norm_b = normalise_name(" ".join(a)), normalise_name(" ".join(b))
        key_a, key_b = (f"{name_key(a[0])} {name_key(a[1])}", f"{name_key(b[0])} {name_key(b[1])}")
        flagged += (
            trigram_similarity(norm_a, norm_b) >= dedup.NAME_SIMILARITY
            or trigram_similarity(key_a, key_b) >= dedup.KEY_SIMILARITY
        )
    assert flagged <= 0.01 * 10_000, flagged


@pytest.mark.django_db
def test_the_finder_flags_no_more_than_1_percent_of_unrelated_pairs(office, libya):
    start = datetime.date(1950, 1, 1)
    people = []
    sample = unrelated_pairs(1_000)
    for i, (a, b) in enumerate(sample):
        dob = start + datetime.timedelta(days=i)  # each pair alone with its date of birth
        people.append(_migrant(office, libya, *a, dob, "SYR", f"UA-{i:05d}"))
        people.append(_migrant(office, libya, *b, dob, "SYR", f"UB-{i:05d}"))
    Migrant.objects.bulk_create(people, batch_size=2000)

    flagged = len(_found(office))
    assert flagged <= 0.01 * len(sample), flagged
    fallback = len(dedup._pairs_fallback(office.pk, None))
    assert fallback <= 0.01 * len(sample), fallback
