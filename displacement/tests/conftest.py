"""Fixtures of the displacement tests: the Haiti office's earthquake crisis, with sites entered
through the services, an open round, and a partner on the crisis's coordination list (OCHA)."""

import datetime

import pytest

from accounts.tests.factories import PartnerFactory, partner_liaison
from crises.tests.factories import CrisisFactory
from displacement import services


def site_data(n: int = 1, **values) -> dict:
    return {
        "name": f"Camp {n}",
        "site_type": "camp",
        "admin1_name": "Ouest",
        "admin1_pcode": "HT01",
        "admin2_name": "Port-au-Prince",
        "admin2_pcode": "HT0111",
        "latitude": "18.54",
        "longitude": "-72.33",
        "managing_agency": "IOM",
        **values,
    }


def assessment_data(**values) -> dict:
    """40 people: 10 in each adult group, 5 in each child group; 30 IDPs and 4 migrants."""
    data = {
        "households": 9,
        "individuals": 40,
        "female_0_4": 2,
        "female_5_17": 3,
        "female_18_59": 10,
        "female_60_plus": 5,
        "male_0_4": 3,
        "male_5_17": 2,
        "male_18_59": 10,
        "male_60_plus": 5,
        "idps": 30,
        "international_migrants": 4,
        "returnees": 0,
        "host_community": 6,
        "origin_admin1": "Ouest",
        "reason": "natural_disaster",
        "need_1": "shelter",
        "need_2": "wash",
        "need_3": "health",
        "remarks": "Tarpaulins short",
    }
    data.update(values)
    return data


@pytest.fixture
def staff(users):
    return users["staff_hti"]


@pytest.fixture
def chief(users):
    return users["com_hti"]


@pytest.fixture
def haiti(demo):
    return CrisisFactory(
        office=demo["offices"]["hti"],
        code="HTI-2010-T01",
        name="Haiti earthquake (test)",
        crisis_type="sudden_natural",
        movement="internal",
        country="HTI",
        start_date=datetime.date(2010, 1, 12),
    )


@pytest.fixture
def site(staff, haiti):
    return services.site_create(actor=staff, crisis=haiti, data=site_data())


@pytest.fixture
def open_round(staff, haiti):
    return services.round_open(
        actor=staff, crisis=haiti, start_date=datetime.date(2010, 3, 1), end_date=datetime.date(2010, 3, 31)
    )


@pytest.fixture
def ocha(db):
    return partner_liaison(PartnerFactory(code="ocha", name="OCHA"), username="ocha_liaison")


def validated_round(staff, chief, crisis, sites, *, start, end, data=None):
    round = services.round_open(actor=staff, crisis=crisis, start_date=start, end_date=end)
    for site in sites:
        services.assessment_save(actor=staff, round_id=round.pk, site_id=site.pk, data=data or assessment_data())
    services.round_transition(actor=staff, round_id=round.pk, to="submitted")
    return services.round_transition(actor=chief, round_id=round.pk, to="validated")
