import pytest
from django.core.management import call_command

from sitreps.models import Sitrep
from sitreps.selectors import overdue_sitreps

pytestmark = pytest.mark.django_db


def test_the_demo_has_libya_published_reports_and_haiti_overdue(users):
    call_command("seed_demo", verbosity=0)
    libya = Sitrep.objects.filter(crisis__name__startswith="Libya 2011")
    assert sorted(libya.values_list("status", flat=True)) == ["draft", "published", "published", "published"]
    overdue = list(overdue_sitreps(users["hq"]))
    assert [s.crisis.name for s in overdue] == ["Haiti 2010 earthquake"]
    call_command("seed_demo", verbosity=0)
    assert Sitrep.objects.count() == 5
