"""The embedded default that `make run` starts: SQLite and a file queue in var/. The demo loads
through every app's services on SQLite, and each main page answers as each role sees it, so a
query that only PostgreSQL understands cannot reach the one command a newcomer runs."""

import subprocess
import sys
import textwrap

import pytest

from .test_settings import CLEAN_ENV, ROOT

PAGES = textwrap.dedent(
    """
    from django.test import Client
    from accounts.models import User
    from crises.models import Crisis
    from movements.models import Movement
    from sitreps.models import Sitrep

    crises = list(Crisis.objects.all())
    paths = ["/", "/caseload/", "/caseload/referrals/", "/movements/", "/sitreps/", "/crises/", "/displacement/"]
    paths += [f"/crises/{c.pk}/" for c in crises] + [f"/displacement/crises/{c.pk}/" for c in crises]
    paths += [f"/sitreps/{s.pk}/" for s in Sitrep.objects.all()]
    paths += [f"/movements/{m.pk}/" for m in Movement.objects.all()]
    answers = {}
    for username in ("staff_lby", "staff_hti", "com_hti", "com_lby", "hq", "unhcr", "gov_egy"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        session = client.session
        session["_auth_user_verified"] = True
        session.save()
        for path in paths:
            answers[(username, path)] = client.get(path, HTTP_HOST="127.0.0.1").status_code
    errors = sorted(key for key, status in answers.items() if status >= 500)
    print(len(answers), "pages;", "errors:", errors)
    assert not errors and Sitrep.objects.exists() and Movement.objects.exists()
    """
)


@pytest.mark.slow
def test_the_demo_loads_and_the_pages_answer_on_sqlite(tmp_path):
    env = {**CLEAN_ENV, "MCOF_VAR_DIR": str(tmp_path), "DEBUG": "1", "MCOF_DEMO": "1", "ALLOWED_HOSTS": "127.0.0.1"}

    def manage(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )

    for step in (("migrate", "--noinput", "-v0"), ("seed_demo",), ("shell", "--no-imports", "-c", PAGES)):
        result = manage(*step)
        assert result.returncode == 0, f"manage.py {' '.join(step[:1])}: {result.stderr[-3000:]}"
    assert "errors: []" in result.stdout
