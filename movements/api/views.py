"""Movements API: every queryset goes through the selectors, so a movement a user may not see answers
404; a role that may not write is refused (403) before its body is read; bad input names the field
and saves nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from accounts.models import Office
from caseload.access_log import log_reads
from core.api.errors import error_response
from core.tabular import CONTENT_TYPES, XLSX
from crises.models import Crisis
from partners.models import Partner

from .. import manifest as documents
from .. import services
from ..models import Escort, Movement, Passenger
from ..selectors import movements_visible_to, passengers_visible_to, selection_candidates
from .serializers import (
    MovementEventSerializer,
    MovementInputSerializer,
    MovementSerializer,
    MovementTransitionInputSerializer,
    PassengerSerializer,
    PassengersInputSerializer,
    PassengerUpdateSerializer,
    PlanSerializer,
    RecipientMovementSerializer,
    RecipientPassengerSerializer,
)


class FormatIsADocument(DefaultContentNegotiation):
    """``?format=`` names the manifest's file format here, not a DRF renderer: answers (and errors) are
    JSON, the document itself a plain download."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _forbidden(exc: PermissionDenied | None = None) -> Response:
    message = (str(exc) if exc else "") or _("You may not do this.")
    return error_response(message, status_code=status.HTTP_403_FORBIDDEN, code="permission_denied")


def _invalid(field: str, message: str) -> Response:
    return error_response(_("The request has invalid fields."), fields={field: [message]})


class MovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Movements: the office's own, HQ all, a destination government those bound for its country,
    a receiving agency those naming it."""

    cursor_ordering = ("-id",)

    def get_queryset(self):
        queryset = movements_visible_to(self.request.user).select_related("crisis", "office")
        crisis = self.request.query_params.get("crisis")
        if crisis and crisis.isdigit():
            queryset = queryset.filter(crisis_id=int(crisis))
        state = self.request.query_params.get("status")
        if state:
            queryset = queryset.filter(status=state)
        return queryset.prefetch_related("transit_points", "escorts")

    def get_serializer_class(self):
        user = self.request.user
        if user.is_authenticated and user.is_liaison:
            return RecipientMovementSerializer
        return MovementSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("crisis", OpenApiTypes.INT, description="Only the movements of this crisis."),
            OpenApiParameter("status", OpenApiTypes.STR, description="planned, boarding, departed, arrived, ..."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MovementInputSerializer, responses={201: MovementSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_office_staff or not user.office_ids:
            return _forbidden(PermissionDenied(_("Only office staff plan movements.")))
        data = MovementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        office = Office.objects.filter(pk=values.pop("office", None) or min(user.office_ids), pk__in=user.office_ids)
        office = office.first()
        if office is None:
            return _invalid("office", _("Not your office."))
        crisis = Crisis.objects.filter(pk=values.pop("crisis")).first()
        if crisis is None:
            return _invalid("crisis", _("Unknown crisis."))
        partner_id = values.pop("receiving_partner")
        if partner_id is not None:
            values["receiving_partner"] = Partner.objects.filter(pk=partner_id, is_active=True).first()
            if values["receiving_partner"] is None:
                return _invalid("receiving_partner", _("Unknown partner organisation."))
        points, escorts = values.pop("transit_points"), values.pop("escorts")
        movement = services.movement_create(
            actor=user,
            office=office,
            crisis=crisis,
            data=values,
            transit_points=points,
            escorts=escorts,
            request=request._request,
        )
        return Response(MovementSerializer(self.get_queryset().get(pk=movement.pk)).data, status=201)

    def _writable(self, request) -> tuple[Movement, Response | None]:
        """The movement, visible (else 404), and the refusal of a role that may not change it."""
        movement = self.get_object()
        if not services.roles_on(request.user, movement):
            return movement, _forbidden(PermissionDenied(_("Only staff of the organising office may do this.")))
        return movement, None

    @extend_schema(request=MovementTransitionInputSerializer, responses={200: MovementSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the movement on (`to`): boarding locks the manifest; the rules of movements.services apply."""
        movement, refused = self._writable(request)
        if refused:
            return refused
        data = MovementTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.movement_transition(
                actor=request.user,
                movement_id=movement.pk,
                to=values["to"],
                reason=values["reason"],
                override_reason=values["override_reason"],
                request=request._request,
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        return Response(MovementSerializer(self.get_queryset().get(pk=movement.pk)).data)

    @extend_schema(responses={200: MovementEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        """Who moved the movement to which status, and when."""
        movement = self.get_object()
        if not (request.user.is_hq or services.roles_on(request.user, movement)):
            return _forbidden()
        return Response(MovementEventSerializer(movement.events.select_related("actor"), many=True).data)

    @extend_schema(
        methods=["GET"],
        responses={
            200: PolymorphicProxySerializer(
                component_name="PassengerOrRecipientPassenger",
                serializers=[PassengerSerializer, RecipientPassengerSerializer],
                resource_type_field_name=None,
                many=True,
            )
        },
    )
    @extend_schema(methods=["POST"], request=PassengersInputSerializer, responses={201: PlanSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def passengers(self, request, pk=None):
        """GET: the manifest the user may see. POST: add one person, a household, several or everyone a
        caseload filter finds; with `dry_run`, the preview of who is added and who is refused and why."""
        if request.method == "GET":
            movement = self.get_object()
            passengers = list(
                passengers_visible_to(request.user, movement).select_related("migrant").order_by("order", "id")
            )
            log_reads(user=request.user, objects=[p.migrant for p in passengers], request=request._request)
            if request.user.is_liaison:
                return Response(RecipientPassengerSerializer(passengers, many=True).data)
            return Response(PassengerSerializer(passengers, many=True).data)
        movement, refused = self._writable(request)
        if refused:
            return refused
        data = PassengersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        migrants = selection_candidates(
            request.user,
            movement,
            migrant_ids=values["migrants"],
            household=values["household"],
            filters=values["filter"],
            request=request,
        )
        try:
            if values["dry_run"]:
                plan = services.passengers_plan(actor=request.user, movement=movement, migrants=migrants)
                return Response(PlanSerializer(plan).data)
            plan = services.passengers_add(
                actor=request.user, movement_id=movement.pk, migrants=migrants, request=request._request
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"], request=PassengerUpdateSerializer, responses={200: PassengerSerializer}, operation_id=None
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"passengers/(?P<passenger_id>\d+)")
    def passenger(self, request, pk=None, passenger_id=None):
        """PATCH: a passenger's seat, fitness, special needs, escort, document, boarding status (at the
        gate), reception on arrival or sharing without consent. DELETE: off the manifest while planned."""
        movement, refused = self._writable(request)
        if refused:
            return refused
        seat = get_object_or_404(passengers_visible_to(request.user, movement), pk=passenger_id)
        try:
            if request.method == "DELETE":
                services.passenger_remove(actor=request.user, passenger_id=seat.pk, request=request._request)
                return Response(status=status.HTTP_204_NO_CONTENT)
            data = PassengerUpdateSerializer(data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            self._update(request, movement, seat, dict(data.validated_data))
        except PermissionDenied as exc:
            return _forbidden(exc)
        fresh = Passenger.objects.select_related("migrant").get(pk=seat.pk)
        return Response(PassengerSerializer(fresh).data)

    def _update(self, request, movement: Movement, seat: Passenger, values: dict) -> None:
        actor, req = request.user, request._request
        if "escort" in values and values["escort"] is not None:
            escort = Escort.objects.filter(pk=values["escort"], movement=movement).first()
            if escort is None:
                raise ValidationError({"escort": [_("Choose an escort of this movement.")]})
            values["escort"] = escort
        record = {k: v for k, v in values.items() if k in services.PASSENGER_FIELDS}
        if record:
            services.passenger_update(actor=actor, passenger_id=seat.pk, data=record, request=req)
        if values.get("share_override_reason") is not None and "share_override_reason" in values:
            services.passenger_share_override(
                actor=actor, passenger_id=seat.pk, reason=values["share_override_reason"], request=req
            )
        if "boarding_status" in values:
            services.passenger_board(
                actor=actor,
                passenger_id=seat.pk,
                status=values["boarding_status"],
                reason=values.get("offload_reason", ""),
                request=req,
            )
        if values.get("received"):
            services.passenger_receive(actor=actor, passenger_id=seat.pk, request=req)

    @extend_schema(
        parameters=[
            OpenApiParameter("version", OpenApiTypes.STR, enum=[*documents.VERSIONS], required=True),
            OpenApiParameter("format", OpenApiTypes.STR, enum=[*documents.FORMATS], required=True),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES[XLSX]): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        content_negotiation_class=FormatIsADocument,
    )
    def manifest(self, request, pk=None):
        """The manifest as CSV (with an HXL row), XLSX or PDF, in the version your role may have:
        office (full), carrier (names, documents, special needs), government (identity and document,
        of passengers consenting or shared with a reason). Every download is audited."""
        movement = self.get_object()
        version = request.query_params.get("version", "")
        fmt = request.query_params.get("format", "")
        try:
            prepared = documents.manifest_prepare(user=request.user, movement=movement, version=version)
        except PermissionDenied as exc:
            return _forbidden(exc)
        if fmt not in documents.FORMATS:
            return _invalid("format", _("Choose csv, xlsx or pdf."))
        return documents.manifest_response(request=request._request, user=request.user, manifest=prepared, fmt=fmt)
