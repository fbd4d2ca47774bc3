"""Who sees what (docs/domain.md "Displacement tracking"): office staff their office's crises, HQ
every crisis, a partner on the crisis's coordination list the validated rounds as aggregates with
counts of 1 to 4 shown as "<5", and nobody else anything."""

import datetime

import pytest

from accounts.tests.factories import PartnerFactory, hq_user, partner_liaison
from displacement import selectors, services

from .conftest import assessment_data, site_data, validated_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(staff, chief, haiti):
    """Two sites; round 1 validated (one site with 3 migrants), round 2 open; a flow point with a
    count of 3 Chadians and one of 40 Egyptians."""
    sites = [services.site_create(actor=staff, crisis=haiti, data=site_data(n)) for n in range(2)]
    first = validated_round(
        staff,
        chief,
        haiti,
        sites,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 3, 31),
        data=assessment_data(international_migrants=3),
    )
    second = services.round_open(actor=staff, crisis=haiti, start_date="2010-04-01", end_date="2010-04-30")
    services.assessment_save(actor=staff, round_id=second.pk, site_id=sites[0].pk, data=assessment_data())
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
    row = {"direction": "in", "reason": "conflict", "destination_country": "HTI"}
    services.flow_counts_record(
        actor=staff,
        point_id=point.pk,
        date="2010-03-02",
        rows=[{**row, "nationality": "TCD", "males": 3}, {**row, "nationality": "EGY", "males": 30, "females": 10}],
    )
    return {"sites": sites, "first": first, "second": second, "point": point}


def test_office_staff_and_hq_see_everything_of_the_crisis(staff, tracked):
    for user in (staff, hq_user(username="hq_reader")):
        assert selectors.sites_visible_to(user).count() == 2
        assert selectors.rounds_visible_to(user).count() == 2
        assert selectors.flow_counts_visible_to(user).count() == 2


def test_staff_of_an_office_the_crisis_does_not_concern_see_nothing(users, tracked):
    # Libya's office: the Haiti crisis is neither its own nor in its country.
    for user in (users["staff_lby"], users["com_lby"], users["gov_egy"], users["unhcr"]):
        assert not selectors.sites_visible_to(user).exists(), user
        assert not selectors.rounds_visible_to(user).exists(), user
        assert not selectors.flow_points_visible_to(user).exists(), user
        assert not selectors.assessments_visible_to(user).exists(), user


def test_a_partner_on_the_coordination_list_sees_validated_rounds_only(ocha, tracked):
    # A sudden-onset natural disaster is coordinated under the cluster approach (OCHA).
    assert list(selectors.rounds_visible_to(ocha)) == [tracked["first"]]
    assert selectors.sites_visible_to(ocha).count() == 2
    assert not selectors.assessments_visible_to(ocha).filter(round=tracked["second"]).exists()


def test_a_partner_not_on_the_list_sees_nothing(tracked):
    other = partner_liaison(PartnerFactory(code="wfp", name="WFP"), username="wfp_liaison")
    assert not selectors.rounds_visible_to(other).exists()
    assert not selectors.sites_visible_to(other).exists()


def test_counts_of_one_to_four_are_shown_to_partners_as_less_than_five(staff, ocha, tracked):
    partner_rows = selectors.assessment_rows(ocha, tracked["first"])
    staff_rows = selectors.assessment_rows(staff, tracked["first"])
    assert {r["international_migrants"] for r in partner_rows} == {"<5"}
    assert {r["international_migrants"] for r in staff_rows} == {3}
    assert {r["female_0_4"] for r in partner_rows} == {"<5"}  # 2 girls under five
    assert {r["individuals"] for r in partner_rows} == {40}
    assert all("remarks" not in r for r in partner_rows) and all(r["remarks"] for r in staff_rows)
    flows = {r["nationality"]: r for r in selectors.flow_count_rows(ocha, tracked["point"])}
    assert flows["TCD"]["males"] == "<5" and flows["EGY"]["males"] == 30 and flows["EGY"]["females"] == 10
    assert "reason" not in flows["TCD"]
    assert {r["males"] for r in selectors.flow_count_rows(staff, tracked["point"])} == {3, 30}


def test_the_overview_follows_the_scope(staff, ocha, tracked, haiti):
    mine = selectors.overview(staff, haiti)
    theirs = selectors.overview(ocha, haiti)
    assert [r["round__number"] for r in mine["per_round"]] == [1, 2]
    assert [r["round__number"] for r in theirs["per_round"]] == [1]
    assert theirs["per_round"][0]["international_migrants"] == 6
    assert theirs["per_nationality"][-1]["inflow"] == "<5"


def test_the_overview_takes_a_constant_number_of_queries(staff, haiti, tracked, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        selectors.overview(staff, haiti)
    more = [services.site_create(actor=staff, crisis=haiti, data=site_data(n)) for n in range(5, 15)]
    for site in more:
        services.assessment_save(actor=staff, round_id=tracked["second"].pk, site_id=site.pk, data=assessment_data())
    with django_assert_max_num_queries(8):
        selectors.overview(staff, haiti)
