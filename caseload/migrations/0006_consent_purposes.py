"""Consent per purpose (docs/domain.md "Consent per purpose").

Each existing consent is given the kinds of the referrals it already allowed: the kinds of the
referrals of that person to that recipient. A consent used for no referral covers no purpose: it is
recorded again with its purposes. Going back removes the field, and a consent names its recipient
for every purpose again, as before.
"""

from django.db import migrations, models

import caseload.validators


def purposes_from_referrals(apps, schema_editor):
    Consent = apps.get_model("caseload", "Consent")
    Referral = apps.get_model("caseload", "Referral")
    kinds: dict[tuple[int, str, int], set[str]] = {}
    for migrant_id, government_id, partner_id, kind in Referral.objects.values_list(
        "migrant_id", "recipient_government_id", "recipient_partner_id", "kind"
    ).iterator():
        key = (migrant_id, "government", government_id) if government_id else (migrant_id, "partner", partner_id)
        kinds.setdefault(key, set()).add(kind)
    changed = []
    for consent in Consent.objects.only("id", "migrant_id", "government_id", "partner_id").iterator():
        if consent.government_id:
            key = (consent.migrant_id, "government", consent.government_id)
        else:
            key = (consent.migrant_id, "partner", consent.partner_id)
        consent.purposes = sorted(kinds.get(key, ()))
        changed.append(consent)
    Consent.objects.bulk_update(changed, ["purposes"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0005_cancelled_draft_never_sent"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="purposes",
            field=models.JSONField(
                blank=True, default=list, validators=[caseload.validators.validate_purposes], verbose_name="purposes"
            ),
        ),
        migrations.RunPython(purposes_from_referrals, migrations.RunPython.noop, elidable=False),
    ]
