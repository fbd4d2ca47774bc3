"""The sectors of assistance, the response systems and the clusters named in Arabic as well
(sectors/annex_i.py: SECTORS_AR, SYSTEMS_AR, CLUSTERS_AR); an empty Arabic name falls back to English."""

from django.db import migrations, models


def load(apps, schema_editor):
    from sectors import annex_i

    System = apps.get_model("sectors", "System")
    Cluster = apps.get_model("sectors", "Cluster")
    Sector = apps.get_model("sectors", "Sector")
    for code, name in annex_i.SYSTEMS_AR.items():
        System.objects.filter(code=code).update(name_ar=name)
    for code, name in annex_i.CLUSTERS_AR.items():
        Cluster.objects.filter(code=code).update(name_ar=name)
    for number, (name, purpose) in annex_i.SECTORS_AR.items():
        Sector.objects.filter(number=number).update(name_ar=name, purpose_ar=purpose)


class Migration(migrations.Migration):
    dependencies = [
        ("sectors", "0003_annex_i_matrix"),
    ]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="name_ar",
            field=models.CharField(blank=True, max_length=120, verbose_name="name (Arabic)"),
        ),
        migrations.AddField(
            model_name="sector",
            name="name_ar",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (Arabic)"),
        ),
        migrations.AddField(
            model_name="sector",
            name="purpose_ar",
            field=models.TextField(blank=True, verbose_name="purpose (Arabic)"),
        ),
        migrations.AddField(
            model_name="system",
            name="name_ar",
            field=models.CharField(blank=True, max_length=120, verbose_name="name (Arabic)"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
