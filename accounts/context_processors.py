"""What templates need to know of the sign-in beyond ``user``: whether the second step is passed."""

from __future__ import annotations

from django.http import HttpRequest

from .mfa import session_is_verified


def two_step(request: HttpRequest) -> dict:
    """``signed_in``: signed in and past the two-step verification where it is owed. The pages of a
    session still owing its code (the verification page) keep nothing offline and start no service
    worker: their background requests would carry the session cookie that the verification replaces
    (``cycle_key``), and a request arriving with it after the replacement is answered with an order to
    delete the session cookie, which signs the person out as soon as they have signed in."""
    user = getattr(request, "user", None)
    signed = user is not None and user.is_authenticated and session_is_verified(request)
    return {"signed_in": signed}
