"""Who sees what of a movement (docs/domain.md "Operations"): the organising office and HQ everything in
scope; the destination government the movements bound for it and, of each passenger, identity and
document only where consent names it or an override with a reason is recorded; a receiving agency
the same way; another government, another partner and another office nothing (404)."""

import csv
import datetime
import io
import subprocess

import hxl
import pytest
from guardian.shortcuts import assign_perm

from accounts.tests.factories import PartnerFactory, partner_liaison
from caseload import services as caseload_services
from core.models import AuditEntry
from movements import services
from movements.models import Passenger

from .conftest import plan_movement, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return PartnerFactory(code="iom-bgd-reception", name="Reception agency")


@pytest.fixture
def dhaka(staff, libya, bangladesh, agency, chief):
    """A flight to Dhaka: one consenting passenger, one shared by override, one without either, and a
    victim of trafficking without consent."""
    movement = plan_movement(
        staff,
        libya,
        mode="air",
        destination_country="BGD",
        destination_place="Dhaka, Hazrat Shahjalal airport",
        destination_timezone="Asia/Dhaka",
        receiving_partner=agency,
    )
    consenting = register(staff, libya, given_name="Consenting", document_number="BG0000001")
    caseload_services.consent_record(
        actor=staff,
        migrant=consenting,
        governments=[bangladesh],
        partners=[agency],
        purposes=["transport"],
        given_on=datetime.date(2026, 2, 1),
    )
    overridden = register(staff, libya, given_name="Overridden", document_number="BG0000002")
    silent = register(staff, libya, given_name="Silent", document_number="BG0000003")
    trafficked = register(
        staff, libya, given_name="Protected", document_number="BG0000004", vulnerabilities=["victim_of_trafficking"]
    )
    services.passengers_add(actor=staff, movement_id=movement.pk, migrants=[consenting, overridden, silent, trafficked])
    assign_perm("accounts.override_consent", chief, libya.office)
    chief = type(chief).objects.get(pk=chief.pk)
    services.passenger_share_override(
        actor=chief,
        passenger_id=Passenger.objects.get(migrant=overridden).pk,
        reason="Vital interest: reception needs the list",
    )
    return {
        "movement": movement,
        "consenting": consenting,
        "overridden": overridden,
        "silent": silent,
        "trafficked": trafficked,
    }


def _names(response) -> set[str]:
    return {p["given_name"] for p in response.json()}


def test_the_destination_government_sees_identity_and_document_of_those_it_may(api_for, users, dhaka):
    gov = api_for(users["gov_bgd"])
    movement = dhaka["movement"]
    assert gov.get(f"/api/v1/movements/{movement.pk}/").status_code == 200
    listed = gov.get("/api/v1/movements/").json()["results"]
    assert [m["id"] for m in listed] == [movement.pk]
    passengers = gov.get(f"/api/v1/movements/{movement.pk}/passengers/")
    assert _names(passengers) == {"Consenting", "Overridden"}
    assert set(passengers.json()[0]) == {
        "order",
        "reference",
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "estimated_age",
        "nationality",
        "document_type",
        "document_number",
    }
    # The silent passenger and the victim of trafficking block sharing the manifest, named in the error.
    blocked = gov.get(f"/api/v1/movements/{movement.pk}/manifest/?version=government&format=csv")
    assert blocked.status_code == 400
    message = " ".join(blocked.json()["error"]["fields"]["version"])
    assert dhaka["silent"].reference in message and dhaka["trafficked"].reference in message
    assert dhaka["consenting"].reference not in message
    assert gov.get(f"/api/v1/movements/{movement.pk}/manifest/?version=office&format=csv").status_code == 403


def test_once_everyone_is_covered_the_government_gets_its_minimised_manifest(api_for, users, dhaka, bangladesh):
    staff = users["staff_lby"]
    for person in (dhaka["silent"], dhaka["trafficked"]):
        caseload_services.consent_record(
            actor=staff,
            migrant=person,
            governments=[bangladesh],
            purposes=["transport"],
            given_on=datetime.date(2026, 2, 2),
        )
    gov = api_for(users["gov_bgd"])
    response = gov.get(f"/api/v1/movements/{dhaka['movement'].pk}/manifest/?version=government&format=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "#meta+order" and len(rows) == 2 + 4
    assert "vulnerab" not in body.lower() and "HH-" not in body and "+201" not in body
    dataset = hxl.data(io.BytesIO(body.encode()))  # libhxl reads it as HXL
    assert {"#beneficiary+name+given", "#beneficiary+code+document"} <= {c.display_tag for c in dataset.columns}
    assert sorted(row.get("#beneficiary+name+given") for row in dataset) == [
        "Consenting",
        "Overridden",
        "Protected",
        "Silent",
    ]
    audit = AuditEntry.objects.filter(action="export", object_type="movements.movement").latest("at")
    assert audit.after["version"] == "government" and audit.after["rows"] == 4 and audit.actor == users["gov_bgd"]


def test_the_receiving_agency_sees_the_movement_naming_it(api_for, agency, dhaka):
    liaison = api_for(partner_liaison(agency, username="reception"))
    movement = dhaka["movement"]
    assert liaison.get(f"/api/v1/movements/{movement.pk}/").status_code == 200
    assert _names(liaison.get(f"/api/v1/movements/{movement.pk}/passengers/")) == {"Consenting", "Overridden"}


@pytest.mark.parametrize("who", ["gov_egy", "unhcr", "staff_tun", "staff_hti"])
def test_everyone_else_gets_404(api_for, client_for, users, dhaka, who):
    movement = dhaka["movement"]
    api = api_for(users[who])
    assert api.get(f"/api/v1/movements/{movement.pk}/").status_code == 404
    assert api.get(f"/api/v1/movements/{movement.pk}/passengers/").status_code == 404
    assert api.get(f"/api/v1/movements/{movement.pk}/manifest/?version=government&format=csv").status_code == 404
    assert api.get("/api/v1/movements/").json()["results"] == []
    assert client_for(users[who]).get(f"/movements/{movement.pk}/").status_code == 404


def test_the_office_and_hq_see_everything_in_scope(api_for, users, dhaka, libya):
    movement = dhaka["movement"]
    for who in ("staff_lby", "hq"):
        api = api_for(users[who])
        assert _names(api.get(f"/api/v1/movements/{movement.pk}/passengers/")) == {
            "Consenting",
            "Overridden",
            "Silent",
            "Protected",
        }
    # A staff member without the sensitive permission does not see the victim of trafficking.
    from accounts.tests.factories import office_staff

    plain = api_for(office_staff(libya.office, username="plain_lby"))
    assert _names(plain.get(f"/api/v1/movements/{movement.pk}/passengers/")) == {"Consenting", "Overridden", "Silent"}


def test_the_pdf_opens_and_names_the_passengers(client_for, users, dhaka):
    response = client_for(users["staff_lby"]).get(f"/movements/{dhaka['movement'].pk}/manifest/carrier.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    for name in ("Consenting", "Overridden", "Silent", "Protected"):
        assert name in text
    assert "BG0000004" in text
    assert AuditEntry.objects.filter(action="export", after__format="pdf").count() == 1


def test_the_xlsx_has_the_hxl_row(client_for, users, dhaka):
    from openpyxl import load_workbook

    response = client_for(users["hq"]).get(f"/movements/{dhaka['movement'].pk}/manifest/office.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "#meta+order" and len(rows) == 2 + 4
