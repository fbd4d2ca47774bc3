"""The displacement pages stay light and labelled on the demo data (docs/domain.md "Interfaces"):
at most 150 KB compressed with every asset, and a label on every control."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

LIMIT = 150 * 1024


@pytest.fixture
def tracking_demo(demo):
    from crises import demo as crises_demo
    from displacement import demo as displacement_demo

    crises_demo.seed()
    displacement_demo.seed()
    return demo["users"]


def _paths():
    from displacement.models import AssessmentRound, FlowPoint, Site

    haiti = Site.objects.order_by("pk").first().crisis
    open_round = AssessmentRound.objects.get(crisis=haiti, status="open")
    validated = AssessmentRound.objects.filter(crisis=haiti, status="validated").first()
    pending = Site.objects.filter(crisis=haiti).exclude(assessments__round=open_round).first()
    point = FlowPoint.objects.get(name="Ras Ajdir")
    return {
        "staff_hti": [
            f"/displacement/crises/{haiti.pk}/",
            f"/displacement/crises/{haiti.pk}/sites/",
            f"/displacement/crises/{haiti.pk}/sites/new/",
            f"/displacement/crises/{haiti.pk}/rounds/new/",
            f"/displacement/sites/{pending.pk}/",
            f"/displacement/rounds/{open_round.pk}/",
            f"/displacement/rounds/{validated.pk}/",
            f"/displacement/rounds/{open_round.pk}/sites/{pending.pk}/",
            f"/displacement/rounds/{open_round.pk}/import/",
        ],
        "com_hti": [f"/displacement/rounds/{validated.pk}/"],
        "staff_tun": [
            f"/displacement/flow-points/{point.pk}/?date=2011-03-05",
            f"/displacement/crises/{point.crisis_id}/",
        ],
        "unhcr": [f"/displacement/crises/{point.crisis_id}/"],
    }


def _weight(html: str, body: bytes) -> int:
    total = len(gzip.compress(body))
    for asset in set(re.findall(r'(?:href|src)="/static/([^"?]+)"', html)):
        found = finders.find(asset)
        assert found, asset
        with open(found, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total


def test_every_page_is_light_and_every_control_labelled(tracking_demo, client_for):
    for username, paths in _paths().items():
        client = client_for(tracking_demo[username])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (username, path)
            html = response.content.decode()
            assert _weight(html, response.content) <= LIMIT, (username, path)
            ids = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
            for tag in re.finditer(r"<(input|select|textarea)\b([^>]*)>", html):
                attrs = tag.group(2)
                if re.search(r'type="(hidden|submit|button)"', attrs):
                    continue
                control_id = re.search(r'id="([^"]+)"', attrs)
                labelled = "aria-label=" in attrs or "aria-labelledby=" in attrs
                assert labelled or (control_id and control_id.group(1) in ids), (username, path, tag.group(0))


def test_a_partner_sees_suppressed_figures_on_the_demo(tracking_demo, client_for):
    from displacement.models import FlowPoint

    point = FlowPoint.objects.get(name="Ras Ajdir")
    page = client_for(tracking_demo["unhcr"]).get(f"/displacement/crises/{point.crisis_id}/").content.decode()
    assert "Ras Ajdir" in page and "Validated rounds only" in page
