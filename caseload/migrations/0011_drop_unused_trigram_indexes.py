# The duplicate finder joins records on office, nationality and date of birth (or estimated age)
# before it compares their names (caseload.dedup._name_branches): no query reads the GIN trigram
# indexes of migrations 0002 and 0008 any more, and each new migrant cost an entry per trigram of its
# full name and its name key in them, the dearest part of an import's insert (bench/RESULTS.md,
# "Duplicate search and imports"). pg_trgm stays: similarity() is its function.

from django.db import migrations

INDEXES = {
    "migrant_full_name_trgm_idx": "full_name_norm",
    "migrant_name_key_trgm_idx": "name_key",
}


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON caseload_migrant USING gin ({column} gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("caseload", "0010_import_staged_chunks")]

    operations = [migrations.RunPython(drop_indexes, create_indexes, elidable=True)]
