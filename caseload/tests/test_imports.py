"""Imports of migrants from CSV and XLSX: mapping, checks of every row, all or nothing or the good
rows only, rejected rows with their errors, undo, scoping, a real worker and a real browser."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload import services
from caseload.imports import (
    DONE,
    IMPORT_FIELDS,
    auto_mapping,
    import_commit,
    import_expire_checked,
    import_run,
    import_set_mapping,
)
from caseload.imports import import_undo as undo
from caseload.imports import import_upload as upload_service
from caseload.imports.validation import RowValidator
from caseload.models import ImportBatch, ImportRowError, ImportStagedChunk, Migrant, Referral
from core.models import AuditEntry

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "nationality",
    "document_status",
    "document_number",
    "location_country",
    "population_group",
    "phone",
    "vulnerabilities",
    "household",
]
# Each kind of bad row: the field it breaks and the value that breaks it.
BAD = [
    ("nationality", "XXX"),
    ("date_of_birth", "2999-01-01"),
    ("sex", "zz"),
    ("given_name", ""),
    ("phone", "12345"),
    ("vulnerabilities", "flying"),
]


def good_row(i: int) -> list[str]:
    return [
        f"Ahmed{i % 997}",
        f"Hassan{i % 1009}",
        "female" if i % 2 else "Male",
        f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        ("EGY", "BGD", "ner", "TCD")[i % 4],
        ("lost", "valid", "none")[i % 3],
        f"P{i:08d}",
        "LBY",
        "international_migrant",
        f"+2010{i % 10_000_000:08d}" if i % 20 == 0 else "",
        "medical_need" if i % 50 == 0 else "",
        f"HH-{i // 5}",
    ]


def make_csv(rows: int, bad_every: int | None = None) -> tuple[bytes, dict[int, str]]:
    """A CSV of ``rows`` people; every ``bad_every``-th row breaks one field. Answers the file and
    the bad rows as {line in the file: field}, the header being line 1."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    bad: dict[int, str] = {}
    for i in range(rows):
        row = good_row(i)
        if bad_every and i % bad_every == bad_every - 1:
            field, value = BAD[(i // bad_every) % len(BAD)]
            row[HEADER.index(field)] = value
            bad[i + 2] = field
        writer.writerow(row)
    return out.getvalue().encode(), bad


def upload(user, crisis, content: bytes, name: str = "list.csv", save_valid_rows: bool = False) -> ImportBatch:
    return upload_service(
        actor=user, crisis=crisis, file=SimpleUploadedFile(name, content), save_valid_rows=save_valid_rows
    )


def staged(batch: ImportBatch) -> dict[int, dict]:
    """The checked values the check kept, by position among the data rows."""
    validator = RowValidator(batch.mapping)
    chunks = ImportStagedChunk.objects.filter(batch=batch).order_by("first_position")
    return {row[0]: validator.from_staged(row[1:]) for chunk in chunks for row in json.loads(chunk.rows)}


def check(user, batch: ImportBatch, **kwargs) -> ImportBatch:
    import_set_mapping(actor=user, batch_id=batch.pk, mapping=batch.mapping, **kwargs)
    assert import_run(batch_id=batch.pk, time_budget=None) == DONE
    batch.refresh_from_db()
    return batch


def save(user, batch: ImportBatch, save_valid_rows: bool = False) -> ImportBatch:
    import_commit(actor=user, batch_id=batch.pk, save_valid_rows=save_valid_rows)
    assert import_run(batch_id=batch.pk, time_budget=None) == DONE
    batch.refresh_from_db()
    return batch


@pytest.fixture
def staff(users):
    return users["staff_lby"]


# --- Mapping and checks ---------------------------------------------------------------------------
def test_headers_are_mapped_by_field_name_label_and_common_names(staff, libya):
    mapping = auto_mapping(["Given name", "SURNAME", "Gender", "dob", "Nationality", "Travel document", "x"])
    assert mapping == {
        "0": "given_name",
        "1": "family_name",
        "2": "sex",
        "3": "date_of_birth",
        "4": "nationality",
        "5": "document_status",
    }
    assert auto_mapping(list(IMPORT_FIELDS)) == {str(i): name for i, name in enumerate(IMPORT_FIELDS)}


def test_a_mapping_without_a_required_field_is_refused(staff, libya):
    content, _bad = make_csv(3)
    batch = upload(staff, libya, content)
    mapping = {k: v for k, v in batch.mapping.items() if v != "nationality"}
    with pytest.raises(ValidationError, match="Nationality"):
        import_set_mapping(actor=staff, batch_id=batch.pk, mapping=mapping)
    twice = {**batch.mapping, "6": "given_name"}
    with pytest.raises(ValidationError, match="more than one column"):
        import_set_mapping(actor=staff, batch_id=batch.pk, mapping=twice)


def test_rows_are_checked_by_the_rules_of_the_registration(staff, libya):
    """Each bad value is refused by the import for the same field as by the registration service."""
    base = dict(zip(HEADER, good_row(1), strict=True))
    for field, value in BAD:
        row = {**base, field: value}
        content = (",".join(HEADER) + "\n" + ",".join(row[h] for h in HEADER) + "\n").encode()
        batch = check(staff, upload(staff, libya, content))
        errors = ImportRowError.objects.get(batch=batch).errors
        data = {
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "sex": row["sex"].lower(),
            "date_of_birth": datetime.date.fromisoformat(row["date_of_birth"]),
            "nationality": row["nationality"],
            "document_status": row["document_status"],
            "location_country": row["location_country"],
            "population_group": row["population_group"],
            "phone": row["phone"],
            "vulnerabilities": [row["vulnerabilities"]] if row["vulnerabilities"] else [],
        }
        with pytest.raises(ValidationError) as refused:
            services.migrant_register(actor=staff, office=libya.office, crisis=libya, data=data)
        assert set(errors) == set(refused.value.message_dict) == {field}, (field, errors)


def test_small_file_all_good_is_saved_with_a_link_to_the_import(staff, libya):
    content, _bad = make_csv(25)
    batch = check(staff, upload(staff, libya, content))
    assert (batch.status, batch.total_rows, batch.valid_rows, batch.error_rows) == ("validated", 25, 25, 0)
    assert len(batch.preview) == 10 and batch.preview[0]["row"] == 2
    assert not Migrant.objects.filter(import_batch=batch).exists()
    batch = save(staff, batch)
    assert batch.status == "committed" and batch.created_rows == 25
    migrants = Migrant.objects.filter(import_batch=batch)
    assert migrants.count() == 25
    first = migrants.get(document_number="P00000000")
    assert first.office == libya.office and first.crisis == libya and first.created_by == staff
    assert first.given_name_norm == "ahmed0" and first.full_name_norm == "ahmed0 hassan0"
    assert first.reference.startswith("LBY-")
    assert first.phone == "+201000000000"
    assert migrants.filter(is_sensitive=True).count() == 0
    assert migrants.values("reference").distinct().count() == 25
    actions = set(AuditEntry.objects.filter(object_type="caseload.importbatch").values_list("action", flat=True))
    assert actions == {"create", "update"}


def test_xlsx_with_typed_cells(staff, libya):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Given name", "Family name", "Sex", "Date of birth", "Age", "Nationality", "Travel document",
                  "Current country", "Population group", "Phone"])  # fmt: skip
    sheet.append(["Fatima", "Diallo", "F", datetime.datetime(1985, 3, 2), None, "NER", "valid", "LBY", "refugee",
                  201001234567])  # fmt: skip
    sheet.append(["Moussa", "Traoré", "male", None, 34, "TCD", "none", "LBY", "trapped", None])
    out = io.BytesIO()
    workbook.save(out)
    batch = check(staff, upload(staff, libya, out.getvalue(), name="manifest.xlsx"))
    assert (batch.valid_rows, batch.error_rows) == (1, 1)
    assert ImportRowError.objects.get(batch=batch).errors == {
        "phone": ["Enter a valid phone number in international format, starting with + and the country code."]
    }
    batch = save(staff, batch, save_valid_rows=True)
    moussa = Migrant.objects.get(import_batch=batch)
    assert (moussa.family_name_norm, moussa.estimated_age, moussa.date_of_birth) == ("traore", 34, None)


def test_semicolon_csv_in_latin_1_with_french_headers(staff, libya):
    lines = [
        "Prénom;Nom de famille;Sexe;Date de naissance;Nationalité;Document de voyage;Pays actuel;Groupe de population",
        "Hélène;Dupré;female;1990-01-02;HTI;lost;LBY;idp",
    ]
    batch = upload(staff, libya, "\n".join(lines).encode("cp1252"))
    assert batch.headers[0] == "Prénom"
    batch = check(staff, batch)
    assert (batch.valid_rows, batch.error_rows) == (1, 0), ImportRowError.objects.filter(batch=batch).first()


def test_unreadable_files_are_refused_at_upload(staff, libya):
    with pytest.raises(ValidationError, match="CSV or an XLSX"):
        upload(staff, libya, b"x", name="list.pdf")
    with pytest.raises(ValidationError, match="XLSX file cannot be read"):
        upload(staff, libya, b"not a zip", name="list.xlsx")
    with pytest.raises(ValidationError, match="empty"):
        upload(staff, libya, b"\n\n", name="list.csv")


@pytest.mark.slow
def test_100000_rows_with_1_percent_bad(staff, libya, client_for):
    """SLOW (about a minute on PostgreSQL): 100,000 rows, 1,000 of them bad. The report names each
    bad row and field; by default nothing is saved; with the option the 99,000 good rows are saved
    and the 1,000 others are downloadable with their errors."""
    content, bad = make_csv(100_000, bad_every=100)
    assert len(bad) == 1000
    batch = check(staff, upload(staff, libya, content))
    assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (100_000, 99_000, 1000)
    reported = {(e.row, field) for e in ImportRowError.objects.filter(batch=batch) for field in e.errors}
    assert reported == set(bad.items())

    with pytest.raises(ValidationError, match="1000 rows have errors"):
        import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)
    assert not Migrant.objects.filter(import_batch=batch).exists()

    batch = save(staff, batch, save_valid_rows=True)
    assert (batch.status, batch.created_rows) == ("committed", 99_000)
    assert Migrant.objects.filter(import_batch=batch).count() == 99_000
    assert not Migrant.objects.filter(import_batch=batch, document_number__in=[f"P{r - 2:08d}" for r in bad]).exists()

    response = client_for(staff).get(reverse("caseload:import_rejected", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [*HEADER, "Row", "Errors"]
    assert len(rows) == 1001
    assert {int(r[-2]) for r in rows[1:]} == set(bad)
    assert rows[1][-1].startswith("Nationality:")


def test_all_or_nothing_by_default(staff, libya):
    content, bad = make_csv(30, bad_every=10)
    batch = check(staff, upload(staff, libya, content))
    assert batch.error_rows == 3
    with pytest.raises(ValidationError):
        import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)
    batch.refresh_from_db()
    assert batch.status == "validated"
    assert not Migrant.objects.filter(import_batch=batch).exists()


def test_a_run_resumes_where_the_last_one_stopped(staff, libya, monkeypatch):
    from caseload.imports import work

    monkeypatch.setattr(work, "CHUNK_ROWS", 10)
    monkeypatch.setattr(work, "SAVE_CHUNK_ROWS", 20)
    content, _bad = make_csv(35)
    batch = upload(staff, libya, content)
    import_set_mapping(actor=staff, batch_id=batch.pk, mapping=batch.mapping)
    assert import_run(batch_id=batch.pk, time_budget=0) == "more"
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.total_rows) == ("validating", 10, 35)
    while import_run(batch_id=batch.pk, time_budget=0) == "more":
        pass
    batch.refresh_from_db()
    assert (batch.status, batch.valid_rows) == ("validated", 35)
    # A second delivery of a finished task does nothing.
    assert import_run(batch_id=batch.pk) == DONE
    import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)
    assert import_run(batch_id=batch.pk, time_budget=0) == "more"
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.created_rows) == ("committing", 20, 20)
    while import_run(batch_id=batch.pk, time_budget=0) == "more":
        pass
    assert Migrant.objects.filter(import_batch=batch).count() == 35
    assert not ImportStagedChunk.objects.filter(batch=batch).exists()


# --- The checked rows the save builds from --------------------------------------------------------
def test_the_check_keeps_the_good_rows_checked_values(staff, libya):
    content, bad = make_csv(24, bad_every=6)
    batch = check(staff, upload(staff, libya, content))
    kept = staged(batch)
    # The good rows only, by their place among the data rows (the line in the file less the header's).
    assert sorted(kept) == [line - 1 for line in range(2, 26) if line not in bad]
    assert batch.valid_rows == len(kept) == 20
    assert ImportStagedChunk.objects.get(batch=batch).row_count == 20
    first = kept[1]
    assert first["sex"] == "male" and first["nationality"] == "EGY"
    assert first["date_of_birth"] == datetime.date(1950, 1, 1)
    assert first["phone"] == "+201000000000" and first["vulnerabilities"] == ["medical_need"]
    assert kept[3]["nationality"] == "NER"  # written "ner" in the file: the checked value is kept


def test_the_save_builds_from_the_checked_rows_without_reading_the_file(staff, libya):
    """The save neither reads the file nor checks a row again: with the file gone it still saves,
    and a staged value changed after the check is what the migrant gets."""
    content, _bad = make_csv(30)
    batch = check(staff, upload(staff, libya, content))
    batch.file.delete(save=False)
    chunk = ImportStagedChunk.objects.get(batch=batch)
    rows = json.loads(chunk.rows)
    rows[0][1 + RowValidator(batch.mapping).order.index("given_name")] = "Amina"
    ImportStagedChunk.objects.filter(pk=chunk.pk).update(rows=json.dumps(rows))
    batch = save(staff, batch)
    assert (batch.status, batch.created_rows) == ("committed", 30)
    first = Migrant.objects.get(import_batch=batch, document_number="P00000000")
    assert (first.given_name, first.given_name_norm, first.date_of_birth) == (
        "Amina",
        "amina",
        datetime.date(1950, 1, 1),
    )
    assert not ImportStagedChunk.objects.filter(batch=batch).exists()


def test_the_save_takes_the_same_queries_for_30_rows_as_for_300(staff, libya):
    counts = []
    for rows in (30, 300):
        content, _bad = make_csv(rows)
        batch = check(staff, upload(staff, libya, content))
        import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)
        with CaptureQueriesContext(connection) as queries:
            assert import_run(batch_id=batch.pk, time_budget=None) == DONE
        assert Migrant.objects.filter(import_batch=batch).count() == rows
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_good_rows_only_are_staged_and_saved(staff, libya):
    content, bad = make_csv(60, bad_every=10)
    batch = check(staff, upload(staff, libya, content, save_valid_rows=True))
    assert len(staged(batch)) == batch.valid_rows == 54
    batch = save(staff, batch, save_valid_rows=True)
    assert (batch.status, batch.created_rows, batch.error_rows) == ("committed", 54, 6)
    assert not ImportStagedChunk.objects.filter(batch=batch).exists()
    assert ImportRowError.objects.filter(batch=batch).count() == 6


def test_chunks_without_a_good_row_are_passed_over(staff, libya, monkeypatch):
    from caseload.imports import work

    monkeypatch.setattr(work, "CHUNK_ROWS", 5)
    monkeypatch.setattr(work, "SAVE_CHUNK_ROWS", 5)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(20):
        row = good_row(i)
        if 5 <= i < 10 or i >= 15:  # the second and the last chunk: bad rows only
            row[HEADER.index("nationality")] = "XXX"
        writer.writerow(row)
    batch = check(staff, upload(staff, libya, out.getvalue().encode()))
    chunks = ImportStagedChunk.objects.filter(batch=batch).order_by("first_position")
    assert list(chunks.values_list("first_position", "last_position")) == [
        (1, 5),
        (11, 15),
    ]
    batch = save(staff, batch, save_valid_rows=True)
    assert (batch.status, batch.processed_rows, batch.total_rows, batch.created_rows) == ("committed", 20, 20, 10)


def test_mapping_again_checks_again_and_an_undone_import_keeps_no_checked_rows(staff, libya):
    content, _bad = make_csv(12)
    batch = check(staff, upload(staff, libya, content))
    first = set(ImportStagedChunk.objects.filter(batch=batch).values_list("pk", flat=True))
    batch = check(staff, batch)
    again = set(ImportStagedChunk.objects.filter(batch=batch).values_list("pk", flat=True))
    assert len(again) == 1 and not first & again and len(staged(batch)) == 12
    batch = save(staff, batch)
    undo(actor=staff, batch_id=batch.pk)
    assert not ImportStagedChunk.objects.filter(batch=batch).exists()


def test_a_checked_import_not_saved_in_time_expires(staff, libya):
    content, _bad = make_csv(12)
    batch = check(staff, upload(staff, libya, content))
    other = check(staff, upload(staff, libya, content))
    assert import_expire_checked(now=batch.validated_at + datetime.timedelta(days=6)) == 0
    assert import_expire_checked(now=batch.validated_at + datetime.timedelta(days=8)) == 2
    batch.refresh_from_db()
    assert batch.status == "failed" and "check the file again" in batch.failure
    assert not ImportStagedChunk.objects.filter(batch__in=[batch, other]).exists()
    with pytest.raises(ValidationError):
        import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)
    # Mapping the columns again checks the file again, and the import can be saved.
    batch = save(staff, check(staff, batch))
    assert batch.created_rows == 12


def test_a_check_that_fails_midway_keeps_no_checked_rows(staff, libya, monkeypatch):
    from caseload.imports import work

    monkeypatch.setattr(work, "CHUNK_ROWS", 100)
    content, _bad = make_csv(800)  # more than the 64 KB from which the encoding is guessed
    batch = upload(staff, libya, content)
    import_set_mapping(actor=staff, batch_id=batch.pk, mapping=batch.mapping)
    assert import_run(batch_id=batch.pk, time_budget=0) == "more"
    assert len(staged(batch)) == 100
    batch.refresh_from_db()
    with open(batch.file.path, "ab") as stored:  # the rest of the file can no longer be read
        stored.write(b"\xff\xfe\xfa,broken\n")
    assert import_run(batch_id=batch.pk, time_budget=None) == DONE
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert not ImportStagedChunk.objects.filter(batch=batch).exists()


def test_checked_rows_of_a_crisis_past_retention_are_cleared(staff, libya):
    from caseload.retention import crisis_import_rows_clear

    content, _bad = make_csv(12)
    batch = check(staff, upload(staff, libya, content))
    crisis_import_rows_clear(crisis_id=libya.pk)
    assert not ImportStagedChunk.objects.filter(batch=batch).exists()
    with pytest.raises(ValidationError, match="no longer kept"):
        import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=False)


# --- Undo -----------------------------------------------------------------------------------------
def test_undo_deletes_the_migrants_and_is_audited(staff, libya):
    content, _bad = make_csv(12)
    batch = save(staff, check(staff, upload(staff, libya, content)))
    undo(actor=staff, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "undone" and batch.undone_by == staff
    assert not Migrant.objects.filter(import_batch=batch).exists()
    entry = AuditEntry.objects.get(object_type="caseload.importbatch", object_id=str(batch.pk), action="delete")
    assert entry.after == {"migrants_deleted": 12}
    with pytest.raises(ValidationError):
        undo(actor=staff, batch_id=batch.pk)


def test_undo_refused_while_a_referral_hangs_on_an_imported_migrant(staff, libya, egypt):
    content, _bad = make_csv(5)
    batch = save(staff, check(staff, upload(staff, libya, content)))
    migrant = Migrant.objects.filter(import_batch=batch).first()
    ReferralFactory(migrant=migrant, recipient_government=egypt)
    with pytest.raises(ValidationError, match="referrals"):
        undo(actor=staff, batch_id=batch.pk)
    assert Migrant.objects.filter(import_batch=batch).count() == 5
    assert Referral.objects.filter(migrant=migrant).exists()


# --- Who may do what -------------------------------------------------------------------------------
def test_only_the_uploading_office_acts_on_an_import(users, staff, libya):
    content, _bad = make_csv(3)
    batch = upload(staff, libya, content)
    for name in ("staff_tun", "hq"):
        with pytest.raises(PermissionDenied):
            import_set_mapping(actor=users[name], batch_id=batch.pk, mapping=batch.mapping)
        with pytest.raises(PermissionDenied):
            upload(users[name], libya, content)


def test_pages_answer_404_to_other_offices_and_liaisons(users, staff, libya, client_for):
    content, _bad = make_csv(3)
    batch = check(staff, upload(staff, libya, content))
    pages = [
        ("get", "caseload:import_detail"),
        ("get", "caseload:import_progress"),
        ("get", "caseload:import_mapping"),
        ("get", "caseload:import_rejected"),
        ("post", "caseload:import_commit"),
        ("post", "caseload:import_undo"),
    ]
    for name in ("staff_tun", "staff_hti", "gov_egy", "gov_bgd", "unhcr"):
        client = client_for(users[name])
        for method, url_name in pages:
            response = getattr(client, method)(reverse(url_name, args=[batch.pk]))
            assert response.status_code == 404, (name, url_name, response.status_code)
    for name in ("gov_egy", "unhcr"):
        assert client_for(users[name]).get(reverse("caseload:import_list")).status_code == 404
        assert client_for(users[name]).get(reverse("caseload:import_create")).status_code == 404
    assert batch.file_name not in client_for(users["staff_tun"]).get(reverse("caseload:import_list")).content.decode()
    # HQ reads, and may not act.
    hq = client_for(users["hq"])
    assert hq.get(reverse("caseload:import_detail", args=[batch.pk])).status_code == 200
    assert batch.file_name in hq.get(reverse("caseload:import_list")).content.decode()
    assert hq.post(reverse("caseload:import_commit", args=[batch.pk])).status_code == 403
    assert hq.get(reverse("caseload:import_mapping", args=[batch.pk])).status_code == 403


def test_import_list_in_a_constant_number_of_queries(staff, libya, client_for, django_assert_max_num_queries):
    content, _bad = make_csv(2)
    client = client_for(staff)
    url = reverse("caseload:import_list")
    upload(staff, libya, content)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _i in range(8):
        upload(staff, libya, content)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- The pages ------------------------------------------------------------------------------------
def test_upload_map_check_and_save_through_the_pages(staff, libya, client_for):
    client = client_for(staff)
    assert (
        client.get(reverse("caseload:import_template", args=["csv"]))
        .content.decode("utf-8-sig")
        .startswith("given_name,family_name")
    )
    xlsx = client.get(reverse("caseload:import_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    content, _bad = make_csv(8, bad_every=4)
    response = client.post(
        reverse("caseload:import_create"),
        {"crisis": libya.pk, "file": SimpleUploadedFile("list.csv", content)},
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("caseload:import_mapping", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "Ahmed0" in page  # first values of each column
    form = {f"column_{i}": name for i, name in enumerate(HEADER)}
    response = client.post(reverse("caseload:import_mapping", args=[batch.pk]), form)
    assert response.url == reverse("caseload:import_detail", args=[batch.pk])
    running = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in running and "<progress" in running
    import_run(batch_id=batch.pk, time_budget=None)
    done = client.get(reverse("caseload:import_progress", args=[batch.pk])).content.decode()
    assert "hx-trigger" not in done
    assert 'data-row="5"' in done and 'data-row="9"' in done
    refused = client.post(reverse("caseload:import_commit", args=[batch.pk]), follow=True).content.decode()
    assert "2 rows have errors" in refused
    client.post(reverse("caseload:import_commit", args=[batch.pk]), {"save_valid_rows": "on"})
    import_run(batch_id=batch.pk, time_budget=None)
    assert Migrant.objects.filter(import_batch=batch).count() == 6
    detail = client.get(reverse("caseload:import_detail", args=[batch.pk])).content.decode()
    assert "Undo the import" in detail
    client.post(reverse("caseload:import_undo", args=[batch.pk]))
    assert not Migrant.objects.filter(import_batch=batch).exists()


# --- A real worker and a real browser -------------------------------------------------------------
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_import_task_in_a_real_worker(celery_worker_process, demo, libya):
    from conftest import wait_for

    staff = demo["users"]["staff_lby"]
    content, _bad = make_csv(40, bad_every=20)
    batch = upload(staff, libya, content)
    import_set_mapping(actor=staff, batch_id=batch.pk, mapping=batch.mapping)
    assert wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == "validated", timeout=180)
    import_commit(actor=staff, batch_id=batch.pk, save_valid_rows=True)
    assert wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == "committed", timeout=180)
    assert Migrant.objects.filter(import_batch=batch).count() == 38


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_browser_uploads_a_file_and_watches_the_progress_bar(
    page, login, live_server, transactional_db, celery_worker_process, demo, libya, tmp_path, axe_violations
):
    content, _bad = make_csv(3000, bad_every=1000)
    path = tmp_path / "manifest.csv"
    path.write_bytes(content)
    login(page, "staff_lby")
    page.goto(f"{live_server.url}{reverse('caseload:import_list')}")
    page.get_by_role("button", name="Import a list").click()
    page.get_by_label(re.compile(r"^Crisis")).select_option(str(libya.pk))
    page.get_by_label(re.compile(r"^File")).set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/imports/\d+/mapping/$"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    progress = page.get_by_label(re.compile(r"^(Counting the rows|Checked:)"))
    progress.wait_for()
    page.wait_for_function(
        "() => { const p = document.querySelector('#import-progress');"
        " return p && p.max > 1 && p.value === p.max && document.querySelector('#import-counts'); }",
        timeout=60_000,
    )
    assert page.locator("#import-state").inner_text() == "Checked"
    assert page.locator("#import-errors").inner_text() == "3"
    assert axe_violations(page) == []
    page.get_by_label("Save the good rows and reject the others").check()
    page.get_by_role("button", name=re.compile(r"^Save 2997 migrants")).click()
    page.wait_for_function(
        "() => document.querySelector('#import-state').textContent === 'Saved'"
        " && document.querySelector('#import-progress').value === document.querySelector('#import-progress').max",
        timeout=60_000,
    )
    assert page.locator("#import-created").inner_text() == "2997"
    assert Migrant.objects.filter(import_batch__file_name="manifest.csv").count() == 2997
