import factory
from django.conf import settings

from accounts.models import Membership, Office, Region, User
from partners.models import Government, Partner


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"office-{n}")
    country = "LBY"
    name = factory.Sequence(lambda n: f"IOM office {n}")
    region = Region.MENA


class GovernmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Government
        django_get_or_create = ("country",)

    country = "EGY"
    name = factory.LazyAttribute(lambda o: f"Government {o.country}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Partner.Kind.NGO


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = User.Role.OFFICE
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def office(self, create, extracted, **kwargs):
        """UserFactory(office=some_office, chief=True) makes the user a member of that office."""
        if create and extracted is not None:
            Membership.objects.update_or_create(
                user=self, office=extracted, defaults={"is_chief_of_mission": kwargs.get("chief", False)}
            )
        if create:
            self.save()


def office_staff(office: Office, *, chief: bool = False, **kwargs) -> User:
    user = UserFactory(role=User.Role.OFFICE, **kwargs)
    Membership.objects.update_or_create(user=user, office=office, defaults={"is_chief_of_mission": chief})
    return User.objects.get(pk=user.pk)


def hq_user(**kwargs) -> User:
    return UserFactory(role=User.Role.HQ, is_staff=True, **kwargs)


def government_liaison(government: Government, **kwargs) -> User:
    return UserFactory(role=User.Role.GOVERNMENT, government=government, **kwargs)


def partner_liaison(partner: Partner, **kwargs) -> User:
    return UserFactory(role=User.Role.PARTNER, partner=partner, **kwargs)
