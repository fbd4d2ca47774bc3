"""Thin API views over the sectors selectors and services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from .serializers import (
    MatrixCellDetailSerializer,
    MatrixCellInputSerializer,
    MatrixCellSerializer,
    SectorPlanInputSerializer,
    SectorPlanSerializer,
    SectorSerializer,
)


class CanReadSectors(BasePermission):
    """IOM staff and HQ; liaisons see only the referrals addressed to them."""

    def has_permission(self, request, view) -> bool:
        return selectors.can_read_sectors(request.user)


class SectorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The 15 sectors of assistance (MC/2355 paragraph 10) with their clusters and systems."""

    serializer_class = SectorSerializer
    permission_classes = [CanReadSectors]
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    filter_backends: list = []
    pagination_class = None  # fifteen rows, always

    def get_queryset(self):
        return selectors.sectors_visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("sector", OpenApiTypes.INT, description="sector number, 1 to 15")])
)
class MatrixCellViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The Annex I matrix: crisis type x phase x sector. HQ changes a cell with a reason (PATCH)."""

    permission_classes = [CanReadSectors]
    filterset_fields = ["crisis_type", "phase", "priority"]
    pagination_class = None  # the whole matrix is 225 cells: one answer, one query
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.matrix_cells_visible_to(self.request.user)
        sector = self.request.query_params.get("sector")
        if sector and sector.isdigit():
            qs = qs.filter(sector__number=int(sector))
        if self.action == "retrieve":
            qs = qs.prefetch_related("changes__changed_by")
        return qs

    def get_serializer_class(self):
        return MatrixCellDetailSerializer if self.action == "retrieve" else MatrixCellSerializer

    @extend_schema(request=MatrixCellInputSerializer, responses=MatrixCellDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        cell = self.get_object()
        if not selectors.can_edit_matrix(request.user):
            raise PermissionDenied()
        data = MatrixCellInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.matrix_cell_change(cell=cell, actor=request.user, request=request._request, **data.validated_data)
        cell = self.get_queryset().prefetch_related("changes__changed_by").get(pk=cell.pk)
        return Response(MatrixCellDetailSerializer(cell).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class SectorPlanView(APIView):
    """A crisis's sector plan (GET); its owning office changes it (PATCH: only the sectors and fields
    given; PUT: every sector, what is left out goes back to the proposal)."""

    def _crisis(self, request, crisis_id: int):
        return get_object_or_404(selectors.plan_crises_visible_to(request.user), pk=crisis_id)

    def _answer(self, request, crisis):
        plan = selectors.plan_for_crisis(crisis)
        if plan is None:  # a crisis registered before the sectors app: propose now
            services.sector_plan_propose(crisis=crisis)
            plan = selectors.plan_for_crisis(crisis)
        context = {"can_edit": selectors.can_edit_plan(request.user, crisis)}
        return Response(SectorPlanSerializer(plan, context=context).data)

    @extend_schema(responses=SectorPlanSerializer)
    def get(self, request, crisis_id: int):
        return self._answer(request, self._crisis(request, crisis_id))

    def _write(self, request, crisis_id: int, *, replace: bool):
        crisis = self._crisis(request, crisis_id)
        if not selectors.can_edit_plan(request.user, crisis):
            raise PermissionDenied()
        data = SectorPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.sector_plan_update(
            crisis=crisis,
            actor=request.user,
            entries=data.validated_data["entries"],
            replace=replace,
            request=request._request,
        )
        return self._answer(request, crisis)

    @extend_schema(request=SectorPlanInputSerializer, responses=SectorPlanSerializer)
    def patch(self, request, crisis_id: int):
        return self._write(request, crisis_id, replace=False)

    @extend_schema(request=SectorPlanInputSerializer, responses=SectorPlanSerializer)
    def put(self, request, crisis_id: int):
        return self._write(request, crisis_id, replace=True)
