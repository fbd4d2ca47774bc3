"""Property-based fuzzing of the API from its own OpenAPI schema (/api/schema/), as each role with its
token, in process through the WSGI application (no network): no answer is a 5xx, and every answer
conforms to the schema (status code, content type, body).

Bounded so that it stays quick: a few examples per operation and role, no deadline per example."""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ_ROLES = ("staff", "chief", "other_staff", "hq", "gov", "other_gov", "partner", "other_partner")
# Throttled on purpose (20/minute) and exercised by the accounts tests: a fuzzer would only see 429s.
SKIP = {("POST", "/api/v1/auth/token/")}
CASES = {"count": 0}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            print(f"\nAPI fuzzing: {CASES['count']} cases")


@pytest.fixture
def wsgi_app():
    """The real WSGI application, in the test's transaction: like Django's test client, it must not
    close the connection at the end of each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_api_conforms_to_its_schema(world, wsgi_app, role):
    token = Token.objects.get_or_create(user=world.users[role])[0].key
    # The WSGI client does not inflate what GZipMiddleware compresses: ask for the plain body.
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=headers)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            CASES["count"] += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except BaseException as exc:  # noqa: BLE001 - gather every operation's failure, then report them all
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path} as {role}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)


def _required_query_choices(raw_operation: dict) -> list[dict]:
    """Every combination of the enum values of an operation's required query parameters (a document's
    version and format): each is asked once."""
    combos: list[dict] = [{}]
    for param in raw_operation.get("parameters", []):
        if param["in"] != "query" or not param.get("required"):
            continue
        values = param["schema"].get("enum")
        assert values, f"{param['name']} is required but has no enum: no real value to send"
        combos = [{**combo, param["name"]: value} for combo in combos for value in values]
    return combos


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_every_read_answers_what_its_schema_documents_on_real_objects(world, wsgi_app, role):
    """Random identifiers mostly meet 404s: every GET of the schema is also asked once for a real
    object (the world's side A, each document in each format), and its answer must be the one the
    schema documents: a paginated envelope or a plain array as the view returns, every field and enum
    value of the body, the content type of each format."""
    from django.urls import resolve

    from sectors.models import MatrixCell
    from tests.security.test_permission_matrix import ROUTES, path_for

    world.extra["cell"] = MatrixCell.objects.order_by("pk").first()
    routes = {route.name: route for route in ROUTES}
    token = Token.objects.get_or_create(user=world.users[role])[0].key
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=headers)
    failures: list[str] = []
    asked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        raw = schema.raw_schema["paths"][operation.path]["get"]
        names = re.findall(r"{(\w+)}", operation.path)
        match = resolve(re.sub(r"{\w+}", "1", operation.path))
        path = path_for(routes[match.url_name], role, world.a, world)
        template = re.escape(operation.path)
        for name in names:
            template = template.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]+)")
        values = re.fullmatch(template, path)
        assert values, f"{path} does not match {operation.path}"
        for query in _required_query_choices(raw):
            case = operation.Case(path_parameters=values.groupdict(), query=query or None)
            response = case.call(headers=headers)
            asked += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as exc:  # noqa: BLE001 - every operation's failure, then all of them
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"GET {path} {query} as {role}: {exc}"[:1500])
    CASES["count"] += asked
    assert not failures, "\n\n".join(failures)
