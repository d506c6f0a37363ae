"""Settings of the SEEC Platform, read from the environment.

`SEEC_ENV` chooses the mode:
- `development` (default): SQLite, a generated local secret, the demo region, e-mail on the console;
- `production`: refuses to start without a real `SECRET_KEY` and `ALLOWED_HOSTS`, secure cookies,
  HSTS, two-factor sign-in for every role that can see a child's personal data;
- `test`: used by the test suite (see settings_test.py).

Everything else comes from the environment, see docs/operations.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SEEC_VAR_DIR", BASE_DIR / "var"))

SEEC_ENV = os.environ.get("SEEC_ENV", "development")
if SEEC_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"SEEC_ENV must be development, production or test, not {SEEC_ENV!r}"
    )
PRODUCTION = SEEC_ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key() -> str:
    """A secret generated once per development checkout and kept out of version control."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


# --- Secrets and hosts -------------------------------------------------------------------------

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "Production mode needs a real SECRET_KEY: at least 50 random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
        )
elif not SECRET_KEY:
    SECRET_KEY = local_secret_key()
# Earlier SECRET_KEYs, comma-separated, while they are rotated out: sessions signed and matching
# agreements' keys sealed under them still open (and the keys are sealed anew when used).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

DEBUG = env_bool("DEBUG", SEEC_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production mode.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "Production mode needs ALLOWED_HOSTS: the host names the platform is served under, "
        "comma-separated, without '*'."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Applications ------------------------------------------------------------------------------

INSTALLED_APPS = [
    "seec.core.admin_site.SeecAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "js_lib_htmx",
    "django_tasks",
    "django_tasks_db",
    "seec.core",
    "seec.cases",
    "seec.alerts",
    "seec.linkage",
    "seec.stats",
    "seec.protection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "seec.core.sessions.SessionRenewalMiddleware",  # instead of SESSION_SAVE_EVERY_REQUEST
    "seec.core.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "seec.core.middleware.SecondFactorMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "seec.core.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised by the backend into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "seec.urls"
WSGI_APPLICATION = "seec.wsgi.application"
ASGI_APPLICATION = "seec.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "seec.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'seec.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the write lock when it begins, so two writers
        # queue instead of deadlocking (the audit chain reads then appends inside one).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A 64 MiB page cache (taken as used): an import of a hundred thousand cases updates
        # every index of the case table, and the default 2 MiB makes that a disk-bound walk.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        ),
    }
    # A connection per request is cheap on SQLite; keeping it open only holds file locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, passwords, sign-in -----------------------------------------------------------------

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: it refuses locked-out accounts and addresses.
    "axes.backends.AxesStandaloneBackend",
    "seec.core.backends.UserBackend",  # Django's ModelBackend, the organisation read with the user
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12 if PRODUCTION else 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Lock-out: per account and, separately, per address.
AXES_FAILURE_LIMIT = int(os.environ.get("SEEC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SEEC_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "seec.core.views.accounts.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("SEEC_PROXY_COUNT", "0")) or None

# Two-factor sign-in (TOTP): required in production for roles that see a child's personal data.
SEEC_REQUIRE_SECOND_FACTOR = env_bool("SEEC_REQUIRE_SECOND_FACTOR", PRODUCTION)
OTP_TOTP_ISSUER = "SEEC Platform"

# Sessions: an idle limit (renewed while in use) and an absolute limit since sign-in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = (
    int(os.environ.get("SEEC_SESSION_IDLE_MINUTES", "15" if PRODUCTION else "120")) * 60
)
# Renewed at most once a minute (seec/core/sessions.py), not saved by every page view.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SEEC_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SEEC_SESSION_ABSOLUTE_HOURS", "10")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# API tokens expire; a new one is asked for with the password (and second factor).
SEEC_API_TOKEN_HOURS = int(os.environ.get("SEEC_API_TOKEN_HOURS", "8"))

# --- Security headers --------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "seec.core.views.errors.csrf_failure"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Languages ---------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("el", "Ελληνικά"),
    ("sr", "Српски"),
    ("sr-latn", "Srpski (latinica)"),
    ("uk", "Українська"),
    ("tr", "Türkçe"),
    ("ro", "Română"),
    ("bg", "Български"),
    ("sq", "Shqip"),
    ("mk", "Македонски"),
    ("hr", "Hrvatski"),
    ("bs", "Bosanski"),
    ("sl", "Slovenščina"),
]
# The languages whose translation is complete; the others fall back to English where missing.
SEEC_COMPLETE_LANGUAGES = ["en", "el", "uk"]
LOCALE_PATHS = [BASE_DIR / "seec" / "locale"]
FORMAT_MODULE_PATH = ["seec.formats"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Athens")
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION

# --- Files at rest ------------------------------------------------------------------------------

# Photos and documents of cases are stored encrypted (AES-256-GCM) with this key: 32 random bytes,
# base64 (python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())").
SEEC_FILE_KEY = os.environ.get("SEEC_FILE_KEY", "")
if PRODUCTION and not SEEC_FILE_KEY:
    raise ImproperlyConfigured("Production mode needs SEEC_FILE_KEY to encrypt case files.")
if not SEEC_FILE_KEY:
    key_path = VAR_DIR / "file_key"
    if not key_path.exists():
        import base64

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        key_path.chmod(0o600)
    SEEC_FILE_KEY = key_path.read_text().strip()

# --- Child alerts ------------------------------------------------------------------------------
# Where the public reaches the platform: the links in CAP messages, the feed and e-mails.
SEEC_PUBLIC_URL = os.environ.get("SEEC_PUBLIC_URL", "http://127.0.0.1:8000")
# CAP <sender> and the prefix of every CAP identifier: unique to this installation.
SEEC_CAP_SENDER = os.environ.get("SEEC_CAP_SENDER", "alerts@seec.example")
SEEC_CAP_ID_PREFIX = os.environ.get("SEEC_CAP_ID_PREFIX", "SEEC")
# The key that signs CAP messages and its certificate (made on first use if absent).
SEEC_CAP_KEY_DIR = Path(os.environ.get("SEEC_CAP_KEY_DIR", VAR_DIR / "cap"))
# The HTTP gateways that carry alerts to subscribers; `make run` serves local fakes there.
SEEC_GATEWAYS = {
    "email": os.environ.get("SEEC_EMAIL_GATEWAY_URL", "http://127.0.0.1:8025"),
    "sms": os.environ.get("SEEC_SMS_GATEWAY_URL", "http://127.0.0.1:8025"),
}
SEEC_SMS_SENDER = os.environ.get("SEEC_SMS_SENDER", "116000")
# Sending threads per delivery worker: one batch's database writes overlap another's request.
SEEC_DELIVERY_THREADS = int(os.environ.get("SEEC_DELIVERY_THREADS", "2"))
# Webhook hosts allowed over plain http and on private addresses: the local fakes only.
SEEC_WEBHOOK_ALLOWED_HOSTS = [
    host for host in os.environ.get("SEEC_WEBHOOK_ALLOWED_HOSTS", "" if PRODUCTION else
                                    "127.0.0.1").split(",") if host
]  # fmt: skip

# Record linkage runs on DuckDB in the process (one machine), or on Apache Spark for regional
# or Europe-wide runs (docs/operations.md): "local[2]" runs Spark in the process, a cluster's
# master URL ("spark://host:7077", "yarn") spreads a run over its executors.
SEEC_LINKAGE_BACKEND = os.environ.get("SEEC_LINKAGE_BACKEND", "duckdb")
if SEEC_LINKAGE_BACKEND not in {"duckdb", "spark"}:
    raise ImproperlyConfigured(
        f"SEEC_LINKAGE_BACKEND must be duckdb or spark, not {SEEC_LINKAGE_BACKEND!r}"
    )
SEEC_SPARK_MASTER = os.environ.get("SEEC_SPARK_MASTER", "local[2]")
SEEC_SPARK_DRIVER_MEMORY = os.environ.get("SEEC_SPARK_DRIVER_MEMORY", "2g")
# Few partitions suit one machine; a cluster wants a few per executor core.
SEEC_SPARK_SHUFFLE_PARTITIONS = int(os.environ.get("SEEC_SPARK_SHUFFLE_PARTITIONS", "4"))

SEEC_MAX_PHOTO_BYTES = int(os.environ.get("SEEC_MAX_PHOTO_MB", "15")) * 1024 * 1024
SEEC_MAX_DOCUMENT_BYTES = int(os.environ.get("SEEC_MAX_DOCUMENT_MB", "20")) * 1024 * 1024
# A partner's privacy-preserving encodings file (about 800 bytes a record): 64 MB is some
# 83 000 records.
SEEC_MAX_PPRL_FILE_BYTES = int(os.environ.get("SEEC_MAX_PPRL_FILE_MB", "64")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Partners' lists uploaded for linkage: the longest a list may be kept (days), whatever the
# uploader chooses; `manage.py purge_partner_lists` deletes each list when its time is up.
SEEC_LINKAGE_UPLOAD_MAX_RETENTION_DAYS = int(
    os.environ.get("SEEC_LINKAGE_UPLOAD_MAX_RETENTION_DAYS", "365")
)
# A file held between the upload's steps (encrypted, never stored with the list) is deleted
# this long after it was uploaded, if the upload was left unfinished.
SEEC_LINKAGE_UPLOAD_HOLD_HOURS = int(os.environ.get("SEEC_LINKAGE_UPLOAD_HOLD_HOURS", "12"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Static files ------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
if not PRODUCTION:
    # Without collectstatic: WhiteNoise serves the assets straight from the apps.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SEEC Platform <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks --------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Tasks on Redis (issue 17): TASK_BACKEND=django_tasks_rq.RQBackend and TASK_REDIS_URL; workers
# are `manage.py rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job`, as
# many as needed on as many machines (docs/operations.md, "Workers").
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("TASK_REDIS_URL", "redis://127.0.0.1:6379/0")}}

# --- Cache (rate limits) -----------------------------------------------------------------------

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST API ----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "seec.core.authentication.ExpiringTokenAuthentication",
        "seec.core.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "seec.core.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "sign-in": os.environ.get("SEEC_RATE_SIGN_IN", "10/min"),
        "search": os.environ.get("SEEC_RATE_SEARCH", "120/min"),
        "export": os.environ.get("SEEC_RATE_EXPORT", "20/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SEEC Platform API",
    "DESCRIPTION": (
        "The REST API of the SEEC Platform. Authenticate with a session, or with a token from "
        "POST /api/auth/token/ sent as `Authorization: Token <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set shared by several fields.
    "ENUM_NAME_OVERRIDES": {
        "RiskLevelEnum": "seec.cases.models.RiskLevel",
        "CaseStatusEnum": "seec.cases.models.Status",
        "AlertStatusEnum": "seec.alerts.models.AlertStatus",
        "CapStatusEnum": "seec.alerts.models.CapStatus",
        "OutcomeEnum": "seec.cases.models.Outcome",
        "FoundOutcomeEnum": ["found_safe", "found_harmed", "found_deceased"],
        "OrganisationKindEnum": "seec.core.models.OrganisationKind",
        "FileKindEnum": "seec.cases.models.FileKind",
        "CategoryEnum": "seec.cases.models.Category",
        "LinkageRunKindEnum": "seec.linkage.models.RunKind",
        "LinkageRunStatusEnum": "seec.linkage.models.RunStatus",
        "PairStatusEnum": "seec.linkage.models.PairStatus",
    },
}

# --- Logging -----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A fan-out makes thousands of gateway requests, a linkage run hundreds of training steps:
    # their lines would drown everything else.
    "loggers": {
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "splink": {"level": "WARNING"},
        "py4j": {"level": "WARNING"},  # the Python side of Spark's bridge, chatty at INFO
    },
}

# --- Audit trail (issue 16/17) ----------------------------------------------------------------
# Where `manage.py anchor_audit` (daily) appends the chain head, signed: keep it on another disk
# or machine than the database (docs/operations.md, "The audit trail").
SEEC_AUDIT_ANCHOR_FILE = os.environ.get(
    "SEEC_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.log")
)

SEEC_DEMO_CASES = int(os.environ.get("SEEC_DEMO_CASES", "2000"))
SEEC_DEMO_PASSWORD = "seec-demo"  # noqa: S105 — the published password of the demo users only
SEEC_SITE_NAME = _("SEEC Platform")

# --- Protection (child victims of trafficking; seec/protection) --------------------------------

# The key of the identifiers' keyed hashes (HMAC-SHA256). Installations that compare identifiers
# with each other share it (handed over out of band); changing it makes every stored hash
# unmatched. Development falls back to a key derived from SECRET_KEY.
SEEC_PROTECTION_IDENTIFIER_KEY = os.environ.get("SEEC_PROTECTION_IDENTIFIER_KEY") or (
    "" if PRODUCTION else f"dev-identifiers-{SECRET_KEY}"
)
# Repatriation agreements shown when a plan is made, until the network app keeps them
# (seec/protection/agreements.py).
SEEC_PROTECTION_REPATRIATION_AGREEMENTS = [
    {
        "title": "Agreement between Greece and Albania on the protection and assistance of "
        "child victims of trafficking (Tirana, 2006)",
        "countries": ["GR", "AL"],
        "valid_from": "",
        "source": "Signed 27 February 2006; ratified in Greece by Law 3692/2008.",
    },
]
