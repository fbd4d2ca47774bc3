"""The Libya sitrep in a real browser: the periodic task drafts it; staff_lby writes the highlights and
submits; hq approves and publishes; unhcr (on the crisis's coordination list) reads it; a real Celery
worker delivers the ``sitrep.published`` webhook with its thin payload. Every page passes axe-core,
has no sideways scroll at 390 px and stays under the page-weight limit."""

import datetime
import gzip
import json
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from conftest import wait_for
from crises.demo import LIBYA
from crises.models import Crisis
from outbox.tests.factories import WebhookEndpointFactory
from outbox.tests.receiver import Receiver
from partners.models import Partner
from sitreps import services
from sitreps.models import Sitrep

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
LIMIT = 150 * 1024
HIGHLIGHTS = "Evacuation flights from Tripoli continue; **1,200** people moved this week."


@pytest.fixture
def celery_worker_env() -> dict:
    return {"DJANGO_SETTINGS_MODULE": "outbox.tests.settings_worker", "MCOF_TEST_SETTINGS": json.dumps({})}


def check(page, axe_violations) -> None:
    assert axe_violations(page) == [], page.url
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def weight(page) -> int:
    return len(gzip.compress(page.content().encode()))


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))


def test_the_libya_sitrep_from_the_task_to_unhcr(page, login, live_server, axe_violations, celery_worker_process):
    call_command("seed_demo", verbosity=0)
    libya = Crisis.objects.get(name=LIBYA)
    Sitrep.objects.filter(crisis=libya, status="draft").delete()  # the demo's own draft: the task makes it now
    due = services.next_due(libya)
    day_before = timezone.make_aware(datetime.datetime.combine(due - datetime.timedelta(days=1), datetime.time(6)))
    assert services.sitreps_cycle(now=day_before)["drafted"] == 1
    sitrep = Sitrep.objects.get(crisis=libya, status="draft")
    unhcr = Partner.objects.get(code="unhcr")

    with Receiver() as receiver:
        endpoint = WebhookEndpointFactory(government=None, partner=unhcr, url=receiver.url, event_types=["sitrep."])

        login(page, "staff_lby")
        page.goto(f"{live_server.url}/sitreps/")
        check(page, axe_violations)
        page.get_by_role("link", name=f"SitRep {sitrep.number}").first.click()
        page.wait_for_url(re.compile(rf"/sitreps/{sitrep.pk}/$"))
        check(page, axe_violations)
        assert weight(page) < LIMIT
        page.get_by_role("button", name="Write the narrative").click()
        check(page, axe_violations)
        page.get_by_label("Highlights").fill(HIGHLIGHTS)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(rf"/sitreps/{sitrep.pk}/$"))
        assert "1,200" in page.locator("#narrative-highlights strong").inner_text()
        page.locator("#transition-submit").click()
        page.wait_for_url(re.compile(rf"/sitreps/{sitrep.pk}/$"))
        assert page.locator("#sitrep-status").get_attribute("data-status") == "submitted"
        _logout(page)

        login(page, "hq")
        page.goto(f"{live_server.url}/sitreps/{sitrep.pk}/")
        check(page, axe_violations)
        page.locator("#transition-approve").click()
        page.wait_for_url(re.compile(rf"/sitreps/{sitrep.pk}/$"))
        page.locator("#transition-publish").click()
        page.wait_for_url(re.compile(rf"/sitreps/{sitrep.pk}/$"))
        assert page.locator("#sitrep-status").get_attribute("data-status") == "published"
        _logout(page)

        login(page, "unhcr")
        page.goto(f"{live_server.url}/sitreps/")
        check(page, axe_violations)
        page.get_by_role("link", name=f"SitRep {sitrep.number}").first.click()
        page.wait_for_url(re.compile(rf"/sitreps/{sitrep.pk}/$"))
        check(page, axe_violations)
        assert "1,200" in page.locator("#narrative-highlights").inner_text()
        assert page.locator("#transition-approve").count() == 0

        assert wait_for(lambda: receiver.count() >= 1, timeout=60), celery_worker_process.stderr
    payloads = [Webhook(endpoint.secret).verify(r.body, r.headers) for r in receiver.requests]
    assert [p["type"] for p in payloads] == ["sitrep.published"]
    assert payloads[0]["data"] == {
        "object": "sitrep",
        "id": sitrep.pk,
        "crisis": libya.code,
        "api_url": f"{django_settings.SITE_URL}/api/v1/sitreps/{sitrep.pk}/",
    }
