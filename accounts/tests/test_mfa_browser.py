"""In a real chromium: setting up an authenticator without scanning, and logging in with a code."""

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory
from conftest import totp_code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def code_from_secret(secret: str) -> str:
    from base64 import b32decode

    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def test_hq_sets_up_an_authenticator_then_logs_in_with_a_code(db, page, live_server, axe_violations):
    UserFactory(username="new_hq", role="hq", is_staff=True)
    password_step(page, live_server, "new_hq")
    assert "/accounts/mfa/enrol/" in page.url
    assert page.get_by_role("img", name="QR code to add this account to an authenticator app").is_visible()
    assert axe_violations(page) == []
    # Scan-free: read the secret from the page, as a person typing it into the app would.
    secret = page.locator("[data-mfa-secret]").inner_text()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    assert page.locator(".field-error[role=alert]").is_visible()
    page.get_by_label("Code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/mfa/recovery-codes/**")
    codes = page.locator(".mfa-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert axe_violations(page) == []
    page.get_by_role("button", name="I have kept them: continue").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("header nav [data-nav='crises']").is_visible()

    # Log out, log in again: the code is asked for.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")
    password_step(page, live_server, "new_hq")
    assert "/accounts/mfa/verify/" in page.url
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/crises/")
    assert "/accounts/mfa/verify/" in page.url
    page.get_by_label("Code").fill(totp_code_for("new_hq"))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/crises/")


def test_liaison_logs_in_with_a_code_and_office_staff_enrol_from_the_profile(
    demo, page, live_server, login, axe_violations
):
    password_step(page, live_server, "gov_egy")
    assert "/accounts/mfa/verify/" in page.url
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Verify").click()
    assert page.locator(".field-error[role=alert]").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(totp_code_for("gov_egy"))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")

    login(page, "staff_hti")
    page.goto(f"{live_server.url}/accounts/profile/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Set up two-step verification").click()
    secret = page.locator("[data-mfa-secret]").inner_text()
    page.get_by_label("Code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/mfa/recovery-codes/**")
    page.get_by_role("button", name="I have kept them: continue").click()
    page.goto(f"{live_server.url}/accounts/profile/")
    assert page.locator("[data-mfa-status='on']").is_visible()
    assert axe_violations(page) == []
    assert TOTPDevice.objects.filter(user__username="staff_hti", confirmed=True).count() == 1
