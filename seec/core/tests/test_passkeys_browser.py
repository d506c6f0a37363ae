"""Passkeys beside the authenticator app, in headless Chromium with its virtual authenticator
(the DevTools WebAuthn domain: a real FIDO2 ceremony, signed by a software key): added after
"Confirm it's you", audited, then used as the second sign-in step."""

import pytest
from django.conf import settings

from seec.core.accounts import AccountAction
from seec.core.audit import Action
from seec.core.models import AuditEvent, RoleCode
from seec.core.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db):
    """Countries back in place: an earlier transactional test emptied every table."""
    from importlib import import_module

    from django.apps import apps

    from seec.core.models import Country

    if not Country.objects.exists():
        import_module("seec.core.migrations.0002_reference_data").load(apps, None)


def test_a_passkey_is_added_and_then_proves_the_second_step(
    reference_data, region, browser_page, live_url
):
    from django_otp_webauthn.models import WebAuthnCredential

    page = browser_page
    # A passkey's relying party is a domain name, never an IP address.
    base = live_url.replace("127.0.0.1", "localhost")
    assert "localhost" in settings.ALLOWED_HOSTS
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    manager = region.users[RoleCode.CASE_MANAGER]
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(manager.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit].primary").click()
    page.wait_for_url(f"{base}/")

    # Signed in with the password just now, and no factor yet: the proof is fresh.
    page.goto(f"{base}/accounts/")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_function(
        "document.getElementById('passkey-register-status-message')"
        "?.getAttribute('data-status-enum') === 'success'"
    )
    assert WebAuthnCredential.objects.filter(user=manager, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action=AccountAction.PASSKEY_ADDED, actor=manager).exists()

    # Next sign-in: the password, then the passkey.
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(manager.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit].primary").click()
    page.wait_for_url("**/accounts/verify/**")
    assert page.goto(f"{base}/cases/").url.startswith(f"{base}/accounts/verify/")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/accounts/verify/" not in url)
    assert page.goto(f"{base}/cases/").status == 200
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_VERIFIED, actor=manager).exists()
