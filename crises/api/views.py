"""Thin API views: parse, call a selector or a service, render (docs/domain.md "Interfaces")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Office
from core.api.errors import error_response

from .. import selectors, services
from ..coordination import coordination_list
from ..selectors import crisis_detail_queryset, crisis_list, level_proposals_visible_to, proposals_awaiting
from .serializers import (
    AffectedFigureSerializer,
    CoordinationEntrySerializer,
    CrisisDetailSerializer,
    CrisisInputSerializer,
    CrisisSerializer,
    CrisisUpdateSerializer,
    DecisionInputSerializer,
    FigureInputSerializer,
    LevelProposalSerializer,
    PhaseChangeInputSerializer,
    PhaseChangeSerializer,
    ProposalInputSerializer,
)

LIST_FILTERS = [
    OpenApiParameter("crisis_type", OpenApiTypes.STR, description="man_made, sudden_natural, ..."),
    OpenApiParameter("phase", OpenApiTypes.STR, description="before, during or after"),
    OpenApiParameter("level", OpenApiTypes.STR, description="1, 2, 3, or none"),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO3: country in crisis or another affected one"),
    OpenApiParameter("status", OpenApiTypes.STR, description="active or closed"),
    OpenApiParameter("q", OpenApiTypes.STR, description="text in the name, code or GLIDE number"),
]


def _already_decided(exc: Exception) -> Response:
    return error_response(str(exc), status_code=status.HTTP_409_CONFLICT, code="already_decided")


# Who may write is decided before what is written: a role that may not gets 403 whatever it sent,
# never the errors of its body.
def _require_owning_office(request, crisis) -> None:
    """Writes to a crisis are for staff of its owning office (``selectors.can_edit``)."""
    if not selectors.can_edit(request.user, crisis):
        raise PermissionDenied(_("Only staff of the owning office change this crisis."))


def _require_level_authority(request, crisis) -> None:
    """Levels are decided and extended by HQ or the crisis's Chief of Mission (``selectors.is_level_authority``);
    which of the two a given level needs, and whether it is still open, the service says."""
    if not selectors.is_level_authority(request.user, crisis):
        raise PermissionDenied(_("Only the authority of the crisis's level decides this."))


class CrisisViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Crises the user may see; anything else answers 404."""

    filter_backends: list = []
    cursor_ordering = ("-start_date", "-id")

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return crisis_list(user, filters=self.request.query_params).prefetch_related(
                "other_countries", "nationalities"
            )
        return crisis_detail_queryset(user)

    def get_serializer_class(self):
        return CrisisSerializer if self.action == "list" else CrisisDetailSerializer

    @extend_schema(parameters=LIST_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CrisisInputSerializer, responses={201: CrisisDetailSerializer})
    def create(self, request):
        if not (request.user.is_office_staff and request.user.office_ids):
            raise PermissionDenied(_("Only staff of an office register its crises."))
        data = CrisisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        office_id = values.pop("office", None)
        office = None
        if office_id is not None:
            office = Office.objects.filter(pk=office_id).first()
            if office is None:
                raise ValidationError({"office": [_("No such office.")]})
        crisis = services.crisis_register(actor=request.user, office=office, request=request, **values)
        crisis = crisis_detail_queryset(request.user).get(pk=crisis.pk)
        return Response(CrisisDetailSerializer(crisis).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CrisisUpdateSerializer, responses=CrisisDetailSerializer)
    def partial_update(self, request, pk=None):
        crisis = self.get_object()
        _require_owning_office(request, crisis)
        data = CrisisUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.crisis_update(crisis=crisis, actor=request.user, request=request, **data.validated_data)
        crisis = crisis_detail_queryset(request.user).get(pk=crisis.pk)
        return Response(CrisisDetailSerializer(crisis).data)

    @extend_schema(request=CrisisUpdateSerializer, responses=CrisisDetailSerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk=pk)

    @extend_schema(methods=["GET"], responses=LevelProposalSerializer(many=True))
    @extend_schema(methods=["POST"], request=ProposalInputSerializer, responses={201: LevelProposalSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def escalations(self, request, pk=None):
        """The level history of the crisis (GET), or a new level proposal (POST)."""
        crisis = self.get_object()
        if request.method == "POST":
            _require_owning_office(request, crisis)
            data = ProposalInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            proposal = services.escalation_propose(
                crisis=crisis, actor=request.user, request=request, **data.validated_data
            )
            return Response(LevelProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)
        proposals = crisis.level_proposals.all()
        return Response(LevelProposalSerializer(proposals, many=True).data)

    @extend_schema(methods=["GET"], responses=PhaseChangeSerializer(many=True))
    @extend_schema(methods=["POST"], request=PhaseChangeInputSerializer, responses={201: PhaseChangeSerializer})
    @action(detail=True, methods=["get", "post"], url_path="phase-changes", pagination_class=None)
    def phase_changes(self, request, pk=None):
        """The phase history of the crisis (GET), or a move to another phase (POST)."""
        crisis = self.get_object()
        if request.method == "POST":
            _require_owning_office(request, crisis)
            data = PhaseChangeInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            change = services.crisis_phase_change(
                crisis=crisis, actor=request.user, request=request, **data.validated_data
            )
            return Response(PhaseChangeSerializer(change).data, status=status.HTTP_201_CREATED)
        return Response(PhaseChangeSerializer(crisis.phase_changes.all(), many=True).data)

    @extend_schema(methods=["GET"], responses=AffectedFigureSerializer(many=True))
    @extend_schema(methods=["POST"], request=FigureInputSerializer, responses={201: AffectedFigureSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def figures(self, request, pk=None):
        """Estimated figures per affected group (GET), or a new estimate (POST)."""
        crisis = self.get_object()
        if request.method == "POST":
            _require_owning_office(request, crisis)
            data = FigureInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            row = services.affected_figure_record(
                crisis=crisis, actor=request.user, request=request, **data.validated_data
            )
            return Response(AffectedFigureSerializer(row).data, status=status.HTTP_201_CREATED)
        return Response(AffectedFigureSerializer(crisis.affected_figures.all(), many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses=CrisisDetailSerializer)
    @action(detail=True, methods=["post"], url_path="extend-level")
    def extend_level(self, request, pk=None):
        """Extend the validity of the current level, as far as the SOP allows."""
        crisis = self.get_object()
        _require_level_authority(request, crisis)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.level_extend(
            crisis=crisis, actor=request.user, comment=data.validated_data["comment"], request=request
        )
        return Response(CrisisDetailSerializer(crisis_detail_queryset(request.user).get(pk=crisis.pk)).data)

    @extend_schema(responses=CoordinationEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def coordination(self, request, pk=None):
        """Who the response is coordinated with, and the Annex I paragraph each rule comes from."""
        crisis = self.get_object()
        return Response(CoordinationEntrySerializer(coordination_list(crisis), many=True).data)


class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Level proposals of the crises the user sees; approve and reject them."""

    serializer_class = LevelProposalSerializer
    filterset_fields = ["status", "crisis", "level"]
    cursor_ordering = ("-proposed_at", "-id")

    def get_queryset(self):
        return level_proposals_visible_to(self.request.user).select_related(
            "crisis", "crisis__office", "proposed_by", "decided_by"
        )

    @extend_schema(responses=LevelProposalSerializer(many=True))
    @action(detail=False, methods=["get"])
    def awaiting(self, request):
        """Pending proposals that this user may approve or reject."""
        proposals = proposals_awaiting(request.user).select_related("decided_by")
        page = self.paginate_queryset(proposals)
        return self.get_paginated_response(LevelProposalSerializer(page, many=True).data)

    def _decide(self, request, decide):
        proposal = self.get_object()
        _require_level_authority(request, proposal.crisis)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            proposal = decide(
                proposal=proposal, actor=request.user, comment=data.validated_data["comment"], request=request
            )
        except services.ProposalAlreadyDecided as exc:
            return _already_decided(exc)
        proposal = get_object_or_404(self.get_queryset(), pk=proposal.pk)
        return Response(LevelProposalSerializer(proposal).data)

    @extend_schema(request=DecisionInputSerializer, responses=LevelProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.escalation_approve)

    @extend_schema(request=DecisionInputSerializer, responses=LevelProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.escalation_reject)
