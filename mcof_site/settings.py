"""Settings for the MCOF case-management system, read from the environment in one place.

With nothing set, the embedded default runs: SQLite in ``var/``, a Celery broker on kombu's
filesystem transport in ``var/`` (a real worker process, no server), e-mail to files in
``var/mail``. With ``DATABASE_URL`` and ``REDIS_URL`` (or ``CELERY_BROKER_URL``) the same code
runs on PostgreSQL and Redis. A bad value stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MCOF_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, schemes: tuple[str, ...]) -> str | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {', '.join(s + '://' for s in schemes)}; got {raw!r}"
        )
    return raw


DEBUG = env_bool("DEBUG", default=env_bool("DJANGO_DEBUG", default=False))
TESTING = env_bool("MCOF_TESTING", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for a local run).")
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "core.admin_site.HQAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "partners",
    "crises",
    "outbox",
    "sectors",
    "caseload",
    "movements",
    "displacement",
    "sitreps",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML compressed on the wire, with Django's BREACH mitigation (random bytes in the gzip
    # header); static files come compressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AbsoluteSessionLifetimeMiddleware",
    "core.middleware.LoginRequiredExceptApiMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.NoStoreForAuthenticatedMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: a write sent with an Idempotency-Key is done once (core.idempotency).
    "core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "mcof_site.urls"
WSGI_APPLICATION = "mcof_site.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "accounts.context_processors.two_step",
            ],
        },
    },
]
# Select boxes (a list of every country) built in Python rather than one template per option.
FORM_RENDERER = "core.renderers.FormRenderer"

# --- Database -----------------------------------------------------------------------------
_database_url = env_url("DATABASE_URL", ("postgres", "postgresql", "pgsql", "sqlite"))
if _database_url:
    import dj_database_url

    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {})
        # No JIT compilation: on a million-row table the planner's cost estimates switch it on for
        # plain list queries, and compiling takes seconds where the query itself takes milliseconds.
        _db["OPTIONS"].setdefault("options", "-c jit=off")
        _db["CONN_HEALTH_CHECKS"] = True
    DATABASES = {"default": _db}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "mcof.sqlite3",
            "OPTIONS": {
                # WAL and a busy timeout so the web server, worker and beat share one file.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache ---------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", ("redis", "rediss", "amqp", "amqps", "pyamqp", "filesystem"))
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = REDIS_URL or "filesystem://"

if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "broker" / "queue"
    _processed_dir = VAR_DIR / "broker" / "processed"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "broker" / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
else:
    # A broker that restarts: idle connections are checked before use and kept alive, so the worker
    # notices a dead connection and reconnects instead of waiting on it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_keepalive": True,
        "health_check_interval": 10,
        "retry_on_timeout": True,
    }
    CELERY_RESULT_BACKEND = REDIS_URL

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database (which stays the record): one
    # query less on every signed-in request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -------------------------------------------------------------------------------
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(hours=24)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=1)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep a worker's database connection across tasks (Celery's Django fixup otherwise closes it
# after every task, and a reconnect costs more than most tasks); it is renewed every 200 tasks.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A worker whose last heartbeat is older than the maximum age is not consuming: /health/ says so,
# `manage.py worker_health` fails and the watchdogs restart it (core.heartbeat, docs/operations.md).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 20, minimum=1)
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 60, minimum=1)
# The heartbeat has a queue of its own, which every worker consumes beside the default one: behind a
# backlog of deliveries (a big event, minutes of webhooks) it is not judged "not consuming" and
# restarted while it works; it waits at most for the tasks its pool already holds (one per process).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("heartbeat"))
CELERY_TASK_ROUTES = {"core.tasks.heartbeat": {"queue": "heartbeat"}}
# Each app adds its periodic tasks here; every one of them takes a lock (core.locks).
CELERY_BEAT_SCHEDULE: dict = {
    # Proof that a worker consumes (core.heartbeat): each tick travels through the broker.
    "core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": timedelta(seconds=WORKER_HEARTBEAT_SECONDS)},
    "crises-level-reviews": {"task": "crises.tasks.remind_level_reviews", "schedule": timedelta(hours=1)},
    # The notification outbox: re-send what a lost message or a dead worker left, and queue the
    # retries whose wait was too long for the broker.
    "outbox-relay-notifications": {"task": "outbox.tasks.relay_notifications", "schedule": timedelta(seconds=30)},
    "outbox-retry-notifications": {"task": "outbox.tasks.retry_notifications", "schedule": timedelta(seconds=30)},
    "caseload-remind-overdue-referrals": {
        "task": "caseload.tasks.remind_overdue_referrals",
        "schedule": timedelta(minutes=15),
    },
    "caseload-find-duplicates": {"task": "caseload.tasks.find_all_duplicates", "schedule": timedelta(hours=1)},
    "caseload-expire-checked-imports": {
        "task": "caseload.tasks.expire_checked_imports",
        "schedule": timedelta(hours=1),
    },
    "caseload-pseudonymise-expired": {
        "task": "caseload.retention.pseudonymise_expired",
        "schedule": timedelta(hours=6),
    },
    "reports-refresh-dashboards": {"task": "reports.tasks.refresh_dashboards", "schedule": timedelta(minutes=1)},
    "reports-expire-exports": {"task": "reports.tasks.expire_exports", "schedule": timedelta(hours=1)},
    "sitreps-draft-and-remind": {"task": "sitreps.tasks.draft_and_remind", "schedule": timedelta(hours=1)},
    "core-expire-idempotency-keys": {"task": "core.tasks.expire_idempotency_keys", "schedule": timedelta(hours=1)},
}
# A write's Idempotency-Key is kept this long (core.idempotency).
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
# XLSX exports of more rows than this are built by a worker (reports.export_jobs), kept this long.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5000, minimum=1)
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24, minimum=1)
EXPORTS_DIR = VAR_DIR / "exports"
# Webhooks are never sent to a loopback, private or link-local address (outbox.destinations);
# a local trial whose receiver listens on 127.0.0.1 sets this, as DEBUG and the tests do.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG or TESTING)
# Dashboards are read from snapshots of their figures (reports.snapshots): a snapshot is recomputed
# by the periodic task once it is this many seconds old, and computed live by the page beyond the
# maximum age (when no worker refreshed it).
DASHBOARD_SNAPSHOT_REFRESH = env_int("DASHBOARD_SNAPSHOT_REFRESH_SECONDS", 240, minimum=1)
DASHBOARD_SNAPSHOT_MAX_AGE = env_int("DASHBOARD_SNAPSHOT_MAX_AGE_SECONDS", 600, minimum=1)
# Days after a crisis is closed before its migrants' personal data is pseudonymised, unless the
# crisis sets its own retention period (crises.Crisis.retention_days).
RETENTION_DAYS_DEFAULT = env_int("RETENTION_DAYS_DEFAULT", 730, minimum=1)

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Field offices share one address behind NAT: locking by address would lock a whole office out
# in an emergency. Accounts lock by username; the token endpoint is also rate-limited.
# models.W040: SQLite (the embedded default) builds covering indexes without their INCLUDE columns,
# which only PostgreSQL uses to answer from the index alone (displacement's flow counts).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous people get nothing

# Idle timeout: the session is renewed on each request and expires after this much inactivity.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
# The idle expiry is renewed by core.middleware at most once a minute, not by a write per request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60, minimum=1)
# However active, a session ends this long after login.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")
# Share of the demo flight's 150 and the demo ship's 400 passengers that seed_demo registers (movements.demo).
DEMO_MOVEMENT_SCALE = float(env_int("DEMO_MOVEMENT_PERCENT", 100, minimum=1)) / 100

# Two-step verification (accounts/mfa.py): a TOTP authenticator app with recovery codes, required
# for these roles, offered to the others.
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", ["hq", "government", "partner"])
_unknown_roles = set(MFA_REQUIRED_ROLES) - {"office", "hq", "government", "partner"}
if _unknown_roles:
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_ROLES must list roles among office, hq, government, partner; got {sorted(_unknown_roles)}"
    )
# Wrong codes lock the verification of the account for a while (counted per account).
MFA_FAILURE_LIMIT = env_int("MFA_FAILURE_LIMIT", 5, minimum=1)
MFA_LOCKOUT_SECONDS = env_int("MFA_LOCKOUT_MINUTES", 15, minimum=1) * 60
OTP_TOTP_ISSUER = "MCOF case management"
# The lockout above replaces django-otp's own growing delays, which refused a right code typed
# within seconds of a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- Security headers ---------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
_https = env_bool("HTTPS", default=not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = _https and env_bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_BACKEND: "file" (the default: one file per message in var/mail), "console" or "smtp".
_EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_kind = os.environ.get("EMAIL_BACKEND", "file").strip().lower()
if _email_kind not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {', '.join(_EMAIL_BACKENDS)}; got {_email_kind!r}")
_email_options: dict = {}
if _email_kind == "file":
    _email_options = {"file_path": str(VAR_DIR / "mail")}
elif _email_kind == "smtp":
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKENDS[_email_kind], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MCOF case management <noreply@mcof.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (DATE_FORMAT, SHORT_DATETIME_FORMAT...): mcof_site/formats/<language>/.
FORMAT_MODULE_PATH = ["mcof_site.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "MCOF case management API",
    "DESCRIPTION": "Crises, emergency levels, sectors of assistance, caseload and referrals "
    "under the IOM Migration Crisis Operational Framework (MC/2355).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
        "core.api.schema.add_text_rules",
    ],
}

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}")
# An unset list filter reads "Any" (django-filter's empty choice of every ChoiceFilter).
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A 403 is one line, not a traceback (core.log_filters).
    "filters": {"refusals_on_one_line": {"()": "core.log_filters.RefusalsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals_on_one_line"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}
# One schema name per choice set: several models have a "status", "kind" or "priority".
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "CrisisPhaseEnum": "crises.models.Phase",
    "CrisisStatusEnum": "crises.models.Crisis.Status",
    "LevelProposalStatusEnum": "crises.models.LevelProposal.Status",
    "LevelDirectionEnum": "crises.models.LevelProposal.Direction",
    "SectorPriorityEnum": "sectors.models.Priority",
    "ClusterKindEnum": "sectors.models.Cluster.Kind",
    "ReferralKindEnum": "sectors.referral_kinds.ReferralKind",
    "ReferralPriorityEnum": "caseload.models.Priority",
    "ReferralStatusEnum": "caseload.models.ReferralStatus",
    "MovementKindEnum": "movements.models.MovementKind",
    "MovementStatusEnum": "movements.models.MovementStatus",
    "MovementModeEnum": "movements.models.Mode",
    "BoardingStatusEnum": "movements.models.BoardingStatus",
    "FitnessEnum": "movements.models.Fitness",
    "TravelDocumentTypeEnum": "movements.models.TravelDocumentType",
    "CaseShareKindEnum": "caseload.models.CaseShare.Kind",
    "CaseShareStatusEnum": "caseload.models.CaseShare.Status",
    "PartnerKindEnum": "partners.models.Partner.Kind",
    "WebhookEndpointStatusEnum": "outbox.models.WebhookEndpoint.Status",
    "NotificationChannelEnum": "outbox.models.Notification.Channel",
    "NotificationStatusEnum": "outbox.models.Notification.Status",
    "SiteTypeEnum": "displacement.models.SiteType",
    "SiteStatusEnum": "displacement.models.SiteStatus",
    "RoundStatusEnum": "displacement.models.RoundStatus",
    "DisplacementReasonEnum": "displacement.models.Reason",
    "DisplacementNeedEnum": "displacement.models.Need",
    "FlowPointTypeEnum": "displacement.models.PointType",
    "FlowDirectionEnum": "displacement.models.Direction",
    "FlowReasonEnum": "displacement.models.MoveReason",
    "SitrepStatusEnum": "sitreps.models.SitrepStatus",
    # Every country code and time zone field lists the same values (core.api.fields): one name each.
    "CountryCodeEnum": "core.api.fields.ALPHA3",
    "TimeZoneEnum": "core.api.fields.TIME_ZONES",
}
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)
