"""axe-core finds nothing serious or critical on the main pages, in a real chromium, per role."""

import pytest
from django.core.management import call_command

from tests.test_pages import PAGES, movement_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_main_pages_have_no_serious_accessibility_finding(page, login, live_server, axe_violations):
    call_command("seed_demo", verbosity=0)
    findings = {}
    for username, paths in PAGES.items():
        login(page, username)
        for path in paths + (movement_pages() if username == "staff_lby" else []):
            page.goto(f"{live_server.url}{path}")
            found = axe_violations(page)
            if found:
                findings[(username, path)] = found
        page.context.clear_cookies()
    assert findings == {}
