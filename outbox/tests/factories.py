import factory

from accounts.tests.factories import GovernmentFactory, PartnerFactory
from partners.models import Contact, Subscription, WebhookEndpoint
from partners.services import generate_secret


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    government = factory.SubFactory(GovernmentFactory)
    email = factory.Sequence(lambda n: f"desk{n}@consulate.example")
    language = "en"


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    government = factory.SubFactory(GovernmentFactory)
    url = "http://127.0.0.1:9/hook"
    secret = factory.LazyFunction(generate_secret)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    partner = factory.SubFactory(PartnerFactory)
    event_type = "crisis."


__all__ = ["ContactFactory", "GovernmentFactory", "PartnerFactory", "SubscriptionFactory", "WebhookEndpointFactory"]
