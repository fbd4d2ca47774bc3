"""Who sees which crisis: deny by default, 404 for what one may not see (docs/domain.md "Who uses it")."""

import pytest

from crises.selectors import crises_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def haiti(users, offices):
    import datetime

    from crises import services

    return services.crisis_register(
        actor=users["staff_hti"],
        office=offices["hti"],
        name="Hurricane",
        crisis_type="sudden_natural",
        movement="internal",
        country="HTI",
        start_date=datetime.date(2026, 9, 1),
    )


@pytest.mark.parametrize(
    ("username", "sees_libya", "sees_haiti"),
    [
        ("hq", True, True),
        ("com_lby", True, False),
        ("staff_lby", True, False),
        ("staff_tun", True, False),  # Tunisia is an affected country of the Libya crisis
        ("staff_hti", False, True),
        ("gov_egy", False, False),
        ("gov_bgd", False, False),
        ("unhcr", False, False),
    ],
)
def test_visibility_by_role(users, crisis, haiti, api_for, client_for, username, sees_libya, sees_haiti):
    user = users[username]
    visible = set(crises_visible_to(user).values_list("pk", flat=True))
    assert (crisis.pk in visible) is sees_libya
    assert (haiti.pk in visible) is sees_haiti
    api = api_for(user)
    listed = {row["id"] for row in api.get("/api/v1/crises/").json().get("results", [])}
    assert listed == visible
    for target, sees in ((crisis, sees_libya), (haiti, sees_haiti)):
        expected = 200 if sees else 404
        assert api.get(f"/api/v1/crises/{target.pk}/").status_code == expected
        assert api.get(f"/api/v1/crises/{target.pk}/escalations/").status_code == expected
        assert api.get(f"/api/v1/crises/{target.pk}/phase-changes/").status_code == expected
        assert api.get(f"/api/v1/crises/{target.pk}/coordination/").status_code == expected
        assert api.get(f"/api/v1/crises/{target.pk}/figures/").status_code == expected
    browser = client_for(user)
    if user.is_liaison:
        assert browser.get("/crises/").status_code == 403
    else:
        page = browser.get("/crises/").content.decode()
        assert (crisis.code in page) is sees_libya and (haiti.code in page) is sees_haiti
    for target, sees in ((crisis, sees_libya), (haiti, sees_haiti)):
        assert browser.get(f"/crises/{target.pk}/").status_code == (200 if sees else 404)


def test_once_tunisia_is_no_longer_affected_its_staff_lose_sight(users, crisis):
    from crises import services

    services.crisis_update(crisis=crisis, actor=users["staff_lby"], other_countries=[])
    assert not crises_visible_to(users["staff_tun"]).filter(pk=crisis.pk).exists()


def test_escalations_are_scoped(users, crisis, propose, api_for):
    proposal = propose(crisis, users["staff_lby"], 2)
    for username in ("staff_hti", "gov_egy", "unhcr"):
        api = api_for(users[username])
        assert api.get("/api/v1/escalations/").json()["results"] == []
        assert api.get(f"/api/v1/escalations/{proposal.pk}/").status_code == 404
        assert api.post(f"/api/v1/escalations/{proposal.pk}/approve/", {}, format="json").status_code == 404
    assert [row["id"] for row in api_for(users["staff_tun"]).get("/api/v1/escalations/").json()["results"]] == [
        proposal.pk
    ]


@pytest.mark.parametrize("username", ["staff_lby", "staff_tun", "gov_egy", "unhcr"])
def test_approvals_page_only_for_hq_and_chiefs(users, client_for, username):
    assert client_for(users[username]).get("/crises/approvals/").status_code == 403


def test_approvals_page_lists_what_each_may_decide(users, client_for, crisis, propose):
    proposal = propose(crisis, users["staff_lby"], 1)
    com_page = client_for(users["com_lby"]).get("/crises/approvals/").content.decode()
    hq_page = client_for(users["hq"]).get("/crises/approvals/").content.decode()
    assert f'data-proposal="{proposal.pk}"' in com_page
    assert f'data-proposal="{proposal.pk}"' not in hq_page


def test_browser_decision_by_someone_not_allowed_is_refused(users, client_for, crisis, propose):
    proposal = propose(crisis, users["staff_lby"], 3)
    assert (
        client_for(users["staff_hti"])
        .post(f"/crises/proposals/{proposal.pk}/decide/", {"decision": "approve"})
        .status_code
        == 404
    )
    assert (
        client_for(users["com_lby"])
        .post(f"/crises/proposals/{proposal.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_anonymous_gets_nothing(client, crisis):
    assert client.get("/crises/").status_code == 302
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/crises/").status_code in (401, 403)
