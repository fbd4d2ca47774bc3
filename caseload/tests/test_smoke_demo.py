import pytest

from caseload.demo import seed
from caseload.models import Migrant, Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_demo_caseload_has_every_kind_in_every_state_and_is_idempotent(libya):
    result = seed()
    assert result["migrants"] >= 300
    pairs = set(Referral.objects.values_list("kind", "status").distinct())
    from sectors.referral_kinds import ReferralKind

    assert {(k, s) for k in ReferralKind.values for s in ReferralStatus.values} <= pairs
    assert result["overdue"] > 0
    assert Referral.objects.filter(kind="counter_trafficking").exists()
    assert set(Migrant.objects.values_list("nationality", flat=True).distinct()) == {"EGY", "BGD", "NER", "TCD"}
    # Coherent: no adult is flagged as an unaccompanied child.
    flagged = Migrant.objects.filter(vulnerabilities__icontains='"unaccompanied_child"')
    assert all((m.age() or 0) < 18 for m in flagged)
    before = (Migrant.objects.count(), Referral.objects.count())
    seed()
    assert (Migrant.objects.count(), Referral.objects.count()) == before


def test_demo_skips_without_libya_crisis(demo):
    from crises.models import Crisis

    if Crisis.objects.filter(office__code="lby").exists():
        pytest.skip("the crises demo defines the Libya crisis")
    assert seed() == {}
