"""Browser pages: the matrix per scenario, HQ's cell edits and a crisis's plan, for each role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import PartnerFactory
from core.models import AuditEntry
from crises.models import CrisisType, Phase
from sectors.models import MatrixCell

from .factories import change_phase, registered_crisis

pytestmark = pytest.mark.django_db


def _lby_crisis(users, **kwargs):
    return registered_crisis(office=users["staff_lby"].memberships.get().office, **kwargs)


def test_matrix_index_and_each_scenario_page(users, client_for):
    client = client_for(users["staff_tun"])
    page = client.get(reverse("sectors:matrix"))
    assert page.status_code == 200
    assert b"Emergency Consular Assistance" in page.content
    for crisis_type in CrisisType.values:
        page = client.get(reverse("sectors:scenario", kwargs={"crisis_type": crisis_type}))
        assert page.status_code == 200
        assert page.content.count(b'class="sector-cell') == 45
    page = client.get(reverse("sectors:scenario", kwargs={"crisis_type": "health"}))
    assert b"Annex I para 33" in page.content
    assert b"/sectors/matrix/" not in page.content  # no edit links for office staff
    assert client.get("/sectors/scenarios/volcano/").status_code == 404


def test_matrix_index_lists_the_plans_of_the_crises_the_user_may_see(users, client_for):
    lby = _lby_crisis(users, name="Libya test crisis")
    hti = registered_crisis(office=users["staff_hti"].memberships.get().office, name="Haiti test crisis")
    html = client_for(users["staff_lby"]).get(reverse("sectors:matrix")).content.decode()
    assert reverse("sectors:plan", kwargs={"crisis_id": lby.pk}) in html
    assert reverse("sectors:plan", kwargs={"crisis_id": hti.pk}) not in html and "Haiti test crisis" not in html
    html = client_for(users["hq"]).get(reverse("sectors:matrix")).content.decode()
    assert "Libya test crisis" in html and "Haiti test crisis" in html


def test_pages_follow_the_active_language(users, client_for):
    client = client_for(users["staff_tun"])
    page = client.get(reverse("sectors:scenario", kwargs={"crisis_type": "health"}), HTTP_ACCEPT_LANGUAGE="es")
    assert "Asistencia consular de emergencia" in page.content.decode()


@pytest.mark.parametrize("username", ["gov_egy", "unhcr"])
def test_liaisons_get_404_on_matrix_pages(users, client_for, username):
    client = client_for(users[username])
    assert client.get(reverse("sectors:matrix")).status_code == 404
    assert client.get(reverse("sectors:scenario", kwargs={"crisis_type": "health"})).status_code == 404


def test_hq_changes_a_cell_in_the_browser_and_staff_cannot(users, client_for):
    cell = MatrixCell.objects.get(crisis_type="health", phase="after", sector__number=15)
    url = reverse("sectors:cell_edit", kwargs={"pk": cell.pk})
    assert client_for(users["staff_lby"]).get(url).status_code == 403
    assert client_for(users["staff_lby"]).post(url, {"priority": "important", "reason": "x"}).status_code == 403
    hq = client_for(users["hq"])
    assert b"/sectors/matrix/" in hq.get(reverse("sectors:scenario", kwargs={"crisis_type": "health"})).content
    page = hq.post(url, {"priority": "important", "citation": cell.citation, "reason": ""})
    assert page.status_code == 200 and b"field-error" in page.content
    answer = hq.post(url, {"priority": "recommended", "citation": cell.citation, "reason": "Cholera messaging."})
    assert answer.status_code == 302
    cell.refresh_from_db()
    assert cell.priority == "recommended"
    assert b"Cholera messaging." in hq.get(url).content


def test_plan_page_draws_the_diagram_with_the_current_phase(users, client_for):
    crisis = _lby_crisis(users, crisis_type=CrisisType.MAN_MADE, phase=Phase.DURING)
    page = client_for(users["staff_lby"]).get(reverse("sectors:plan", kwargs={"crisis_id": crisis.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-current="true"') == 15
    assert html.count('class="current-phase" aria-current="step"') == 1
    assert 'data-priority="critical" data-current="true"' in html
    assert "CCM" in html and "Refugee regime (UNHCR)" in html
    assert reverse("sectors:plan_entry", kwargs={"crisis_id": crisis.pk, "number": 3}) in html


def test_plan_page_shows_what_a_phase_change_changed(users, client_for):
    crisis = _lby_crisis(users, crisis_type=CrisisType.MAN_MADE, phase=Phase.DURING)
    change_phase(crisis, Phase.AFTER)
    html = client_for(users["com_lby"]).get(reverse("sectors:plan", kwargs={"crisis_id": crisis.pk})).content.decode()
    assert 'data-changed-sector="3"' in html and 'data-changed-sector="7"' in html
    assert 'data-changed-sector="14"' not in html


def test_office_edits_a_sector_of_its_plan_in_the_browser(users, client_for):
    crisis = _lby_crisis(users)
    unhcr = PartnerFactory(code="unhcr")
    staff = users["staff_lby"]
    url = reverse("sectors:plan_entry", kwargs={"crisis_id": crisis.pk, "number": 8})
    client = client_for(staff)
    assert client.get(url).status_code == 200
    page = client.post(url, {"active": "yes", "priority_override": "important", "override_reason": ""})
    assert page.status_code == 200 and b"field-error" in page.content
    answer = client.post(
        url,
        {
            "active": "yes",
            "priority_override": "important",
            "override_reason": "Flood-prone area.",
            "focal_point": staff.pk,
            "partners": [unhcr.pk],
        },
    )
    assert answer.status_code == 302
    entry = crisis.sector_plan.entries.get(sector__number=8)
    assert entry.priority == "important" and entry.is_active and entry.focal_point == staff
    assert list(entry.partners.all()) == [unhcr]


@pytest.mark.parametrize(("username", "status"), [("staff_hti", 404), ("gov_egy", 404), ("unhcr", 404), ("hq", 200)])
def test_who_may_see_a_plan(users, client_for, username, status):
    crisis = _lby_crisis(users)
    url = reverse("sectors:plan", kwargs={"crisis_id": crisis.pk})
    assert client_for(users[username]).get(url).status_code == status


@pytest.mark.parametrize(("username", "status"), [("staff_hti", 404), ("gov_egy", 404), ("hq", 403)])
def test_who_may_not_edit_a_plan(users, client_for, username, status):
    crisis = _lby_crisis(users)
    url = reverse("sectors:plan_entry", kwargs={"crisis_id": crisis.pk, "number": 8})
    assert client_for(users[username]).post(url, {"active": "no"}).status_code == status
    assert crisis.sector_plan.entries.get(sector__number=8).active_override is None


def test_plan_page_in_a_constant_number_of_queries(users, client_for):
    crisis = _lby_crisis(users)
    client = client_for(users["staff_lby"])
    url = reverse("sectors:plan", kwargs={"crisis_id": crisis.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    partners = [PartnerFactory(code=f"ngo-{n}") for n in range(3)]
    for entry in crisis.sector_plan.entries.all():
        entry.partners.set(partners)
        entry.focal_point = users["staff_lby"]
        entry.save()
    change_phase(crisis, Phase.AFTER)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count("ngo-") == 0  # partner names, not codes, are shown
    assert len(few) == len(many), [q["sql"][:90] for q in many.captured_queries]


def test_the_plan_says_when_hq_changed_the_matrix_and_the_office_takes_it_up(users, client_for):
    from sectors.services import matrix_cell_change

    crisis = _lby_crisis(users, crisis_type=CrisisType.MAN_MADE, phase=Phase.DURING)
    cell = MatrixCell.objects.get(crisis_type="man_made", phase="during", sector__number=7)
    matrix_cell_change(cell=cell, actor=users["hq"], priority="recommended", reason="Stabilization starts early.")
    url = reverse("sectors:plan", kwargs={"crisis_id": crisis.pk})
    html = client_for(users["staff_lby"]).get(url).content.decode()
    assert "plan-stale" in html and "7. Activities to Support Community Stabilization" in html
    repropose = reverse("sectors:plan_repropose", kwargs={"crisis_id": crisis.pk})
    assert client_for(users["hq"]).post(repropose).status_code == 403
    assert client_for(users["staff_hti"]).post(repropose).status_code == 404
    assert client_for(users["staff_lby"]).post(repropose).status_code == 302
    assert crisis.sector_plan.entries.get(sector__number=7).priority == "recommended"
    plan_entries = AuditEntry.objects.filter(object_type="sectors.sectorplan", object_id=str(crisis.sector_plan.pk))
    entry = plan_entries.latest("id")
    assert entry.actor == users["staff_lby"] and entry.action == "update"
    assert entry.after["changed_sectors"] == [7] and entry.ip_address
    assert "plan-stale" not in client_for(users["staff_lby"]).get(url).content.decode()


def test_entry_form_comes_as_a_partial_for_htmx(users, client_for):
    crisis = _lby_crisis(users)
    url = reverse("sectors:plan_entry", kwargs={"crisis_id": crisis.pk, "number": 8})
    client = client_for(users["staff_lby"])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content and b"hx-post" in partial.content
    saved = client.post(url, {"active": "no"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and saved["HX-Redirect"] == reverse("sectors:plan", kwargs={"crisis_id": crisis.pk})
