"""One JSON shape for every API error::

{"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"glide": ["..."]}}}

Views raise and this handler answers: a service's ``ValidationError`` is a 400 naming its fields,
``PermissionDenied`` a 403 that keeps the service's message, and ``Http404`` or a model's
``DoesNotExist`` (any ``ObjectDoesNotExist``: an object outside the user's scope) a 404. No view
catches these itself.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {key: _flatten(value) for key, value in detail.items()}
        else:
            fields = {"non_field_errors": _flatten(detail)}
        message = _("The request has invalid fields.")
        code = "invalid"
    else:
        message = str(getattr(exc, "detail", exc))
        code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        if not isinstance(code, str):
            code = "error"
    response.data = {"error": {"status": response.status_code, "code": code, "message": message, "fields": fields}}
    return response


def error_response(
    message: str, *, status_code: int = status.HTTP_400_BAD_REQUEST, code: str = "invalid", fields: dict | None = None
) -> Response:
    return Response(
        {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}},
        status=status_code,
    )
