"""Until the second step is passed, a signed-in person reaches only the MFA pages and logout."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import session_is_verified

# Pages an unverified session may still reach (besides those open to anonymous people).
ALLOWED_URL_NAMES = frozenset({"mfa_verify", "mfa_enrol", "mfa_recovery_codes", "logout", "set_language", "api-token"})


class MfaRequiredMiddleware:
    """Reads the verified mark from the session (already loaded): no query per request.

    A token-authenticated API call is not concerned: its token was issued against a code.
    Session-authenticated API calls of an unverified session answer 403 in the API's error shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or session_is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES:
            return None
        if request.path_info.startswith("/api/"):
            if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
                return None
            message = _("Two-step verification is required: enter the code of your authenticator app first.")
            return JsonResponse(
                {"error": {"status": 403, "code": "mfa_required", "message": message, "fields": {}}}, status=403
            )
        if not getattr(view_func, "login_required", True):
            return None  # public pages (login, password reset, health)
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(reverse("mfa_verify") + (f"?{query}" if query else ""))
