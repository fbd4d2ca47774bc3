"""Every URL pattern of the site and the API, against every role, on its own and on others' objects.

A route with no declared expectation fails the test, so a new URL must be declared here. docs/domain.md "Who
uses it": deny by default; an object a user may not see answers 404 and never appears in a list."""

from __future__ import annotations

import json
import os

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import DomainEvent
from tests.security.matrix_support import Route, admin_path, classify, routes
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db
DISCOVER = os.environ.get("MATRIX_DISCOVER")
CHECKS = {"count": 0}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction rolled back at the end; each test runs in a
    savepoint of it, so a POST that changes something is undone before the next test."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from rest_framework.authtoken.models import Token

            from accounts.mfa import VERIFIED_SESSION_KEY
            from conftest import load_reference_data

            load_reference_data()
            w = build_world()
            w.extra["browser"] = {}
            w.extra["api"] = {}
            for role, user in w.users.items():
                client = Client()
                api = APIClient()
                if user is not None:
                    client.force_login(user)
                    session = client.session
                    session[VERIFIED_SESSION_KEY] = user.pk
                    session.save()
                    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
                    w.extra.setdefault("session", {})[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
                w.extra["browser"][role] = client
                w.extra["api"][role] = api
            from sectors.models import MatrixCell

            w.extra["cell"] = MatrixCell.objects.order_by("pk").first()
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- Which object a route's parameters name ------------------------------------------------------
PARTNER_ROLES = {"partner", "other_partner"}


def _pk_object(name: str, role: str, side, world):
    short = name.split(":")[-1]
    partner_side = role in PARTNER_ROLES
    table = [
        (("displacement:site", "site-"), side.dtm_site),
        (("displacement:import_",), side.dtm_import),
        (("displacement:round", "displacement:assessment", "round-"), side.dtm_round),
        (("displacement:flow", "flow-point-"), side.dtm_point),
        (("crises:decide", "escalation-"), side.proposal),
        (("crises:", "crisis-", "sectors:plan"), side.crisis),
        (("sectors:cell_edit", "matrix-cell-"), world.extra["cell"]),
        (("caseload:consent_withdraw",), side.consent),
        # migrants/<pk>/refer/ names a migrant, though its name begins like the referral routes.
        (("caseload:referral_create",), side.migrant),
        (("caseload:transfer_decide",), side.transfer),
        (
            ("caseload:referral", "referral-", "outbox:referral"),
            side.referral_partner if partner_side else side.referral_gov,
        ),
        (("caseload:migrant", "caseload:consent_create", "caseload:case_share", "migrant-"), side.migrant),
        (("caseload:import",), side.batch),
        (("reports:export_job", "export-job-"), side.export_job),
        (("caseload:duplicate",), side.duplicate),
        (("movements:", "movement-"), side.movement),
        (("sitreps:", "sitrep-"), side.sitrep),
        (("outbox:notification", "notification-"), side.partner_notification if partner_side else side.notification),
        (("outbox:webhook", "webhook-"), side.partner_webhook if partner_side else side.webhook),
        (("office-",), side.office),
        (("government-",), side.referral_gov.recipient_government),
        (("partner-",), side.referral_partner.recipient_partner),
    ]
    for prefixes, obj in table:
        if any(name.startswith(p) or short.startswith(p) for p in prefixes):
            return obj
    raise AssertionError(f"no object for {name}")


FIXED = {
    "level": 2,
    "number": 1,
    "crisis_type": "man_made",
    "file_format": "csv",
    "dataset": "migrants",
    "fmt": "csv",
    "uidb64": "MQ",
    "token": "set-password",
    "app_label": "caseload",
    "content_type_id": 1,
    "object_id": 0,
    "url": "nowhere",
    "version": "carrier",
}


def path_for(route: Route, role: str, side, world) -> str:
    if route.is_admin:
        return admin_path(route.pattern)
    kwargs = {}
    for param in route.params:
        if param in ("pk", "crisis_id", "referral_id"):
            if param == "crisis_id":
                obj = side.crisis
            elif param == "referral_id":
                obj = side.referral_partner if role in PARTNER_ROLES else side.referral_gov
            else:
                obj = _pk_object(route.name, role, side, world)
            kwargs[param] = obj.pk
        elif param == "format":
            continue
        elif param == "passenger_id":
            kwargs[param] = side.passenger.pk
        elif param == "site_id":
            kwargs[param] = side.dtm_site.pk
        else:
            kwargs[param] = FIXED[param]
    return reverse(route.name, kwargs=kwargs)


# A body that asks for the route's real action, so that refusals are of the action, not of the form.
PAYLOADS = {
    "caseload:referral_transition": {"to": "acknowledged"},
    "referral-transition": {"to": "acknowledged"},
    "crises:decide": {"decision": "approve", "comment": "ok"},
    "escalation-reject": {"comment": "not enough"},
    "escalation-approve": {"comment": "agreed"},
    "caseload:transfer_decide": {"decision": "accept"},
    "movements:transition": {"to": "boarding"},
    "movement-transition": {"to": "boarding"},
    "movements:boarding_mark": {"mark": "boarded"},
    "round-transition": {"to": "submitted"},
    "displacement:round_transition": {"to": "submitted"},
    "displacement:site_close": {"closed_on": "2010-06-01", "closure_reason": "Relocated"},
    "site-close": {"closed_on": "2010-06-01", "closure_reason": "Relocated"},
    "sitrep-transition": {"to": "submitted"},
    "sitreps:transition": {"to": "submitted"},
    "sitreps:edit": {"highlights": "Highlights"},
}


def request(world, route: Route, role: str, method: str, path: str, *, body: str = "payload"):
    """The route's real payload by default; ``body="empty"`` sends none, ``"malformed"`` one that no
    form or serializer accepts."""
    client = world.extra["api" if route.is_api else "browser"][role]
    # A logout or a language switch changes the client's cookies, not only the rolled-back database.
    client.cookies.clear()
    if role in world.extra.get("session", {}) and not route.is_api:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.extra["session"][role]
    call = getattr(client, method.lower())
    if body == "malformed":
        return call(path, MALFORMED_JSON, content_type="application/json") if route.is_api else call(path, JUNK_FORM)
    if method in ("GET", "DELETE") and body == "payload":
        return call(path)
    data = PAYLOADS.get(route.name, {}) if body == "payload" else {}
    if route.is_api:
        return call(path, data, format="json")
    return call(path, data)


# --- The run -------------------------------------------------------------------------------------
ROUTES = routes()
OBSERVED: dict = {}
DENIED = {"login", "denied", "method"}


def _markers(side) -> list[str]:
    return [side.marker, side.crisis.name, side.crisis.code, side.migrant.reference]


def _allowed(route: Route, method: str) -> set[str] | None:
    if route.is_admin:
        # The admin is for HQ coordinators only (core.admin_site.HQAdminSite): everyone else is sent to
        # the admin login from every admin URL but the login and logout themselves. What HQ may do
        # there depends on its model permissions: only "no server error" is checked for HQ.
        return set(EVERYONE.split()) if route.name in ADMIN_PUBLIC else {"hq"}
    declared = EXPECTED.get(route.name)
    if declared is None:
        return None
    if method not in declared:
        return None
    return set(declared[method].split())


def _has_object(route: Route) -> bool:
    return any(p in ("pk", "crisis_id", "referral_id", "passenger_id") for p in route.params)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if DISCOVER:
        with open(DISCOVER, "w") as out:
            json.dump(OBSERVED, out, indent=1, sort_keys=True)
    print(f"\npermission matrix: {CHECKS['count']} URL x role x object x method checks over {len(ROUTES)} routes")


def _leaks(response, role: str, world, where: str) -> list[str]:
    """Another side's rows in a list, an export or a count's label: none, ever (docs/domain.md "Who uses it")."""
    if response.get("Content-Type", "").split(";")[0] not in ("text/html", "application/json", "text/csv"):
        return []
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", "replace")
    hidden = _markers(world.b) + (_markers(world.a) if role.startswith("other_") else [])
    leaked = [m for m in hidden if m in body]
    return [f"{where}: shows {leaked} it may not see"] if leaked else []


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_route(world, route: Route):
    sides = [("own", world.a), ("other", world.b)] if _has_object(route) else [("own", world.a)]
    problems: list[str] = []
    # The admin refuses before it looks at the method: a GET per role is enough there.
    methods = ("GET",) if route.is_admin else route.methods
    for method in methods:
        allowed = _allowed(route, method)
        if allowed is None and not DISCOVER:
            problems.append(f"{method} {route.pattern}: no expectation declared in EXPECTED")
            continue
        for role in ROLES:
            for which, side in sides:
                path = path_for(route, role, side, world)
                with transaction.atomic():
                    events_before = DomainEvent.objects.count()
                    response = request(world, route, role, method, path)
                    wrote = DomainEvent.objects.count() != events_before
                    transaction.set_rollback(True)
                outcome = classify(response)
                CHECKS["count"] += 1
                OBSERVED.setdefault(route.name, {}).setdefault(method, {}).setdefault(role, {})[which] = (
                    f"{outcome}:{response.status_code}"
                )
                where = f"{method} {path} as {role} ({which})"
                if outcome == "error":
                    problems.append(f"{where}: {response.status_code}")
                    continue
                if allowed is None or (route.is_admin and (role == "hq" or route.name in ADMIN_PUBLIC)):
                    continue
                shared = route.name in GLOBAL and role in OFFICE_ROLES
                expect_ok = role in allowed and (which == "own" or role == "hq" or not _has_object(route) or shared)
                soft = route.name in SOFT_REFUSAL and response.status_code == 302 and role != "anonymous"
                if not expect_ok and wrote:
                    problems.append(f"{where}: refused role wrote a domain event")
                if expect_ok and outcome != "ok":
                    problems.append(f"{where}: refused ({response.status_code}), expected allowed")
                elif not expect_ok and outcome not in DENIED and not soft:
                    problems.append(f"{where}: allowed ({response.status_code}), expected refused")
                elif not expect_ok and role == "anonymous" and outcome not in ("login", "method"):
                    problems.append(f"{where}: anonymous got {response.status_code}, expected the login")
                elif not expect_ok and which == "other" and role in allowed and response.status_code != 404:
                    problems.append(f"{where}: {response.status_code}, expected 404 for another's object")
                if outcome == "ok" and method == "GET" and role != "hq":
                    problems += _leaks(response, role, world, where)
    assert not problems, "\n".join(problems)


def test_every_route_is_declared():
    names = {r.name for r in ROUTES if not r.is_admin}
    assert not (set(EXPECTED) - names), f"declared but gone: {sorted(set(EXPECTED) - names)}"
    assert not (names - set(EXPECTED)), f"routes without expectation: {sorted(names - set(EXPECTED))}"
    api_writes = {r.name for r in ROUTES if r.is_api and set(r.methods) & WRITE_METHODS}
    assert not (api_writes - set(WRITERS)), f"API writes without writers: {sorted(api_writes - set(WRITERS))}"
    assert not (set(WRITERS) - names), f"writers declared but gone: {sorted(set(WRITERS) - names)}"


ADMIN_PUBLIC = {"admin:login", "admin:logout"}
SIGNED_IN = "staff other_staff chief hq gov other_gov partner other_partner"
EVERYONE = "anonymous " + SIGNED_IN
# Directories every signed-in office user may read whole: the same answer for both sides' objects.
OFFICE_ROLES = {"staff", "other_staff", "chief", "hq"}
GLOBAL = {"office-detail", "government-detail", "partner-detail", "matrix-cell-detail"}
# Browser actions that refuse with a message and a redirect back: a refused role may get the redirect,
# but nothing is written (checked for every refused request: no domain event recorded).
SOFT_REFUSAL = {
    "crises:decide",
    "crises:extend",
    "caseload:referral_transition",
    "movements:transition",
    "sitreps:transition",
}

EXPECTED: dict[str, dict[str, str]] = {
    "api-docs": {"GET": SIGNED_IN},
    # Any other path under /api/: a JSON 404 for every signed-in role, the sign-in for the others.
    "api-not-found": {"GET": "", "POST": "", "PUT": "", "PATCH": "", "DELETE": ""},
    "api-token": {"POST": EVERYONE},
    "audit": {"GET": "hq", "POST": "hq"},
    "caseload:case_share": {"GET": "chief", "POST": "chief"},
    "caseload:consent_create": {"GET": "staff chief hq", "POST": "staff chief"},
    "caseload:consent_withdraw": {"GET": "", "POST": "staff chief"},
    "caseload:duplicate_check": {"GET": "staff other_staff chief", "POST": "staff other_staff chief"},
    "caseload:duplicate_detail": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "caseload:duplicate_distinct": {"GET": "", "POST": "staff chief"},
    "caseload:duplicate_merge": {"GET": "", "POST": "staff chief"},
    "caseload:duplicate_queue": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "caseload:duplicate_scan": {"GET": "", "POST": "staff other_staff chief"},
    "caseload:import_commit": {"GET": "", "POST": "staff chief"},
    "caseload:import_create": {"GET": "staff other_staff chief", "POST": "staff other_staff chief"},
    "caseload:import_detail": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "caseload:import_list": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "caseload:import_mapping": {"GET": "staff chief", "POST": "staff chief"},
    "caseload:import_progress": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "caseload:import_rejected": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "caseload:import_template": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "caseload:import_undo": {"GET": "", "POST": "staff chief"},
    "caseload:household_create": {"GET": "staff other_staff chief", "POST": "staff other_staff chief"},
    "caseload:inbox": {"GET": "gov other_gov partner other_partner", "POST": ""},
    "caseload:migrant_create": {"GET": "staff other_staff chief", "POST": "staff other_staff chief"},
    "caseload:migrant_detail": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "caseload:migrant_edit": {"GET": "staff chief", "POST": "staff chief"},
    "caseload:migrant_list": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "caseload:referral_create": {"GET": "staff chief", "POST": "staff chief"},
    "caseload:referral_detail": {"GET": "staff chief hq gov partner", "POST": "staff chief hq gov partner"},
    "caseload:referral_list": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "caseload:referral_outcome": {"GET": "", "POST": "gov partner"},
    "caseload:referral_transition": {"GET": "", "POST": "gov partner"},
    "caseload:transfer_decide": {"GET": "", "POST": ""},
    "crises:approvals": {"GET": "chief hq", "POST": "chief hq"},
    "crises:decide": {"GET": "", "POST": "hq"},
    "crises:detail": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "crises:edit": {"GET": "staff chief", "POST": "staff chief"},
    "crises:extend": {"GET": "", "POST": "hq"},
    "crises:figure": {"GET": "staff chief", "POST": "staff chief"},
    "crises:list": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "crises:phase": {"GET": "staff chief", "POST": "staff chief"},
    "crises:policies": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "crises:policy_edit": {"GET": "hq", "POST": "hq"},
    "crises:propose": {"GET": "staff chief", "POST": "staff chief"},
    "crises:register": {"GET": "staff other_staff chief", "POST": "staff other_staff chief"},
    "crisis-coordination": {"GET": "staff chief hq"},
    "crisis-detail": {"GET": "staff chief hq", "PATCH": "staff chief", "PUT": "staff chief"},
    "crisis-escalations": {"GET": "staff chief hq", "POST": "staff chief"},
    "crisis-extend-level": {"POST": "chief hq"},
    "crisis-figures": {"GET": "staff chief hq", "POST": "staff chief"},
    "crisis-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "crisis-phase-changes": {"GET": "staff chief hq", "POST": "staff chief"},
    "crisis-sector-plan": {"GET": "staff chief hq", "PATCH": "staff chief", "PUT": "staff chief"},
    "escalation-approve": {"POST": "hq"},
    "escalation-awaiting": {"GET": SIGNED_IN},
    "escalation-detail": {"GET": "staff chief hq"},
    "escalation-list": {"GET": SIGNED_IN},
    "escalation-reject": {"POST": "hq"},
    "government-detail": {"GET": "staff other_staff chief hq gov"},
    "government-list": {"GET": SIGNED_IN},
    "health": {"GET": EVERYONE, "POST": ""},
    "home": {"GET": SIGNED_IN, "POST": ""},
    "login": {"GET": EVERYONE, "POST": EVERYONE, "PUT": EVERYONE},
    "logout": {"POST": ""},
    "offline_key": {"GET": SIGNED_IN, "POST": ""},
    "matrix-cell-detail": {"GET": "staff other_staff chief hq", "PATCH": "hq", "PUT": ""},
    "matrix-cell-list": {"GET": "staff other_staff chief hq"},
    "mfa_disable": {"GET": "", "POST": "staff other_staff chief"},
    "mfa_enrol": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "mfa_recovery_codes": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "mfa_recovery_codes_regenerate": {"GET": "", "POST": SIGNED_IN},
    "mfa_verify": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "migrant-consents": {"GET": "staff chief hq", "POST": "staff chief"},
    "migrant-detail": {"GET": "staff chief hq", "PATCH": "staff chief"},
    "migrant-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "movement-detail": {"GET": "staff chief hq gov partner"},
    "movement-events": {"GET": "staff chief hq"},
    "movement-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "movement-manifest": {"GET": "staff chief hq gov partner"},
    "movement-passenger": {"DELETE": "staff chief", "PATCH": "staff chief"},
    "movement-passengers": {"GET": "staff chief hq gov partner", "POST": "staff chief"},
    "movement-transition": {"POST": "staff chief"},
    "movements:boarding": {"GET": "staff chief", "POST": ""},
    "movements:boarding_mark": {"GET": "", "POST": "staff chief"},
    # The checklist's empty frame for use offline: no movement and no passenger in it.
    "movements:boarding_offline": {"GET": "staff other_staff chief", "POST": ""},
    "movements:create": {"GET": "staff other_staff chief", "POST": "staff other_staff chief"},
    "movements:detail": {"GET": "staff chief hq gov partner", "POST": ""},
    "movements:list": {"GET": SIGNED_IN, "POST": ""},
    "movements:manifest": {"GET": "staff chief hq", "POST": ""},
    "movements:manifest_download": {"GET": "staff chief hq", "POST": ""},
    "movements:passenger_edit": {"GET": "staff chief", "POST": "staff chief"},
    "movements:passenger_remove": {"GET": "", "POST": "staff chief"},
    "movements:passengers_add": {"GET": "staff chief", "POST": "staff chief"},
    "movements:transition": {"GET": "", "POST": "staff chief"},
    # Situation reports: a draft of side A's crisis (Level not yet declared: its Chief of Mission approves).
    "sitrep-detail": {"GET": "staff chief hq"},
    "sitrep-export": {"GET": "staff chief hq"},
    "sitrep-list": {"GET": SIGNED_IN},
    "sitrep-transition": {"POST": "staff chief"},
    "sitreps:create": {"GET": "", "POST": "staff other_staff chief"},
    "sitreps:detail": {"GET": "staff chief hq", "POST": ""},
    "sitreps:download": {"GET": "staff chief hq", "POST": ""},
    "sitreps:edit": {"GET": "staff chief", "POST": "staff chief"},
    "sitreps:list": {"GET": SIGNED_IN, "POST": ""},
    "sitreps:transition": {"GET": "", "POST": "staff chief"},
    "notification-detail": {"GET": "staff chief hq gov partner"},
    "notification-list": {"GET": SIGNED_IN},
    "notification-resend": {"POST": "hq"},
    "office-detail": {"GET": "staff other_staff chief hq"},
    "office-list": {"GET": SIGNED_IN},
    "outbox:crisis_notifications": {"GET": "staff chief hq", "POST": ""},
    "outbox:notification_detail": {"GET": "staff chief hq gov partner", "POST": "staff chief hq gov partner"},
    "outbox:notification_list": {"GET": SIGNED_IN, "POST": ""},
    "outbox:notification_resend": {"GET": "", "POST": "hq"},
    "outbox:referral_notifications": {"GET": "staff chief hq gov partner", "POST": ""},
    "outbox:webhook_create": {"GET": "hq", "POST": "hq"},
    "outbox:webhook_delete": {"GET": "", "POST": "hq"},
    "outbox:webhook_detail": {"GET": "hq", "POST": "hq"},
    "outbox:webhook_list": {"GET": "hq", "POST": "hq"},
    "outbox:webhook_pause": {"GET": "", "POST": "hq"},
    "outbox:webhook_resume": {"GET": "", "POST": "hq"},
    "outbox:webhook_rotate_secret": {"GET": "", "POST": "hq"},
    "partner-detail": {"GET": "staff other_staff chief hq partner"},
    "partner-list": {"GET": SIGNED_IN},
    "partners:directory": {"GET": "hq", "POST": "hq"},
    "password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN, "PUT": SIGNED_IN},
    "password_change_done": {"GET": SIGNED_IN},
    "password_reset": {"GET": EVERYONE, "POST": EVERYONE, "PUT": EVERYONE},
    "password_reset_complete": {"GET": EVERYONE},
    "password_reset_confirm": {"GET": EVERYONE, "POST": EVERYONE, "PUT": EVERYONE},
    "password_reset_done": {"GET": EVERYONE},
    "profile": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "referral-detail": {"GET": "staff chief hq gov partner"},
    "referral-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "referral-outcome": {"POST": "gov partner"},
    "referral-transition": {"POST": "gov partner"},
    "reports-dashboard": {"GET": SIGNED_IN},
    "reports-export": {"GET": "staff other_staff chief hq"},
    "reports:export": {"GET": "staff other_staff chief hq", "POST": ""},
    "reports:export_job": {"GET": "chief", "POST": ""},
    "export-job-detail": {"GET": "chief"},
    "displacement:assessment": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:flow_entry": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:flows_export": {"GET": "staff chief hq", "POST": ""},
    "displacement:overview": {"GET": "staff chief hq", "POST": ""},
    "displacement:round": {"GET": "staff chief hq", "POST": ""},
    "displacement:import_confirm": {"GET": "", "POST": "staff chief"},
    "displacement:import_detail": {"GET": "staff chief", "POST": ""},
    "displacement:import_progress": {"GET": "staff chief", "POST": ""},
    "displacement:round_export": {"GET": "staff chief hq", "POST": ""},
    "displacement:round_import": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:round_open": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:round_transition": {"GET": "", "POST": "staff chief"},
    "displacement:site": {"GET": "staff chief hq", "POST": ""},
    "displacement:site_close": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:site_edit": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:site_create": {"GET": "staff chief", "POST": "staff chief"},
    "displacement:sites": {"GET": "staff chief hq", "POST": ""},
    "displacement:sites_export": {"GET": "staff chief hq", "POST": ""},
    "flow-point-counts": {"GET": "staff chief hq", "POST": "staff chief"},
    "flow-point-detail": {"GET": "staff chief hq"},
    "flow-point-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "round-assessments": {"GET": "staff chief hq", "POST": "staff chief"},
    "round-detail": {"GET": "staff chief hq"},
    "round-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "round-transition": {"POST": "staff chief"},
    "site-close": {"POST": "staff chief"},
    "site-detail": {"GET": "staff chief hq", "PATCH": "staff chief"},
    "site-list": {"GET": SIGNED_IN, "POST": "staff other_staff chief"},
    "export-job-download": {"GET": "chief"},
    "reports:export_job_download": {"GET": "chief", "POST": ""},
    "reports:exports": {"GET": SIGNED_IN, "POST": ""},
    "schema": {"GET": SIGNED_IN},
    "sector-detail": {"GET": "staff other_staff chief hq"},
    "sector-list": {"GET": "staff other_staff chief hq"},
    "sectors:cell_edit": {"GET": "hq", "POST": "hq"},
    "sectors:matrix": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "sectors:plan": {"GET": "staff chief hq", "POST": "staff chief hq"},
    "sectors:plan_entry": {"GET": "staff chief", "POST": "staff chief"},
    "sectors:plan_repropose": {"GET": "", "POST": "staff chief"},
    "sectors:scenario": {"GET": "staff other_staff chief hq", "POST": "staff other_staff chief hq"},
    "service_worker": {"GET": EVERYONE, "POST": ""},
    "set_language": {"GET": EVERYONE, "POST": EVERYONE},
    "webhook-detail": {"DELETE": "hq", "GET": "hq gov partner", "PATCH": "hq"},
    "webhook-list": {"GET": SIGNED_IN, "POST": "hq"},
    "webhook-pause": {"POST": "hq"},
    "webhook-resume": {"POST": "hq"},
    "webhook-rotate-secret": {"POST": "hq"},
}

# Who may ever make each write, on some object (their own): every other role is refused before the
# body is read (test_a_role_that_may_never_write_is_refused_whatever_the_body). Every write of the
# API is declared; the browser's are the forms that change a crisis, a plan or a case.
OFFICE_STAFF = "staff other_staff chief"
LIAISONS = "gov other_gov partner other_partner"
WRITERS: dict[str, dict[str, str]] = {
    # The API
    "crisis-list": {"POST": OFFICE_STAFF},
    "crisis-detail": {"PATCH": OFFICE_STAFF, "PUT": OFFICE_STAFF},
    "crisis-escalations": {"POST": OFFICE_STAFF},
    "crisis-extend-level": {"POST": "chief hq"},
    "crisis-figures": {"POST": OFFICE_STAFF},
    "crisis-phase-changes": {"POST": OFFICE_STAFF},
    "escalation-approve": {"POST": "chief hq"},
    "escalation-reject": {"POST": "chief hq"},
    "crisis-sector-plan": {"PATCH": OFFICE_STAFF, "PUT": OFFICE_STAFF},
    "matrix-cell-detail": {"PATCH": "hq", "PUT": ""},
    "migrant-list": {"POST": OFFICE_STAFF},
    "migrant-detail": {"PATCH": OFFICE_STAFF},
    "migrant-consents": {"POST": OFFICE_STAFF},
    "referral-list": {"POST": OFFICE_STAFF},
    "referral-outcome": {"POST": LIAISONS},
    "referral-transition": {"POST": f"{OFFICE_STAFF} {LIAISONS}"},
    "webhook-list": {"POST": "hq"},
    "webhook-detail": {"PATCH": "hq", "DELETE": "hq"},
    "webhook-pause": {"POST": "hq"},
    "webhook-resume": {"POST": "hq"},
    "webhook-rotate-secret": {"POST": "hq"},
    "notification-resend": {"POST": "hq"},
    "api-token": {"POST": EVERYONE},
    "movement-list": {"POST": OFFICE_STAFF},
    "movement-passengers": {"POST": OFFICE_STAFF},
    "movement-passenger": {"PATCH": OFFICE_STAFF, "DELETE": OFFICE_STAFF},
    "movement-transition": {"POST": OFFICE_STAFF},
    "site-list": {"POST": OFFICE_STAFF},
    "site-detail": {"PATCH": OFFICE_STAFF},
    "site-close": {"POST": OFFICE_STAFF},
    "round-list": {"POST": OFFICE_STAFF},
    # HQ validates a submitted round and corrects a validated one.
    "round-assessments": {"POST": f"{OFFICE_STAFF} hq"},
    "round-transition": {"POST": f"{OFFICE_STAFF} hq"},
    "flow-point-list": {"POST": OFFICE_STAFF},
    "flow-point-counts": {"POST": OFFICE_STAFF},
    "sitrep-transition": {"POST": OFFICE_STAFF},
    # The browser
    "sitreps:create": {"POST": OFFICE_STAFF},
    "sitreps:edit": {"POST": OFFICE_STAFF},
    "sitreps:transition": {"POST": OFFICE_STAFF},
    "crises:register": {"POST": OFFICE_STAFF},
    "crises:edit": {"POST": OFFICE_STAFF},
    "crises:propose": {"POST": OFFICE_STAFF},
    "crises:phase": {"POST": OFFICE_STAFF},
    "crises:figure": {"POST": OFFICE_STAFF},
    "crises:extend": {"POST": "chief hq"},
    "crises:decide": {"POST": "chief hq"},
    "crises:policy_edit": {"POST": "hq"},
    "sectors:cell_edit": {"POST": "hq"},
    "sectors:plan_entry": {"POST": OFFICE_STAFF},
    "sectors:plan_repropose": {"POST": OFFICE_STAFF},
    "caseload:migrant_create": {"POST": OFFICE_STAFF},
    "caseload:household_create": {"POST": OFFICE_STAFF},
    "caseload:migrant_edit": {"POST": OFFICE_STAFF},
    "caseload:consent_create": {"POST": OFFICE_STAFF},
    "caseload:consent_withdraw": {"POST": OFFICE_STAFF},
    "caseload:referral_create": {"POST": OFFICE_STAFF},
    "caseload:case_share": {"POST": "chief"},
    "caseload:transfer_decide": {"POST": OFFICE_STAFF},
    "caseload:referral_transition": {"POST": f"{OFFICE_STAFF} {LIAISONS}"},
    "caseload:referral_outcome": {"POST": LIAISONS},
    "caseload:import_create": {"POST": OFFICE_STAFF},
    "caseload:import_mapping": {"POST": OFFICE_STAFF},
    "caseload:import_commit": {"POST": OFFICE_STAFF},
    "caseload:import_undo": {"POST": OFFICE_STAFF},
    "caseload:duplicate_scan": {"POST": OFFICE_STAFF},
    "caseload:duplicate_merge": {"POST": OFFICE_STAFF},
    "caseload:duplicate_distinct": {"POST": OFFICE_STAFF},
    "movements:create": {"POST": OFFICE_STAFF},
    "movements:passengers_add": {"POST": OFFICE_STAFF},
    "movements:passenger_edit": {"POST": OFFICE_STAFF},
    "movements:passenger_remove": {"POST": OFFICE_STAFF},
    "movements:transition": {"POST": OFFICE_STAFF},
    "movements:boarding_mark": {"POST": OFFICE_STAFF},
    "displacement:site_create": {"POST": OFFICE_STAFF},
    "displacement:site_edit": {"POST": OFFICE_STAFF},
    "displacement:site_close": {"POST": OFFICE_STAFF},
    "displacement:round_open": {"POST": OFFICE_STAFF},
    "displacement:assessment": {"POST": f"{OFFICE_STAFF} hq"},
    "displacement:round_transition": {"POST": f"{OFFICE_STAFF} hq"},
    "displacement:round_import": {"POST": OFFICE_STAFF},
    "displacement:import_confirm": {"POST": OFFICE_STAFF},
    "displacement:flow_entry": {"POST": OFFICE_STAFF},
    "outbox:notification_resend": {"POST": "hq"},
    "outbox:webhook_create": {"POST": "hq"},
    "outbox:webhook_pause": {"POST": "hq"},
    "outbox:webhook_resume": {"POST": "hq"},
    "outbox:webhook_rotate_secret": {"POST": "hq"},
    "outbox:webhook_delete": {"POST": "hq"},
}


# --- Who may write is decided before what is written ---------------------------------------------
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A body no form or serializer accepts: the JSON is not even well formed (the browser routes get
# values of the wrong kind for the fields they read).
MALFORMED_JSON = b'{"to": '
JUNK_FORM = {"to": "nowhere", "decision": "maybe", "given_on": "not a date", "level": "x", "kind": "?"}


WRITE_ROUTES = [r for r in ROUTES if r.name in WRITERS]


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda r: r.name)
def test_a_role_that_may_never_write_is_refused_whatever_the_body(world, route: Route):
    """403 before 400: a role that may not make a write is refused before its body is read, so
    it gets the same refusal with the route's real payload, with an empty body and with a body no
    form accepts; nothing is written. A role that may write gets the errors of its body instead."""
    sides = [("own", world.a), ("other", world.b)] if _has_object(route) else [("own", world.a)]
    problems: list[str] = []
    for method, writers in WRITERS[route.name].items():
        for role in ROLES:
            if role in writers.split():
                continue
            for which, side in sides:
                path = path_for(route, role, side, world)
                answers = {}
                for body in ("payload", "empty", "malformed"):
                    with transaction.atomic():
                        events_before = DomainEvent.objects.count()
                        response = request(world, route, role, method, path, body=body)
                        if DomainEvent.objects.count() != events_before:
                            problems.append(f"{method} {path} as {role} ({which}, {body} body): wrote a domain event")
                        transaction.set_rollback(True)
                    CHECKS["count"] += 1
                    answers[body] = response.status_code
                    soft = route.name in SOFT_REFUSAL and response.status_code == 302 and role != "anonymous"
                    if classify(response) not in DENIED and not soft:
                        problems.append(f"{method} {path} as {role} ({which}, {body} body): {response.status_code}")
                if len(set(answers.values())) > 1:
                    problems.append(f"{method} {path} as {role} ({which}): the refusal depends on the body {answers}")
                elif (
                    which == "own" and role != "anonymous" and route.is_api and answers["empty"] not in (403, 404, 405)
                ):
                    problems.append(f"{method} {path} as {role}: {answers['empty']}, expected 403")
    assert not problems, "\n".join(problems)
