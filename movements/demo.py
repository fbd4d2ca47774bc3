"""Demo movements of the Libya 2011 crisis (docs/domain.md "Demo data"), every person and step through the
services, as an office would make them; idempotent (a movement is found by its carrier's service
number, and only what is missing is made).

- A chartered flight Tripoli to Cairo that has arrived: about 150 Egyptians, their transport
  referrals to Egypt completed by the arrival ("over 200,000 migrants evacuated from Libya in 2011",
  framework Sector 3).
- A ship from Misrata to Benghazi that has departed: about 400 people of mixed nationalities.
- A bus convoy to the Tunisian border at Ras Ajdir, planned, for Bangladeshis whose onward flights
  leave Djerba for Dhaka: Bangladesh is the destination government. The Bangladeshis are registered
  with transport referrals acknowledged by Bangladesh, waiting to be added (one still without a
  travel document).
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from caseload import services as caseload_services
from crises.models import Crisis
from partners.models import Government, Partner

from . import services
from .models import Movement, Passenger

SEED = 2011
FLIGHT, SHIP, CONVOY = "EGY-CH-2011-03", "MV RAHMA 14", "CONVOY-RAS-AJDIR-1"
FLIGHT_PASSENGERS, SHIP_PASSENGERS, CONVOY_PEOPLE = 150, 400, 18
NAMES = {
    "EGY": (
        ["Ahmed", "Mohamed", "Mahmoud", "Mostafa", "Amr", "Khaled", "Fatma", "Mona", "Heba"],
        ["Hassan", "Ibrahim", "Mansour", "Farouk", "Soliman", "Zaki"],
    ),
    "BGD": (
        ["Rahim", "Karim", "Abdul", "Jamal", "Mizanur", "Shahid", "Nasrin", "Salma"],
        ["Hossain", "Rahman", "Islam", "Uddin", "Chowdhury", "Miah"],
    ),
    "NER": (["Moussa", "Issa", "Abdou", "Hamidou", "Aïssa", "Mariama"], ["Maïga", "Issoufou", "Harouna", "Seydou"]),
    "TCD": (["Mahamat", "Abakar", "Adoum", "Idriss", "Achta", "Halime"], ["Abdelkerim", "Brahim", "Saleh", "Haroun"]),
    "GHA": (["Kwame", "Kofi", "Yaw", "Ama", "Akosua"], ["Mensah", "Owusu", "Boateng", "Asante"]),
    "SDN": (["Omar", "Hamid", "Musa", "Amna", "Sara"], ["Abdalla", "Osman", "Elhassan", "Babiker"]),
}


def _person(rng: random.Random, nationality: str, number: int, *, household: str = "", **values) -> dict:
    given, family = NAMES[nationality]
    return {
        "given_name": rng.choice(given),
        "family_name": rng.choice(family),
        "sex": "female" if rng.random() < 0.25 else "male",
        "date_of_birth": datetime.date(rng.randrange(1965, 2004), rng.randrange(1, 13), rng.randrange(1, 28)),
        "nationality": nationality,
        "document_status": "valid",
        "document_number": f"{nationality[0]}{number:08d}",
        "location_country": "LBY",
        "population_group": "international_migrant",
        "household": household,
        "intention": "return",
        **values,
    }


def _register(staff, crisis, people: list[dict]) -> list:
    return [
        caseload_services.migrant_register(actor=staff, office=crisis.office, crisis=crisis, data=data)
        for data in people
    ]


def _transport_referrals(staff, liaison, government, migrants, *, acknowledge: bool) -> None:
    """Consent naming the government, a transport referral sent to it and, by its liaison, acknowledged."""
    given_on = timezone.localdate() - datetime.timedelta(days=20)
    for migrant in migrants:
        caseload_services.consent_record(
            actor=staff, migrant=migrant, governments=[government], purposes=["transport"], given_on=given_on
        )
        referral = caseload_services.referral_create(
            actor=staff,
            migrant=migrant,
            kind="transport",
            recipient_government=government,
            priority="urgent",
            request_note="Evacuation to the country of origin.",
            send=True,
        )
        if acknowledge and liaison is not None:
            caseload_services.referral_transition(actor=liaison, referral_id=referral.pk, to="acknowledged")


def _movement(staff, crisis, service_number: str, **values) -> Movement:
    existing = Movement.objects.filter(crisis=crisis, service_number=service_number).first()
    if existing:
        return existing
    points = values.pop("transit_points", ())
    escorts = values.pop("escorts", ())
    return services.movement_create(
        actor=staff,
        office=crisis.office,
        crisis=crisis,
        data={"service_number": service_number, **values},
        transit_points=points,
        escorts=escorts,
    )


def seed(stdout=None) -> dict:
    crisis = Crisis.objects.filter(office__code="lby").order_by("start_date").first()
    users = {u.username: u for u in User.objects.filter(username__in=["staff_lby", "gov_egy", "gov_bgd"])}
    staff = users.get("staff_lby")
    if crisis is None or staff is None:
        if stdout:
            stdout.write("  no crisis or staff of the Libya office yet: movements skipped")
        return {}
    if Movement.objects.filter(crisis=crisis, service_number__in=[FLIGHT, SHIP, CONVOY]).count() == 3:
        if stdout:
            stdout.write("  movements already there")
        return {"movements": 3}
    rng = random.Random(SEED)
    now = timezone.now()
    # The test settings seed a tenth of the flight and the ship: the same shapes, in seconds.
    scale = settings.DEMO_MOVEMENT_SCALE
    flight_count, ship_count = max(6, round(FLIGHT_PASSENGERS * scale)), max(8, round(SHIP_PASSENGERS * scale))
    governments = {g.country: g for g in Government.objects.filter(country__in=["EGY", "BGD"])}
    unhcr = Partner.objects.filter(code="unhcr").first()
    made = {}

    # The chartered flight to Cairo, ten days ago.
    if not Movement.objects.filter(crisis=crisis, service_number=FLIGHT).exists():
        departure = now - datetime.timedelta(days=10, hours=3)
        flight = _movement(
            staff,
            crisis,
            FLIGHT,
            kind="evacuation",
            mode="air",
            carrier="EgyptAir charter",
            origin_country="LBY",
            origin_place="Tripoli, Mitiga airport",
            origin_timezone="Africa/Tripoli",
            destination_country="EGY",
            destination_place="Cairo international airport",
            destination_timezone="Africa/Cairo",
            planned_departure=departure,
            planned_arrival=departure + datetime.timedelta(hours=2, minutes=30),
            seat_capacity=160,
            medical_escorts=1,
            escorts=[{"kind": "operational", "name": "Samir Lahmar"}, {"kind": "medical", "name": "Dr. Amal Fathi"}],
        )
        egyptians = _register(staff, crisis, [_person(rng, "EGY", 30_000_000 + i) for i in range(flight_count)])
        _transport_referrals(staff, users.get("gov_egy"), governments.get("EGY"), egyptians, acknowledge=True)
        services.passengers_add(actor=staff, movement_id=flight.pk, migrants=egyptians)
        Passenger.objects.filter(movement=flight).update(fitness="fit", fitness_assessed_by=staff)
        services.movement_transition(
            actor=staff, movement_id=flight.pk, to="boarding", at=departure - datetime.timedelta(hours=3)
        )
        services.passengers_board_all(actor=staff, movement_id=flight.pk)
        services.movement_transition(actor=staff, movement_id=flight.pk, to="departed", at=departure)
        services.movement_transition(
            actor=staff, movement_id=flight.pk, to="arrived", at=departure + datetime.timedelta(hours=2, minutes=40)
        )
        made["flight"] = flight.reference

    # The ship from Misrata to Benghazi, which left yesterday.
    if not Movement.objects.filter(crisis=crisis, service_number=SHIP).exists():
        departure = now - datetime.timedelta(days=1, hours=5)
        ship = _movement(
            staff,
            crisis,
            SHIP,
            kind="relocation",
            mode="sea",
            carrier="IOM-chartered ferry",
            origin_country="LBY",
            origin_place="Misrata port",
            origin_timezone="Africa/Tripoli",
            destination_country="LBY",
            destination_place="Benghazi port",
            destination_timezone="Africa/Tripoli",
            planned_departure=departure,
            planned_arrival=departure + datetime.timedelta(hours=30),
            seat_capacity=450,
            operational_escorts=4,
            medical_escorts=2,
            receiving_partner=unhcr,
            escorts=[{"kind": "medical", "name": "Dr. Youssef Benali"}],
        )
        mix = ["EGY", "BGD", "NER", "TCD", "GHA", "SDN"]
        people, household = [], 0
        for i in range(ship_count):
            if i % 4 == 0:
                household += 1
            people.append(
                _person(rng, mix[i % len(mix)], 40_000_000 + i, household=f"HH-MIS-{household:03d}" if i % 3 else "")
            )
        passengers = _register(staff, crisis, people)
        services.passengers_add(actor=staff, movement_id=ship.pk, migrants=passengers)
        services.movement_transition(
            actor=staff, movement_id=ship.pk, to="boarding", at=departure - datetime.timedelta(hours=4)
        )
        services.passengers_board_all(actor=staff, movement_id=ship.pk)
        services.movement_transition(actor=staff, movement_id=ship.pk, to="departed", at=departure)
        made["ship"] = ship.reference

    # The convoy to Ras Ajdir, in three days, for Bangladeshis flying on from Djerba to Dhaka.
    if not Movement.objects.filter(crisis=crisis, service_number=CONVOY).exists():
        departure = now + datetime.timedelta(days=3)
        convoy = _movement(
            staff,
            crisis,
            CONVOY,
            kind="return",
            mode="land",
            carrier="Zuwara bus company, then Biman Bangladesh charter",
            origin_country="LBY",
            origin_place="Tripoli, Tajoura transit site",
            origin_timezone="Africa/Tripoli",
            destination_country="BGD",
            destination_place="Dhaka, Hazrat Shahjalal airport",
            destination_timezone="Asia/Dhaka",
            planned_departure=departure,
            planned_arrival=departure + datetime.timedelta(hours=30),
            seat_capacity=45,
            operational_escorts=2,
            transit_points=[
                {"country": "TUN", "place": "Ras Ajdir border crossing"},
                {"country": "TUN", "place": "Djerba-Zarzis airport"},
            ],
            escorts=[{"kind": "operational", "name": "Samir Lahmar"}],
        )
        people = [
            _person(rng, "BGD", 50_000_000 + i, household=f"HH-BGD-{i // 3:02d}" if i < 6 else "")
            for i in range(CONVOY_PEOPLE)
        ]
        people[-1].update(given_name="Shahid", family_name="Miah", document_status="lost", document_number="")
        bangladeshis = _register(staff, crisis, people)
        _transport_referrals(staff, users.get("gov_bgd"), governments.get("BGD"), bangladeshis, acknowledge=True)
        made["convoy"] = convoy.reference
    if stdout:
        stdout.write(
            f"  movements: {', '.join(f'{k} {v}' for k, v in made.items()) or 'already there'} on {crisis.code}"
        )
    return made
