"""Consent per purpose (docs/domain.md "Consent per purpose"): a consent that let a passenger's data
go to a movement's receiving government or organisation (its manifest) keeps doing so, as consent
for the purpose "transport". Going back is caseload 0006's: the field goes away."""

from django.db import migrations


def transport_for_passengers(apps, schema_editor):
    Consent = apps.get_model("caseload", "Consent")
    Government = apps.get_model("partners", "Government")
    Passenger = apps.get_model("movements", "Passenger")
    government_of = dict(Government.objects.values_list("country", "id"))
    recipients: dict[int, set[tuple[str, int]]] = {}
    rows = Passenger.objects.values_list(
        "migrant_id", "movement__destination_country", "movement__receiving_partner_id"
    ).iterator()
    for migrant_id, country, partner_id in rows:
        named = recipients.setdefault(migrant_id, set())
        if country in government_of:
            named.add(("government", government_of[country]))
        if partner_id:
            named.add(("partner", partner_id))
    changed = []
    consents = Consent.objects.filter(migrant_id__in=list(recipients)).only(
        "id", "migrant_id", "government_id", "partner_id", "purposes"
    )
    for consent in consents.iterator():
        key = ("government", consent.government_id) if consent.government_id else ("partner", consent.partner_id)
        if key in recipients[consent.migrant_id] and "transport" not in consent.purposes:
            consent.purposes = sorted([*consent.purposes, "transport"])
            changed.append(consent)
    Consent.objects.bulk_update(changed, ["purposes"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("movements", "0001_initial"),
        ("caseload", "0006_consent_purposes"),
        ("partners", "0004_outbox_moves_to_its_own_app"),
    ]

    operations = [
        migrations.RunPython(transport_for_passengers, migrations.RunPython.noop, elidable=False),
    ]
