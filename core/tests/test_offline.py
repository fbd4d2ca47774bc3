"""The server's side of working offline: the service worker at /sw.js, the session's key of the
offline queue, and the logout that tells the browser to forget the site's storage."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_for_a_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    # It keeps the shell, the registration form and the boarding checklist's empty frame, nothing else.
    shell = re.search(r"var SHELL = (\[.*?\]);", body).group(1)
    pages = re.search(r"var PAGES = (\[.*?\]);", body).group(1)
    assert "/static/js/offline.js" in shell and "/static/css/app.css" in shell and "/static/js/movements.js" in shell
    assert json.loads(pages) == [reverse("caseload:migrant_create"), reverse("movements:boarding_offline")]
    # A boarding checklist is never kept: with no connection, the empty frame answers it.
    fallbacks = json.loads(re.search(r"var FALLBACKS = (\[.*?\]\])\.map", body).group(1))
    assert fallbacks == [[r"^/movements/\d+/boarding/$", reverse("movements:boarding_offline")]]
    assert re.match(fallbacks[0][0], reverse("movements:boarding", args=[7]))
    assert not re.match(fallbacks[0][0], reverse("movements:boarding_mark", args=[7, 3]))


def test_the_offline_key_lives_in_the_session(client_for, users, client):
    staff = client_for(users["staff_lby"])
    first = staff.get(reverse("offline_key"))
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    key = first.json()["key"]
    assert len(__import__("base64").b64decode(key)) == 32
    assert staff.get(reverse("offline_key")).json()["key"] == key
    other = client_for(users["staff_lby"])  # another session of the same person: another key
    assert other.get(reverse("offline_key")).json()["key"] != key
    assert client.get(reverse("offline_key")).status_code == 302  # nobody signed in: the sign-in


def test_logout_tells_the_browser_to_forget_the_site(client_for, users):
    staff = client_for(users["staff_lby"])
    response = staff.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_queue_count_has_every_plural_form_of_arabic():
    from django.utils import translation

    from core.templatetags.offline import offline_strings

    with translation.override("ar"):
        forms = dict(offline_strings()["waiting"])
    assert len({forms[1], forms[2], forms[3], forms[11]}) == 4  # one, two, few, many
    assert all("%(count)s" in text for text in forms.values())
