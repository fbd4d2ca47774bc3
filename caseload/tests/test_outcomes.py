"""Outcomes are complete or refused; a travel document the consulate issues becomes the migrant's,
with the referral as its source; the timeline shows labels, translated, never raw field names."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from caseload import services
from caseload.models import DocumentStatus, Migrant, ReferralEvent
from caseload.validators import normalise_document

from .factories import MigrantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acknowledged(users, demo, libya, egypt):
    migrant = MigrantFactory(
        office=demo["offices"]["lby"], crisis=libya, document_status=DocumentStatus.LOST, document_number=""
    )
    services.consent_record(
        actor=users["staff_lby"],
        migrant=migrant,
        governments=[egypt],
        purposes=["consular"],
        given_on=datetime.date(2026, 2, 1),
    )
    referral = services.referral_create(
        actor=users["staff_lby"],
        migrant=migrant,
        kind="consular",
        recipient_government=egypt,
        priority="urgent",
        send=True,
    )
    services.referral_transition(actor=users["gov_egy"], referral_id=referral.pk, to="acknowledged")
    return referral


ETD = {"document_type": "etd", "document_number": "ETD-EGY-2026-0042", "document_issued_on": datetime.date(2026, 3, 1)}


def test_an_empty_outcome_names_every_missing_field(users, acknowledged):
    with pytest.raises(ValidationError) as info:
        services.referral_record_outcome(actor=users["gov_egy"], referral_id=acknowledged.pk, outcome={})
    assert set(info.value.message_dict) == {"document_type", "document_number", "document_issued_on"}
    with pytest.raises(ValidationError) as info:
        services.referral_record_outcome(
            actor=users["gov_egy"], referral_id=acknowledged.pk, outcome={"document_type": "etd"}
        )
    assert set(info.value.message_dict) == {"document_number", "document_issued_on"}
    assert not ReferralEvent.objects.filter(referral=acknowledged, action="record_outcome").exists()


def test_the_outcome_page_answers_a_field_error_not_outcome_recorded(users, client_for, acknowledged):
    client = client_for(users["gov_egy"])
    response = client.post(reverse("caseload:referral_outcome", args=[acknowledged.pk]), {})
    assert response.status_code == 400
    assert "document_number" in response.context["outcome_form"].errors
    assert "Outcome recorded." not in response.content.decode()


def test_an_emergency_travel_document_becomes_the_migrants(users, acknowledged):
    services.referral_record_outcome(actor=users["gov_egy"], referral_id=acknowledged.pk, outcome=ETD)
    migrant = Migrant.objects.get(pk=acknowledged.migrant_id)
    assert migrant.document_status == DocumentStatus.VALID
    assert migrant.document_number == "ETD-EGY-2026-0042"
    assert migrant.document_source_id == acknowledged.pk
    assert migrant.document_number_norm == normalise_document("ETD-EGY-2026-0042")


def test_the_timeline_shows_translated_labels(users, client_for, acknowledged):
    services.referral_record_outcome(actor=users["gov_egy"], referral_id=acknowledged.pk, outcome=ETD)
    event = ReferralEvent.objects.get(referral=acknowledged, action="record_outcome")
    assert event.details == {
        "document_type": "etd",
        "document_number": "ETD-EGY-2026-0042",
        "document_issued_on": "2026-03-01",
    }
    assert ("Document type", "Emergency travel document") in event.details_display()
    page = client_for(users["staff_lby"]).get(reverse("caseload:referral_detail", args=[acknowledged.pk]))
    timeline = page.content.decode().split('id="referral-timeline"')[1]
    assert "Emergency travel document" in timeline and "Document number" in timeline
    assert "document_type" not in timeline and "etd" not in timeline.replace("ETD-EGY", "")
    with translation.override("fr"):
        labels = dict(event.details_display())
    assert "Document type" not in labels and "Emergency travel document" not in labels.values()
