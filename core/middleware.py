import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils.cache import patch_cache_control

SESSION_STARTED_KEY = "mcof_session_started"
SESSION_RENEWED_KEY = "mcof_session_renewed"


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Every page needs a login, except those marked ``login_not_required``.

    The API answers 401/403 by itself (DRF authentication) instead of redirecting.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NoStoreForAuthenticatedMiddleware:
    """Pages and API answers for a signed-in user may carry personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path_info.startswith("/static/"):
            patch_cache_control(response, no_store=True, private=True)
        return response


def stamp_session_on_login(sender, request, user, **kwargs) -> None:
    """A new session starts its absolute lifetime and counts as just renewed: the login saves it,
    so the first page after it need not write it again."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_RENEWED_KEY] = now


class AbsoluteSessionLifetimeMiddleware:
    """A session ends SESSION_ABSOLUTE_HOURS after login, however active it is, and SESSION_COOKIE_AGE
    (the idle timeout) after the last request. The idle expiry is pushed back at most once per
    SESSION_RENEW_SECONDS rather than on every request, so that reading a page writes nothing to the
    session store: the idle timeout is exact to within that interval."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return self.get_response(request)
            if now - session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now  # a change: the session is saved with a new expiry
        return self.get_response(request)


class RefuseControlCharactersMiddleware:
    """A query string with a control character (core.text) is refused with a 400 naming the
    parameter, in the API's error shape under /api/, before any view reads it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        from .text import has_control_characters, refuse_control_characters

        bad = sorted({key for key, values in request.GET.lists() for v in [key, *values] if has_control_characters(v)})
        if not bad:
            return self.get_response(request)
        message = str(refuse_control_characters.message)
        if request.path.startswith("/api/"):
            fields = {key: [message] for key in bad}
            error = {
                "status": 400,
                "code": "invalid",
                "message": _("The request has invalid fields."),
                "fields": fields,
            }
            return JsonResponse({"error": error}, status=400)
        return HttpResponseBadRequest(message)
