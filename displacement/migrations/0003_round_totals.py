"""The totals of each round's assessments kept on the round (AssessmentRound.totals), filled in for
the rounds that exist; going back drops the column, which nothing else reads."""

from django.db import migrations, models
from django.db.models import Count, Sum

FIELDS = ("households", "individuals", "idps", "international_migrants", "returnees")


def fill(apps, schema_editor):
    Round = apps.get_model("displacement", "AssessmentRound")
    Assessment = apps.get_model("displacement", "SiteAssessment")
    for row in (
        Assessment.objects.values("round_id")
        .annotate(sites=Count("id"), **{name: Sum(name) for name in FIELDS})
        .order_by()
    ):
        totals = {key: int(row[key] or 0) for key in ("sites", *FIELDS)}
        Round.objects.filter(pk=row["round_id"]).update(totals=totals)


class Migration(migrations.Migration):
    dependencies = [("displacement", "0002_flow_count_window_index")]

    operations = [
        migrations.AddField(
            model_name="assessmentround",
            name="totals",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="totals"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
