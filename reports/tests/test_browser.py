"""A real chromium: the HQ dashboard draws its charts beside its tables, under the CSP, accessibly."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS_DRAWN = """() => {
  const canvases = Array.from(document.querySelectorAll('.dashboard canvas'));
  return window.Chart && canvases.length > 0 && canvases.every(c => window.Chart.getChart(c) && c.width > 0);
}"""


def test_hq_dashboard_draws_its_charts_and_tables(world, page, login, live_server, axe_violations):
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, "hq")
    page.goto(f"{live_server.url}/")
    page.wait_for_function(CHARTS_DRAWN)
    assert page.locator(".dashboard canvas").count() == 6
    assert page.locator("table.dashboard-table").count() == 9  # and the three of people moved
    assert page.get_by_role("heading", name="Crises by emergency level and phase").is_visible()
    # The table is the truth: the figures are there for a screen reader, in text.
    crises = page.locator('table[data-table="caseload-crisis"]')
    assert crises.get_by_role("rowheader", name="LBY-T Libya (test)").is_visible()
    assert page.locator('[data-total="migrants"]').inner_text() == "15"
    assert csp_errors == []
    assert axe_violations(page) == []

    # Filtering by a crisis redraws the figures of that crisis only.
    page.get_by_label("Crisis", exact=True).select_option(label="TUN-T Tunisia (test)")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?crisis=*")
    page.wait_for_function(CHARTS_DRAWN)
    assert page.locator('[data-total="migrants"]').inner_text() == "4"


def test_a_liaison_overview_is_light_and_accessible(world, page, login, live_server, axe_violations):
    login(page, "unhcr")
    page.goto(f"{live_server.url}/")
    assert page.locator('[data-total="referrals"]').inner_text() == "4"
    assert page.locator("canvas").count() == 0
    assert axe_violations(page) == []
