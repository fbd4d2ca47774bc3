"""Consents recorded before purposes existed migrate to the kinds of the referrals they allowed
(caseload 0006, and movements 0002 for the manifests), and back (docs/domain.md "Consent per purpose").

On the demo database: which referrals and which manifest passengers a consent let through, read
without purposes as the code did before; then back to before the purposes and forward again, twice;
then the same referrals and passengers, and no other, are let through by ``consent_covers``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Exists, OuterRef

from caseload.models import Consent, Referral
from caseload.selectors import consent_covers
from movements.models import Passenger
from partners.models import Government

BEFORE = [("caseload", "0005_cancelled_draft_never_sent"), ("movements", "0001_initial")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _referrals_allowed_without_purposes() -> set[int]:
    live = Consent.objects.filter(migrant_id=OuterRef("migrant_id"), withdrawn_at__isnull=True)
    by_government = live.filter(government_id=OuterRef("recipient_government_id"))
    by_partner = live.filter(partner_id=OuterRef("recipient_partner_id"))
    return set(
        Referral.objects.filter(Exists(by_government) | Exists(by_partner)).values_list("pk", flat=True).iterator()
    )


def _referrals_allowed_now() -> set[int]:
    rows = Referral.objects.values_list("pk", "migrant_id", "kind", "recipient_government_id", "recipient_partner_id")
    return {
        pk
        for pk, migrant_id, kind, government_id, partner_id in rows
        if consent_covers(migrant_id=migrant_id, purpose=kind, government_id=government_id, partner_id=partner_id)
    }


def _passengers_shared_without_purposes() -> set[tuple[int, str]]:
    shared = set()
    for passenger in Passenger.objects.select_related("movement"):
        movement = passenger.movement
        live = Consent.objects.filter(migrant_id=passenger.migrant_id, withdrawn_at__isnull=True)
        government = Government.objects.filter(country=movement.destination_country).first()
        if government and live.filter(government=government).exists():
            shared.add((passenger.pk, "government"))
        if movement.receiving_partner_id and live.filter(partner_id=movement.receiving_partner_id).exists():
            shared.add((passenger.pk, "partner"))
    return shared


def _passengers_shared_now() -> set[tuple[int, str]]:
    shared = set()
    for passenger in Passenger.objects.select_related("movement"):
        movement = passenger.movement
        government = Government.objects.filter(country=movement.destination_country).first()
        # The consent half of ``movements.selectors.shared_with``: consent for the purpose "transport".
        if government and consent_covers(
            migrant_id=passenger.migrant_id, purpose="transport", government_id=government.pk
        ):
            shared.add((passenger.pk, "government"))
        partner_id = movement.receiving_partner_id
        if partner_id and consent_covers(migrant_id=passenger.migrant_id, purpose="transport", partner_id=partner_id):
            shared.add((passenger.pk, "partner"))
    return shared


@pytest.mark.django_db(transaction=True)
def test_migrated_consents_allow_exactly_the_referrals_they_allowed_before():
    call_command("seed_demo", verbosity=0)
    referrals_before = _referrals_allowed_without_purposes()
    passengers_before = _passengers_shared_without_purposes()
    assert referrals_before and Referral.objects.exclude(pk__in=referrals_before).exists()
    assert passengers_before
    after = _leaves()
    try:
        for _ in range(2):
            _migrate(BEFORE)
            with connection.cursor() as cursor:
                columns = [c.name for c in connection.introspection.get_table_description(cursor, "caseload_consent")]
            assert "purposes" not in columns
            _migrate(after)
            assert _referrals_allowed_now() == referrals_before
            assert _passengers_shared_now() == passengers_before
    finally:
        _migrate(after)
    # Each consent covers only the kinds of the referrals it was used for (and transport for a manifest).
    consent = Consent.objects.filter(government__isnull=False).exclude(purposes=[]).first()
    kinds = set(
        Referral.objects.filter(
            migrant_id=consent.migrant_id, recipient_government_id=consent.government_id
        ).values_list("kind", flat=True)
    )
    assert set(consent.purposes) - {"transport"} <= kinds
    print(f"\nreferrals allowed by consent: {len(referrals_before)}; manifest passengers: {len(passengers_before)}")
