import factory

from accounts.tests.factories import GovernmentFactory, PartnerFactory
from partners.models import Contact


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    government = factory.SubFactory(GovernmentFactory)
    email = factory.Sequence(lambda n: f"desk{n}@consulate.example")
    language = "en"


__all__ = ["ContactFactory", "GovernmentFactory", "PartnerFactory"]
