"""The account's credentials: a change needs a fresh proof with the current factor, is audited
and told by e-mail; a new password ends the other sessions and every API token; tokens end
after inactivity and are listed and revoked on the account page."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from seec.core import services
from seec.core.accounts import AccountAction
from seec.core.audit import Action, Origin
from seec.core.models import ApiToken, AuditEvent, RoleCode
from seec.core.tests.factories import PASSWORD
from seec.core.tests.test_sign_in import current_code, sign_in

NEW_PASSWORD = "a fresh long passphrase"
# Every page that changes how the account signs in.
CREDENTIAL_PAGES = ["account", "confirm-identity", "otp-setup", "password_change", "email-change"]


def with_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def verified_client(user, device) -> Client:
    client = Client()
    sign_in(client, user.username)
    client.post(reverse("otp-verify"), {"token": current_code(device), "next": "/"})
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the code may be used again
    return client


def confirm(client, device=None, password=PASSWORD):
    data = {"password": password}
    if device is not None:
        data["token"] = current_code(device)
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return client.post(reverse("confirm-identity"), data)


def test_password_only_session_cannot_remove_the_second_factor(client, region):
    """The probe of issue 16: password, a page under /accounts/ for the CSRF cookie, POST the
    removal. Nothing is removed and nothing opens."""
    admin = region.users[RoleCode.ADMINISTRATOR]
    with_authenticator(admin)
    sign_in(client, admin.username)
    client.get("/accounts/")
    response = client.post(reverse("otp-remove"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp-verify"))
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action=Action.SECOND_FACTOR_REMOVED).exists()
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/me/").status_code in (401, 403)
    token = APIClient().post(
        "/api/auth/token/", {"username": admin.username, "password": PASSWORD}, format="json"
    )
    assert token.status_code == 400 and "otp" in token.json()["errors"]


@pytest.mark.parametrize("name", [*CREDENTIAL_PAGES, "otp-remove"])
def test_no_credential_page_opens_to_a_password_only_session(client, region, name):
    manager = region.users[RoleCode.CASE_MANAGER]
    with_authenticator(manager)
    sign_in(client, manager.username)
    for method in (client.get, client.post):
        response = method(reverse(name), {"password": PASSWORD, "email": "x@example.org"})
        assert response.status_code == 302, (name, method)
        assert response.url.startswith(reverse("otp-verify"))
    assert AuditEvent.objects.filter(actor=manager).exclude(action=Action.SIGN_IN).count() == 0


def test_removing_the_factor_needs_a_fresh_proof_with_it(region):
    manager = region.users[RoleCode.CASE_MANAGER]
    device = with_authenticator(manager)
    client = verified_client(manager, device)
    # Verified at sign-in, but no fresh proof: asked to confirm, nothing removed.
    response = client.post(reverse("otp-remove"))
    assert response.status_code == 302 and response.url.startswith(reverse("confirm-identity"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    # The password alone, or a wrong code, is not a proof.
    page = client.post(reverse("confirm-identity"), {"password": PASSWORD})
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    page = client.post(reverse("confirm-identity"), {"password": PASSWORD, "token": "000000"})
    assert "not valid" in page.content.decode()
    page = confirm(client, device, password="not my password")
    assert "not your password" in page.content.decode()
    assert client.post(reverse("otp-remove")).url.startswith(reverse("confirm-identity"))

    assert confirm(client, device).status_code == 302
    response = client.post(reverse("otp-remove"))
    assert response.status_code == 302 and response.url == reverse("account")
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert AuditEvent.objects.filter(action=AccountAction.IDENTITY_CONFIRMED, actor=manager)
    assert AuditEvent.objects.filter(action=AccountAction.IDENTITY_CONFIRMATION_FAILED)
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_REMOVED, actor=manager)


def test_the_fresh_proof_runs_out(region, settings):
    manager = region.users[RoleCode.CASE_MANAGER]
    device = with_authenticator(manager)
    client = verified_client(manager, device)
    confirm(client, device)
    assert client.get(reverse("email-change")).status_code == 200
    session = client.session
    session["seec_fresh_proof_at"] -= settings.SEEC_FRESH_PROOF_SECONDS + 1
    session.save()
    assert client.get(reverse("email-change")).url.startswith(reverse("confirm-identity"))


@override_settings(SEEC_REQUIRE_SECOND_FACTOR=True)
@pytest.mark.parametrize("role", [RoleCode.ADMINISTRATOR, RoleCode.REGIONAL_COORDINATOR])
def test_production_requires_a_second_factor_of_administrators_and_coordinators(
    client, region, role
):
    sign_in(client, region.users[role].username)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("otp-setup")
    # The password was just typed: enrolment opens without confirming it again.
    assert client.get(reverse("otp-setup")).status_code == 200


@override_settings(SEEC_REQUIRE_SECOND_FACTOR=True)
def test_a_required_factor_cannot_be_removed(region):
    admin = region.users[RoleCode.ADMINISTRATOR]
    device = with_authenticator(admin)
    client = verified_client(admin, device)
    confirm(client, device)
    client.post(reverse("otp-remove"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_password_change_ends_other_sessions_and_every_token(
    region, django_capture_on_commit_callbacks
):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    operator.preferred_language = "el"
    operator.save()
    here, elsewhere = Client(), Client()
    sign_in(here, operator.username)
    sign_in(elsewhere, operator.username, address="192.0.2.99")
    raw, _token = services.issue_api_token(operator, origin=Origin(operator))
    api = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    assert Client().get("/api/me/", **api).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            reverse("password_change"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(NEW_PASSWORD)
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other one has ended
    assert Client().get("/api/me/", **api).status_code == 401
    assert not ApiToken.objects.filter(user=operator).exists()
    assert Session.objects.count() == 1
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGED)
    assert event.details == {"by": "owner", "ended": 2}
    [message] = mail.outbox
    assert message.to == [operator.email]
    assert "Ο κωδικός πρόσβασής σας άλλαξε." in message.subject  # in the owner's Greek
    assert operator.username in message.body


def test_email_change_tells_the_old_and_the_new_address(
    client, region, django_capture_on_commit_callbacks
):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    old = operator.email
    sign_in(client, operator.username)
    page = client.post(reverse("email-change"), {"email": "not an address"})
    assert "valid email" in page.content.decode()
    colleague = region.users[RoleCode.CASE_MANAGER]
    page = client.post(reverse("email-change"), {"email": colleague.email})
    assert "Another account uses this address" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email-change"), {"email": "new@example.org"})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.email == "new@example.org"
    [message] = mail.outbox
    assert sorted(message.to) == sorted(["new@example.org", old])
    event = AuditEvent.objects.get(action=AccountAction.EMAIL_CHANGED)
    assert old not in str(event.details) and "new@example.org" not in str(event.details)


def test_password_reset_ends_sessions_and_tokens_and_tells_the_owner(
    client, region, django_capture_on_commit_callbacks
):
    from seec.core import accounts

    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    sign_in(client, operator.username)
    services.issue_api_token(operator, origin=Origin(operator))
    with django_capture_on_commit_callbacks(execute=True):
        accounts.password_changed(operator, origin=Origin(), by="reset")
    assert client.get("/").status_code == 302
    assert not ApiToken.objects.filter(user=operator).exists()
    assert len(mail.outbox) == 1


def test_tokens_end_after_inactivity(region, settings):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    raw, token = services.issue_api_token(operator, origin=Origin(operator))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/me/").status_code == 200
    idle = timedelta(minutes=settings.SEEC_API_TOKEN_IDLE_MINUTES, seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - idle)
    assert api.get("/api/me/").status_code == 401
    assert not ApiToken.objects.filter(user=operator).valid().exists()


def test_account_page_lists_the_tokens_in_force_and_revokes_one(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    other = region.users[RoleCode.CASE_MANAGER]
    _raw, mine = services.issue_api_token(operator, origin=Origin(operator))
    _raw, theirs = services.issue_api_token(other, origin=Origin(other))
    sign_in(client, operator.username)
    page = client.get(reverse("account")).content.decode()
    assert reverse("api-token-revoke", args=[mine.pk]) in page
    assert reverse("api-token-revoke", args=[theirs.pk]) not in page
    assert client.post(reverse("api-token-revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("api-token-revoke", args=[mine.pk])).status_code == 302
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED, actor=operator).exists()


def test_a_passkey_is_registered_only_after_a_fresh_proof(region):
    manager = region.users[RoleCode.CASE_MANAGER]
    device = with_authenticator(manager)
    # Password only: the ceremony does not even start.
    half = Client()
    sign_in(half, manager.username)
    response = half.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp-verify"))
    # Verified, but no fresh proof: refused with a reason the page shows.
    client = verified_client(manager, device)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403 and response.json()["code"] == "fresh_proof_required"
    confirm(client, device)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 200 and "challenge" in response.json()


def test_a_passkey_is_removed_only_after_a_fresh_proof(region):
    from django_otp_webauthn.models import WebAuthnCredential

    manager = region.users[RoleCode.CASE_MANAGER]
    device = with_authenticator(manager)
    passkey = WebAuthnCredential.objects.create(
        user=manager, name="phone", confirmed=True, credential_id=b"x" * 16, public_key=b"k",
        sign_count=0, aaguid="00000000-0000-0000-0000-000000000000", transports=[],
    )  # fmt: skip
    client = verified_client(manager, device)
    url = reverse("passkey-remove", args=[passkey.pk])
    assert client.post(url).url.startswith(reverse("confirm-identity"))
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    confirm(client, device)
    assert client.post(url).url == reverse("account")
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert AuditEvent.objects.filter(action=AccountAction.PASSKEY_REMOVED, actor=manager)
