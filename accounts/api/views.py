from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api.errors import error_response

from ..lockout import lockout_response
from ..selectors import offices_visible_to
from .serializers import OfficeSerializer, TokenRequestSerializer


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (the same lockout as the login page)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            return lockout_response(request._request)
        if user is None or not user.is_active:
            return error_response(
                _("Unable to log in with these credentials."),
                status_code=status.HTTP_400_BAD_REQUEST,
                code="invalid_credentials",
                fields={"non_field_errors": [_("Unable to log in with these credentials.")]},
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class OfficeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OfficeSerializer
    filterset_fields = ["country", "region"]
    cursor_ordering = ("name", "id")

    def get_queryset(self):
        return offices_visible_to(self.request.user)
