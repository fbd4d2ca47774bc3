"""Caseload API: every queryset goes through the selectors, so what a user may not see answers 404.

Who may write is decided before what is written: each write refuses a role that may never make it
(403) before it reads the body, then lets the service decide the rest. Errors are raised, never
caught here: ``core.api.errors`` answers them in the one JSON shape.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
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
from ..filters import MigrantApiFilter, ReferralFilter
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


def _conflict_response(conflict, data) -> Response:
    """409: the case changed since the version sent; each field of the change that changed, with
    its value now (``current``) and the value sent (``yours``), and the version to send again."""
    message = _("This case was changed by someone else since you opened it. Choose, field by field, what to keep.")
    fields = sorted(conflict.conflicts)
    now = MigrantSerializer(conflict.current).data
    answer = error_response(
        message,
        status_code=status.HTTP_409_CONFLICT,
        code="conflict",
        fields={name: [_("Changed meanwhile.")] for name in fields},
    )
    answer.data["current"] = {name: now[name] for name in fields}
    answer.data["yours"] = {name: data.validated_data.get(name) for name in fields}
    answer.data["updated_at"] = now["updated_at"]
    return answer


class MigrantViewSet(
    AuditedReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Migrants registered by the user's office or shared with it (HQ: all, read only)."""

    serializer_class = MigrantSerializer
    filterset_class = MigrantApiFilter
    cursor_ordering = ("-id",)

    def get_queryset(self):
        return migrants_visible_to(self.request.user).select_related("crisis", "office")

    @extend_schema(request=MigrantInputSerializer, responses={201: MigrantSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_office_staff or not user.office_ids:
            raise PermissionDenied(_("Only office staff register migrants."))
        data = MigrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        office_id = values.pop("office", None) or min(user.office_ids)
        crisis_id = values.pop("crisis")
        office = Office.objects.filter(pk=office_id, pk__in=user.office_ids).first()
        if office is None:
            raise ValidationError({"office": [_("Not your office.")]})
        crisis = Crisis.objects.filter(pk=crisis_id).first()
        if crisis is None:
            raise ValidationError({"crisis": [_("Unknown crisis.")]})
        migrant = services.migrant_register(
            actor=user, office=office, crisis=crisis, data=values, request=request._request
        )
        return Response(MigrantSerializer(migrant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MigrantInputSerializer, responses={200: MigrantSerializer})
    def partial_update(self, request, *args, **kwargs):
        migrant = self.get_object()
        services.require_office_member(request.user, migrant.office_id)
        data = MigrantInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k not in ("crisis", "office", "updated_at")}
        try:
            migrant = services.migrant_update(
                actor=request.user,
                migrant=migrant,
                data=values,
                base_updated_at=data.validated_data.get("updated_at"),
                request=request._request,
            )
        except services.EditConflict as conflict:
            return _conflict_response(conflict, data)
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
            services.require_office_member(request.user, migrant.office_id)
            data = ConsentInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            services.consent_record(
                actor=request.user,
                migrant=migrant,
                governments=list(Government.objects.filter(pk__in=values["governments"], is_active=True)),
                partners=list(Partner.objects.filter(pk__in=values["partners"], is_active=True)),
                purposes=values["purposes"],
                given_on=values["given_on"],
                note=values["note"],
                request=request._request,
            )
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
    lookup_value_regex = r"[0-9]+"

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
            raise PermissionDenied(_("Only office staff create referrals."))
        data = ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        migrant = get_object_or_404(migrants_visible_to(user), pk=values["migrant"])
        government = partner = None
        if values["recipient_government"]:
            government = Government.objects.filter(pk=values["recipient_government"], is_active=True).first()
            if government is None:
                raise ValidationError({"recipient_government": [_("Unknown government.")]})
        if values["recipient_partner"]:
            partner = Partner.objects.filter(pk=values["recipient_partner"], is_active=True).first()
            if partner is None:
                raise ValidationError({"recipient_partner": [_("Unknown partner.")]})
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
            trafficking_confirmed=values["trafficking_confirmed"],
            request=request._request,
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    # The two actions below read the referral once, in the service (scoped and locked): one that
    # the user may not see answers 404 from there. What they answer is the referral as saved.
    def _changed(self, request, referral):
        log_read(user=request.user, obj=referral, request=request._request)
        return Response(self.get_serializer_class()(referral).data)

    @extend_schema(request=OutcomeInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """The recipient records what it did: the travel document (consular), the journey (transport)."""
        if not request.user.is_liaison:
            raise PermissionDenied(_("Only the recipient may record the outcome of a referral."))
        data = OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_record_outcome(
            actor=request.user, referral_id=int(pk), outcome=dict(data.validated_data), request=request._request
        )
        return self._changed(request, referral)

    @extend_schema(request=TransitionInputSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the referral to another status (`to`), as the state machine and your role allow."""
        if not (request.user.is_office_staff or request.user.is_liaison):
            raise PermissionDenied(_("Only the owning office and the recipient move a referral."))
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        referral = services.referral_transition(
            actor=request.user,
            referral_id=int(pk),
            to=values["to"],
            note=values["note"],
            reason=values["reason"],
            outcome=data.outcome(),
            override_reason=values["override_reason"],
            trafficking_confirmed=values["trafficking_confirmed"],
            request=request._request,
        )
        return self._changed(request, referral)
