import pytest

pytestmark = pytest.mark.django_db


def test_demo_contacts_are_idempotent(demo):
    from partners.demo import seed
    from partners.models import Contact

    first = seed()
    seed()
    assert Contact.objects.count() == len(first["contacts"]) >= 4
