"""Idempotent writes: a POST, PUT, PATCH or DELETE sent with an ``Idempotency-Key`` header (the
IETF httpapi "Idempotency-Key" draft) is done once. A replay with the same key and the same request
gets the first answer again (with ``Idempotent-Replayed: true``) and changes nothing; the same key
with another request answers 422; a key is kept 24 hours (IDEMPOTENCY_KEY_HOURS). The offline
queue of the pages sends one with every registration, so a registration sent twice (a timeout,
then a retry) exists once.

The key belongs to whoever sent it: the signed-in user, or the API token. The key's row is written
in the same transaction as the view's work, so two requests with the same key at the same moment
are one: the second waits on the first's row and then replays its answer. Only a success or a
redirect is kept: after a refusal (4xx) the key is free again, so a corrected request may reuse
it; after a server error (5xx) nothing of the request is kept."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_KEPT_BODY = 1_000_000  # bytes of an answer kept for replay (a created record, a redirect)


def key_hours() -> int:
    return getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24)


def _owner(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:64]
    return None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:  # a form already parsed: its fields and files stand for the body
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            digest.update(repr((name, [(f.name, f.size) for f in files])).encode())
    return digest.hexdigest()


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        error = {"status": status, "code": code, "message": message, "fields": {HEADER: [message]}}
        return JsonResponse({"error": error}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code or 200, content_type=row.content_type or None)
    if row.location:
        response["Location"] = row.location
    response["Idempotent-Replayed"] = "true"
    return response


def _valid(key: str) -> bool:
    return 0 < len(key) <= 255 and all(32 < ord(c) < 127 for c in key)


class IdempotencyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS:
            return self.get_response(request)
        owner = _owner(request)
        if owner is None:
            return self.get_response(request)  # nobody to keep the key for: the view refuses
        key = key.strip().strip('"')
        if not _valid(key):
            return _error(
                request, 400, "invalid", _("The Idempotency-Key header is 1 to 255 visible ASCII characters.")
            )
        fingerprint = _fingerprint(request)
        since = timezone.now() - timedelta(hours=key_hours())
        for _attempt in range(2):
            earlier = IdempotencyKey.objects.filter(owner=owner, key=key).first()
            if earlier is not None and earlier.created_at >= since:
                if earlier.fingerprint != fingerprint:
                    return _error(
                        request,
                        422,
                        "idempotency_key_reused",
                        _("This Idempotency-Key was already used for another request."),
                    )
                return _replay(earlier)
            if earlier is not None:
                earlier.delete()  # expired: the key starts afresh
            try:
                return self._first(request, owner, key, fingerprint)
            except IntegrityError:
                continue  # the same key at the same moment: the other request's answer is replayed
        return _error(request, 409, "conflict", _("A request with this Idempotency-Key is in progress."))

    def _first(self, request: HttpRequest, owner: str, key: str, fingerprint: str) -> HttpResponse:
        with transaction.atomic():
            with transaction.atomic():  # a savepoint: a concurrent insert of the key fails alone
                row = IdempotencyKey.objects.create(owner=owner, key=key, fingerprint=fingerprint)
            response = self.get_response(request)
            if transaction.get_rollback():
                return response  # the view rolled its work back: the key goes with it
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            if response.status_code >= 400 or response.streaming:
                row.delete()
                return response
            body = response.content
            row.status_code = response.status_code
            row.content_type = response.get("Content-Type", "")[:120]
            row.location = response.get("Location", "")[:2000]
            row.body = body if len(body) <= MAX_KEPT_BODY else b""
            row.save(update_fields=["status_code", "content_type", "location", "body"])
            return response
