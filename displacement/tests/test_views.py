"""The pages, per role: the office enters and its Chief of Mission validates, HQ reads, a partner on
the coordination list reads the validated figures, nobody else gets anything (404 or 403)."""

import datetime
import re

import pytest

from displacement import services
from displacement.models import FlowCount, RoundStatus, SiteAssessment

from .conftest import assessment_data, site_data, validated_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, chief, haiti, site):
    first = validated_round(
        staff, chief, haiti, [site], start=datetime.date(2010, 3, 1), end=datetime.date(2010, 3, 31)
    )
    second = services.round_open(actor=staff, crisis=haiti, start_date="2010-04-01", end_date="2010-04-30")
    point = services.flow_point_create(
        actor=staff,
        crisis=haiti,
        data={
            "name": "Malpasse",
            "point_type": "border_crossing",
            "country": "HTI",
            "latitude": "18.5",
            "longitude": "-71.9",
        },
    )
    return {"first": first, "second": second, "point": point, "site": site, "crisis": haiti}


def pages(w) -> list[str]:
    return [
        f"/displacement/crises/{w['crisis'].pk}/",
        f"/displacement/crises/{w['crisis'].pk}/sites/",
        f"/displacement/sites/{w['site'].pk}/",
        f"/displacement/rounds/{w['first'].pk}/",
    ]


def test_office_hq_and_partner_read_the_pages(client_for, staff, users, ocha, world):
    from accounts.tests.factories import hq_user

    for user in (staff, users["com_hti"], hq_user(username="hq_pages"), ocha):
        client = client_for(user)
        for path in pages(world):
            assert client.get(path).status_code == 200, (user, path)


def test_outsiders_get_nothing(client_for, users, world):
    for name in ("staff_lby", "gov_egy", "unhcr"):
        client = client_for(users[name])
        for path in [*pages(world), f"/displacement/flow-points/{world['point'].pk}/"]:
            assert client.get(path).status_code in (403, 404), (name, path)


def test_a_partner_sees_no_open_round_and_no_entry_screen(client_for, ocha, world):
    client = client_for(ocha)
    assert client.get(f"/displacement/rounds/{world['second'].pk}/").status_code == 404
    assert client.get(f"/displacement/flow-points/{world['point'].pk}/").status_code == 403
    entry = f"/displacement/rounds/{world['first'].pk}/sites/{world['site'].pk}/"
    assert client.get(entry).status_code == 403


def test_entry_then_validation_through_the_pages(client_for, staff, chief, world):
    round, site = world["second"], world["site"]
    entry = client_for(staff)
    bad = entry.post(f"/displacement/rounds/{round.pk}/sites/{site.pk}/", assessment_data(male_0_4=9))
    assert bad.status_code == 200 and "add up to" in bad.content.decode()
    assert not SiteAssessment.objects.filter(round=round).exists()
    assert entry.post(f"/displacement/rounds/{round.pk}/sites/{site.pk}/", assessment_data()).status_code == 302
    entry.post(f"/displacement/rounds/{round.pk}/transition/", {"to": "submitted"})
    page = entry.get(f"/displacement/rounds/{round.pk}/").content.decode()
    assert "Validate the round" not in page
    validator = client_for(chief)
    assert "Validate the round" in validator.get(f"/displacement/rounds/{round.pk}/").content.decode()
    validator.post(f"/displacement/rounds/{round.pk}/transition/", {"to": "validated"})
    round.refresh_from_db()
    assert round.status == RoundStatus.VALIDATED
    crisis_page = entry.get(f"/crises/{world['crisis'].pk}/").content.decode()
    idps = re.search(r'<tr data-group="idps">(.*?)</tr>', crisis_page, re.S).group(1)
    assert "30" in idps and round.source in idps


def test_the_day_entry_corrects_a_day_counted_again(client_for, staff, world):
    client = client_for(staff)
    url = f"/displacement/flow-points/{world['point'].pk}/"
    line = {"r0-direction": "in", "r0-nationality": "DOM", "r0-reason": "economic", "r0-destination_country": "HTI"}
    for males in ("4", "6"):
        answer = client.post(url, {"date": "2010-02-03", "row_count": "1", **line, "r0-males": males})
        assert answer.status_code == 302
    assert FlowCount.objects.get().males == 6
    page = client.get(f"{url}?date=2010-02-03").content.decode()
    assert 'value="DOM"' in page
    bad = client.post(url, {"date": "2010-02-03", "row_count": "1", **line, "r0-nationality": "ZZZ"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()


def test_site_filters(client_for, staff, haiti, world):
    services.site_create(
        actor=staff,
        crisis=haiti,
        data=site_data(2, admin1_name="Sud-Est", admin1_pcode="HT10", site_type="collective_centre"),
    )
    client = client_for(staff)
    page = client.get(f"/displacement/crises/{haiti.pk}/sites/?admin1=HT10").content.decode()
    assert "Camp 2" in page and "Camp 1" not in page
    page = client.get(f"/displacement/crises/{haiti.pk}/sites/?site_type=camp").content.decode()
    assert "Camp 1" in page and "Camp 2" not in page
