import datetime

import pytest

from crises import services

SCORES = {"score_scale": 4, "score_urgency": 4, "score_complexity": 3, "score_capacity": 3, "score_risk": 4}


@pytest.fixture
def offices(demo):
    return demo["offices"]


@pytest.fixture
def crisis(users, offices):
    """A fresh Libya-office crisis with no level yet, registered by staff_lby."""
    return services.crisis_register(
        actor=users["staff_lby"],
        office=offices["lby"],
        name="Test conflict",
        crisis_type="man_made",
        movement="cross_border",
        country="LBY",
        start_date=datetime.date(2026, 3, 1),
        other_countries=["TUN"],
        nationalities=["EGY", "BGD"],
    )


@pytest.fixture
def propose():
    def make(crisis, user, level, **extra):
        return services.escalation_propose(
            crisis=crisis, actor=user, level=level, justification="Scale-up needed.", **{**SCORES, **extra}
        )

    return make


@pytest.fixture
def demo_crises(demo):
    from crises.demo import seed

    return seed()


@pytest.fixture(autouse=True)
def level_policies(request):
    """The SOP rows come from a data migration, which a transactional test's flush removes."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from crises.models import LevelPolicy

    LevelPolicy.objects.current()
