"""Settings for the test suite: the development settings with what tests need changed."""

import os

os.environ.setdefault("SEEC_ENV", "test")
os.environ.setdefault("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from seec.settings import *  # noqa: F403
from seec.settings import PASSWORD_HASHERS

# Argon2 stays the platform's hasher (test_password_hashing proves it); a cheap hasher first
# keeps the hundreds of users that the authorisation matrix signs in from dominating the run.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
SEEC_DEMO_CASES = 40  # enough for the pages to show something, quick to build
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
# A test-only organisation-owned record type (see seec/core/tests/dossiers/apps.py).
INSTALLED_APPS = [*INSTALLED_APPS, "seec.core.tests.dossiers"]  # noqa: F405
# Persistent connections would outlive the live server's threads and block dropping the test
# database on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Nor a pool: its idle connections would too.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
SEEC_DELIVERY_THREADS = 1  # in-process tests: other threads would not see the test transaction
# The contact centre's channel layer on Redis, as in production (CI starts Redis; .ci/run).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [os.environ.get("SEEC_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")],
            # Pub/sub names are server-wide (not per database): a prefix of the test run's own.
            "prefix": f"seec-test-{os.getpid()}",
        },
    }
}

# No anchor file shared between test runs: the tests that anchor give their own.
SEEC_AUDIT_ANCHOR_FILE = ""
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The audit tables refuse TRUNCATE unless a session says so: the suite's flush between
    # transactional tests does (see core migration 0006).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c seec.audit_truncate=allowed"  # noqa: F405
