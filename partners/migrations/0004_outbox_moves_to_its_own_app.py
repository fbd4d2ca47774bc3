"""The outbox's four models leave the directory for the outbox app (outbox 0001 takes them over).

Their tables are renamed in place (``partners_notification`` -> ``outbox_notification``, ...): a
rename keeps every row, every index and every key, and costs no copy. Only the state moves here;
reversed, the tables take their old names back."""

from django.db import migrations

MOVED = ["deliveryattempt", "notification", "subscription", "webhookendpoint"]


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_webhook_url_public")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name=name, table=f"outbox_{name}") for name in MOVED],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        )
    ]
