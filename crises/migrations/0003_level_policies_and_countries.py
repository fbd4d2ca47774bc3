"""Seed the emergency-level SOP (main text paragraph 21) and move the other affected countries
from a JSON list into their table. Both steps are reversible."""

from django.db import migrations

# L1: declared by the office's Chief of Mission; L2 and L3: by an HQ emergency coordinator.
# L3 follows the IASC system-wide scale-up: 6 months, then one extension of 3 months.
POLICIES = [
    {
        "level": 1,
        "approver": "chief_of_mission",
        "validity_months": 6,
        "extension_months": 3,
        "max_extensions": 1,
        "sitrep_cadence_days": 30,
        "notify": ["office", "chief_of_mission"],
    },
    {
        "level": 2,
        "approver": "hq",
        "validity_months": 6,
        "extension_months": 3,
        "max_extensions": 1,
        "sitrep_cadence_days": 14,
        "notify": ["office", "chief_of_mission", "hq"],
    },
    {
        "level": 3,
        "approver": "hq",
        "validity_months": 6,
        "extension_months": 3,
        "max_extensions": 1,
        "sitrep_cadence_days": 7,
        "notify": ["office", "chief_of_mission", "hq", "coordination"],
    },
]


def seed_policies(apps, schema_editor):
    LevelPolicy = apps.get_model("crises", "LevelPolicy")
    LevelPolicyRevision = apps.get_model("crises", "LevelPolicyRevision")
    for values in POLICIES:
        policy, created = LevelPolicy.objects.get_or_create(level=values["level"], defaults=values)
        if created:
            LevelPolicyRevision.objects.create(policy=policy, values=values, reason="Initial SOP")


def unseed_policies(apps, schema_editor):
    apps.get_model("crises", "LevelPolicy").objects.filter(level__in=[p["level"] for p in POLICIES]).delete()


def copy_countries(apps, schema_editor):
    Crisis = apps.get_model("crises", "Crisis")
    CrisisCountry = apps.get_model("crises", "CrisisCountry")
    for crisis in Crisis.objects.exclude(other_countries_list=[]).only("id", "country", "other_countries_list"):
        for code in sorted(set(crisis.other_countries_list or [])):
            if code != crisis.country:
                CrisisCountry.objects.get_or_create(crisis_id=crisis.id, country=code)


def copy_countries_back(apps, schema_editor):
    Crisis = apps.get_model("crises", "Crisis")
    CrisisCountry = apps.get_model("crises", "CrisisCountry")
    codes: dict[int, list[str]] = {}
    for crisis_id, code in CrisisCountry.objects.values_list("crisis_id", "country"):
        codes.setdefault(crisis_id, []).append(code)
    for crisis_id, countries in codes.items():
        Crisis.objects.filter(pk=crisis_id).update(other_countries_list=sorted(countries))


class Migration(migrations.Migration):
    dependencies = [("crises", "0002_levels_figures_countries")]

    operations = [
        migrations.RunPython(seed_policies, unseed_policies),
        migrations.RunPython(copy_countries, copy_countries_back),
    ]
