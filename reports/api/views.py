"""Exports and dashboard figures through the API, scoped like the browser pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, renderers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import export_jobs, exports
from ..dashboard import inbox_counts
from ..forms import DashboardFilterForm
from ..snapshots import dashboard_cached
from .serializers import DashboardSerializer, ExportJobSerializer, InboxCountsSerializer


class CSVRenderer(renderers.BaseRenderer):
    """Declares the CSV format for content negotiation (``?format=csv``); the view streams the body."""

    media_type = "text/csv"
    format = exports.CSV
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never rendered
        raise NotImplementedError


class XLSXRenderer(renderers.BaseRenderer):
    media_type = exports.CONTENT_TYPES[exports.XLSX]
    format = exports.XLSX
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never rendered
        raise NotImplementedError


class ExportView(APIView):
    """Download migrants, referrals or crises as CSV (streamed) or XLSX, with an HXL hashtag row under
    the header; the filters are those of the list endpoints. Every export goes to the audit trail."""

    renderer_classes = [CSVRenderer, XLSXRenderer, renderers.JSONRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (a Response with data) come out as JSON in the one error shape, whatever the format.
        if isinstance(response, Response):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(exports.FORMATS), description="csv or xlsx"),
            OpenApiParameter("dataset", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exports.DATASETS)),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV with an HXL hashtag row"),
            (200, exports.CONTENT_TYPES[exports.XLSX]): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX"),
            202: OpenApiResponse(
                ExportJobSerializer,
                description="An XLSX export too large to build in the request: a worker builds it; poll the "
                "job (Location header), then download it.",
            ),
        },
    )
    def get(self, request, dataset: str):
        if dataset not in exports.DATASETS:
            raise NotFound
        fmt = request.accepted_renderer.format
        if fmt not in exports.FORMATS:
            fmt = exports.CSV
        params = request.query_params.copy()
        params.pop("format", None)
        prepared = exports.export_prepare(user=request.user, dataset=dataset, params=params, request=request._request)
        big, rows = export_jobs.needs_job(prepared, fmt)
        if big:
            job = export_jobs.export_job_start(
                user=request.user,
                export=prepared,
                fmt=fmt,
                rows=rows,
                request=request._request,
                query=params.urlencode(),
            )
            answer = Response(ExportJobSerializer(job, context={"request": request}).data, status=202)
            answer["Location"] = reverse("export-job-detail", args=[job.pk])
            return answer
        return exports.export_response(request=request._request, user=request.user, export=prepared, fmt=fmt, rows=rows)


class ExportJobView(generics.RetrieveAPIView):
    """A large export requested through the API or the browser: its progress, then its download
    link. Only its requester sees it."""

    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return export_jobs.export_jobs_of(self.request.user)


class ExportJobDownloadView(APIView):
    """The file of a finished export, for its requester."""

    @extend_schema(responses={(200, exports.CONTENT_TYPES[exports.XLSX]): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        return export_jobs.export_job_file(request.user, pk)


class DashboardView(APIView):
    """The figures of the user's overview: HQ and office staff the dashboard of what they may see
    (filters: crisis, country, date_from, date_to); a liaison the counts of its inbox."""

    @extend_schema(
        parameters=[
            OpenApiParameter("crisis", OpenApiTypes.INT),
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO3 country of the crisis"),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="DashboardOrInboxCounts",
                serializers=[DashboardSerializer, InboxCountsSerializer],
                resource_type_field_name=None,
            )
        },
    )
    def get(self, request):
        user = request.user
        if user.is_liaison:
            return Response(InboxCountsSerializer(inbox_counts(user)).data)
        if not (user.is_hq or user.is_office_staff):
            raise PermissionDenied
        form = DashboardFilterForm(request.query_params or None, user=user)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        return Response(DashboardSerializer(dashboard_cached(user, form.filters())).data)
