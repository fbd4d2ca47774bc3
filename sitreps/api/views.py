"""Sitreps API: list and detail (filter by crisis and status), the transitions and the exports.
Every queryset goes through ``sitreps_visible_to`` (404); a role that may not write is refused (403)
before its body is read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from core.api.errors import error_response

from .. import document, services
from ..models import Sitrep
from ..selectors import sitrep_list
from ..workflow import sides_of
from .serializers import SitrepSerializer, SitrepTransitionInputSerializer


class FormatIsADocument(DefaultContentNegotiation):
    """``?format=`` names the export's file format here, not a DRF renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _forbidden(exc: PermissionDenied | None = None) -> Response:
    message = (str(exc) if exc else "") or _("You may not do this.")
    return error_response(message, status_code=status.HTTP_403_FORBIDDEN, code="permission_denied")


class SitrepViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Situation reports: the office's own, HQ all, a liaison the published reports of the crises
    whose coordination list names it."""

    serializer_class = SitrepSerializer
    cursor_ordering = ("-id",)

    def get_queryset(self):
        crisis = self.request.query_params.get("crisis", "")
        return sitrep_list(
            self.request.user,
            crisis_id=int(crisis) if crisis.isdigit() else None,
            status=self.request.query_params.get("status") or None,
        )

    @extend_schema(request=SitrepTransitionInputSerializer, responses={200: SitrepSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the report on (`to`): submitted, approved, published, or back to draft."""
        sitrep: Sitrep = self.get_object()
        if not sides_of(request.user, sitrep):
            return _forbidden(PermissionDenied(_("Only the office and the approver of the level may do this.")))
        data = SitrepTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.sitrep_transition(
                actor=request.user, sitrep_id=sitrep.pk, to=data.validated_data["to"], request=request._request
            )
        except PermissionDenied as exc:
            return _forbidden(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=sitrep.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(document.FORMATS), required=True)],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/xml"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FormatIsADocument)
    def export(self, request, pk=None):
        """The report as PDF, CSV (HXL hashtags) or EDXL-SitRep 1.0 XML; small sensitive counts as "<5"."""
        sitrep = self.get_object()
        fmt = request.query_params.get("format", "")
        if fmt not in document.FORMATS:
            return error_response(
                _("The request has invalid fields."), fields={"format": [_("Choose pdf, csv or edxl.")]}
            )
        return document.export_response(request=request._request, sitrep=sitrep, fmt=fmt)
