from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .. import services
from ..models import DeliveryAttempt, WebhookEndpoint
from ..selectors import notifications_visible_to, webhook_endpoints_visible_to
from .serializers import (
    NotificationOutputSerializer,
    StatusReasonSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointOutputSerializer,
    WebhookEndpointSecretSerializer,
    WebhookEndpointUpdateSerializer,
)


def _require_hq(request) -> None:
    if not request.user.is_hq:
        raise PermissionDenied


class WebhookEndpointViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Webhook endpoints: HQ manages them; a liaison reads its own organisation's (without secrets)."""

    serializer_class = WebhookEndpointOutputSerializer
    filterset_fields = ["status", "government", "partner"]
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        return webhook_endpoints_visible_to(self.request.user)

    @extend_schema(request=WebhookEndpointCreateSerializer, responses={201: WebhookEndpointSecretSerializer})
    def create(self, request):
        _require_hq(request)
        data = WebhookEndpointCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(actor=request.user, request=request, **data.validated_data)
        return Response(WebhookEndpointSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointUpdateSerializer, responses=WebhookEndpointOutputSerializer)
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        _require_hq(request)
        data = WebhookEndpointUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(
            endpoint=endpoint, actor=request.user, request=request, **data.validated_data
        )
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    def destroy(self, request, pk=None):
        endpoint = self.get_object()
        _require_hq(request)
        services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WebhookEndpointSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        _require_hq(request)
        endpoint = services.webhook_endpoint_rotate_secret(endpoint=endpoint, actor=request.user, request=request)
        return Response(WebhookEndpointSecretSerializer(endpoint).data)

    @extend_schema(request=StatusReasonSerializer, responses=WebhookEndpointOutputSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._set_status(request, WebhookEndpoint.Status.PAUSED)

    @extend_schema(request=StatusReasonSerializer, responses=WebhookEndpointOutputSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._set_status(request, WebhookEndpoint.Status.ACTIVE)

    def _set_status(self, request, new_status: str) -> Response:
        endpoint = self.get_object()
        _require_hq(request)
        data = StatusReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_set_status(
            endpoint=endpoint,
            status=new_status,
            reason=data.validated_data["reason"],
            actor=request.user,
            request=request,
        )
        return Response(WebhookEndpointOutputSerializer(endpoint).data)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The delivery log: each notification with every attempt (time, response code, error)."""

    serializer_class = NotificationOutputSerializer
    filterset_fields = ["crisis", "referral_id", "status", "channel", "event_type", "government", "partner"]
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        return (
            notifications_visible_to(self.request.user)
            .select_related("endpoint")
            .prefetch_related(Prefetch("attempts_log", queryset=DeliveryAttempt.objects.order_by("at", "id")))
        )

    @extend_schema(request=None, responses=NotificationOutputSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        notification = self.get_object()
        _require_hq(request)
        notification = services.notification_resend(notification=notification, actor=request.user, request=request)
        return Response(NotificationOutputSerializer(self.get_queryset().get(pk=notification.pk)).data)
