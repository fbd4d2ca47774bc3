"""Who sees what: governments, partners, other offices, staff without the sensitive permission."""

import pytest
from django.urls import reverse

from accounts.tests.factories import office_staff
from caseload import services
from caseload.disclosure import KIND_MIGRANT_FIELDS
from caseload.models import CaseShare, Migrant, Vulnerability
from caseload.selectors import migrants_visible_to, referrals_visible_to
from core.models import AuditEntry

from .factories import ConsentFactory, MigrantFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lby_case(demo, libya):
    return MigrantFactory(
        office=demo["offices"]["lby"],
        crisis=libya,
        household="HH-SECRET-42",
        vulnerabilities=[Vulnerability.MEDICAL_NEED],
        admin_pcode="LY0101",
        population_group="trapped",
        other_nationalities=["SDN"],
    )


def _api_ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_government_sees_only_referrals_to_its_government(users, api_for, client_for, lby_case, egypt, bangladesh):
    to_egypt = ReferralFactory(migrant=lby_case, recipient_government=egypt)
    to_bangladesh = ReferralFactory(migrant=lby_case, recipient_government=bangladesh)
    draft_to_egypt = ReferralFactory(migrant=lby_case, recipient_government=egypt, status="draft", sent_at=None)

    assert set(referrals_visible_to(users["gov_egy"])) == {to_egypt}
    assert _api_ids(api_for(users["gov_egy"]), "/api/v1/referrals/") == {to_egypt.pk}
    page = client_for(users["gov_egy"]).get(reverse("caseload:inbox"))
    assert page.status_code == 200
    assert f'data-referral="{to_egypt.pk}"' in page.content.decode()
    assert f'data-referral="{to_bangladesh.pk}"' not in page.content.decode()
    assert f'data-referral="{draft_to_egypt.pk}"' not in page.content.decode()

    # Another government's referral answers 404, in the API and in the browser, and cannot be moved.
    api = api_for(users["gov_egy"])
    assert api.get(f"/api/v1/referrals/{to_bangladesh.pk}/").status_code == 404
    assert api.post(f"/api/v1/referrals/{to_bangladesh.pk}/transition/", {"to": "acknowledged"}).status_code == 404
    assert (
        client_for(users["gov_egy"]).get(reverse("caseload:referral_detail", args=[to_bangladesh.pk])).status_code
        == 404
    )
    assert api.get(f"/api/v1/referrals/{draft_to_egypt.pk}/").status_code == 404


def test_government_never_sees_counter_trafficking_referral_unless_consent_names_it(
    users, api_for, client_for, lby_case, egypt, bangladesh
):
    victim = MigrantFactory(office=lby_case.office, crisis=lby_case.crisis, is_sensitive=True)
    ct = ReferralFactory(migrant=victim, recipient_government=egypt, kind="counter_trafficking")
    consular_of_victim = ReferralFactory(migrant=victim, recipient_government=egypt, kind="consular")
    gov = users["gov_egy"]
    api = api_for(gov)
    assert not referrals_visible_to(gov).filter(pk__in=[ct.pk, consular_of_victim.pk]).exists()
    assert api.get(f"/api/v1/referrals/{ct.pk}/").status_code == 404
    assert client_for(gov).get(reverse("caseload:referral_detail", args=[ct.pk])).status_code == 404
    assert ct.pk not in _api_ids(api, "/api/v1/referrals/")

    # Consent naming another government does not help; consent naming Egypt does.
    ConsentFactory(migrant=victim, government=bangladesh)
    assert api.get(f"/api/v1/referrals/{ct.pk}/").status_code == 404
    consent = ConsentFactory(migrant=victim, government=egypt)
    assert api.get(f"/api/v1/referrals/{ct.pk}/").status_code == 200
    assert {ct.pk, consular_of_victim.pk} <= _api_ids(api, "/api/v1/referrals/")
    # Every read of the sensitive referral went to the access log.
    assert AuditEntry.objects.filter(action="read", object_type="caseload.referral", object_id=str(ct.pk)).exists()

    # Withdrawn consent hides it again.
    services.consent_withdraw(actor=users["staff_lby"], consent=consent)
    assert api.get(f"/api/v1/referrals/{ct.pk}/").status_code == 404


@pytest.mark.parametrize("kind", list(KIND_MIGRANT_FIELDS))
def test_liaison_sees_only_the_fields_of_the_referral_kind(users, api_for, client_for, lby_case, egypt, kind):
    ConsentFactory(migrant=lby_case, government=egypt)
    referral = ReferralFactory(migrant=lby_case, recipient_government=egypt, kind=kind)
    allowed = set(KIND_MIGRANT_FIELDS[kind])
    body = api_for(users["gov_egy"]).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert set(body["migrant"]) == allowed
    listed = api_for(users["gov_egy"]).get("/api/v1/referrals/").json()["results"]
    assert all(set(row["migrant"]) == allowed for row in listed)

    html = client_for(users["gov_egy"]).get(reverse("caseload:referral_detail", args=[referral.pk])).content.decode()
    shown = set(
        __import__("re").findall(r'data-field="([a-z_]+)"', html.split('id="disclosed-fields"')[1].split("</dl>")[0])
    )
    shown = {name for name in shown if name in {f.name for f in Migrant._meta.get_fields()}}
    assert shown == allowed
    # Values of fields beyond the list never reach the page.
    if "household" not in allowed:
        assert "HH-SECRET-42" not in html
    if "admin_pcode" not in allowed:
        assert "LY0101" not in html
    if "vulnerabilities" not in allowed:
        assert "Medical need" not in html
    assert "SDN" not in html  # other nationalities are in no kind's list


def test_partner_sees_only_referrals_to_its_organisation(users, api_for, client_for, lby_case, demo, egypt):
    unhcr, ocha = demo["partners"]["unhcr"], demo["partners"]["ocha"]
    to_unhcr = ReferralFactory(migrant=lby_case, recipient_partner=unhcr, kind="shelter")
    to_ocha = ReferralFactory(migrant=lby_case, recipient_partner=ocha, kind="health")
    to_egypt = ReferralFactory(migrant=lby_case, recipient_government=egypt)
    api = api_for(users["unhcr"])
    assert _api_ids(api, "/api/v1/referrals/") == {to_unhcr.pk}
    assert api.get(f"/api/v1/referrals/{to_ocha.pk}/").status_code == 404
    assert api.get(f"/api/v1/referrals/{to_egypt.pk}/").status_code == 404
    html = client_for(users["unhcr"]).get(reverse("caseload:inbox")).content.decode()
    assert f'data-referral="{to_unhcr.pk}"' in html
    assert f'data-referral="{to_ocha.pk}"' not in html


def test_liaisons_see_no_migrant_and_no_office_page(users, api_for, client_for, lby_case):
    for username in ("gov_egy", "unhcr"):
        assert _api_ids(api_for(users[username]), "/api/v1/migrants/") == set()
        assert api_for(users[username]).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 404
        client = client_for(users[username])
        assert client.get(reverse("caseload:migrant_list")).status_code == 403
        assert client.get(reverse("caseload:referral_list")).status_code == 403
        assert client.get(reverse("caseload:migrant_detail", args=[lby_case.pk])).status_code == 403
    assert client_for(users["staff_lby"]).get(reverse("caseload:inbox")).status_code == 403


def test_other_office_does_not_see_the_case_until_shared(users, api_for, client_for, lby_case, demo):
    tun = users["staff_tun"]
    assert lby_case not in migrants_visible_to(tun)
    assert api_for(tun).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 404
    assert client_for(tun).get(reverse("caseload:migrant_detail", args=[lby_case.pk])).status_code == 404
    assert lby_case.reference not in client_for(tun).get(reverse("caseload:migrant_list")).content.decode()
    referral = ReferralFactory(migrant=lby_case, recipient_government=demo["governments"]["EGY"])
    assert api_for(tun).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404

    # Only the Chief of Mission of the owning office shares.
    with pytest.raises(services.PermissionDenied):
        services.case_share(actor=users["staff_lby"], migrant=lby_case, to_office=demo["offices"]["tun"], kind="share")
    services.case_share(actor=users["com_lby"], migrant=lby_case, to_office=demo["offices"]["tun"], kind="share")
    assert api_for(tun).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 200
    assert api_for(tun).get(f"/api/v1/referrals/{referral.pk}/").status_code == 200
    assert api_for(users["staff_lby"]).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 200  # both see it
    assert api_for(users["staff_hti"]).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 404


def test_transfer_moves_ownership_when_accepted_and_can_be_refused(users, api_for, client_for, lby_case, demo):
    tun, lby = users["staff_tun"], users["staff_lby"]
    share = services.case_share(
        actor=users["com_lby"], migrant=lby_case, to_office=demo["offices"]["tun"], kind="transfer"
    )
    # Pending: still not visible to Tunisia, listed as incoming.
    assert api_for(tun).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 404
    page = client_for(tun).get(reverse("caseload:migrant_list")).content.decode()
    assert reverse("caseload:transfer_decide", args=[share.pk]) in page
    # Libya staff cannot decide for Tunisia.
    assert (
        client_for(lby).post(reverse("caseload:transfer_decide", args=[share.pk]), {"decision": "accept"}).status_code
        == 404
    )

    response = client_for(tun).post(reverse("caseload:transfer_decide", args=[share.pk]), {"decision": "accept"})
    assert response.status_code == 302
    lby_case.refresh_from_db()
    assert lby_case.office == demo["offices"]["tun"]
    assert api_for(tun).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 200
    assert api_for(lby).get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 404

    # A refusal leaves the case where it is.
    other = MigrantFactory(office=demo["offices"]["lby"], crisis=lby_case.crisis)
    share = services.case_share(
        actor=users["com_lby"], migrant=other, to_office=demo["offices"]["tun"], kind="transfer"
    )
    with pytest.raises(services.ValidationError):
        services.case_transfer_decide(actor=tun, share_id=share.pk, accept=False, reason="")
    services.case_transfer_decide(actor=tun, share_id=share.pk, accept=False, reason="No capacity at Ras Ajdir")
    other.refresh_from_db()
    assert other.office == demo["offices"]["lby"]
    assert CaseShare.objects.get(pk=share.pk).status == "refused"
    assert api_for(tun).get(f"/api/v1/migrants/{other.pk}/").status_code == 404


def test_sensitive_records_need_the_permission_within_the_office(users, api_for, client_for, demo, libya):
    plain_staff = office_staff(demo["offices"]["lby"], username="lby_no_grant")
    victim = MigrantFactory(
        office=demo["offices"]["lby"], crisis=libya, vulnerabilities=["victim_of_trafficking"], is_sensitive=True
    )
    ct = ReferralFactory(
        migrant=MigrantFactory(office=demo["offices"]["lby"], crisis=libya),
        kind="counter_trafficking",
        recipient_partner=demo["partners"]["unhcr"],
    )
    services._refresh_sensitivity(ct.migrant)
    for obj in (victim, ct.migrant):
        obj.refresh_from_db()
        assert obj.is_sensitive
        assert obj not in migrants_visible_to(plain_staff)
        assert api_for(plain_staff).get(f"/api/v1/migrants/{obj.pk}/").status_code == 404
        assert client_for(plain_staff).get(reverse("caseload:migrant_detail", args=[obj.pk])).status_code == 404
    assert api_for(plain_staff).get(f"/api/v1/referrals/{ct.pk}/").status_code == 404

    # staff_lby holds view_sensitive_records on Libya: sees them, and each read is logged.
    before = AuditEntry.objects.filter(action="read").count()
    assert client_for(users["staff_lby"]).get(reverse("caseload:migrant_detail", args=[victim.pk])).status_code == 200
    assert api_for(users["staff_lby"]).get(f"/api/v1/referrals/{ct.pk}/").status_code == 200
    client_for(users["staff_lby"]).get(reverse("caseload:migrant_list"))
    reads = AuditEntry.objects.filter(action="read").order_by("id")[before:]
    logged = {(e.object_type, e.object_id) for e in reads}
    assert ("caseload.migrant", str(victim.pk)) in logged
    assert ("caseload.referral", str(ct.pk)) in logged
    assert ("caseload.migrant", str(ct.migrant.pk)) in logged
    assert all(e.actor == users["staff_lby"] for e in reads)


def test_hq_reads_everything_but_registers_nothing(users, api_for, lby_case, libya):
    api = api_for(users["hq"])
    assert api.get(f"/api/v1/migrants/{lby_case.pk}/").status_code == 200
    response = api.post("/api/v1/migrants/", {"crisis": libya.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"]


def test_anonymous_gets_nothing(client, lby_case):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/migrants/").status_code in (401, 403)
    assert APIClient().get("/api/v1/referrals/").status_code in (401, 403)
    response = client.get(reverse("caseload:migrant_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_hq_admin_reads_the_caseload_and_sensitive_reads_are_logged(users, client_for, demo, libya):
    victim = MigrantFactory(office=demo["offices"]["lby"], crisis=libya, is_sensitive=True, given_name="Hidden")
    client = client_for(users["hq"])
    listing = client.get(reverse("admin:caseload_migrant_changelist"))
    assert listing.status_code == 200 and victim.reference in listing.content.decode()
    assert "Hidden" not in listing.content.decode()
    assert client.get(reverse("admin:caseload_migrant_change", args=[victim.pk])).status_code == 200
    assert AuditEntry.objects.filter(actor=users["hq"], action="read", object_id=str(victim.pk)).exists()
    assert client_for(users["staff_lby"]).get(reverse("admin:caseload_migrant_changelist")).status_code == 302
