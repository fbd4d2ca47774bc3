"""The movements' part of who is told (outbox.audiences): the destination government and the
receiving agency of a movement. Registered from
``MovementsConfig.ready()``; the table's rows for the movement events are in ``outbox.audiences``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outbox.audiences import Audience, audience_rule
from partners.models import Government

from .models import Movement

if TYPE_CHECKING:
    from core.models import DomainEvent
    from crises.models import Crisis


@audience_rule("movement_destination_government")
def movement_destination_government(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The government of the country the movement is bound for: it sees the movement (its liaisons'
    selector), and fetches the manifest it may have through the API."""
    country = Movement.objects.filter(pk=event.subject_id).values_list("destination_country", flat=True).first()
    government = Government.objects.filter(country=country).values_list("pk", flat=True).first() if country else None
    return Audience(governments={government: "movement_destination"}) if government else Audience()


@audience_rule("movement_receiving_partner")
def movement_receiving_partner(event: DomainEvent, crisis: Crisis | None) -> Audience:
    """The receiving agency named on the movement."""
    partner = Movement.objects.filter(pk=event.subject_id).values_list("receiving_partner_id", flat=True).first()
    return Audience(partners={partner: "movement_receiving_agency"}) if partner else Audience()
