from django.db import migrations, models

STATISTICS = "migrant_vulnerabilities_stats"


def create_statistics(apps, schema_editor):
    # PostgreSQL 14 or later: statistics of the expression the vulnerability filter compares
    # (caseload.filters.MigrantFilter.filter_vulnerability), so that the planner knows how many cases
    # it keeps and walks an index in list order instead of sorting tens of thousands of rows.
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON (upper(vulnerabilities::text)) FROM caseload_migrant"
    )
    # Statistics are empty until the table is analysed (a sample of rows, about a second at 1M cases).
    schema_editor.execute("ANALYZE caseload_migrant")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0002_imports_and_duplicates"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="migrant",
            index=models.Index(fields=["crisis", "nationality", "-id"], name="migrant_crisis_nat_idx"),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
