"""What a locked-out account is told: a page for people, the API's own error shape for clients."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    message = _("Too many failed attempts: this account is locked for a while.")
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"error": {"status": LOCKED_STATUS, "code": "locked_out", "message": message, "fields": {}}},
            status=LOCKED_STATUS,
        )
    return render(request, "registration/locked_out.html", status=LOCKED_STATUS)
