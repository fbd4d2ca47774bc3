"""At 390 px (a phone), no main page scrolls sideways: wide tables scroll inside their own box."""

import pytest
from django.core.management import call_command

from tests.test_pages import PAGES, movement_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_main_page_scrolls_sideways_at_390_px(page, login, live_server, axe_violations):
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size({"width": 390, "height": 844})
    wide = {}
    for username, paths in PAGES.items():
        login(page, username)
        for path in paths + (movement_pages()[:2] if username == "staff_lby" else []):
            page.goto(f"{live_server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[(username, path)] = width
        page.context.clear_cookies()
    assert wide == {}
