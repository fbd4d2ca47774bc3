"""The sectors API: reference data, the matrix (HQ edits it) and each crisis's sector plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tests.factories import OfficeFactory, PartnerFactory, hq_user, office_staff
from core.models import AuditEntry, DomainEvent
from crises.models import CrisisType, Phase
from sectors.models import MatrixCell, MatrixCellChange

from .factories import registered_crisis

pytestmark = pytest.mark.django_db


def test_sectors_list_with_clusters_and_systems_in_the_active_language(users, api_for):
    api = api_for(users["staff_lby"])
    answer = api.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 200
    sectors = answer.json()
    assert [s["number"] for s in sectors] == list(range(1, 16))
    assert sectors[11]["names"]["en"] == "Emergency Consular Assistance"
    assert sectors[0]["name"] == "Gestion des camps et suivi des déplacements"
    assert {c["code"] for c in sectors[0]["clusters"]} == {"CCM"}
    assert {s["code"] for s in sectors[0]["systems"]} == {"cluster", "refugee"}
    one = api.get("/api/v1/sectors/10/").json()
    assert "PRO-CPN" in {c["code"] for c in one["clusters"]}
    assert one["referral_kinds"] == ["counter_trafficking"]
    assert api.get("/api/v1/sectors/12/").json()["referral_kinds"] == ["consular"]


def test_whole_matrix_in_a_constant_number_of_queries(users, api_for, django_assert_max_num_queries):
    api = api_for(users["hq"])
    api.get("/api/v1/sectors/matrix/")  # warm up the token and content types
    with CaptureQueriesContext(connection) as whole:
        answer = api.get("/api/v1/sectors/matrix/")
    assert answer.status_code == 200
    assert len(answer.json()) == 225
    with CaptureQueriesContext(connection) as filtered:
        answer = api.get("/api/v1/sectors/matrix/", {"crisis_type": "health", "phase": "during"})
    cells = {c["sector"]: c for c in answer.json()}
    assert len(cells) == 15
    assert cells[4]["priority"] == "critical" and cells[4]["citation"] == "Annex I para 33"
    assert len(whole) == len(filtered) <= 3


def test_hq_changes_a_matrix_cell_with_a_reason_and_the_history_is_kept(users, api_for):
    cell = MatrixCell.objects.get(crisis_type="protracted", phase="before", sector__number=12)
    api = api_for(users["hq"])
    refused = api.patch(f"/api/v1/sectors/matrix/{cell.pk}/", {"priority": "recommended"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    answer = api.patch(
        f"/api/v1/sectors/matrix/{cell.pk}/",
        {"priority": "recommended", "reason": "Many third-country nationals in the region."},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["priority"] == "recommended"
    api.patch(
        f"/api/v1/sectors/matrix/{cell.pk}/",
        {"priority": "important", "reason": "Raised after the regional review.", "citation": "Annex I para 27"},
        format="json",
    )
    history = api.get(f"/api/v1/sectors/matrix/{cell.pk}/").json()["history"]
    assert [(h["from_priority"], h["to_priority"]) for h in history] == [
        ("recommended", "important"),
        ("not_applicable", "recommended"),
    ]
    assert history[0]["changed_by"] == "hq"
    assert MatrixCellChange.objects.filter(cell=cell).count() == 2
    assert AuditEntry.objects.filter(object_type="sectors.matrixcell", object_id=str(cell.pk)).count() == 2
    assert DomainEvent.objects.filter(type="sector_matrix.changed", subject_id=cell.pk).count() == 2


@pytest.mark.parametrize("username", ["staff_lby", "com_lby"])
def test_office_staff_cannot_change_the_matrix(users, api_for, username):
    cell = MatrixCell.objects.get(crisis_type="health", phase="during", sector__number=4)
    answer = api_for(users[username]).patch(
        f"/api/v1/sectors/matrix/{cell.pk}/", {"priority": "recommended", "reason": "x"}, format="json"
    )
    assert answer.status_code == 403
    cell.refresh_from_db()
    assert cell.priority == "critical" and not cell.changes.exists()


@pytest.mark.parametrize("username", ["gov_egy", "unhcr"])
def test_liaisons_see_no_sectors_nor_matrix(users, api_for, username):
    api = api_for(users[username])
    assert api.get("/api/v1/sectors/").status_code == 403
    assert api.get("/api/v1/sectors/matrix/").status_code == 403


def _lby_crisis(users, **kwargs):
    return registered_crisis(office=users["staff_lby"].memberships.get().office, **kwargs)


def test_plan_read_and_patched_by_the_owning_office(users, api_for):
    crisis = _lby_crisis(users, crisis_type=CrisisType.MAN_MADE, phase=Phase.DURING)
    PartnerFactory(code="unhcr")
    staff = users["staff_lby"]
    api = api_for(staff)
    plan = api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/").json()
    assert plan["phase"] == "during" and plan["can_edit"] is True
    critical = {e["sector"] for e in plan["entries"] if e["priority"] == "critical"}
    assert critical == {2, 3, 4, 5, 10, 11, 12}  # Annex I para 9
    answer = api.patch(
        f"/api/v1/crises/{crisis.pk}/sector-plan/",
        {
            "entries": [
                {"sector": 7, "active": True, "priority_override": "recommended", "override_reason": "Tensions."},
                {"sector": 3, "focal_point": staff.pk, "partners": ["unhcr"]},
            ]
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    entries = {e["sector"]: e for e in answer.json()["entries"]}
    assert entries[7]["priority"] == "recommended" and entries[7]["active"] is True
    assert entries[3]["focal_point"]["username"] == "staff_lby" and entries[3]["partners"] == ["unhcr"]
    assert entries[3]["priority"] == "critical"  # PATCH leaves what it does not name
    # PUT replaces: sector 7 is not listed and goes back to the proposal.
    answer = api.put(
        f"/api/v1/crises/{crisis.pk}/sector-plan/", {"entries": [{"sector": 3, "active": False}]}, format="json"
    )
    entries = {e["sector"]: e for e in answer.json()["entries"]}
    assert entries[7]["priority_override"] is None and entries[7]["active"] is False
    assert entries[3]["active"] is False and entries[3]["partners"] == [] and entries[3]["focal_point"] is None


def test_plan_errors_come_in_one_shape(users, api_for):
    crisis = _lby_crisis(users)
    answer = api_for(users["staff_lby"]).patch(
        f"/api/v1/crises/{crisis.pk}/sector-plan/",
        {"entries": [{"sector": 4, "priority_override": "important"}]},
        format="json",
    )
    assert answer.status_code == 400
    assert "override_reason" in answer.json()["error"]["fields"]


def test_hq_reads_a_plan_but_does_not_edit_it(users, api_for):
    crisis = _lby_crisis(users)
    api = api_for(users["hq"])
    assert api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/").json()["can_edit"] is False
    answer = api.patch(
        f"/api/v1/crises/{crisis.pk}/sector-plan/", {"entries": [{"sector": 4, "active": False}]}, format="json"
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("username", ["staff_hti", "gov_egy", "unhcr"])
def test_other_offices_and_liaisons_get_404_for_a_plan(users, api_for, username):
    crisis = _lby_crisis(users)
    api = api_for(users[username])
    assert api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/").status_code == 404
    answer = api.patch(
        f"/api/v1/crises/{crisis.pk}/sector-plan/", {"entries": [{"sector": 4, "active": False}]}, format="json"
    )
    assert answer.status_code == 404


def test_staff_of_an_office_in_the_same_country_read_but_do_not_edit():
    owner = OfficeFactory(code="own", country="TCD")
    neighbour = OfficeFactory(code="nbr", country="TCD")
    crisis = registered_crisis(office=owner)
    api = APIClient()
    api.force_authenticate(office_staff(neighbour))
    assert api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/").json()["can_edit"] is False
    answer = api.patch(
        f"/api/v1/crises/{crisis.pk}/sector-plan/", {"entries": [{"sector": 4, "active": False}]}, format="json"
    )
    assert answer.status_code == 403


def test_plan_answer_in_a_constant_number_of_queries(users, api_for):
    crisis = _lby_crisis(users)
    api = api_for(users["staff_lby"])
    api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/")
    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/")
    partners = [PartnerFactory(code=f"ngo-{n}").code for n in range(4)]
    api.patch(
        f"/api/v1/crises/{crisis.pk}/sector-plan/",
        {"entries": [{"sector": n, "partners": partners, "focal_point": users["staff_lby"].pk} for n in range(1, 16)]},
        format="json",
    )
    with CaptureQueriesContext(connection) as many:
        answer = api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/")
    assert all(len(e["partners"]) == 4 for e in answer.json()["entries"])
    assert len(few) == len(many) <= 12, [q["sql"][:80] for q in many.captured_queries]


def test_hq_user_sees_every_plan():
    crisis = registered_crisis()
    api = APIClient()
    api.force_authenticate(hq_user())
    assert api.get(f"/api/v1/crises/{crisis.pk}/sector-plan/").status_code == 200
