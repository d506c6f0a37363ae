"""In headless Chromium against gunicorn in production mode (SEEC_ENV=production): a stolen
password does not remove an administrator's second factor, or open anything.

The probe of issue 16, as the tester ran it: sign in with the password, open a page under
/accounts/ for the CSRF token, POST /accounts/two-factor/remove/, then try the pages, the API
and a token. The server is the production one, with production settings (secure cookies,
second factor required of administrators), on its own SQLite database.
"""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from seec.conftest import CHROMIUM, CHROMIUM_ARGS
from seec.core.tests.test_production_mode import PRODUCTION, ROOT, manage

pytestmark = pytest.mark.browser

PASSWORD = "a long and secret passphrase"
TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, as django-otp stores it
MAKE_ADMIN = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
from seec.core.models import Organisation, Role, User
org = Organisation.objects.create(name="SEEC", kind="international")
admin = User.objects.create_user("admin.prod", password={PASSWORD!r}, organisation=org)
admin.roles.set(Role.objects.filter(code="administrator"))
TOTPDevice.objects.create(user=admin, name="phone", confirmed=True, key={TOTP_KEY!r})
"""
GUNICORN = [sys.executable, "-m", "gunicorn", "seec.wsgi"]
DEVICES_LEFT = (
    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
    "print(TOTPDevice.objects.filter(user__username='admin.prod', confirmed=True).count())"
)


def free_port() -> int:
    # The ports of this project's test servers (docs/operations.md leaves 8120-8129 to them).
    for port in range(8120, 8130):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no free port in 8120-8129")


@pytest.fixture
def production_server(tmp_path):
    env_overrides = {**PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false"}
    steps = [("migrate", "--noinput"), ("collectstatic", "--noinput")]
    for step in [*steps, ("shell", "--no-imports", "-c", MAKE_ADMIN)]:
        result = manage(*step, env_overrides=env_overrides, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="seec.settings",
        SEEC_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env_overrides,
    )
    server = subprocess.Popen(
        # Threads, as in production: a browser holds idle connections open.
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.3)
        yield url, env_overrides, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_password_alone_does_not_remove_the_administrators_second_factor(production_server):
    from playwright.sync_api import sync_playwright

    url, env_overrides, tmp_path = production_server
    server_env = {"env_overrides": env_overrides, "tmp_path": tmp_path}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(base_url=url, locale="en-GB").new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.locator("#id_username").fill("admin.prod")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("button[type=submit].primary").click()
        page.wait_for_url("**/accounts/verify/**")
        assert page.context.cookies()[0]["name"].startswith("__Host-")

        # Every page under /accounts/ that changes the account sends back to the code.
        for path in ("/accounts/", "/accounts/two-factor/", "/accounts/password/change/"):
            page.goto(path)
            assert "/accounts/verify/" in page.url, path

        # The tester's POST, with the CSRF token of the page the session can open.
        status = page.evaluate(
            """async () => {
                const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
                const response = await fetch("/accounts/two-factor/remove/", {
                    method: "POST",
                    headers: {"X-CSRFToken": token},
                    redirect: "manual",
                });
                return response.status;
            }"""
        )
        assert status in (0, 302)  # a redirect (opaque to fetch), never the removal
        result = manage("shell", "--no-imports", "-c", DEVICES_LEFT, **server_env)
        assert result.stdout.strip() == "1", result.stderr

        for path in ("/admin/", "/cases/", "/accounts/two-factor/"):
            page.goto(path)
            assert "/accounts/verify/" in page.url, path
        api = page.request.get("/api/me/")
        assert api.status in (401, 403)
        token = page.request.post(
            "/api/auth/token/", data={"username": "admin.prod", "password": PASSWORD}
        )
        assert token.status == 400 and "otp" in token.json()["errors"]
        browser.close()
