import base64
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import mfa
from .forms import CodeForm
from .selectors import member_offices

LOCKED_STATUS = 429


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by e-mail; the message goes out in the account's own language."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


OFFLINE_KEY_SESSION_KEY = "mcof_offline_key"


class LogoutView(auth_views.LogoutView):
    """Logging out also empties what the browser kept for this site: the offline queue (IndexedDB),
    the service worker's caches and the session's offline key (``Clear-Site-Data``); the page's own
    script wipes them too, for browsers that ignore the header."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@never_cache
@require_GET
def offline_key(request: HttpRequest) -> JsonResponse:
    """The session's key of the offline queue (AES-GCM, 256 bits): the browser encrypts every
    registration it keeps with it. It lives only in this session, so once the session ends (logout,
    idle or absolute timeout) nothing kept with it can be read, and the pages wipe it."""
    key = request.session.get(OFFLINE_KEY_SESSION_KEY)
    if not key:
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        request.session[OFFLINE_KEY_SESSION_KEY] = key
    return JsonResponse({"key": key})


def profile(request: HttpRequest) -> HttpResponse:
    offices = member_offices(request.user).order_by("name")
    authenticator = mfa.authenticator_of(request.user)
    context = {
        "offices": offices,
        "authenticator": authenticator,
        "recovery_codes_left": mfa.recovery_codes_left(request.user) if authenticator else 0,
        "mfa_required": mfa.mfa_required_for(request.user),
        "regenerate_form": _profile_code_form("regenerate_%s"),
        "disable_form": _profile_code_form("disable_%s"),
    }
    return render(request, "accounts/profile.html", context)


def _profile_code_form(auto_id: str) -> CodeForm:
    form = CodeForm(auto_id=auto_id, recovery_allowed=True)
    form.fields["code"].widget.attrs.pop("autofocus", None)
    return form


# --- Two-step verification --------------------------------------------------------------------
def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _raw_next(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _with_next(url_name: str, request: HttpRequest) -> str:
    target = _raw_next(request)
    return reverse(url_name) + (f"?{urlencode({'next': target})}" if target else "")


def _locked_message() -> str:
    minutes = max(1, settings.MFA_LOCKOUT_SECONDS // 60)
    return _("Too many wrong codes: verification is locked for %(minutes)d minutes.") % {"minutes": minutes}


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code of the authenticator app, or a recovery code."""
    user = request.user
    if mfa.session_is_verified(request):
        return HttpResponseRedirect(_next_url(request))
    if mfa.authenticator_of(user) is None:
        if mfa.mfa_required_for(user):
            return redirect(_with_next("mfa_enrol", request))
        mfa.session_mark_verified(request)
        return HttpResponseRedirect(_next_url(request))
    locked = mfa.mfa_is_locked(user)
    form = CodeForm(None if locked else (request.POST or None), recovery_allowed=True)
    if not locked and request.method == "POST" and form.is_valid():
        result = mfa.mfa_verify(user=user, code=form.cleaned_data["code"], request=request)
        if result.ok:
            request.session.cycle_key()
            mfa.session_mark_verified(request)
            if result.used_recovery_code:
                left = mfa.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)d left. Generate new ones from your account page.")
                    % {"left": left},
                )
            return HttpResponseRedirect(_next_url(request))
        locked = result.locked
        if not locked:
            form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    context = {"form": form, "locked_message": _locked_message() if locked else "", "next": _raw_next(request)}
    return render(request, "accounts/mfa/verify.html", context, status=LOCKED_STATUS if locked else 200)


def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code."""
    user = request.user
    if mfa.authenticator_of(user) is not None:
        if mfa.session_is_verified(request):
            messages.info(request, _("Two-step verification is already set up."))
            return redirect("profile")
        return redirect(_with_next("mfa_verify", request))
    device = mfa.enrolment_device(user)
    locked = mfa.mfa_is_locked(user)
    form = CodeForm(None if locked else (request.POST or None))
    if not locked and request.method == "POST" and form.is_valid():
        codes = mfa.mfa_enrol_confirm(user=user, device=device, code=form.cleaned_data["code"], request=request)
        if codes is not None:
            request.session.cycle_key()
            mfa.session_mark_verified(request)
            request.session[mfa.RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(_with_next("mfa_recovery_codes", request))
        locked = mfa.mfa_is_locked(user)
        if not locked:
            form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    context = {
        "form": form,
        "locked_message": _locked_message() if locked else "",
        "qr_data_uri": mfa.qr_data_uri(device),
        "secret": mfa.secret_text(device),
        "required": mfa.mfa_required_for(user),
        "next": _raw_next(request),
    }
    return render(request, "accounts/mfa/enrol.html", context, status=LOCKED_STATUS if locked else 200)


def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once."""
    codes = request.session.pop(mfa.RECOVERY_CODES_SESSION_KEY, None)
    if not codes or not mfa.session_is_verified(request):
        return redirect("profile")
    return render(request, "accounts/mfa/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


def _confirmed_by_code(request: HttpRequest) -> bool:
    """A sensitive change of the second factor asks for a current code again."""
    form = CodeForm(request.POST, recovery_allowed=True)
    if not form.is_valid():
        messages.error(request, _("Enter a code of your authenticator app."))
        return False
    result = mfa.mfa_verify(user=request.user, code=form.cleaned_data["code"], request=request)
    if result.locked:
        messages.error(request, _locked_message())
    elif not result.ok:
        messages.error(request, _("This code is not valid. Check the time on your phone and try again."))
    return result.ok


@require_POST
def mfa_recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if mfa.authenticator_of(request.user) is None or not _confirmed_by_code(request):
        return redirect("profile")
    codes = mfa.mfa_recovery_codes_regenerate(user=request.user, request=request)
    request.session[mfa.RECOVERY_CODES_SESSION_KEY] = codes
    return redirect("mfa_recovery_codes")


@require_POST
def mfa_disable(request: HttpRequest) -> HttpResponse:
    if mfa.mfa_required_for(request.user):
        raise PermissionDenied
    if mfa.authenticator_of(request.user) is None or not _confirmed_by_code(request):
        return redirect("profile")
    mfa.mfa_disable(user=request.user, request=request)
    messages.success(request, _("Two-step verification is off."))
    return redirect("profile")
