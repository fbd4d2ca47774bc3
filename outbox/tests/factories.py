import factory

from accounts.tests.factories import GovernmentFactory, PartnerFactory
from outbox.models import Subscription, WebhookEndpoint
from outbox.services import generate_secret
from partners.tests.factories import ContactFactory


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
