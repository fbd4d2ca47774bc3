"""Consent per purpose (docs/domain.md "Consent per purpose"): a referral needs a consent naming its
recipient and its kind, or the audited override; a counter-trafficking referral to a government needs
the person's consent for that purpose and an explicit confirmation, both in the audit trail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseload import services
from caseload.models import Consent, Referral, ReferralStatus
from caseload.selectors import consent_covers, referrals_visible_to
from core.models import AuditEntry

from .factories import MigrantFactory

pytestmark = pytest.mark.django_db

GIVEN = datetime.date(2026, 2, 1)


@pytest.fixture
def victim(demo, libya):
    return MigrantFactory(
        office=demo["offices"]["lby"], crisis=libya, nationality="EGY", vulnerabilities=["victim_of_trafficking"]
    )


def _consent(users, migrant, purposes, *, governments=(), partners=()):
    return services.consent_record(
        actor=users["staff_lby"],
        migrant=migrant,
        governments=list(governments),
        partners=list(partners),
        purposes=purposes,
        given_on=GIVEN,
    )


def _send(users, migrant, kind, *, government=None, partner=None, **extra):
    return services.referral_create(
        actor=extra.pop("actor", users["staff_lby"]),
        migrant=migrant,
        kind=kind,
        recipient_government=government,
        recipient_partner=partner,
        priority="normal",
        send=True,
        **extra,
    )


def test_counter_trafficking_to_a_government_with_only_a_consular_consent_is_refused(users, victim, egypt):
    _consent(users, victim, ["consular"], governments=[egypt])
    with pytest.raises(ValidationError) as info:
        _send(users, victim, "counter_trafficking", government=egypt, trafficking_confirmed=True)
    message = " ".join(info.value.message_dict["override_reason"])
    assert "Counter-trafficking protection" in message and str(egypt) in message
    # The transaction rolled back: no referral, nothing shared.
    assert not Referral.objects.filter(migrant=victim).exists()
    # Not even the Chief of Mission's override lets a government learn this without consent.
    with pytest.raises(ValidationError):
        _send(
            users,
            victim,
            "counter_trafficking",
            government=egypt,
            actor=users["com_lby"],
            override_reason="vital interest",
            trafficking_confirmed=True,
        )
    assert not Referral.objects.filter(migrant=victim).exists()
    # The consular referral the consent was given for is sent.
    assert _send(users, victim, "consular", government=egypt).status == ReferralStatus.SENT


def test_counter_trafficking_to_a_government_needs_the_purpose_and_the_confirmation(users, victim, egypt):
    _consent(users, victim, ["consular", "counter_trafficking"], governments=[egypt])
    with pytest.raises(ValidationError) as info:
        _send(users, victim, "counter_trafficking", government=egypt)
    assert "trafficking_confirmed" in info.value.message_dict
    assert not Referral.objects.filter(migrant=victim).exists()

    referral = _send(users, victim, "counter_trafficking", government=egypt, trafficking_confirmed=True)
    assert referral.status == ReferralStatus.SENT
    trail = AuditEntry.objects.filter(object_type="caseload.referral", object_id=str(referral.pk))
    confirmation = trail.get(after__trafficking_disclosure_confirmed=True)
    assert confirmation.actor == users["staff_lby"] and confirmation.after["purpose"] == "counter_trafficking"
    consent_entry = AuditEntry.objects.get(object_type="caseload.consent", object_id=str(victim.pk))
    assert consent_entry.after["purposes"] == ["consular", "counter_trafficking"]
    # The government now sees this sensitive referral: its consent covers the kind.
    assert referrals_visible_to(users["gov_egy"]).filter(pk=referral.pk).exists()


def test_the_government_sees_a_sensitive_referral_only_for_a_purpose_consented(users, victim, egypt):
    _consent(users, victim, ["consular"], governments=[egypt])
    consular = _send(users, victim, "consular", government=egypt)
    # A consular referral of a victim of trafficking is sensitive; the consent covers consular.
    assert consular.is_sensitive
    assert referrals_visible_to(users["gov_egy"]).filter(pk=consular.pk).exists()
    Consent.objects.filter(migrant=victim).update(purposes=["transport"])
    assert not referrals_visible_to(users["gov_egy"]).filter(pk=consular.pk).exists()


def test_a_partner_referral_needs_a_consent_for_its_kind_or_the_override(users, demo, libya):
    unhcr = demo["partners"]["unhcr"]
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    _consent(users, migrant, ["shelter"], partners=[unhcr])
    with pytest.raises(ValidationError) as info:
        _send(users, migrant, "health", partner=unhcr)
    message = " ".join(info.value.message_dict["override_reason"])
    assert "Health support" in message and "not for the purpose" in message
    assert _send(users, migrant, "shelter", partner=unhcr).status == ReferralStatus.SENT
    overridden = _send(users, migrant, "health", partner=unhcr, actor=users["com_lby"], override_reason="urgent care")
    assert overridden.status == ReferralStatus.SENT
    entry = AuditEntry.objects.get(action="override", object_id=str(overridden.pk))
    assert entry.after["purpose"] == "health" and entry.reason == "urgent care"


def test_consent_covers_reads_recipient_purpose_and_withdrawal(users, demo, libya, egypt):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    [consent] = _consent(users, migrant, ["transport"], governments=[egypt])
    assert consent_covers(migrant_id=migrant.pk, government_id=egypt.pk, purpose="transport")
    assert not consent_covers(migrant_id=migrant.pk, government_id=egypt.pk, purpose="consular")
    assert not consent_covers(migrant_id=migrant.pk, partner_id=demo["partners"]["unhcr"].pk, purpose="transport")
    services.consent_withdraw(actor=users["staff_lby"], consent=consent)
    assert not consent_covers(migrant_id=migrant.pk, government_id=egypt.pk, purpose="transport")


def test_a_consent_names_at_least_one_purpose(users, demo, libya, egypt):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    with pytest.raises(ValidationError) as info:
        _consent(users, migrant, [], governments=[egypt])
    assert "purposes" in info.value.message_dict
    with pytest.raises(ValidationError):
        _consent(users, migrant, ["tourism"], governments=[egypt])
    assert not Consent.objects.filter(migrant=migrant).exists()


def test_the_consent_form_says_what_each_purpose_shares(users, client_for, demo, libya):
    migrant = MigrantFactory(office=demo["offices"]["lby"], crisis=libya)
    page = client_for(users["staff_lby"]).get(reverse("caseload:consent_create", args=[migrant.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "the fact that you may have been trafficked or exploited" in text
    assert "give you a travel document" in text
    assert 'name="purposes"' in text and 'value="counter_trafficking"' in text


def test_the_referral_page_warns_in_red_before_a_trafficking_referral_goes_to_a_government(
    users, client_for, victim, egypt
):
    referral = services.referral_create(
        actor=users["staff_lby"],
        migrant=victim,
        kind="counter_trafficking",
        recipient_government=egypt,
        priority="normal",
    )
    page = client_for(users["staff_lby"]).get(reverse("caseload:referral_detail", args=[referral.pk]))
    text = page.content.decode()
    assert 'class="danger" role="alert" id="trafficking-warning"' in text
    assert 'name="trafficking_confirmed"' in text
