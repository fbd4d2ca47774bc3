"""Anonymous people reach only the login, password reset and health pages (and the service worker's
script); the API refuses them."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
    "set_language",
    "logout",
    "api-token",
    # The offline service worker's script: the shell's file list and no data; for nobody signed in
    # it wipes what the browser kept (docs/architecture.md "Offline registration and boarding").
    "service_worker",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def _concrete(route: str) -> str:
    import re

    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    path = re.sub(r"<int:[^>]+>", "1", path)
    path = re.sub(r"<(\w*pk|\w*id)>", "1", path)
    path = re.sub(r"<[^>]+>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    path = re.sub(r"\.\(\?P<format>.*", "", path)
    return "/" + path


ROUTES = sorted({(_concrete(route), name) for route, name in _walk(get_resolver().url_patterns)})


@pytest.mark.parametrize(("path", "name"), ROUTES)
def test_anonymous_request_is_sent_to_login_or_refused(client, path, name):
    if name in PUBLIC or path.startswith("/static/") or "(?P<format>" in path or path.endswith(".json"):
        pytest.skip("public by design")
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code in (401, 403), path
        if response["Content-Type"].startswith("application/json"):
            assert "error" in response.json()
    elif path.startswith("/admin/"):
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    else:
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_public_pages_answer_anonymous_people(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/password/reset/").status_code == 200
    assert client.get("/health/").status_code in (200, 503)


def test_api_error_has_one_shape(client):
    body = client.get("/api/v1/offices/").json()
    assert set(body["error"]) == {"status", "code", "message", "fields"}
    assert body["error"]["status"] == 401


def test_pages_with_personal_data_are_not_cached(client_for, users):
    response = client_for(users["staff_lby"]).get("/")
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
