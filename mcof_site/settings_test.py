"""Test settings: the same settings module, marked as a test run before it is read."""

import os

os.environ["MCOF_TESTING"] = "1"

from .settings import *  # noqa: E402,F403
from .settings import AUTH_PASSWORD_VALIDATORS  # noqa: E402,F401

# Hashing demo passwords with the production hasher makes a suite slow for no gain.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from .settings import DATABASES, VAR_DIR  # noqa: E402

# A file, not memory, so a Celery worker process started by a test sees the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# One cache per test process, cleared between tests (conftest): throttles and counters never leak
# from one test into another, and clearing it never touches the broker's Redis database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# seed_demo in a test registers a tenth of the demo movements' passengers (movements.demo).
DEMO_MOVEMENT_SCALE = 0.1
