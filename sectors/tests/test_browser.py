"""A real browser opens a crisis's sector plan and sees the critical sectors of its phase."""

import pytest

from accounts.demo import seed as seed_accounts
from crises.models import CrisisType, Phase
from sectors.models import Sector

from .factories import registered_crisis

# serialized_rollback: the flush at the end must not take the reference data of the migrations with it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_office_staff_open_the_plan_and_see_the_critical_sectors_of_the_current_phase(
    transactional_db, live_server, page, login
):
    demo = seed_accounts()
    crisis = registered_crisis(
        office=demo["offices"]["lby"], crisis_type=CrisisType.HEALTH, phase=Phase.DURING, name="Cholera outbreak"
    )
    login(page, "staff_lby")
    page.goto(f"{live_server.url}/sectors/crises/{crisis.pk}/")
    assert "Cholera outbreak" in page.get_by_role("heading", level=1).inner_text()

    current = page.locator("thead th.current-phase")
    assert "During" in current.inner_text() and "current phase" in current.inner_text()

    critical_rows = page.locator('tbody tr:has(td[data-current="true"][data-priority="critical"]) th[scope="row"]')
    seen = {text.split(". ", 1)[1].strip() for text in critical_rows.all_inner_texts()}
    # Annex I para 33: health and psychosocial support are critical, as are shelter and NFIs, and
    # diaspora health practitioners "can be essential".
    expected = {Sector.objects.get(number=n).name_en for n in (2, 4, 5, 13)}
    assert seen == expected

    # Each critical cell says so in words, not only in colour.
    health_row = page.locator('tbody tr[data-sector="4"]')
    assert health_row.locator('td[data-current="true"]').inner_text().startswith("Critical")
    assert "HEA" in health_row.inner_text()

    # The office may edit: the sector's form opens above the diagram (htmx), and saving redraws the plan.
    page.locator('tbody tr[data-sector="7"]').get_by_role("link", name="Edit").click()
    editor = page.locator("#entry-editor")
    editor.get_by_label("Priority set by the office").select_option("recommended")
    editor.get_by_role("button", name="Save").click()
    assert "Give the reason" in editor.locator(".field-error").inner_text()
    editor.get_by_label("Reason for the priority").fill("Tensions between host and displaced communities.")
    editor.get_by_role("button", name="Save").click()
    stabilization = page.locator('tbody tr[data-sector="7"] td[data-current="true"]')
    stabilization.filter(has_text="set by the office").wait_for()
    assert stabilization.get_attribute("data-priority") == "recommended"
    assert page.locator('tbody tr[data-sector="7"] td[data-active]').get_attribute("data-active") == "true"
