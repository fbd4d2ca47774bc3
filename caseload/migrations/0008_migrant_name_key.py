# Names across scripts (docs/domain.md "Names across scripts"): the Latin name keys of every migrant,
# filled for the rows already there, with prefix indexes and, on PostgreSQL, a GIN trigram index on
# the full key for the duplicate finder.

import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEX = "migrant_name_key_trgm_idx"


def fill_name_keys(apps, schema_editor):
    """The keys of the rows already there, and their normalised names again (the Arabic folding is
    new). Both follow from the normalised name alone, so each distinct one is computed once and
    written with one UPDATE through its index: a few thousand statements for a million rows."""
    # The rules as caseload.names holds them today; a later change of the rule ships its own backfill.
    from caseload.names import name_key
    from caseload.validators import normalise_name

    Migrant = apps.get_model("caseload", "Migrant")
    rows = Migrant.objects.filter(pseudonymised_at__isnull=True)
    for norm, key in (("given_name_norm", "given_name_key"), ("family_name_norm", "family_name_key")):
        for value in list(rows.order_by().values_list(norm, flat=True).distinct()):
            rows.filter(**{norm: value}).update(**{norm: normalise_name(value), key: name_key(value)})


def create_trigram_index(apps, schema_editor):
    # PostgreSQL only, as migration 0002's: SQLite's duplicate finder has a plain fallback.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON caseload_migrant USING gin (name_key gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0007_outcome_details_and_document_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="migrant",
            name="family_name_key",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="migrant",
            name="given_name_key",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.AddIndex(
            model_name="migrant",
            index=models.Index(
                fields=["family_name_key"], name="migrant_family_key_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="migrant",
            index=models.Index(
                fields=["given_name_key"], name="migrant_given_key_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddField(
            model_name="migrant",
            name="name_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Concat(
                    "given_name_key", models.Value(" "), "family_name_key"
                ),
                output_field=models.CharField(max_length=201),
            ),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        # Last: PostgreSQL builds no index on a table with updates pending in the transaction.
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
    ]
