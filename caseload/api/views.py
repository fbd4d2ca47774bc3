"""Caseload API: every queryset goes through the selectors, so what a user may not see answers 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Office
from core.api.errors import error_response
from crises.models import Crisis
from partners.models import Government, Partner

from .. import services
from ..access_log import log_read, log_reads
from ..filters import MigrantFilter, ReferralFilter
from ..models import Referral
from ..selectors import migrants_visible_to, referrals_visible_to
from .serializers import (
    ConsentInputSerializer,
    ConsentSerializer,
    LiaisonReferralSerializer,
    MigrantInputSerializer,
    MigrantSerializer,
    OutcomeInputSerializer,
    ReferralInputSerializer,
    ReferralSerializer,
    TransitionInputSerializer,
)


def _forbidden(exc: PermissionDenied) -> Response:
    return error_response(
        str(exc) or _("You may not do this."), status_code=status.HTTP_403_FORBIDDEN, code="permission_denied"
    )


class AuditedReadsMixin:
    """Sensitive records on a page or in a detail answer are written to the access log."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            log_reads(user=self.request.user, objects=page, request=self.request._request)
        return page

    def get_object(self):
        obj = super().get_object()
        log_read(user=self.request.user, obj=obj, request=self.request._request)
        return obj


class MigrantViewSet(
    AuditedReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Migrants registered by the user's office or shared with it (HQ: all, read only)."""

    serializer_class = MigrantSerializer
    filterset_class = MigrantFilter
    cursor_ordering = ("-id",)

    def get_queryset(self):
        return migrants_visible_to(self.request.user).select_related("crisis", "office")

    @extend_schema(request=MigrantInputSerializer, responses={201: MigrantSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_office_staff or not user.office_ids:
            return _forbidden(PermissionDenied(_("Only office staff register migrants.")))
        data = MigrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        office_id = values.pop("office", None) or min(user.office_ids)
        crisis_id = values.pop("crisis")
        office = Office.objects.filter(pk=office_id, pk__in=user.office_ids).first()
        if office is None:
            return error_response(_("The request has invalid fields."), fields={"office": [_("Not your office.")]})
        crisis = Crisis.objects.filter(pk=crisis_id).first()
        if crisis is None:
            return error_response(_("The request has invalid fields."), fields={"crisis": [_("Unknown crisis.")]})
        try:
            migrant = services.migrant_register(
                actor=user, office=office, crisis=crisis, data=values, request=request._request
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        return Response(MigrantSerializer(migrant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MigrantInputSerializer, responses={200: MigrantSerializer})
    def partial_update(self, request, *args, **kwargs):
        migrant = self.get_object()
        data = MigrantInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k not in ("crisis", "office")}
        try:
            migrant = services.migrant_update(
                actor=request.user, migrant=migrant, data=values, request=request._request
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        return Response(MigrantSerializer(self.get_queryset().get(pk=migrant.pk)).data)

    @extend_schema(
        methods=["GET"], responses={200: ConsentSerializer(many=True)}, description="The migrant's consent records."
    )
    @extend_schema(methods=["POST"], request=ConsentInputSerializer, responses={201: ConsentSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def consents(self, request, pk=None):
        """The consent of the migrant to share data with named governments and partners."""
        migrant = self.get_object()
        if request.method == "POST":
            data = ConsentInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            try:
                services.consent_record(
                    actor=request.user,
                    migrant=migrant,
                    governments=list(Government.objects.filter(pk__in=values["governments"], is_active=True)),
                    partners=list(Partner.objects.filter(pk__in=values["partners"], is_active=True)),
                    given_on=values["given_on"],
                    note=values["note"],
                    request=request._request,
                )
            except PermissionDenied as exc:
                return _forbidden(exc)
        consents = migrant.consents.select_related("government", "partner", "recorded_by")
        code = status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK
        return Response(ConsentSerializer(consents, many=True).data, status=code)


class ReferralViewSet(
    AuditedReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals: the office's own; for a government or partner liaison, those addressed to it,
    with only the migrant fields the referral's kind needs."""

    filterset_class = ReferralFilter
    cursor_ordering = ("-id",)

    def get_queryset(self):
        queryset = referrals_visible_to(self.request.user).select_related("crisis", "migrant")
        return queryset

    def get_serializer_class(self):
        if self.request.user.is_authenticated and self.request.user.is_liaison:
            return LiaisonReferralSerializer
        return ReferralSerializer

    @extend_schema(request=ReferralInputSerializer, responses={201: ReferralSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_office_staff:
            return _forbidden(PermissionDenied(_("Only office staff create referrals.")))
        data = ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        migrant = get_object_or_404(migrants_visible_to(user), pk=values["migrant"])
        government = partner = None
        if values["recipient_government"]:
            government = Government.objects.filter(pk=values["recipient_government"], is_active=True).first()
            if government is None:
                return error_response(
                    _("The request has invalid fields."), fields={"recipient_government": [_("Unknown government.")]}
                )
        if values["recipient_partner"]:
            partner = Partner.objects.filter(pk=values["recipient_partner"], is_active=True).first()
            if partner is None:
                return error_response(
                    _("The request has invalid fields."), fields={"recipient_partner": [_("Unknown partner.")]}
                )
        try:
            referral = services.referral_create(
                actor=user,
                migrant=migrant,
                kind=values["kind"],
                recipient_government=government,
                recipient_partner=partner,
                priority=values["priority"],
                request_note=values["request_note"],
                send=values["send"],
                override_reason=values["override_reason"],
                request=request._request,
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """The recipient records what it did: the travel document (consular), the journey (transport)."""
        referral = self.get_object()
        data = OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.referral_record_outcome(
                actor=request.user, referral_id=referral.pk, outcome=dict(data.validated_data), request=request._request
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(self.get_serializer_class()(fresh).data)

    @extend_schema(request=TransitionInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the referral to another status (`to`), as the state machine and your role allow."""
        referral = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.referral_transition(
                actor=request.user,
                referral_id=referral.pk,
                to=values["to"],
                note=values["note"],
                reason=values["reason"],
                outcome=data.outcome(),
                override_reason=values["override_reason"],
                request=request._request,
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        except Referral.DoesNotExist:
            return error_response(_("Not found."), status_code=status.HTTP_404_NOT_FOUND, code="not_found")
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(self.get_serializer_class()(fresh).data)
