import datetime

import factory

from accounts.tests.factories import OfficeFactory
from caseload.models import Consent, DocumentStatus, Migrant, PopulationGroup, Referral, ReferralStatus, Sex
from caseload.names import name_key as key_of
from caseload.validators import normalise_document, normalise_name
from crises.tests.factories import CrisisFactory
from sectors.referral_kinds import ReferralKind


class MigrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Migrant

    reference = factory.Sequence(lambda n: f"TST-{n:06d}")
    given_name = factory.Sequence(lambda n: f"Ahmed{n}")
    family_name = "Hassan"
    given_name_norm = factory.LazyAttribute(lambda o: normalise_name(o.given_name))
    family_name_norm = factory.LazyAttribute(lambda o: normalise_name(o.family_name))
    given_name_key = factory.LazyAttribute(lambda o: key_of(o.given_name))
    family_name_key = factory.LazyAttribute(lambda o: key_of(o.family_name))
    sex = Sex.MALE
    date_of_birth = datetime.date(1990, 5, 17)
    nationality = "EGY"
    document_status = DocumentStatus.LOST
    document_number = ""
    document_number_norm = factory.LazyAttribute(lambda o: normalise_document(o.document_number))
    location_country = "LBY"
    population_group = PopulationGroup.INTERNATIONAL_MIGRANT
    office = factory.SubFactory(OfficeFactory)
    crisis = factory.LazyAttribute(lambda o: CrisisFactory(office=o.office))
    phone = "+201001234567"
    household = "HH-1"
    vulnerabilities = factory.LazyFunction(list)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    migrant = factory.SubFactory(MigrantFactory)
    # Every purpose unless a test names some (docs/domain.md "Consent per purpose").
    purposes = factory.LazyFunction(lambda: list(ReferralKind.values))
    given_on = datetime.date(2026, 2, 1)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral in a given status, made directly (tests of the services go through the services)."""

    class Meta:
        model = Referral

    migrant = factory.SubFactory(MigrantFactory)
    crisis = factory.LazyAttribute(lambda o: o.migrant.crisis)
    office = factory.LazyAttribute(lambda o: o.migrant.office)
    kind = "consular"
    status = ReferralStatus.SENT
    priority = "normal"
    sent_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    due_at = factory.LazyAttribute(lambda o: o.sent_at + datetime.timedelta(days=14) if o.sent_at else None)
    is_sensitive = factory.LazyAttribute(lambda o: o.kind == "counter_trafficking" or o.migrant.is_sensitive)
