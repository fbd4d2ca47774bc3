import pytest
from django.core.management import call_command

from sectors.models import SectorPlan

pytestmark = pytest.mark.django_db


def test_demo_crises_have_plans_with_one_override_on_libya(demo):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    libya = SectorPlan.objects.get(crisis__name="Libya 2011 civil conflict")
    assert libya.phase == "during"
    overrides = [e for e in libya.entries.select_related("sector") if e.priority_override]
    assert [(e.sector.number, e.priority) for e in overrides] == [(1, "critical")]
    assert SectorPlan.objects.filter(crisis__name="Haiti 2010 earthquake").exists()
    plans, revisions = SectorPlan.objects.count(), libya.revisions.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SectorPlan.objects.count() == plans and libya.revisions.count() == revisions
    assert libya.entries.filter(priority_override__isnull=False).count() == 1
