from __future__ import annotations

import hashlib
import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from .forms import AuditSearchForm
from .heartbeat import worker_health
from .selectors import audit_entries_visible_to

logger = logging.getLogger(__name__)


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        logger.warning("health: database check failed: %s", exc)
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    from mcof_site.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "connected"
    except Exception as exc:  # noqa: BLE001
        logger.warning("health: broker check failed: %s", exc)
        return False, type(exc).__name__


def _worker_state() -> dict:
    try:
        return worker_health().as_dict()
    except Exception as exc:  # noqa: BLE001
        logger.warning("health: heartbeat check failed: %s", exc)
        return {"consuming": False, "detail": type(exc).__name__}


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        # Reported, not part of the status: the web answers even while no worker consumes, and the
        # worker's own watchdog (manage.py worker_health) restarts it.
        "worker": _worker_state() if db_ok else {"consuming": False},
    }
    return JsonResponse(body, status=200 if healthy else 503)


AUDIT_PAGE_SIZE = 100


def audit_log(request: HttpRequest) -> HttpResponse:
    """HQ searches the audit trail: every write and every read of a sensitive record."""
    if not request.user.is_hq:
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    entries = audit_entries_visible_to(request.user)
    if form.is_valid():
        entries = form.filter(entries)
    # Keyset pagination on the primary key: no COUNT over a table that only grows.
    page = list(entries.order_by("-id")[: AUDIT_PAGE_SIZE + 1])
    next_before = page[AUDIT_PAGE_SIZE - 1].id if len(page) > AUDIT_PAGE_SIZE else None
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "core/audit.html",
        {"form": form, "entries": page[:AUDIT_PAGE_SIZE], "next_before": next_before, "query": query.urlencode()},
    )


class ApiNotFound(APIView):
    """Any path under /api/ that matches no route: the API's JSON error shape, after the API's
    authentication (anonymous callers are asked to sign in, as on every API path). Not an
    operation of the API, so not in its schema."""

    schema = None

    def get(self, request, *args, **kwargs):
        from django.utils.translation import gettext as _

        raise NotFound(_("No API resource at this address."))

    post = put = patch = delete = get


api_not_found = ApiNotFound.as_view()


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the failure may be the database.
    from django.template import loader

    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({}), status=500)


# What the service worker keeps for use with no connection: the shell, the registration form and the
# boarding checklist's empty frame.
OFFLINE_SHELL = (
    "vendor/pico/pico.min.css",
    "css/app.css",
    "vendor/htmx/htmx.min.js",
    "js/offline.js",
    "js/movements.js",
    "favicon.svg",
)
OFFLINE_PAGES = ("caseload:migrant_create", "movements:boarding_offline")
# Navigations answered, with no connection, by a kept page that holds no person: a boarding checklist
# by its empty frame, which static/js/offline.js fills from what it kept encrypted.
OFFLINE_FALLBACKS = ((r"^/movements/\d+/boarding/$", "movements:boarding_offline"),)


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The offline service worker (templates/core/sw.js), served from the root so that its scope
    covers every page; it caches the application shell, the registration form and the boarding
    checklist's empty frame, never a person's page or an API answer. Its list of shell files comes
    from ``{% static %}``, so a new release (new hashed names) is a new worker, which drops the
    caches of the one before."""
    shell = [static(name) for name in OFFLINE_SHELL]
    pages = [reverse(name) for name in OFFLINE_PAGES]
    fallbacks = [[pattern, reverse(name)] for pattern, name in OFFLINE_FALLBACKS]
    version = hashlib.sha256(json.dumps([shell, pages, fallbacks]).encode()).hexdigest()[:16]
    context = {
        "version": version,
        "shell_json": json.dumps(shell),
        "pages_json": json.dumps(pages),
        "fallbacks_json": json.dumps(fallbacks),
    }
    response = render(request, "core/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
