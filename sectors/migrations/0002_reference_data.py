"""The 15 sectors of assistance (MC/2355 paragraph 10), the four systems and the clusters and groups
of the Annex I diagrams, and each sector's links; read from sectors/annex_i.py."""

from django.db import migrations


def load(apps, schema_editor):
    from sectors import annex_i

    System = apps.get_model("sectors", "System")
    Cluster = apps.get_model("sectors", "Cluster")
    Sector = apps.get_model("sectors", "Sector")

    systems = {}
    for code, order, name_en, name_fr, name_es in annex_i.SYSTEMS:
        systems[code], _ = System.objects.update_or_create(
            code=code, defaults={"order": order, "name_en": name_en, "name_fr": name_fr, "name_es": name_es}
        )
    clusters = {}
    for code, kind, parent, order, name_en, name_fr, name_es in annex_i.CLUSTERS:
        clusters[code], _ = Cluster.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "parent": clusters[parent] if parent else None,
                "order": order,
                "name_en": name_en,
                "name_fr": name_fr,
                "name_es": name_es,
            },
        )
    for number, ((name_en, name_fr, name_es), (purpose_en, purpose_fr, purpose_es)) in annex_i.SECTORS.items():
        sector, _ = Sector.objects.update_or_create(
            number=number,
            defaults={
                "name_en": name_en,
                "name_fr": name_fr,
                "name_es": name_es,
                "purpose_en": purpose_en,
                "purpose_fr": purpose_fr,
                "purpose_es": purpose_es,
            },
        )
        cluster_codes, system_codes = annex_i.SECTOR_LINKS[number]
        sector.clusters.set([clusters[code] for code in cluster_codes])
        sector.systems.set([systems[code] for code in system_codes])


def unload(apps, schema_editor):
    from sectors import annex_i

    Sector = apps.get_model("sectors", "Sector")
    Cluster = apps.get_model("sectors", "Cluster")
    System = apps.get_model("sectors", "System")
    Sector.objects.filter(number__in=list(annex_i.SECTORS)).delete()
    # Areas of responsibility first: they point to their cluster.
    Cluster.objects.filter(code__in=[c[0] for c in annex_i.CLUSTERS], parent__isnull=False).delete()
    Cluster.objects.filter(code__in=[c[0] for c in annex_i.CLUSTERS]).delete()
    System.objects.filter(code__in=[s[0] for s in annex_i.SYSTEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sectors", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
