from django.contrib import admin

from .models import DeliveryAttempt, Notification, Subscription, WebhookEndpoint


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["event_type", "government", "partner", "country", "crisis", "is_active"]
    list_filter = ["is_active", "event_type"]
    list_select_related = ["government", "partner", "crisis"]
    raw_id_fields = ["crisis"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are made, paused and rotated on the HQ pages, where every change is audited."""

    list_display = ["url", "government", "partner", "status", "status_changed_at"]
    list_filter = ["status"]
    search_fields = ["url", "description"]
    list_select_related = ["government", "partner"]
    readonly_fields = ["secret", "previous_secret", "previous_secret_expires_at", "status_changed_at", "created_by"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "duration_ms", "response_code", "error", "succeeded"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: deliveries are the workers' job, resends go through the delivery log."""

    list_display = ["created_at", "event_type", "channel", "recipient_type", "status", "attempts", "delivered_at"]
    list_filter = ["status", "channel", "recipient_type", "event_type"]
    search_fields = ["uid", "address", "endpoint__url"]
    list_select_related = ["endpoint"]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
