import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.mfa import mfa_required_for
from conftest import totp_code_for

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_every_demo_account_logs_in(users):
    for username in users:
        client = Client()
        response = login(client, username, settings.DEMO_PASSWORD)
        assert response.status_code == 302, username
        if mfa_required_for(users[username]):  # the second step (test_mfa.py)
            client.post("/accounts/mfa/verify/", {"code": totp_code_for(username)})
        assert client.get("/").status_code == 200


def test_five_wrong_passwords_lock_the_account(users):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "staff_lby", "wrong-password")
    assert response.status_code in (403, 429)
    # Even the right password is refused while the account is locked, from any address.
    other = Client(REMOTE_ADDR="10.9.8.7")
    response = login(other, "staff_lby", settings.DEMO_PASSWORD)
    assert response.status_code in (403, 429)
    assert "locked" in response.content.decode().lower()
    assert "_auth_user_id" not in other.session
    # Another account is not affected.
    assert login(Client(), "staff_tun", settings.DEMO_PASSWORD).status_code == 302


def test_four_wrong_passwords_do_not_lock(users):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "staff_lby", "wrong-password")
    assert login(client, "staff_lby", settings.DEMO_PASSWORD).status_code == 302


def test_api_token_for_username_and_password(users, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "gov_egy", "password": settings.DEMO_PASSWORD, "otp": totp_code_for("gov_egy")},
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/governments/").json()["results"][0]["country"] == "EGY"


def test_api_token_refuses_bad_credentials_and_locks(users, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/api/v1/auth/token/", {"username": "gov_bgd", "password": "nope"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    response = client.post("/api/v1/auth/token/", {"username": "gov_bgd", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.json()


def test_api_token_names_missing_fields(client, db):
    response = client.post("/api/v1/auth/token/", {"username": "hq"})
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]


def test_password_reset_by_email(users, client):
    response = client.post("/accounts/password/reset/", {"email": "staff_hti@mcof.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://[^\s]+/accounts/password/reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-new-Passw0rd-2026", "new_password2": "a-new-Passw0rd-2026"})
    assert response.status_code == 302
    assert login(Client(), "staff_hti", "a-new-Passw0rd-2026").status_code == 302


def test_password_reset_says_nothing_about_unknown_addresses(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(users, client_for):
    client = client_for(users["staff_tun"])
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": "Another-pass-2026",
            "new_password2": "Another-pass-2026",
        },
    )
    assert response.status_code == 302
    assert login(Client(), "staff_tun", "Another-pass-2026").status_code == 302


def test_idle_session_expires(users, client):
    login(client, "staff_lby", settings.DEMO_PASSWORD)
    assert client.get("/").status_code == 200
    # The session ends SESSION_COOKIE_AGE after the last renewal.
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_renews_the_session_at_most_once_a_minute(users, client, settings):
    from django.contrib.sessions.models import Session

    from core.middleware import SESSION_RENEWED_KEY

    login(client, "staff_lby", settings.DEMO_PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/crises/").status_code == 200
    first = Session.objects.get(session_key=key).expire_date
    # A page read a moment later writes nothing to the session.
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/crises/").status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date == first
    # Once the renewal is older than SESSION_RENEW_SECONDS, the next request pushes the expiry back.
    session = client.session
    session[SESSION_RENEWED_KEY] -= settings.SESSION_RENEW_SECONDS + 1
    session.save()
    before = Session.objects.get(session_key=key).expire_date
    time.sleep(1.1)
    assert client.get("/crises/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > before


def test_admin_is_for_hq_only(users, client_for):
    assert client_for(users["hq"]).get("/admin/").status_code == 200
    for username in ("com_lby", "staff_lby", "gov_egy", "unhcr"):
        response = client_for(users[username]).get("/admin/")
        assert response.status_code == 302, username
