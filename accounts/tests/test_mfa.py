"""Two-step verification: required for HQ and liaison accounts, offered to office staff; a code (or
a single-use recovery code) after the password, in the browser and for API tokens."""

import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import VERIFIED_SESSION_KEY, current_code, mfa_required_for
from accounts.tests.factories import UserFactory
from conftest import totp_code_for
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

REQUIRED = ["hq", "gov_egy", "gov_bgd", "unhcr"]
# Pages and API calls an unverified session must not reach.
PAGES = ["/", "/accounts/profile/", "/crises/", "/caseload/referrals/", "/partners/", "/admin/", "/audit/"]
API = ["/api/v1/offices/", "/api/v1/crises/", "/api/v1/referrals/", "/api/v1/governments/"]


def password_login(username: str, password: str | None = None, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post("/accounts/login/", {"username": username, "password": password or settings.DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def verify(client: Client, code: str, next_url: str = ""):
    return client.post("/accounts/mfa/verify/", {"code": code, "next": next_url})


def shown_codes(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())


def enrolment_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return current_code(device)


# --- Who needs the second step ------------------------------------------------------------------
def test_default_roles_that_require_it(users):
    assert settings.MFA_REQUIRED_ROLES == ["hq", "government", "partner"]
    assert [u for u in users if mfa_required_for(users[u])] == REQUIRED


@pytest.mark.parametrize("username", REQUIRED)
def test_hq_and_liaisons_reach_nothing_by_session_before_the_code(users, username):
    client = password_login(username)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/mfa/verify/"), path
    for path in API:
        response = client.get(path)
        assert response.status_code == 403, path
        error = response.json()["error"]
        assert set(error) == {"status", "code", "message", "fields"}
        assert error["code"] == "mfa_required"
    # Writes are refused too.
    response = client.post("/api/v1/crises/", {}, content_type="application/json")
    assert response.status_code == 403
    # The code opens the site and the API.
    response = verify(client, totp_code_for(username), next_url="/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/offices/").status_code == 200


def test_every_route_is_closed_to_an_unverified_session(users):
    """The anonymous sweep of core's access test, as a liaison that passed only the password."""
    from core.tests.test_access import PUBLIC, ROUTES

    client = password_login("unhcr")
    open_to_unverified = {"mfa_verify", "mfa_enrol", "mfa_recovery_codes"}
    checked = 0
    for path, name in ROUTES:
        if name in PUBLIC | open_to_unverified or path.startswith("/static/") or "(?P<format>" in path:
            continue
        if path.endswith(".json"):
            continue
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            assert response.json()["error"]["code"] == "mfa_required", path
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/mfa/verify/"), path
        checked += 1
    assert checked > 50


def test_login_redirects_to_the_verification_page_keeping_the_destination(users):
    client = Client()
    response = client.post(
        "/accounts/login/?next=/crises/",
        {"username": "hq", "password": settings.DEMO_PASSWORD, "next": "/crises/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/mfa/verify/?next=%2Fcrises%2F"
    page = response.content.decode()
    assert 'name="code"' in page and 'value="/crises/"' in page
    response = verify(client, totp_code_for("hq"), next_url="/crises/")
    assert response["Location"] == "/crises/"


def test_an_unverified_session_can_still_log_out_and_switch_language(users):
    client = password_login("gov_egy")
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_verified_mark_of_another_account_does_not_count(users):
    client = password_login("gov_egy")
    session = client.session
    session[VERIFIED_SESSION_KEY] = users["gov_bgd"].pk
    session.save()
    assert client.get("/").status_code == 302


def test_office_staff_need_no_second_step(users):
    for username in ("staff_lby", "com_lby", "staff_tun"):
        client = password_login(username)
        assert client.get("/").status_code == 200, username
        assert client.get("/api/v1/offices/").status_code == 200, username


def test_no_query_added_to_a_page(users, client_for):
    """The verified mark lives in the session: the middleware reads it without a query."""
    client = client_for(users["staff_lby"])
    client.get("/")  # warm
    with CaptureQueriesContext(connection) as with_mfa:
        assert client.get("/").status_code == 200
    without = [m for m in settings.MIDDLEWARE if m != "accounts.middleware.MfaRequiredMiddleware"]
    with override_settings(MIDDLEWARE=without), CaptureQueriesContext(connection) as without_mfa:
        assert client.get("/").status_code == 200
    assert len(with_mfa) == len(without_mfa)


# --- Enrolment ----------------------------------------------------------------------------------
def test_hq_account_without_authenticator_must_enrol_first(db):
    user = UserFactory(username="new_hq", role="hq", is_staff=True)
    client = password_login("new_hq")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/mfa/enrol/")
    page = response.content.decode()
    assert re.search(r'<img class="mfa-qr" src="data:image/svg\+xml', page)
    secret = re.search(r"data-mfa-secret>([A-Z2-7 ]+)<", page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert client.get("/crises/")["Location"].startswith("/accounts/mfa/verify/")
    assert client.get("/api/v1/crises/").status_code == 403
    # A wrong code does not confirm.
    assert "not valid" in client.post("/accounts/mfa/enrol/", {"code": "000000"}).content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    response = client.post("/accounts/mfa/enrol/", {"code": enrolment_code(user)})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/recovery-codes/")
    response = client.get(response["Location"])
    codes = shown_codes(response)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Shown once.
    assert client.get("/accounts/mfa/recovery-codes/").status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(actor=user, action="create", object_type="otp_totp.totpdevice").exists()
    # The next login asks for a code; a recovery code works.
    other = password_login("new_hq")
    assert other.get("/")["Location"].startswith("/accounts/mfa/verify/")
    assert verify(other, codes[0]).status_code == 302
    assert other.get("/").status_code == 200


def test_an_unverified_session_cannot_add_an_authenticator_to_an_enrolled_account(users):
    client = password_login("gov_egy")
    response = client.get("/accounts/mfa/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/verify/")
    assert TOTPDevice.objects.filter(user=users["gov_egy"]).count() == 1


def test_office_staff_can_enrol_from_the_profile_and_then_need_the_code(users):
    staff = users["staff_tun"]
    client = password_login("staff_tun")
    profile = client.get("/accounts/profile/").content.decode()
    assert 'data-mfa-status="off"' in profile and "/accounts/mfa/enrol/" in profile
    assert client.get("/accounts/mfa/enrol/").status_code == 200
    response = client.post("/accounts/mfa/enrol/", {"code": enrolment_code(staff)})
    assert response["Location"].startswith("/accounts/mfa/recovery-codes/")
    client.get(response["Location"])
    assert 'data-mfa-status="on"' in client.get("/accounts/profile/").content.decode()
    again = password_login("staff_tun")
    assert again.get("/")["Location"].startswith("/accounts/mfa/verify/")
    assert again.get("/api/v1/migrants/").status_code == 403
    assert verify(again, totp_code_for("staff_tun")).status_code == 302
    assert again.get("/").status_code == 200


def test_office_staff_can_turn_it_off_with_a_code_hq_cannot(users, client_for):
    staff = users["staff_hti"]
    TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    client = client_for(staff)
    client.post("/accounts/mfa/disable/", {"code": "000000"})
    assert TOTPDevice.objects.filter(user=staff).exists()
    assert client.post("/accounts/mfa/disable/", {"code": totp_code_for("staff_hti")}).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert password_login("staff_hti").get("/").status_code == 200
    hq = client_for(users["hq"])
    assert hq.post("/accounts/mfa/disable/", {"code": totp_code_for("hq")}).status_code == 403
    assert TOTPDevice.objects.filter(user=users["hq"], confirmed=True).exists()


# --- Codes ----------------------------------------------------------------------------------------
def test_a_wrong_code_is_refused(users):
    client = password_login("unhcr")
    response = verify(client, "123456")
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/mfa/verify/")
    assert verify(client, "not-a-code").status_code == 200
    assert client.get("/").status_code == 302


def test_a_code_is_accepted_only_once(users):
    code = totp_code_for("gov_bgd")
    assert verify(password_login("gov_bgd"), code).status_code == 302
    second = password_login("gov_bgd")
    assert verify(second, code).status_code == 200
    assert second.get("/").status_code == 302


def test_a_recovery_code_works_once(users, client_for):
    hq = users["hq"]
    client = client_for(hq)
    response = client.post("/accounts/mfa/recovery-codes/regenerate/", {"code": totp_code_for("hq")})
    assert response["Location"] == "/accounts/mfa/recovery-codes/"
    codes = shown_codes(client.get(response["Location"]))
    assert len(codes) == 10
    first = password_login("hq")
    response = verify(first, codes[3].upper(), next_url="/")
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=hq).count() == 9
    assert AuditEntry.objects.filter(actor=hq, reason="Recovery code used").count() == 1
    second = password_login("hq")
    assert verify(second, codes[3]).status_code == 200
    assert second.get("/").status_code == 302


def test_regenerating_recovery_codes_needs_a_code_and_voids_the_old_ones(users, client_for):
    hq = users["hq"]
    client = client_for(hq)
    client.post("/accounts/mfa/recovery-codes/regenerate/", {"code": totp_code_for("hq")})
    old = shown_codes(client.get("/accounts/mfa/recovery-codes/"))
    response = client.post("/accounts/mfa/recovery-codes/regenerate/", {"code": "000000"})
    assert response["Location"] == "/accounts/profile/"
    assert set(StaticToken.objects.filter(device__user=hq).values_list("token", flat=True)) == set(old)
    client.post("/accounts/mfa/recovery-codes/regenerate/", {"code": totp_code_for("hq")})
    assert not set(StaticToken.objects.filter(device__user=hq).values_list("token", flat=True)) & set(old)
    assert verify(password_login("hq"), old[0]).status_code == 200


def test_wrong_codes_lock_the_verification_of_that_account(users):
    client = password_login("gov_egy")
    for _ in range(settings.MFA_FAILURE_LIMIT - 1):
        assert verify(client, "000000").status_code == 200
    response = verify(client, "000000")
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    # Even the right code is refused now, from any session, and on the API.
    other = password_login("gov_egy", client=Client(REMOTE_ADDR="10.1.2.3"))
    assert verify(other, totp_code_for("gov_egy")).status_code == 429
    assert other.get("/").status_code == 302
    assert other.get("/accounts/mfa/verify/").status_code == 429
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": "gov_egy", "password": settings.DEMO_PASSWORD, "otp": totp_code_for("gov_egy")},
    )
    assert response.status_code == 429 and response.json()["error"]["code"] == "locked_out"
    assert AuditEntry.objects.filter(actor=users["gov_egy"], reason__startswith="Second-factor verification locked")
    # Another account is not affected.
    assert verify(password_login("gov_bgd"), totp_code_for("gov_bgd")).status_code == 302


def test_four_wrong_codes_do_not_lock(users):
    client = password_login("hq")
    for _ in range(settings.MFA_FAILURE_LIMIT - 1):
        verify(client, "000000")
    assert verify(client, totp_code_for("hq")).status_code == 302


# --- API tokens -----------------------------------------------------------------------------------
def token(username: str, **extra):
    return Client().post("/api/v1/auth/token/", {"username": username, "password": settings.DEMO_PASSWORD, **extra})


def test_token_needs_the_code_of_an_enrolled_account(users):
    response = token("gov_egy")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "otp_required" and "otp" in body["fields"]
    response = token("gov_egy", otp="000000")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_otp"
    response = token("gov_egy", otp=totp_code_for("gov_egy"))
    assert response.status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/governments/").json()["results"][0]["country"] == "EGY"


def test_token_refuses_a_role_that_requires_mfa_without_authenticator(db):
    UserFactory(username="hq_without", role="hq")
    response = token("hq_without", otp="123456")
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "mfa_enrolment_required"
    assert "otp" in body["fields"] and "otp" in body["fields"]["otp"][0]


def test_token_for_office_staff_with_and_without_authenticator(users):
    assert token("staff_lby").status_code == 200
    TOTPDevice.objects.create(user=users["staff_tun"], name="authenticator", confirmed=True)
    assert token("staff_tun").status_code == 400
    assert token("staff_tun", otp=totp_code_for("staff_tun")).status_code == 200


def test_token_accepts_a_recovery_code_once(users, client_for):
    client = client_for(users["unhcr"])
    client.post("/accounts/mfa/recovery-codes/regenerate/", {"code": totp_code_for("unhcr")})
    codes = shown_codes(client.get("/accounts/mfa/recovery-codes/"))
    assert token("unhcr", otp=codes[0]).status_code == 200
    assert token("unhcr", otp=codes[0]).status_code == 400


def test_a_session_with_a_token_header_is_judged_by_its_token(users, api_for):
    client = api_for(users["gov_egy"])
    client.force_login(users["gov_egy"])  # an unverified session cookie alongside the token
    assert client.get("/api/v1/governments/").status_code == 200


# --- Password reset does not bypass it -------------------------------------------------------------
def test_password_reset_then_login_still_asks_for_the_code(users):
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": "hq@mcof.invalid"}).status_code == 302
    link = re.search(r"http://[^\s]+/accounts/password/reset/[^\s]+/", mail.outbox[0].body).group(0)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-new-Passw0rd-2026", "new_password2": "a-new-Passw0rd-2026"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/complete/"
    # The reset does not log in.
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/accounts/login/")
    fresh = password_login("hq", password="a-new-Passw0rd-2026")
    assert fresh.get("/")["Location"].startswith("/accounts/mfa/verify/")
    assert fresh.get("/api/v1/crises/").status_code == 403
    assert verify(fresh, totp_code_for("hq")).status_code == 302
    assert fresh.get("/").status_code == 200


# --- HQ resets a person's second factor -------------------------------------------------------------
def test_hq_resets_a_liaisons_mfa_in_the_admin_audited(users, client_for):
    gov = users["gov_egy"]
    client = client_for(users["hq"])
    changelist = client.get("/admin/accounts/user/")
    assert changelist.status_code == 200
    response = client.post("/admin/accounts/user/", {"action": "reset_mfa", "_selected_action": [gov.pk], "index": 0})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=gov).exists()
    entry = AuditEntry.objects.get(actor=users["hq"], action="delete", object_id=str(gov.pk))
    assert entry.object_type == "accounts.user" and entry.before == {"authenticators": ["demo authenticator"]}
    # The liaison's next login sets up a new authenticator.
    assert password_login("gov_egy").get("/", follow=True).redirect_chain[-1][0].startswith("/accounts/mfa/enrol/")


def test_device_admin_pages_that_would_show_secrets_are_gone(users, client_for):
    client = client_for(users["hq"])
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- Demo ---------------------------------------------------------------------------------------------
def test_demo_accounts_have_a_deterministic_authenticator(users, capsys):
    for username in REQUIRED:
        device = TOTPDevice.objects.get(user=users[username], confirmed=True)
        call_command("demo_otp", username)
        assert capsys.readouterr().out.strip() == current_code(device)
    keys = set(TOTPDevice.objects.values_list("key", flat=True))
    assert len(keys) == len(REQUIRED)
    from accounts.demo import seed

    seed()  # idempotent
    assert set(TOTPDevice.objects.values_list("key", flat=True)) == keys
    with pytest.raises(CommandError):
        call_command("demo_otp", "staff_lby")


def test_demo_otp_refuses_production_settings(users, monkeypatch):
    monkeypatch.delenv("MCOF_DEMO", raising=False)
    with override_settings(DEBUG=False, TESTING=False), pytest.raises(CommandError, match="production"):
        call_command("demo_otp", "hq")


def test_a_bad_mfa_required_roles_stops_the_start():
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env={**env, "DEBUG": "1", "MFA_REQUIRED_ROLES": "hq,admins"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "MFA_REQUIRED_ROLES" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_the_verification_page_keeps_nothing_offline_and_starts_no_service_worker(demo, client):
    """A session that still owes its code gets no offline key URL on its pages (offline.js then
    registers no service worker); once verified, the pages carry it."""
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.mfa import VERIFIED_SESSION_KEY

    user = demo["users"]["hq"]
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    page = client.get(reverse("mfa_verify"))
    assert page.status_code == 200
    assert b"data-offline-key-url" not in page.content
    session = client.session
    session[VERIFIED_SESSION_KEY] = user.pk
    session.save()
    assert b"data-offline-key-url" in client.get(reverse("home")).content
