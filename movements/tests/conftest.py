"""Fixtures of the movement tests: the demo offices and accounts, the Libya office's crisis, a
convoy to the Tunisian border and Bangladeshi migrants registered through the caseload services."""

import datetime

import pytest
from django.utils import timezone

from caseload import services as caseload_services
from caseload.tests.conftest import bangladesh, egypt, libya  # noqa: F401 - shared fixtures
from movements import services


def register(actor, crisis, **values):
    """A migrant registered as the office does, through the caseload service."""
    data = {
        "given_name": "Rahim",
        "family_name": "Hossain",
        "sex": "male",
        "date_of_birth": datetime.date(1990, 1, 2),
        "nationality": "BGD",
        "document_status": "valid",
        "document_number": "BG1234567",
        "location_country": "LBY",
        "population_group": "international_migrant",
        **values,
    }
    return caseload_services.migrant_register(actor=actor, office=crisis.office, crisis=crisis, data=data)


def plan_movement(actor, crisis, **values):
    departure = values.pop("departure", timezone.now() + datetime.timedelta(days=2))
    data = {
        "kind": "evacuation",
        "mode": "land",
        "carrier": "Zuwara Bus Company",
        "service_number": "CONVOY-7",
        "origin_country": "LBY",
        "origin_place": "Tripoli, Tajoura transit site",
        "origin_timezone": "Africa/Tripoli",
        "destination_country": "TUN",
        "destination_place": "Ras Ajdir border crossing",
        "destination_timezone": "Africa/Tunis",
        "planned_departure": departure,
        "planned_arrival": departure + datetime.timedelta(hours=6),
        "seat_capacity": 10,
        **values,
    }
    return services.movement_create(actor=actor, office=crisis.office, crisis=crisis, data=data)


@pytest.fixture
def staff(users):
    return users["staff_lby"]


@pytest.fixture
def chief(users):
    return users["com_lby"]


@pytest.fixture
def convoy(staff, libya):  # noqa: F811 - the fixture imported above
    return plan_movement(staff, libya)
