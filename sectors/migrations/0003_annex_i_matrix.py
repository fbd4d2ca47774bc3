"""The Annex I matrix: 5 crisis types x 3 phases x 15 sectors, each cell with its citation
(derived in sectors/annex_i.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from sectors import annex_i

    Sector = apps.get_model("sectors", "Sector")
    MatrixCell = apps.get_model("sectors", "MatrixCell")
    sectors = {s.number: s for s in Sector.objects.all()}
    for cell in annex_i.matrix_cells():
        MatrixCell.objects.update_or_create(
            crisis_type=cell["crisis_type"],
            phase=cell["phase"],
            sector=sectors[cell["sector"]],
            defaults={"priority": cell["priority"], "citation": cell["citation"], "basis": cell["basis"]},
        )


def unload(apps, schema_editor):
    # Plain SQL: the ORM's cascade collector trips over the historical models here; the history of
    # HQ edits goes with the cells it belongs to.
    MatrixCell = apps.get_model("sectors", "MatrixCell")
    MatrixCellChange = apps.get_model("sectors", "MatrixCellChange")
    quote = schema_editor.quote_name
    schema_editor.execute(f"DELETE FROM {quote(MatrixCellChange._meta.db_table)}")
    schema_editor.execute(f"DELETE FROM {quote(MatrixCell._meta.db_table)}")


class Migration(migrations.Migration):
    dependencies = [("sectors", "0002_reference_data")]

    operations = [migrations.RunPython(load, unload)]
