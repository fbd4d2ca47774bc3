from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import governments_visible_to, partners_visible_to


def directory(request: HttpRequest) -> HttpResponse:
    """HQ's directory of the governments and partner organisations the system notifies."""
    if not request.user.is_hq:
        raise PermissionDenied
    return render(
        request,
        "partners/directory.html",
        {
            "governments": governments_visible_to(request.user).order_by("name"),
            "partners": partners_visible_to(request.user).order_by("name"),
        },
    )
