"""The second factor: a TOTP authenticator app with single-use recovery codes (django-otp).

Required for the roles in ``settings.MFA_REQUIRED_ROLES`` (HQ and liaison accounts by default),
offered to office staff. A browser session is "verified" once the code was accepted; the mark is
kept in the session itself so that no page pays a database query to know it. An API token is the
API's session: it is issued only against a valid code (accounts/api/views.py).
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record

from .models import User

VERIFIED_SESSION_KEY = "mcof_mfa_verified"
RECOVERY_CODES_SESSION_KEY = "mcof_mfa_new_recovery_codes"
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


# --- Who needs what -------------------------------------------------------------------------
def mfa_required_for(user: User) -> bool:
    return user.role in settings.MFA_REQUIRED_ROLES


def authenticator_of(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- The verified mark in the session ---------------------------------------------------------
def session_is_verified(request: HttpRequest) -> bool:
    return request.session.get(VERIFIED_SESSION_KEY) == request.user.pk


def session_mark_verified(request: HttpRequest) -> None:
    request.session[VERIFIED_SESSION_KEY] = request.user.pk


def session_on_login(request: HttpRequest, user: User) -> None:
    """At password login: a user with no authenticator whose role does not require one is done;
    everybody else still owes the second step."""
    request.session.pop(VERIFIED_SESSION_KEY, None)
    if not mfa_required_for(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        request.session[VERIFIED_SESSION_KEY] = user.pk


# --- Lockout of code verification ---------------------------------------------------------------
def _failures_key(user_id: int) -> str:
    return f"mfa:failures:{user_id}"


def _locked_key(user_id: int) -> str:
    return f"mfa:locked:{user_id}"


def mfa_is_locked(user: User) -> bool:
    return bool(cache.get(_locked_key(user.pk)))


def _failure_record(user: User, *, request: HttpRequest | None) -> None:
    """Count a wrong code; at MFA_FAILURE_LIMIT within the lockout period the verification of this
    account is locked for MFA_LOCKOUT_SECONDS, whatever the address (like the password lockout)."""
    key = _failures_key(user.pk)
    cache.add(key, 0, timeout=settings.MFA_LOCKOUT_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.MFA_LOCKOUT_SECONDS)
        failures = 1
    if failures >= settings.MFA_FAILURE_LIMIT:
        cache.set(_locked_key(user.pk), True, timeout=settings.MFA_LOCKOUT_SECONDS)
        cache.delete(key)
        audit_record(
            actor=user,
            action="login",
            obj=user,
            request=request,
            reason=f"Second-factor verification locked after {failures} wrong codes",
        )


def _failures_reset(user: User) -> None:
    cache.delete(_failures_key(user.pk))


# --- Verification -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    ok: bool
    locked: bool = False
    used_recovery_code: bool = False


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def mfa_verify(*, user: User, code: str, request: HttpRequest | None = None) -> Verification:
    """Check a 6-digit code of the user's authenticator, or one of its recovery codes (used up)."""
    if mfa_is_locked(user):
        return Verification(ok=False, locked=True)
    token = _normalise(code)
    with transaction.atomic():
        if token.isdigit() and len(token) == 6:
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk")
            if any(device.verify_token(token) for device in devices):
                _failures_reset(user)
                return Verification(ok=True)
        elif token:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if device is not None and device.verify_token(token):
                _failures_reset(user)
                audit_record(actor=user, action="login", obj=user, request=request, reason="Recovery code used")
                return Verification(ok=True, used_recovery_code=True)
    _failure_record(user, request=request)
    return Verification(ok=False, locked=mfa_is_locked(user))


# --- Enrolment --------------------------------------------------------------------------------
def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_NAME).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a QR code, an SVG data URI (the CSP allows img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def mfa_enrol_confirm(*, user: User, device: TOTPDevice, code: str, request: HttpRequest | None = None) -> list | None:
    """Confirm the authenticator with a code it shows; answers the new recovery codes (shown once)."""
    if mfa_is_locked(user):
        return None
    token = _normalise(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not (token.isdigit() and len(token) == 6 and device.verify_token(token)):
            _failure_record(user, request=request)
            return None
        _failures_reset(user)
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user)
        audit_record(
            actor=user,
            action="create",
            obj=device,
            request=request,
            reason="Two-step verification set up",
            after={"user": user.get_username(), "device": device.name},
        )
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def mfa_recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        audit_record(actor=user, action="update", obj=user, request=request, reason="Recovery codes regenerated")
    return codes


def mfa_reset(*, user: User, actor: User, request: HttpRequest | None = None, reason: str = "") -> int:
    """Remove a user's authenticator and recovery codes (HQ, from the admin): the next login asks
    to set up a new one where the role requires it."""
    with transaction.atomic():
        names = list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True))
        deleted = TOTPDevice.objects.filter(user=user).delete()[0]
        deleted += StaticDevice.objects.filter(user=user).delete()[0]
        audit_record(
            actor=actor,
            action="delete",
            obj=user,
            request=request,
            reason=reason or "Two-step verification reset",
            before={"authenticators": names},
            after={"authenticators": []},
        )
    return deleted


def mfa_disable(*, user: User, request: HttpRequest | None = None) -> None:
    """An office staff member turns the second factor off; roles that require it cannot."""
    if mfa_required_for(user):
        raise PermissionDenied("two-step verification is required for this role")
    mfa_reset(user=user, actor=user, request=request, reason="Two-step verification turned off by its owner")


# --- Demo -------------------------------------------------------------------------------------
def demo_key(username: str) -> str:
    """A demo account's TOTP secret, derived from its username and DEMO_PASSWORD (demo only)."""
    digest = hmac.new(settings.DEMO_PASSWORD.encode(), f"mcof-demo-totp:{username}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
