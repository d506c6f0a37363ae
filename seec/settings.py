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
from django.conf.locale import LANG_INFO
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
    from seec.secret_key import weakness

    if reason := weakness(SECRET_KEY):
        raise ImproperlyConfigured(
            f"Production mode needs a real SECRET_KEY ({reason}): at least 50 random characters "
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
    "django_otp_webauthn",  # passkeys beside TOTP (seec/core/passkeys.py)
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
    "seec.exchange",
    "channels",
    "seec.contactcentre",
    "seec.network",
    "seec.protection",
    "seec.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The node-to-node inboxes, signed instead of signed in: answered here, without the
    # sessions, users, tokens and languages below (seec/exchange/middleware.py).
    "seec.exchange.middleware.NodeInboxMiddleware",
    # An anonymous reader's copy of a kept public page, before the session and the rest (and
    # before WhiteNoise, synchronous only: under uvicorn a copy is served in the event loop).
    "seec.core.public_cache.PublicPageCacheMiddleware",
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
    "seec.core.middleware.UserTimeZoneMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "SEEC_DATABASE_POOL", True
):
    # Under the ASGI server each request's synchronous work runs in a thread of its own: a
    # persistent connection per thread would pile up until PostgreSQL refuses more clients.
    # A pool shared by the process's threads instead (Django's psycopg pool).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("SEEC_DATABASE_POOL_SIZE", "10")),
        "timeout": 20,
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
    "seec.core.hashers.OwaspArgon2PasswordHasher",  # Argon2id, OWASP's m=19 MiB, t=2, p=1
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

# Lock-out of an account from one address (both together: one person's typos lock neither
# the whole office behind a proxy nor, from elsewhere, the account's owner), for a time that
# doubles with each further round of failures in a day (seec/core/lockout.py).
AXES_FAILURE_LIMIT = int(os.environ.get("SEEC_LOGIN_FAILURE_LIMIT", "5"))
SEEC_LOCKOUT_BASE = timedelta(minutes=int(os.environ.get("SEEC_LOCKOUT_MINUTES", "5")))
SEEC_LOCKOUT_LONGEST = timedelta(minutes=int(os.environ.get("SEEC_LOCKOUT_MAX_MINUTES", "1440")))
AXES_COOLOFF_TIME = "seec.core.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the failures of the day, which the delay grows with
# Each attempt expires by the delay of its own account and address, not the last request's.
AXES_USE_ATTEMPT_EXPIRATION = True
# Retrying while locked neither counts nor prolongs the lock: the message's time holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "seec.core.views.accounts.locked_out"
AXES_VERBOSE = False
# The reverse proxies in front (addresses or networks, comma-separated), whose X-Forwarded-For
# is believed: seec/core/client_address.py, docs/operations.md (nginx).
SEEC_TRUSTED_PROXIES = env_list("SEEC_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "seec.core.client_address.client_address"

# Two-factor sign-in (TOTP): required in production for roles that see a child's personal data.
SEEC_REQUIRE_SECOND_FACTOR = env_bool("SEEC_REQUIRE_SECOND_FACTOR", PRODUCTION)
OTP_TOTP_ISSUER = "SEEC Platform"
# Passkeys (WebAuthn) as the second factor beside TOTP, never instead of the password. The
# relying party is the host the platform is reached under (ALLOWED_HOSTS), the origin its own.
OTP_WEBAUTHN_RP_NAME = "SEEC Platform"
OTP_WEBAUTHN_RP_ID_CALLABLE = "seec.core.passkeys.relying_party_id"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "SEEC_WEBAUTHN_ORIGINS",
    [f"https://{host}" for host in ALLOWED_HOSTS]
    if PRODUCTION
    else [os.environ.get("SEEC_PUBLIC_URL", "http://127.0.0.1:8000")],
)
if not PRODUCTION:
    # Browsers allow passkeys on http://localhost and 127.0.0.1, which the package's check
    # refuses; production's origins are https (from ALLOWED_HOSTS).
    SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E031"]
OTP_WEBAUTHN_HELPER_CLASS = "seec.core.passkeys.Helper"

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
# ... and end sooner when unused this long (a token left in a forgotten script or laptop).
SEEC_API_TOKEN_IDLE_MINUTES = int(os.environ.get("SEEC_API_TOKEN_IDLE_MINUTES", "60"))
# A change of password, e-mail or second factor asks again for the password and the current
# factor ("Confirm it's you"); the proof holds this long, for the next change or two.
SEEC_FRESH_PROOF_SECONDS = int(os.environ.get("SEEC_FRESH_PROOF_MINUTES", "5")) * 60

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
# Every official language of the 14 countries, in its own name (seec/core/languages.py maps
# these interface codes to the BCP 47 tags of alerts: "sr" is sr-Cyrl, "sr-latn" sr-Latn).
LANGUAGES = [
    ("en", "English"),
    ("sq", "Shqip"),
    ("bs", "Bosanski"),
    ("bg", "Български"),
    ("hr", "Hrvatski"),
    ("el", "Ελληνικά"),
    ("mk", "Македонски"),
    ("cnr", "Crnogorski"),
    ("ro", "Română"),
    ("sr", "Српски"),
    ("sr-latn", "Srpski (latinica)"),
    ("sl", "Slovenščina"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
]
# Montenegrin (ISO 639-3 cnr) is not among Django's languages: its facts are added here, its
# formats are in seec/formats/cnr/, its catalogue in seec/locale/cnr/, and where that has no
# translation (Django's own messages among them) it falls back to Serbian in Latin script
# before English (seec/core/montenegrin.py).
LANG_INFO.setdefault(
    "cnr",
    {"bidi": False, "code": "cnr", "name": "Montenegrin", "name_local": "Crnogorski"},
)
# The languages whose translation is complete; the others fall back to English where missing.
SEEC_COMPLETE_LANGUAGES = [
    "en", "sq", "bs", "bg", "hr", "el", "mk", "cnr", "ro", "sr", "sr-latn", "sl", "tr", "uk"
]  # fmt: skip
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
# A worker's hold on a batch, renewed by its heartbeat: a dead worker's batch is taken over by
# another within this (plus the other's half-second look).
SEEC_DELIVERY_LEASE_SECONDS = int(os.environ.get("SEEC_DELIVERY_LEASE_SECONDS", "5"))
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
# DuckDB's memory for one linkage run (its own units: "4GB", "800MB"); past it the run spills to
# a directory under VAR_DIR/tmp, removed with the run, rather than grow.
SEEC_LINKAGE_DUCKDB_MEMORY = os.environ.get("SEEC_LINKAGE_DUCKDB_MEMORY", "4GB")
SEEC_SPARK_MASTER = os.environ.get("SEEC_SPARK_MASTER", "local[2]")
SEEC_SPARK_DRIVER_MEMORY = os.environ.get("SEEC_SPARK_DRIVER_MEMORY", "2g")
# Few partitions suit one machine; a cluster wants a few per executor core.
SEEC_SPARK_SHUFFLE_PARTITIONS = int(os.environ.get("SEEC_SPARK_SHUFFLE_PARTITIONS", "4"))
# Where a Spark run writes its intermediate tables (removed with the run): empty for
# VAR_DIR/tmp (local mode); on a cluster a URL every executor reaches (hdfs://…, s3a://…).
SEEC_SPARK_SCRATCH_DIR = os.environ.get("SEEC_SPARK_SCRATCH_DIR", "")

SEEC_MAX_PHOTO_BYTES = int(os.environ.get("SEEC_MAX_PHOTO_MB", "15")) * 1024 * 1024
SEEC_MAX_DOCUMENT_BYTES = int(os.environ.get("SEEC_MAX_DOCUMENT_MB", "20")) * 1024 * 1024
# The regional network: how many days before an agreement lapses its coordinators are reminded.
SEEC_AGREEMENT_REMINDER_DAYS = [
    int(days) for days in os.environ.get("SEEC_AGREEMENT_REMINDER_DAYS", "90,30,7").split(",")
]
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
# A photo's pixels, read from its header before any decoding: a small file that would expand
# to gigapixels (a decompression bomb) is refused. 40 MP is more than any phone's camera.
SEEC_MAX_PHOTO_PIXELS = int(os.environ.get("SEEC_MAX_PHOTO_MEGAPIXELS", "40")) * 1_000_000
# Optional virus scan of uploads by a ClamAV daemon (seec/core/virus_scan.py): a Unix socket,
# or a host and port. Off when neither is set; when on, a file that cannot be scanned is refused.
SEEC_CLAMD_SOCKET = os.environ.get("SEEC_CLAMD_SOCKET", "")
SEEC_CLAMD_HOST = os.environ.get("SEEC_CLAMD_HOST", "")
SEEC_CLAMD_PORT = int(os.environ.get("SEEC_CLAMD_PORT", "3310"))
SEEC_CLAMD_TIMEOUT = float(os.environ.get("SEEC_CLAMD_TIMEOUT", "30"))

# --- Exchange between installations (seec/exchange, docs/exchange.md) ---------------------------
# This node's identifier (unique in the network: it prefixes every distribution id), its name
# and the address its peers reach it at.
SEEC_NODE_ID = os.environ.get("SEEC_NODE_ID", "seec-local")
SEEC_NODE_NAME = os.environ.get("SEEC_NODE_NAME", "SEEC Platform")
SEEC_NODE_URL = os.environ.get("SEEC_NODE_URL", SEEC_PUBLIC_URL)
# The countries whose organisations this node hosts (comma-separated ISO codes; INT for the
# international bodies); empty: every organisation in its database.
SEEC_NODE_COUNTRIES = env_list("SEEC_NODE_COUNTRIES", [])
# How long a message may wait for delivery before it expires into the dead letters.
SEEC_EXCHANGE_MESSAGE_HOURS = int(os.environ.get("SEEC_EXCHANGE_MESSAGE_HOURS", "72"))
# Retries: the first after RETRY_BASE seconds, doubling up to RETRY_MAX (with jitter).
SEEC_EXCHANGE_RETRY_BASE_SECONDS = float(os.environ.get("SEEC_EXCHANGE_RETRY_BASE_SECONDS", "2"))
SEEC_EXCHANGE_RETRY_MAX_SECONDS = float(os.environ.get("SEEC_EXCHANGE_RETRY_MAX_SECONDS", "120"))
# A worker's hold on the messages it is delivering; a killed worker's messages wait this long.
SEEC_EXCHANGE_LEASE_SECONDS = int(os.environ.get("SEEC_EXCHANGE_LEASE_SECONDS", "60"))
# On PostgreSQL, the statements run for every message sent are prepared once a connection
# (seec/exchange/statements.py); off behind a pooler that cannot keep a prepared statement
# from one transaction to the next (PgBouncer in transaction mode before 1.21).
SEEC_EXCHANGE_PREPARED_STATEMENTS = env_bool("SEEC_EXCHANGE_PREPARED_STATEMENTS", True)
# A signed request older (or newer) than this is refused; the same window bounds replays.
SEEC_EXCHANGE_CLOCK_SKEW_SECONDS = int(os.environ.get("SEEC_EXCHANGE_CLOCK_SKEW_SECONDS", "300"))
# The largest message body the inbox reads (private matching's encodings are the largest).
SEEC_EXCHANGE_MAX_BODY_BYTES = int(
    os.environ.get(
        "SEEC_EXCHANGE_MAX_BODY_BYTES",
        int(os.environ.get("SEEC_EXCHANGE_MAX_BODY_MB", "16")) * 1024 * 1024,
    )
)
# The domain of this node's PFIF record ids (`domain/case-number`), and the largest PFIF file read.
SEEC_PFIF_DOMAIN = os.environ.get("SEEC_PFIF_DOMAIN", f"{SEEC_NODE_ID}.seec.example").lower()
SEEC_PFIF_MAX_BYTES = int(os.environ.get("SEEC_PFIF_MAX_MB", "20")) * 1024 * 1024
# Peers reached over plain http (closed networks, the demo nodes); production wants https.
SEEC_EXCHANGE_ALLOW_HTTP = env_bool("SEEC_EXCHANGE_ALLOW_HTTP", not PRODUCTION)

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
            "BACKEND": "seec.core.cache.RedisCache",  # one client per pool: seec/core/cache.py
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
        "CooperationKindEnum": "seec.exchange.models.CooperationKind",
        "SourceReliabilityEnum": "seec.exchange.models.SourceReliability",
        "InformationAccuracyEnum": "seec.exchange.models.InformationAccuracy",
        "LinkageRunStatusEnum": "seec.linkage.models.RunStatus",
        "PairStatusEnum": "seec.linkage.models.PairStatus",
        "RepatriationStepKindEnum": "seec.protection.models.StepKind",
        "RepatriationStepStatusEnum": "seec.protection.models.StepStatus",
        "PaymentIdentifierKindEnum": "seec.protection.models.IdentifierKind",
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
        "pikepdf": {"level": "WARNING"},  # announces its logging bridge at INFO on import
    },
}

# --- Contact centre ----------------------------------------------------------------------------
# WebSockets (chat, screen pop, the live queue) pass through a channel layer: in one process
# (`make run`) an in-memory one; with several processes or a PBX connector beside the server, Redis
# (SEEC_CHANNEL_LAYER_URL=redis://127.0.0.1:6379/0), where pub/sub names start with the prefix.
SEEC_CHANNEL_LAYER_URL = os.environ.get("SEEC_CHANNEL_LAYER_URL", "")
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [SEEC_CHANNEL_LAYER_URL],
                "prefix": os.environ.get("SEEC_CHANNEL_LAYER_PREFIX", "seec"),
            },
        }
        if SEEC_CHANNEL_LAYER_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
# A chat or SMS message: at most this many characters; a client sending faster than these
# limits is refused (per connection, and per address across connections).
SEEC_CHAT_MAX_MESSAGE_CHARS = int(os.environ.get("SEEC_CHAT_MAX_MESSAGE_CHARS", "2000"))
SEEC_CHAT_MESSAGES_PER_10_SECONDS = int(os.environ.get("SEEC_CHAT_MESSAGES_PER_10_SECONDS", "8"))
SEEC_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS = int(
    os.environ.get("SEEC_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS", "120")
)
# Web chats a visitor's address may open per hour.
SEEC_CHAT_STARTS_PER_HOUR = int(os.environ.get("SEEC_CHAT_STARTS_PER_HOUR", "10"))

# --- The public site (seec/portal, docs/portal.md) ---------------------------------------------
# How long the public pages everyone sees alike (live alerts, an alert's page, the feed) are
# kept in the cache (seec/core/public_cache.py); 0 turns the cache off. A change reaches
# every web process at once only through a shared cache (CACHE_URL): without one, 2 seconds.
SEEC_PUBLIC_PAGE_CACHE_SECONDS = int(
    os.environ.get("SEEC_PUBLIC_PAGE_CACHE_SECONDS", "300" if os.environ.get("CACHE_URL") else "2")
)
# How long a web process serves its own copies of those pages from memory before it reads the
# shared cache's generation again: another process drops a changed page at most this late.
SEEC_PUBLIC_PAGE_LOCAL_SECONDS = float(os.environ.get("SEEC_PUBLIC_PAGE_LOCAL_SECONDS", "0.1"))
# Reports (sightings, suspicions) one address may send per hour.
SEEC_PORTAL_REPORTS_PER_HOUR = int(os.environ.get("SEEC_PORTAL_REPORTS_PER_HOUR", "5"))
# The report form's proof of work: leading zero bits of SHA-256 (16: about 65,000 hashes, a
# second or two on a phone), and how long a challenge stays good.
SEEC_PORTAL_POW_BITS = int(os.environ.get("SEEC_PORTAL_POW_BITS", "16"))
SEEC_PORTAL_POW_SECONDS = int(os.environ.get("SEEC_PORTAL_POW_SECONDS", "3600"))
# The largest photo the public may send with a report.
SEEC_PORTAL_MAX_PHOTO_BYTES = int(os.environ.get("SEEC_PORTAL_MAX_PHOTO_MB", "8")) * 1024 * 1024
# A signed PBX or SMS event older than this (or from the future) is refused: no replays.
SEEC_PBX_SIGNATURE_MAX_AGE_SECONDS = int(os.environ.get("SEEC_PBX_SIGNATURE_MAX_AGE", "300"))
# Transcripts of chats and SMS without a case are kept this long after the conversation ended;
# those of a case until the case has been closed this long (`manage.py purge_transcripts`).
SEEC_TRANSCRIPT_RETENTION_DAYS = int(os.environ.get("SEEC_TRANSCRIPT_RETENTION_DAYS", "365"))
# The centre's targets (minutes): a new disappearance passed to police, a follow-up call made.
SEEC_POLICE_NOTIFIED_WITHIN_MINUTES = int(os.environ.get("SEEC_POLICE_WITHIN_MINUTES", "60"))

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
