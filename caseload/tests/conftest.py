import pytest

from crises.tests.factories import CrisisFactory


@pytest.fixture
def libya(demo):
    """The Libya office's crisis (the crises demo may not define one: make one on the demo office)."""
    from crises.models import Crisis

    crisis = Crisis.objects.filter(office__code="lby").order_by("start_date").first()
    return crisis or CrisisFactory(office=demo["offices"]["lby"], code="LBY-2011-TEST", name="Libya 2011 (test)")


@pytest.fixture
def egypt(demo):
    return demo["governments"]["EGY"]


@pytest.fixture
def bangladesh(demo):
    return demo["governments"]["BGD"]
