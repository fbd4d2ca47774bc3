"""The outbox's models, taken over from the directory (partners 0004), which renamed their tables
to ``outbox_*`` in place: this migration only takes over their state, and moves their content types
(so that their permissions, and admin history, follow), all of it reversible."""


import core.countries
import django.db.models.deletion
import outbox.destinations
import uuid
from django.conf import settings
from django.db import migrations, models


MOVED = ["deliveryattempt", "notification", "subscription", "webhookendpoint"]


def _move_content_types(apps, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in MOVED:
        # A content type made for the target by a post_migrate signal after a rollback has only the
        # default permissions, made again from the moved one: the moved one keeps its id and links.
        if content_types.filter(app_label=source, model=model).exists():
            content_types.filter(app_label=target, model=model).delete()
        content_types.filter(app_label=source, model=model).update(app_label=target)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, "partners", "outbox")


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, "outbox", "partners")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0003_audit_append_only'),
        ('crises', '0006_crisis_retention_days'),
        ('partners', '0004_outbox_moves_to_its_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='WebhookEndpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=500, validators=[outbox.destinations.validate_webhook_url], verbose_name='URL')),
                        ('description', models.CharField(blank=True, max_length=200, verbose_name='description')),
                        ('secret', models.CharField(max_length=100, verbose_name='signing secret')),
                        ('previous_secret', models.CharField(blank=True, max_length=100, verbose_name='previous signing secret')),
                        ('previous_secret_expires_at', models.DateTimeField(blank=True, null=True, verbose_name='previous secret valid until')),
                        ('event_types', models.JSONField(blank=True, default=list, help_text='Event types or prefixes ending in a dot (referral.); empty means every event.', verbose_name='event types')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('paused', 'Paused'), ('disabled', 'Disabled (gone)')], default='active', max_length=10, verbose_name='status')),
                        ('status_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the status')),
                        ('status_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='status changed at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('government', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.government', verbose_name='government')),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.partner', verbose_name='partner organisation')),
                    ],
                    options={
                        'verbose_name': 'webhook endpoint',
                        'verbose_name_plural': 'webhook endpoints',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='message id')),
                        ('event_type', models.CharField(max_length=64, verbose_name='event type')),
                        ('channel', models.CharField(choices=[('email', 'E-mail'), ('webhook', 'Webhook')], max_length=8, verbose_name='channel')),
                        ('recipient_type', models.CharField(choices=[('government', 'Government'), ('partner', 'Partner organisation'), ('hq', 'HQ')], max_length=12, verbose_name='recipient type')),
                        ('address', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                        ('language', models.CharField(default='en', max_length=8, verbose_name='language')),
                        ('reason', models.CharField(blank=True, max_length=64, verbose_name='why this recipient')),
                        ('referral_id', models.BigIntegerField(blank=True, null=True, verbose_name='referral')),
                        ('subject_type', models.CharField(max_length=32, verbose_name='subject type')),
                        ('subject_id', models.BigIntegerField(verbose_name='subject id')),
                        ('payload', models.JSONField(default=dict, verbose_name='payload')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('delivered', 'Delivered'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=10, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts in this round')),
                        ('next_attempt_at', models.DateTimeField(verbose_name='next attempt at')),
                        ('queued_at', models.DateTimeField(verbose_name='queued at')),
                        ('claimed_until', models.DateTimeField(blank=True, null=True, verbose_name='claimed until')),
                        ('claim_token', models.CharField(blank=True, max_length=32)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered at')),
                        ('last_response_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='last response code')),
                        ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('crisis', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='crises.crisis', verbose_name='crisis')),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='core.domainevent', verbose_name='event')),
                        ('government', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.government', verbose_name='government')),
                        ('office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.office', verbose_name='office')),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.partner', verbose_name='partner organisation')),
                        ('endpoint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='outbox.webhookendpoint', verbose_name='webhook endpoint')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='DeliveryAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='attempt')),
                        ('at', models.DateTimeField(verbose_name='at')),
                        ('duration_ms', models.PositiveIntegerField(default=0, verbose_name='duration (ms)')),
                        ('response_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='response code')),
                        ('error', models.CharField(blank=True, max_length=500, verbose_name='error')),
                        ('succeeded', models.BooleanField(default=False, verbose_name='succeeded')),
                        ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts_log', to='outbox.notification', verbose_name='notification')),
                    ],
                    options={
                        'verbose_name': 'delivery attempt',
                        'verbose_name_plural': 'delivery attempts',
                        'ordering': ['at', 'id'],
                        'indexes': [models.Index(fields=['notification', 'at'], name='attempt_notification_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='Subscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_type', models.CharField(help_text='An event type or a prefix ending in a dot (crisis.).', max_length=64, verbose_name='event type')),
                        ('country', models.CharField(blank=True, max_length=3, validators=[core.countries.validate_iso3], verbose_name='country in crisis')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('crisis', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='crises.crisis', verbose_name='crisis')),
                        ('government', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.government', verbose_name='government')),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.partner', verbose_name='partner organisation')),
                    ],
                    options={
                        'verbose_name': 'subscription',
                        'verbose_name_plural': 'subscriptions',
                        'ordering': ['event_type', 'id'],
                        'indexes': [models.Index(fields=['event_type', 'is_active'], name='subscription_type_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('government__isnull', False), ('partner__isnull', True)), models.Q(('government__isnull', True), ('partner__isnull', False)), _connector='OR'), name='subscription_one_owner')],
                    },
                ),
                migrations.AddIndex(
                    model_name='webhookendpoint',
                    index=models.Index(fields=['government', 'status'], name='webhook_government_idx'),
                ),
                migrations.AddIndex(
                    model_name='webhookendpoint',
                    index=models.Index(fields=['partner', 'status'], name='webhook_partner_idx'),
                ),
                migrations.AddConstraint(
                    model_name='webhookendpoint',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('government__isnull', False), ('partner__isnull', True)), models.Q(('government__isnull', True), ('partner__isnull', False)), _connector='OR'), name='webhook_one_owner'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['status', 'next_attempt_at'], name='notification_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['crisis', '-created_at', '-id'], name='notification_crisis_idx'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['referral_id', '-created_at', '-id'], name='notification_referral_idx'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['office', '-created_at', '-id'], name='notification_office_idx'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['government', '-created_at', '-id'], name='notification_government_idx'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['partner', '-created_at', '-id'], name='notification_partner_idx'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['-created_at', '-id'], name='notification_created_idx'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(condition=models.Q(('endpoint__isnull', False)), fields=('event', 'endpoint'), name='notification_once_per_endpoint'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(condition=models.Q(('channel', 'email')), fields=('event', 'address'), name='notification_once_per_address'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('channel', 'webhook'), ('endpoint__isnull', False)), models.Q(('channel', 'email'), ('endpoint__isnull', True), models.Q(('address', ''), _negated=True)), _connector='OR'), name='notification_channel_destination'),
                ),
            ],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
