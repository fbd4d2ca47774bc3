"""Displacement tracking API: every queryset comes from the selectors, so an unseen site, round or
point answers 404; a role that may not write is refused (403) before its body is read; bad input
names the field and saves nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.errors import error_response
from crises.models import Crisis

from .. import services
from ..models import SiteAssessment
from ..selectors import (
    assessment_rows,
    can_count_at,
    can_enter,
    flow_count_rows,
    flow_points_visible_to,
    rounds_visible_to,
    sites_visible_to,
    tracked_crises,
)
from ..workflow import side_of
from .serializers import (
    AssessmentInputSerializer,
    AssessmentRowSerializer,
    FlowCountRowSerializer,
    FlowCountsInputSerializer,
    FlowPointInputSerializer,
    FlowPointSerializer,
    RoundInputSerializer,
    RoundSerializer,
    RoundTransitionInputSerializer,
    SiteCloseInputSerializer,
    SiteInputSerializer,
    SiteSerializer,
    SiteUpdateInputSerializer,
)

CRISIS_FILTER = OpenApiParameter("crisis", OpenApiTypes.INT, description="Only this crisis.")


def _forbidden(message: str) -> Response:
    return error_response(message, status_code=status.HTTP_403_FORBIDDEN, code="permission_denied")


def _refuse_non_staff(user) -> Response | None:
    if not (user.is_office_staff and user.office_ids):
        return _forbidden(_("Only office staff record displacement tracking."))
    return None


def _crisis_for(user, crisis_id: int) -> Crisis:
    """The crisis named in the body, among those the user tracks (else 404)."""
    return tracked_crises(user).get(pk=crisis_id)


class _ByCrisis:
    cursor_ordering = ("-id",)

    def filter_crisis(self, queryset):
        crisis = self.request.query_params.get("crisis")
        return queryset.filter(crisis_id=int(crisis)) if crisis and crisis.isdigit() else queryset


class SiteViewSet(_ByCrisis, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The displacement sites of the crises you track (office staff: your office's; HQ: all; a partner
    on a crisis's coordination list: that crisis's)."""

    serializer_class = SiteSerializer

    def get_queryset(self):
        return self.filter_crisis(sites_visible_to(self.request.user).select_related("crisis"))

    @extend_schema(parameters=[CRISIS_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SiteInputSerializer, responses={201: SiteSerializer})
    def create(self, request, *args, **kwargs):
        refused = _refuse_non_staff(request.user)
        if refused:
            return refused
        data = SiteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        crisis = _crisis_for(request.user, values.pop("crisis"))
        site = services.site_create(actor=request.user, crisis=crisis, data=values, request=request._request)
        return Response(SiteSerializer(site).data, status=201)

    def _site_for_entry(self, request):
        """The site, if the user enters its crisis's tracking: refused before the body is read."""
        refused = _refuse_non_staff(request.user)
        if refused:
            return None, refused
        site = self.get_object()
        if not can_enter(request.user, site.crisis):
            return None, _forbidden(_("Only staff of the crisis's office record displacement tracking."))
        return site, None

    @extend_schema(request=SiteUpdateInputSerializer, responses={200: SiteSerializer})
    def partial_update(self, request, *args, **kwargs):
        site, refused = self._site_for_entry(request)
        if refused:
            return refused
        data = SiteUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = services.site_update(actor=request.user, site=site, data=data.validated_data, request=request._request)
        return Response(SiteSerializer(site).data)

    @extend_schema(request=SiteCloseInputSerializer, responses={200: SiteSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        site, refused = self._site_for_entry(request)
        if refused:
            return refused
        data = SiteCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = services.site_close(
            actor=request.user,
            site=site,
            closed_on=data.validated_data["closed_on"],
            reason=data.validated_data["closure_reason"],
            request=request._request,
        )
        return Response(SiteSerializer(site).data)


class RoundViewSet(_ByCrisis, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assessment rounds (a partner sees the validated ones only), their assessments and transitions."""

    serializer_class = RoundSerializer

    def get_queryset(self):
        return self.filter_crisis(rounds_visible_to(self.request.user).select_related("crisis"))

    @extend_schema(parameters=[CRISIS_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RoundInputSerializer, responses={201: RoundSerializer})
    def create(self, request, *args, **kwargs):
        refused = _refuse_non_staff(request.user)
        if refused:
            return refused
        data = RoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        crisis = _crisis_for(request.user, values.pop("crisis"))
        round = services.round_open(actor=request.user, crisis=crisis, request=request._request, **values)
        return Response(RoundSerializer(round).data, status=201)

    @extend_schema(
        methods=["GET"], responses={200: AssessmentRowSerializer(many=True)}, operation_id="rounds_assessments_list"
    )
    @extend_schema(
        methods=["POST"],
        request=AssessmentInputSerializer,
        responses={200: AssessmentRowSerializer},
        operation_id="rounds_assessments_save",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def assessments(self, request, pk=None):
        """GET: the round's assessments, one per site (counts of 1 to 4 as "<5" for partners).
        POST: a site's assessment in an open round; on a validated round, a correction with
        ``correction_reason``, kept as a revision."""
        round = self.get_object()
        if request.method == "GET":
            return Response(AssessmentRowSerializer(assessment_rows(request.user, round), many=True).data)
        if not (can_enter(request.user, round.crisis) or (request.user.is_hq and round.is_validated)):
            return _forbidden(_("Only staff of the crisis's office record assessments."))
        data = AssessmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site_id, reason = values.pop("site"), values.pop("correction_reason")
        try:
            if round.is_validated:
                existing = SiteAssessment.objects.filter(round=round, site_id=site_id).first()
                if existing is None:
                    return error_response(
                        _("The request has invalid fields."),
                        fields={"site": [_("This site was not assessed in the round: nothing to correct.")]},
                    )
                services.assessment_correct(
                    actor=request.user, assessment_id=existing.pk, data=values, reason=reason, request=request._request
                )
            else:
                services.assessment_save(
                    actor=request.user, round_id=round.pk, site_id=site_id, data=values, request=request._request
                )
        except PermissionDenied as exc:
            return _forbidden(str(exc))
        row = next(r for r in assessment_rows(request.user, round) if r["site_id"] == site_id)
        return Response(AssessmentRowSerializer(row).data)

    @extend_schema(request=RoundTransitionInputSerializer, responses={200: RoundSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the round on (`to`): submitted by the office; validated, or open again with a reason,
        by the office's Chief of Mission or HQ, never by the person who submitted it."""
        round = self.get_object()
        if side_of(request.user, round) is None:
            return _forbidden(_("Only the crisis's office, its Chief of Mission or HQ move a round on."))
        data = RoundTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.round_transition(
                actor=request.user,
                round_id=round.pk,
                to=data.validated_data["to"],
                reason=data.validated_data["reason"],
                request=request._request,
            )
        except PermissionDenied as exc:
            return _forbidden(str(exc))
        return Response(RoundSerializer(self.get_queryset().get(pk=round.pk)).data)


class FlowPointViewSet(_ByCrisis, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Flow monitoring points and their daily counts."""

    serializer_class = FlowPointSerializer

    def get_queryset(self):
        return self.filter_crisis(flow_points_visible_to(self.request.user).select_related("crisis"))

    @extend_schema(parameters=[CRISIS_FILTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=FlowPointInputSerializer, responses={201: FlowPointSerializer})
    def create(self, request, *args, **kwargs):
        refused = _refuse_non_staff(request.user)
        if refused:
            return refused
        data = FlowPointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        crisis = _crisis_for(request.user, values.pop("crisis"))
        point = services.flow_point_create(actor=request.user, crisis=crisis, data=values, request=request._request)
        return Response(FlowPointSerializer(point).data, status=201)

    @extend_schema(
        methods=["GET"], responses={200: FlowCountRowSerializer(many=True)}, operation_id="flow_points_counts_list"
    )
    @extend_schema(
        methods=["POST"],
        request=FlowCountsInputSerializer,
        responses={200: FlowCountRowSerializer(many=True)},
        operation_id="flow_points_counts_record",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def counts(self, request, pk=None):
        """GET: the point's daily counts (for partners summed per day, direction and nationality, 1 to 4
        as "<5"). POST: a day's counts; a row already counted that day is corrected, not duplicated."""
        point = self.get_object()
        if request.method == "GET":
            return Response(flow_count_rows(request.user, point))
        if not can_count_at(request.user, point):
            return _forbidden(_("Only the crisis's office, or an office in the point's country, records flow counts."))
        data = FlowCountsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.flow_counts_record(
            actor=request.user,
            point_id=point.pk,
            date=data.validated_data["date"],
            rows=[dict(r) for r in data.validated_data["rows"]],
            request=request._request,
        )
        rows = [r for r in flow_count_rows(request.user, point) if r["date"] == data.validated_data["date"]]
        return Response(rows)
