import datetime

import factory

from accounts.tests.factories import OfficeFactory
from crises.models import Crisis, CrisisType, Movement, Phase


class CrisisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crisis

    code = factory.Sequence(lambda n: f"TST-2026-{n:03d}")
    name = factory.Sequence(lambda n: f"Test crisis {n}")
    crisis_type = CrisisType.MAN_MADE
    phase = Phase.DURING
    movement = Movement.CROSS_BORDER
    country = factory.LazyAttribute(lambda o: o.office.country)
    start_date = datetime.date(2026, 1, 15)
    office = factory.SubFactory(OfficeFactory)
