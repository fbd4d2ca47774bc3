"""The Annex I matrix as the data migration loads it, held to the framework's own sentences."""

from pathlib import Path

import pytest

from crises.models import CrisisType, Phase
from sectors import annex_i
from sectors.models import Cluster, MatrixCell, Priority, Sector, System

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seeds/000_4be15af867f227d9.txt")


def test_every_one_of_the_225_cells_has_a_value_and_a_citation():
    cells = list(MatrixCell.objects.select_related("sector"))
    assert len(cells) == 5 * 3 * 15 == 225
    keys = {(c.crisis_type, c.phase, c.sector.number) for c in cells}
    assert keys == {(t, p, n) for t in CrisisType.values for p in Phase.values for n in range(1, 16)}
    for cell in cells:
        assert cell.priority in Priority.values
        assert cell.citation.startswith("Annex I para"), cell
        assert cell.basis, cell


def test_named_cells_cite_their_scenario_paragraph_and_the_others_paragraph_3():
    for cell in MatrixCell.objects.select_related("sector"):
        paragraph = annex_i.SCENARIO_PARAGRAPHS[cell.crisis_type][cell.phase]
        if cell.priority == Priority.NOT_APPLICABLE:
            assert cell.citation == "Annex I para 3"
            assert f"para {paragraph}" in cell.basis
        else:
            assert cell.citation.startswith(f"Annex I para {paragraph}")


@pytest.mark.skipif(not SEED.exists(), reason="the framework text is not on this machine")
def test_every_basis_quotes_the_framework_word_for_word():
    text = " ".join(SEED.read_text().split())
    for cell in annex_i.matrix_cells():
        if cell["priority"] == annex_i.NOT_APPLICABLE:
            continue
        for fragment in cell["basis"].split("[...]"):
            fragment = " ".join(fragment.split()).strip(" ,.")
            assert fragment in text, (cell["crisis_type"], cell["phase"], cell["sector"], fragment)


@pytest.mark.parametrize(
    ("crisis_type", "phase", "sector", "priority", "words"),
    [
        # Para 33: "the provision of health and psychosocial support to affected persons is critical"
        ("health", "during", 4, "critical", "health and psychosocial support to affected persons is critical"),
        ("health", "during", 5, "critical", "health and psychosocial support to affected persons is critical"),
        # Para 33: "... health practitioners from the diaspora can be essential"
        ("health", "during", 13, "critical", "diaspora can be essential"),
        # Para 32: "Health training for border management officials can also be an important element"
        ("health", "before", 11, "important", "can also be an important element"),
        # Para 9: "Transportation assistance can also be a critical life-saving protection activity"
        ("man_made", "during", 3, "critical", "critical life-saving protection activity"),
        # Para 8: "counter-trafficking and the protection of vulnerable migrants ... are also crucial"
        ("man_made", "before", 10, "critical", "are also crucial"),
        # Para 8: "coordination with consular services and humanitarian border management will be important"
        ("man_made", "before", 12, "important", "humanitarian border management will be important"),
        # Para 10: "Peace and reconstruction can also be supported through diaspora ... mobilization"
        ("man_made", "after", 13, "recommended", "can also be supported through diaspora"),
        # Para 14: "the implementation of DRR activities is a crucial prevention and preparedness measure"
        ("sudden_natural", "before", 8, "critical", "DRR activities is a crucial prevention"),
        # Para 15: "Humanitarian communications are also critical during sudden-onset natural disasters"
        ("sudden_natural", "during", 15, "critical", "Humanitarian communications are also critical"),
        # Para 16: "Reintegration assistance is crucial to end displacement"
        ("sudden_natural", "after", 6, "critical", "Reintegration assistance is crucial"),
        # Para 20: "development programmes including DRR activities are most critical"
        ("slow_natural", "before", 8, "critical", "DRR activities are most critical"),
        # Para 21: "population tracking, transport assistance, ... can be important initiatives"
        ("slow_natural", "during", 3, "important", "can be important initiatives"),
        # Para 26: "community stabilization and transition activities are critical"
        ("protracted", "before", 7, "critical", "transition activities are critical"),
        # Para 27: "assistance and protection to vulnerable persons can also be crucial"
        ("protracted", "during", 10, "critical", "vulnerable persons can also be crucial"),
        # Para 28: "Reintegration assistance and psychosocial support are also significant"
        ("protracted", "after", 5, "important", "psychosocial support are also significant"),
    ],
)
def test_cells_follow_the_sentences_of_annex_i(crisis_type, phase, sector, priority, words):
    cell = MatrixCell.objects.get(crisis_type=crisis_type, phase=phase, sector__number=sector)
    assert cell.priority == priority
    assert words in cell.basis
    assert cell.citation.startswith(f"Annex I para {annex_i.SCENARIO_PARAGRAPHS[crisis_type][phase]}")


@pytest.mark.parametrize(
    ("crisis_type", "phase", "sector"),
    [
        ("sudden_natural", "during", 12),  # para 15 names no consular work
        ("health", "after", 7),  # para 34: health, DRR and border management only
        ("man_made", "before", 8),  # para 8 names no DRR
    ],
)
def test_sectors_a_paragraph_does_not_name_are_not_applicable(crisis_type, phase, sector):
    cell = MatrixCell.objects.get(crisis_type=crisis_type, phase=phase, sector__number=sector)
    assert cell.priority == Priority.NOT_APPLICABLE
    assert cell.citation == "Annex I para 3"


def test_reference_data_sectors_systems_and_clusters():
    assert list(Sector.objects.values_list("number", flat=True)) == list(range(1, 16))
    assert Sector.objects.get(number=12).name_en == "Emergency Consular Assistance"
    assert Sector.objects.get(number=1).name_fr == "Gestion des camps et suivi des déplacements"
    assert all(s.purpose_en and s.purpose_fr and s.purpose_es for s in Sector.objects.all())
    assert all(s.name_ar and s.purpose_ar for s in Sector.objects.all())
    assert all(c.name_ar for c in Cluster.objects.all()) and all(s.name_ar for s in System.objects.all())
    assert set(System.objects.values_list("code", flat=True)) == {"cluster", "refugee", "development", "security"}
    codes = set(Cluster.objects.filter(kind="cluster").values_list("code", flat=True))
    assert codes == {"CCM", "SHL", "HEA", "PRO", "LOG", "ERY", "EDU", "FSC", "TEL", "WSH"}
    areas = Cluster.objects.filter(kind="area")
    assert {a.code for a in areas} == {"PRO-GBV", "PRO-CPN", "PRO-HLP"}
    assert {a.parent.code for a in areas} == {"PRO"}
    assert Cluster.objects.filter(code="MHPSS", kind="group").exists()
    for sector in Sector.objects.prefetch_related("clusters", "systems"):
        assert sector.clusters.exists() and sector.systems.exists(), sector


def test_names_follow_the_active_language():
    from django.utils import translation

    sector = Sector.objects.get(number=10)
    with translation.override("fr"):
        assert sector.name == "Lutte contre la traite et protection des migrants vulnérables"
    with translation.override("es"):
        assert sector.name == "Lucha contra la trata y protección de los migrantes vulnerables"
    with translation.override("ar"):
        assert sector.name == "مكافحة الاتجار بالبشر وحماية المهاجرين المستضعفين"
        assert sector.clusters.get(code="PRO-CPN").name == "حماية الطفل"
    with translation.override("en"):
        assert sector.name.startswith("Counter-trafficking")
