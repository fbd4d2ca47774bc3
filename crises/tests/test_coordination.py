"""The coordination list follows Annex I paragraphs 7, 13, 19, 25 and 31 (docs/domain.md "Coordination rules")."""

import datetime

import pytest

from crises import services
from crises.coordination import CoordinationEntry, coordination_list
from crises.models import CrisisType

pytestmark = pytest.mark.django_db


def make(users, offices, **values):
    base = {
        "name": "c",
        "crisis_type": "man_made",
        "movement": "internal",
        "country": "LBY",
        "start_date": datetime.date(2026, 1, 1),
    }
    base.update(values)
    return services.crisis_register(actor=users["staff_lby"], office=offices["lby"], **base)


def rules(crisis):
    return {(e.rule, e.government_country or e.partner_code or e.label) for e in coordination_list(crisis)}


def test_entries_are_frozen_dataclasses_citing_a_paragraph(users, offices):
    crisis = make(users, offices)
    entries = coordination_list(crisis)
    assert all(isinstance(e, CoordinationEntry) for e in entries)
    assert all(e.paragraph.startswith("Annex I para") for e in entries)
    with pytest.raises(AttributeError):
        entries[0].label = "x"  # frozen
    assert entries[0].actor_type == "government" and entries[0].government_country == "LBY"


def test_libya_man_made_cross_border(users, offices):
    crisis = make(
        users, offices, movement="both", other_countries=["TUN", "EGY"], nationalities=["EGY", "BGD", "NER", "TCD"]
    )
    found = rules(crisis)
    assert ("state_in_crisis", "LBY") in found
    assert ("cluster_system", "ocha") in found  # internal movements (para 7)
    assert ("refugees_across_border", "unhcr") in found
    assert ("country_of_transit", "TUN") in found
    assert {("country_of_origin", c) for c in ("BGD", "NER", "TCD")} <= found
    assert any(rule == "security_peacebuilding" for rule, _ in found)
    # each government once
    governments = [e.government_country for e in coordination_list(crisis) if e.actor_type == "government"]
    assert len(governments) == len(set(governments))
    assert {e.paragraph for e in coordination_list(crisis) if e.rule != "security_peacebuilding"} == {"Annex I para 7"}


def test_man_made_internal_only_has_no_unhcr(users, offices):
    found = rules(make(users, offices, movement="internal"))
    assert ("cluster_system", "ocha") in found
    assert ("refugees_across_border", "unhcr") not in found


def test_sudden_natural_uses_the_cluster_system_and_development_before_and_after(users, offices):
    during = make(users, offices, crisis_type="sudden_natural", country="HTI", phase="during")
    assert ("cluster_system", "ocha") in rules(during)
    assert not any(r == "development_actors" for r, _ in rules(during))
    after = make(users, offices, crisis_type="sudden_natural", country="HTI", phase="after")
    assert any(r == "development_actors" for r, _ in rules(after))
    entry = next(e for e in coordination_list(after) if e.rule == "state_in_crisis")
    assert entry.paragraph == "Annex I para 13"


def test_sudden_natural_across_borders_without_refugees_has_no_unhcr(users, offices):
    crisis = make(users, offices, crisis_type="sudden_natural", movement="cross_border", other_countries=["TUN"])
    found = rules(crisis)
    assert ("refugees_across_border", "unhcr") not in found
    assert ("country_of_transit", "TUN") in found  # first refuge or transit (para 13)


def test_refugee_figures_bring_unhcr_in(users, offices):
    crisis = make(users, offices, crisis_type="sudden_natural", movement="cross_border")
    services.affected_figure_record(
        crisis=crisis,
        actor=users["staff_lby"],
        group="refugees",
        figure=10,
        as_of=datetime.date(2026, 1, 2),
        source="s",
    )
    assert ("refugees_across_border", "unhcr") in rules(crisis)


def test_slow_onset_development_and_cluster_only_when_acute(users, offices):
    before = make(users, offices, crisis_type="slow_natural", phase="before")
    assert any(r == "development_actors" for r, _ in rules(before))
    assert ("cluster_system", "ocha") not in rules(before)
    during = make(users, offices, crisis_type="slow_natural", phase="during")
    assert ("cluster_system", "ocha") in rules(during)


def test_protracted_security_and_development(users, offices):
    crisis = make(users, offices, crisis_type="protracted", movement="both", nationalities=["NER"])
    found = rules(crisis)
    assert {r for r, _ in found} >= {
        "state_in_crisis",
        "cluster_system",
        "refugees_across_border",
        "country_of_origin",
        "security_peacebuilding",
        "development_actors",
    }
    assert {e.paragraph for e in coordination_list(crisis)} == {"Annex I para 25"}


def test_health_crisis(users, offices):
    crisis = make(users, offices, crisis_type="health", nationalities=["EGY"])
    found = rules(crisis)
    assert ("country_of_origin", "EGY") in found
    assert any(r == "development_actors" for r, _ in found)
    assert ("cluster_system", "ocha") not in found
    assert {e.paragraph for e in coordination_list(crisis)} == {"Annex I para 31"}


def test_every_type_has_its_paragraph():
    from crises.coordination import PARAGRAPH

    assert set(PARAGRAPH) == set(CrisisType)


def test_api_and_page(users, offices, api_for, client_for):
    crisis = make(users, offices, movement="both", nationalities=["BGD"])
    data = api_for(users["staff_lby"]).get(f"/api/v1/crises/{crisis.pk}/coordination/").json()
    assert data[0] == {
        "actor_type": "government",
        "government_country": "LBY",
        "partner_code": None,
        "label": "Libya",
        "rule": "state_in_crisis",
        "reason": "All responses are coordinated with the country in crisis.",
        "paragraph": "Annex I para 7",
    }
    page = client_for(users["staff_lby"]).get(f"/crises/{crisis.pk}/").content.decode()
    assert 'data-rule="country_of_origin"' in page and "Bangladesh" in page
