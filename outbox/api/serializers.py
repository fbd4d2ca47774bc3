from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.models import Government, Partner

from ..models import DeliveryAttempt, Notification, WebhookEndpoint


# --- Webhook endpoints -------------------------------------------------------------------
class WebhookEndpointOutputSerializer(serializers.ModelSerializer):
    government = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    partner = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "government",
            "partner",
            "owner_name",
            "event_types",
            "status",
            "status_reason",
            "status_changed_at",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_owner_name(self, obj: WebhookEndpoint) -> str:
        return str(obj.owner)


class WebhookEndpointSecretSerializer(WebhookEndpointOutputSerializer):
    """Answered only when HQ creates an endpoint or rotates its secret."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = [*WebhookEndpointOutputSerializer.Meta.fields, "secret"]
        read_only_fields = fields


# outbox.services: "*", or a type of the crisis, level, referral, movement or sitrep families.
EVENT_TYPE = RegexValidator(
    r"^\s*(\*|(crisis|level|referral|movement|sitrep)\.[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*)?\s*$"
)


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    description = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    government = serializers.PrimaryKeyRelatedField(queryset=Government.objects.all(), required=False, allow_null=True)
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all(), required=False, allow_null=True)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64, validators=[EVENT_TYPE]), required=False, default=list
    )


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64, validators=[EVENT_TYPE]), required=False
    )


class StatusReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


# --- Notifications -----------------------------------------------------------------------
class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "duration_ms", "response_code", "error", "succeeded"]
        read_only_fields = fields


class NotificationOutputSerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(read_only=True)
    destination = serializers.CharField(read_only=True)
    attempts_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "webhook_id",
            "event_type",
            "channel",
            "recipient_type",
            "government",
            "partner",
            "endpoint",
            "destination",
            "reason",
            "crisis",
            "referral_id",
            "subject_type",
            "subject_id",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_response_code",
            "last_error",
            "created_at",
            "attempts_log",
        ]
        read_only_fields = fields
