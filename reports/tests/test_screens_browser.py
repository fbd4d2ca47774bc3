"""The header and the dashboard's wide tables, measured in a real chromium at 1280 and 390 px."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER_BOX = (
    "(() => { const r = document.querySelector('header.site-header').getBoundingClientRect(); return r.height; })()"
)
# The tops of the header's visible items, rounded: one row when they all sit on one line.
HEADER_ROWS = """(() => {
  const items = Array.from(document.querySelectorAll(
    'header.site-header .brand, header.site-header nav > ul > li, header.site-header .header-tools > *'));
  const boxes = items.filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
  // One row: every item overlaps every other vertically.
  return Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom)) ? 1 : 2;
})()"""


def test_the_hq_header_keeps_one_row_at_1280_px(world, page, login, live_server, axe_violations):
    login(page, "hq")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    assert page.evaluate(HEADER_ROWS) == 1
    assert page.get_by_role("button", name="Menu").is_hidden()
    # The back office is under "More", one click away.
    page.locator(".nav-more summary").click()
    assert page.locator("header nav [data-nav='audit']").is_visible()
    assert axe_violations(page) == []


def test_the_header_folds_behind_a_menu_button_on_a_phone(world, page, login, live_server, axe_violations):
    login(page, "hq")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/caseload/migrants/")
    assert page.evaluate(HEADER_BOX) <= 120
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.locator("header nav [data-nav='crises']").is_hidden()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.locator("header nav [data-nav='crises']").is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate(HEADER_BOX) <= 120
    # In Arabic, laid out from the right, the same.
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    page.reload()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate(HEADER_BOX) <= 120
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_dashboard_tables_scroll_inside_their_box_at_390_px(world, page, login, live_server, axe_violations):
    login(page, "hq")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The widest table is wider than its box and scrolls in it; the first column stays in view.
    widest = page.evaluate("""(() => {
      const boxes = Array.from(document.querySelectorAll('.table-scroll'))
        .filter(b => b.querySelector('.dashboard-table'));
      const b = boxes.sort((x, y) => (y.scrollWidth - y.clientWidth) - (x.scrollWidth - x.clientWidth))[0];
      b.id = b.id || 'widest-table';
      return {scroll: b.scrollWidth, client: b.clientWidth, id: b.id};
    })()""")
    assert widest["scroll"] > widest["client"]
    first_cell = f"#{widest['id']} tbody tr:first-child > :first-child"
    before = page.evaluate(f"document.querySelector('{first_cell}').getBoundingClientRect().left")
    page.evaluate(f"document.getElementById('{widest['id']}').scrollLeft = 200")
    after = page.evaluate(f"document.querySelector('{first_cell}').getBoundingClientRect().left")
    assert abs(after - before) < 1
    second_cell = f"#{widest['id']} tbody tr:first-child > :nth-child(2)"
    assert page.evaluate(f"document.querySelector('{second_cell}').getBoundingClientRect().left") < before + 200
    assert axe_violations(page) == []
