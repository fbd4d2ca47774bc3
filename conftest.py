"""Shared fixtures: demo personas, authenticated clients, a real browser and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

BASE_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """Each test starts in the settings' language, whatever the one before it activated (a rendering
    in the recipient's language, a page in Arabic)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


# Reference data that data migrations load; a transactional test (browser, worker) flushes every
# table when it ends, so it is loaded again before the next test that needs the database.
REFERENCE_DATA = [
    ("sectors.migrations.0002_reference_data", "load"),
    ("sectors.migrations.0003_annex_i_matrix", "load"),
    ("sectors.migrations.0004_arabic_names", "load"),
    ("crises.migrations.0003_level_policies_and_countries", "seed_policies"),
]


def _reference_data_present() -> bool:
    from crises.models import LevelPolicy
    from sectors.models import MatrixCell, Sector

    return Sector.objects.count() == 15 and MatrixCell.objects.count() == 225 and LevelPolicy.objects.count() == 3


@pytest.fixture(autouse=True)
def _reference_data(request):
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif not request.node.get_closest_marker("django_db"):
        return
    load_reference_data()


def load_reference_data() -> None:
    """Load the migrations' reference data again when a flush took it (a module-scoped fixture
    built before the function-scoped one above calls this itself)."""
    if _reference_data_present():
        return
    import importlib

    from django.apps import apps

    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def demo(db) -> dict:
    """The demo offices, governments, partners and accounts (accounts/demo.py)."""
    from accounts.demo import seed

    return seed()


@pytest.fixture
def users(demo) -> dict:
    return demo["users"]


@pytest.fixture
def client_for() -> Callable:
    def make(user) -> Client:
        from accounts.mfa import VERIFIED_SESSION_KEY

        client = Client()
        client.force_login(user)
        session = client.session  # signed in and past the second step
        session[VERIFIED_SESSION_KEY] = user.pk
        session.save()
        return client

    return make


@pytest.fixture
def api_for() -> Callable:
    """An API client authenticated with the user's real token, as an integrator would be."""

    def make(user) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


# --- A real browser ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_sync.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def totp_code_for(username: str) -> str:
    """The current code of the user's authenticator, computed from its key in the database; the
    device forgets its last accepted step so that two logins within one 30 s window both pass."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.mfa import current_code

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return current_code(device)


@pytest.fixture
def login(live_server) -> Callable:
    """Log a browser page in through the real login form and, where the account has an
    authenticator (or its role requires one: one is created), the two-step verification page."""

    def do_login(page, username: str, password: str | None = None) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.mfa import mfa_required_for
        from accounts.models import User

        user = User.objects.get(username=username)
        if mfa_required_for(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password or settings.DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/mfa/verify/" in page.url:
            page.get_by_label("Code").fill(totp_code_for(username))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_url(lambda url: "/accounts/mfa/" not in url)
        # Signed in, or say why not (a verification refused, a session lost) rather than fail later.
        if "/accounts/login/" in page.url:
            alerts = page.locator("[role=alert], .errorlist, .messages").all_inner_texts()
            pytest.fail(f"{username} is not signed in: back at {page.url}; the page says {alerts}")

    return do_login


def offline_ready(page, url: str) -> None:
    """Open ``url`` under the service worker, with the session's offline key at hand (the first
    visit installs the worker; a reload puts the page under it)."""
    from playwright.sync_api import expect

    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)


# --- A real Celery worker -----------------------------------------------------------------------
def _database_url_of_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_env() -> dict:
    """Extra environment of the worker process; a test module overrides this fixture to give its
    worker other settings (for example a settings module with short retry delays)."""
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, celery_worker_env) -> Iterator[subprocess.Popen]:
    """A real ``celery worker`` process consuming the real broker, on the test database."""
    from mcof_site.celery import app

    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        app.control.purge()  # nothing left over from an earlier run
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mcof_site.settings_test",
        "DATABASE_URL": _database_url_of_test_db(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **celery_worker_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mcof_site",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0, interval: float = 0.2) -> bool:
    """Poll until ``predicate()`` is true; used to wait for a worker's effect in the database."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.fixture
def axe_violations() -> Callable:
    """Run axe-core on the page; answer the serious and critical violations (none is the target)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page) -> list[dict]:
        results = axe.run(page)
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


def pytest_configure(config) -> None:
    """WhiteNoise warns on every request when STATIC_ROOT does not exist yet (no collectstatic in a
    test run): make the empty folder."""
    from django.conf import settings as django_settings

    if django_settings.configured and getattr(django_settings, "STATIC_ROOT", None):
        os.makedirs(django_settings.STATIC_ROOT, exist_ok=True)
