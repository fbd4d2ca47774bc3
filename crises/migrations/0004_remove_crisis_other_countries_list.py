from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crises", "0003_level_policies_and_countries")]

    operations = [
        migrations.RemoveField(
            model_name="crisis",
            name="other_countries_list",
        ),
    ]
