"""The crisis's displacement overview reads a constant number of queries, whatever the number of
sites, rounds, flow points and days counted (its figures are grouped in SQL, its list of points
asks who may count at them in one query): a large operation (bench/displacement.py) costs no more
round trips than a small one, for office staff, staff of an office in a point's country, HQ and a
partner on the coordination list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import hq_user
from crises.models import CrisisCountry
from displacement import selectors, services

from .conftest import site_data, validated_round

pytestmark = pytest.mark.django_db

ROW = {"direction": "in", "reason": "conflict", "destination_country": "HTI"}


def _grow(staff, chief, crisis, *, sites: int, points: int, days: int, first: int, start: datetime.date) -> None:
    """``sites`` new sites assessed in a new validated round, and ``points`` new points at the
    Dominican and Tunisian borders, each counted on ``days`` days for two nationalities."""
    made = [services.site_create(actor=staff, crisis=crisis, data=site_data(first + n)) for n in range(sites)]
    everyone = [*selectors.sites_visible_to(staff).filter(crisis=crisis)]
    assert len(everyone) >= len(made)
    validated_round(staff, chief, crisis, everyone, start=start, end=start + datetime.timedelta(days=20))
    for n in range(points):
        point = services.flow_point_create(
            actor=staff,
            crisis=crisis,
            data={
                "name": f"Point {first + n}",
                "point_type": "border_crossing",
                "country": "TUN" if n % 2 else "DOM",
                "latitude": "18.5",
                "longitude": "-71.9",
            },
        )
        for day in range(days):
            services.flow_counts_record(
                actor=staff,
                point_id=point.pk,
                date=(start + datetime.timedelta(days=day)).isoformat(),
                rows=[{**ROW, "nationality": "TCD", "males": 3}, {**ROW, "nationality": "EGY", "males": 30}],
            )


def _queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # the session's first reads are not the page's
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(queries.captured_queries)


def test_the_overview_page_reads_the_same_queries_at_any_size(client_for, staff, chief, users, ocha, haiti):
    CrisisCountry.objects.create(crisis=haiti, country="TUN")  # the Tunisia office sees the crisis
    readers = {
        "office": client_for(staff),
        "office in the point's country": client_for(users["staff_tun"]),
        "hq": client_for(hq_user()),
        "partner": client_for(ocha),
    }
    url = f"/displacement/crises/{haiti.pk}/"
    _grow(staff, chief, haiti, sites=1, points=1, days=1, first=0, start=datetime.date(2010, 2, 1))
    small = {name: _queries(client, url) for name, client in readers.items()}

    _grow(staff, chief, haiti, sites=6, points=6, days=4, first=10, start=datetime.date(2010, 3, 1))
    _grow(staff, chief, haiti, sites=2, points=2, days=3, first=30, start=datetime.date(2010, 4, 1))
    large = {name: _queries(client, url) for name, client in readers.items()}

    assert large == small
    figures = selectors.overview(staff, haiti)
    assert [r["sites"] for r in figures["per_round"]] == [1, 7, 9]
    # The window is the last 30 days counted (to 3 April): the early March counts are outside it.
    assert [d["date"].day for d in figures["per_day"]] == [1, 2, 3]
    assert figures["per_day"][0]["inflow"] == 2 * 33


def test_who_counts_at_which_point_is_one_query_for_any_number_of_points(
    staff, users, haiti, django_assert_num_queries
):
    CrisisCountry.objects.create(crisis=haiti, country="TUN")
    for n in range(8):
        services.flow_point_create(
            actor=staff,
            crisis=haiti,
            data={
                "name": f"Point {n}",
                "point_type": "border_crossing",
                "country": "TUN" if n % 2 else "DOM",
                "latitude": "33",
                "longitude": "11",
            },
        )
    tunisia = users["staff_tun"]
    points = list(selectors.flow_points_visible_to(tunisia).filter(crisis=haiti).select_related("crisis"))
    assert len(points) == 8
    with django_assert_num_queries(1):
        countable = selectors.countable_point_ids(tunisia, points)
    assert countable == {p.pk for p in points if p.country == "TUN"}  # the Tunisia office counts in Tunisia
    assert all(selectors.can_count_at(tunisia, p) == (p.pk in countable) for p in points)
    with django_assert_num_queries(0):
        assert selectors.countable_point_ids(staff, points) == {p.pk for p in points}  # the crisis's own office


def test_the_overview_lists_the_points_a_page_at_a_time(client_for, staff, haiti):
    for n in range(53):
        services.flow_point_create(
            actor=staff,
            crisis=haiti,
            data={
                "name": f"Point {n:02d}",
                "point_type": "port",
                "country": "HTI",
                "latitude": "18.5",
                "longitude": "-72.3",
            },
        )
    client = client_for(staff)
    url = f"/displacement/crises/{haiti.pk}/"
    first = client.get(url).content.decode()
    second = client.get(url, {"points": 2}).content.decode()
    assert "Point 49" in first and "Point 50" not in first
    assert "Point 50" in second and "Point 52" in second and "Point 49" not in second
    assert "?points=2#points-heading" in first


def test_every_write_of_an_assessment_keeps_its_rounds_totals(staff, chief, haiti):
    """The overview reads the totals kept on each round: they equal the sums of its assessments after
    an entry, a change, a bulk save and a correction of the validated round."""
    from displacement.models import AssessmentRound, SiteAssessment

    from .conftest import assessment_data

    sites = [services.site_create(actor=staff, crisis=haiti, data=site_data(n)) for n in range(3)]
    round = services.round_open(actor=staff, crisis=haiti, start_date="2010-03-01", end_date="2010-03-31")

    def kept() -> dict:
        return AssessmentRound.objects.get(pk=round.pk).totals

    def summed() -> dict:
        rows = list(SiteAssessment.objects.filter(round=round).values(*services.TOTAL_FIELDS))
        return {"sites": len(rows), **{k: sum(r[k] for r in rows) for k in services.TOTAL_FIELDS}}

    services.assessment_save(actor=staff, round_id=round.pk, site_id=sites[0].pk, data=assessment_data())
    assert kept() == summed() and kept()["individuals"] == 40
    services.assessment_save(actor=staff, round_id=round.pk, site_id=sites[0].pk, data=assessment_data(households=3))
    assert kept() == summed() and kept()["households"] == 3
    services.assessments_save_many(
        actor=staff, round_id=round.pk, rows=[(s.pk, assessment_data(idps=20, host_community=16)) for s in sites]
    )
    assert kept() == summed() and kept()["sites"] == 3 and kept()["idps"] == 60
    services.round_transition(actor=staff, round_id=round.pk, to="submitted")
    services.round_transition(actor=chief, round_id=round.pk, to="validated")
    first = SiteAssessment.objects.filter(round=round).order_by("pk").first()
    services.assessment_correct(
        actor=staff, assessment_id=first.pk, data=assessment_data(idps=10, host_community=26), reason="Recount"
    )
    assert kept() == summed() and kept()["idps"] == 50
    assert selectors.overview(staff, haiti)["per_round"][0]["idps"] == 50
    assert haiti.affected_figures.get(group="idps", source=round.source).figure == 50
