import pytest

from accounts.models import User
from core.navigation import NAV, navigation_for

pytestmark = pytest.mark.django_db


def test_demo_accounts_have_their_roles(users):
    assert users["hq"].role == User.Role.HQ
    assert users["com_lby"].chief_office_ids == users["com_lby"].office_ids
    assert not users["staff_lby"].chief_office_ids
    assert users["gov_egy"].government.country == "EGY"
    assert users["unhcr"].partner.code == "unhcr"


def test_seed_demo_is_idempotent(demo):
    from accounts.demo import seed

    before = User.objects.count()
    seed()
    assert User.objects.count() == before


def test_every_navigation_entry_resolves(users):
    keys = {item["key"] for user in users.values() for item in navigation_for(user)}
    assert keys == {item.key for item in NAV}


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("hq", {"crises", "approvals", "directory", "admin"}, {"inbox"}),
        ("com_lby", {"crises", "approvals", "migrants"}, {"directory", "admin", "inbox"}),
        ("staff_lby", {"crises", "migrants", "referrals"}, {"approvals", "directory", "admin", "inbox"}),
        ("gov_egy", {"inbox"}, {"crises", "migrants", "directory", "admin", "approvals"}),
        ("unhcr", {"inbox"}, {"crises", "migrants", "directory", "admin", "approvals"}),
    ],
)
def test_navigation_shows_each_role_only_its_own(users, username, shown, hidden):
    keys = {item.key for item in NAV if item.key in {i["key"] for i in navigation_for(users[username])}}
    assert shown <= keys
    assert not hidden & keys
