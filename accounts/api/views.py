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

from .. import mfa
from ..lockout import lockout_response
from ..selectors import offices_visible_to
from .serializers import OfficeSerializer, TokenRequestSerializer


class ObtainTokenView(APIView):
    """Exchange a username and password, and for accounts with two-step verification a current code
    in ``otp``, for an API token (the same lockouts as the login and verification pages)."""

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
        refusal = self._second_factor_refusal(request, user, data.validated_data.get("otp", ""))
        if refusal is not None:
            return refusal
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @staticmethod
    def _second_factor_refusal(request, user, code: str):
        """The token is the API's session: issuing it is the moment of the second factor."""
        if mfa.authenticator_of(user) is None:
            if not mfa.mfa_required_for(user):
                return None
            message = _(
                "This account needs two-step verification: set up an authenticator app by logging in "
                "in the browser first, then send its code in the otp field."
            )
            return error_response(
                message, status_code=status.HTTP_403_FORBIDDEN, code="mfa_enrolment_required", fields={"otp": [message]}
            )
        if mfa.mfa_is_locked(user):
            return lockout_response(request._request)
        if not code.strip():
            message = _("Send a current code of your authenticator app in the otp field.")
            return error_response(message, code="otp_required", fields={"otp": [message]})
        result = mfa.mfa_verify(user=user, code=code, request=request._request)
        if result.locked:
            return lockout_response(request._request)
        if not result.ok:
            message = _("This code is not valid.")
            return error_response(message, code="invalid_otp", fields={"otp": [message]})
        return None


class OfficeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OfficeSerializer
    filterset_fields = ["country", "region"]
    cursor_ordering = ("name", "id")

    def get_queryset(self):
        return offices_visible_to(self.request.user)
