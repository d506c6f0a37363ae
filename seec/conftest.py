"""Fixtures shared by every app's tests."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from seec.core.models import OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in the thread (the test client's requests run in
    # it): one test's Albanian API call must not make the next test's messages Albanian.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # Rate limits live in the cache; one test's sign-ins must not throttle the next test.
    cache.clear()
    yield
    cache.clear()


class Region:
    """Two countries' organisations with a user of every role in the first one."""

    def __init__(self):
        self.gr_hotline = make_organisation("GR", name="116 000 Greece")
        self.gr_police = make_organisation("GR", OrganisationKind.POLICE, name="Hellenic Police")
        self.rs_hotline = make_organisation("RS", name="116 000 Serbia")
        self.seec = make_organisation(None, OrganisationKind.INTERNATIONAL, name="SEEC")
        self.users = {
            role: make_user(self.home_of(role), role, username=f"gr-{role}")
            for role in RoleCode.values
        }
        self.users["no_role"] = make_user(self.gr_hotline, username="gr-no-role")
        self.foreign_manager = make_user(
            self.rs_hotline, RoleCode.CASE_MANAGER, username="rs-case-manager"
        )

    def home_of(self, role):
        if role in (RoleCode.ALERT_AUTHORITY, RoleCode.LIAISON_OFFICER):
            return self.gr_police
        if role in (RoleCode.REGIONAL_COORDINATOR, RoleCode.ANALYST, RoleCode.ADMINISTRATOR):
            return self.seec
        return self.gr_hotline


@pytest.fixture
def region(db):
    return Region()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_url(transactional_db):
    """A live server for one test, stopped (and its connections closed) before the database is
    torn down; pytest-django's session-wide one outlives the test database on PostgreSQL."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


# The demo region as the first test that needed it seeded it, on SQLite's in-memory test
# database: the whole database (a copy in memory) and the files its records name (uploads).
_demo_snapshot = {}


@pytest.fixture
def demo_region(transactional_db, settings, tmp_path_factory):
    """The demo region as `make run` loads it (for browser tests, which sign in as demo users)."""
    import shutil
    import sqlite3
    from importlib import import_module
    from pathlib import Path

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    # Seeding takes 10-20 s (cases, alerts, statistics through the services) and some twenty
    # browser tests need it: on SQLite's in-memory database the first one seeds it and keeps a
    # copy, the others get that copy back (a fraction of a second), the same rows and files a
    # seeding gives. On PostgreSQL every test seeds it.
    copies = connection.vendor == "sqlite" and connection.is_in_memory_db()
    media = Path(settings.MEDIA_ROOT)
    if copies and _demo_snapshot:
        connection.ensure_connection()
        _demo_snapshot["database"].backup(connection.connection)
        # The flush after the last test made the content types again, under other ids.
        ContentType.objects.clear_cache()
        shutil.copytree(_demo_snapshot["media"], media, dirs_exist_ok=True)
        return
    # A transactional test empties every table when it ends, the reference data that the
    # migrations loaded included: put it back for the next one.
    import_module("seec.core.migrations.0002_reference_data").load(apps, None)
    call_command("seed_demo", verbosity=0)
    if copies:
        database = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(database)
        kept = tmp_path_factory.mktemp("demo-media") / "media"
        if media.exists():
            shutil.copytree(media, kept)
        else:
            kept.mkdir()
        _demo_snapshot.update(database=database, media=kept)


@pytest.fixture
def browser_page(live_url, monkeypatch):
    """A page in the system's headless Chromium, driven by Playwright, against a live server."""
    with chromium(monkeypatch) as browser:
        yield new_page(browser, live_url)


@contextmanager
def chromium(monkeypatch):
    """The system's headless Chromium, driven by Playwright (pages: `new_page`)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does, as root)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself stay synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's loop ran got connections of their own context;
            # close them, or PostgreSQL refuses to drop the test database.
            from django.db import connections

            connections.close_all()


def new_page(browser, base_url, **options):
    """A page in a context of its own (its own cookies: one signed-in user); `options` go to
    `new_context` (a phone's viewport, say)."""
    context = browser.new_context(base_url=base_url, **{"locale": "en-GB", **options})
    context.set_default_timeout(15_000)
    return context.new_page()
