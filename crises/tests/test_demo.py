import pytest

from core.models import DomainEvent
from crises.models import Crisis, LevelProposal

pytestmark = pytest.mark.django_db


def test_demo_crises(demo_crises):
    libya, haiti = demo_crises["libya"], demo_crises["haiti"]
    assert libya.name == "Libya 2011 civil conflict" and libya.code == "LBY-2011-001"
    assert (libya.crisis_type, libya.phase, libya.movement, libya.country, libya.office.code) == (
        "man_made",
        "during",
        "cross_border",
        "LBY",
        "lby",
    )
    assert libya.level == 3
    assert libya.nationality_codes == ["BGD", "EGY", "NER", "TCD"]
    history = list(LevelProposal.objects.filter(crisis=libya).order_by("id").values_list("level", "status"))
    assert history == [(2, "approved"), (3, "approved")]
    assert libya.affected_figures.exists() and libya.phase_changes.exists()
    assert haiti.name == "Haiti 2010 earthquake" and haiti.glide == "EQ-2010-000009-HTI"
    assert (haiti.crisis_type, haiti.phase, haiti.movement, haiti.office.code, haiti.level) == (
        "sudden_natural",
        "during",
        "internal",
        "hti",
        3,
    )


def test_demo_is_idempotent(demo_crises):
    from crises.demo import seed

    counts = (Crisis.objects.count(), LevelProposal.objects.count(), DomainEvent.objects.count())
    seed()
    assert (Crisis.objects.count(), LevelProposal.objects.count(), DomainEvent.objects.count()) == counts
