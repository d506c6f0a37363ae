"""Sign-in: Argon2, lock-out, second factor, session limits, disabling, password reset."""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from seec.core import services
from seec.core.audit import Action, Origin
from seec.core.models import ApiToken, AuditEvent, RoleCode
from seec.core.signals import SIGNED_IN_AT
from seec.core.tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, username, password=PASSWORD, address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_passwords_are_hashed_with_argon2():
    from seec import settings as platform_settings

    assert platform_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    from seec.core.hashers import OwaspArgon2PasswordHasher as hasher

    # OWASP: Argon2id, m=19 MiB, t=2, p=1.
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19456, 2, 1)
    assert hasher().encode("pw", hasher().salt()).startswith("argon2$argon2id$")


def test_older_hashes_still_sign_in_and_are_upgraded_to_owasps_argon2id(client, region):
    """A password hashed before (PBKDF2, or Django's Argon2 at 100 MiB and 8 lanes) still
    signs in, and is hashed again with OWASP's parameters on the way."""
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        make_password,
    )

    from seec import settings as platform_settings

    analyst = region.users[RoleCode.ANALYST]
    with override_settings(PASSWORD_HASHERS=platform_settings.PASSWORD_HASHERS):
        for older in (PBKDF2PasswordHasher(), Argon2PasswordHasher()):
            analyst.password = make_password(PASSWORD, hasher=older)
            analyst.save(update_fields=["password"])
            assert sign_in(client, analyst.username).status_code == 302
            analyst.refresh_from_db()
            assert analyst.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
            assert analyst.check_password(PASSWORD)
            client.logout()


def test_sign_in_and_failure_are_audited(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    assert sign_in(client, operator.username, "wrong").status_code == 200
    response = sign_in(client, operator.username)
    assert response.status_code == 302
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failed.actor_username == operator.username
    assert failed.ip_address == "192.0.2.10"
    assert "wrong" not in str(failed.details)
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=operator).exists()


def test_wrong_password_shows_a_clear_error(client, region):
    response = sign_in(client, region.users[RoleCode.HOTLINE_OPERATOR].username, "nope")
    assert "correct username and password" in response.content.decode()


def test_enrolled_user_must_pass_the_second_factor(client, region):
    manager = region.users[RoleCode.CASE_MANAGER]
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    sign_in(client, manager.username)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp-verify"))
    # The API does not accept the half-signed-in session either.
    assert client.get("/api/me/").status_code in (401, 403)

    response = client.post(reverse("otp-verify"), {"token": "000000"})
    assert "not valid" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_FAILED).exists()
    # Right away, even the right code waits: wrong guesses are slowed down.
    response = client.post(reverse("otp-verify"), {"token": current_code(device)})
    assert "Wait a little" in response.content.decode()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(reverse("otp-verify"), {"token": current_code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/me/").status_code == 200


@override_settings(SEEC_REQUIRE_SECOND_FACTOR=True)
def test_production_requires_enrolment_for_personal_data_roles(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    sign_in(client, operator.username)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("otp-setup")

    page = client.get(reverse("otp-setup"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    response = client.post(reverse("otp-setup"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ENROLLED, actor=operator).exists()


@override_settings(SEEC_REQUIRE_SECOND_FACTOR=True)
def test_analyst_is_not_forced_to_enrol(client, region):
    sign_in(client, region.users[RoleCode.ANALYST].username)
    assert client.get("/").status_code == 200


def test_session_ends_after_the_absolute_limit(client, region):
    sign_in(client, region.users[RoleCode.HOTLINE_OPERATOR].username)
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SEEC_SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.SESSION_EXPIRED).exists()


def test_disabling_an_account_ends_its_sessions_and_tokens_at_once(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    sign_in(client, operator.username)
    raw, _token = services.issue_api_token(operator, origin=Origin(operator))
    api_headers = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    assert client.get("/api/me/", **api_headers).status_code == 200
    assert Session.objects.count() == 1

    services.disable_account(
        operator, origin=Origin(region.users[RoleCode.ADMINISTRATOR]), reason="Left the NGO"
    )
    assert Session.objects.count() == 0
    assert not ApiToken.objects.filter(user=operator).exists()
    assert client.get("/").status_code == 302
    assert Client().get("/api/me/", **api_headers).status_code == 401
    event = AuditEvent.objects.get(action=Action.ACCOUNT_DISABLED)
    assert event.reason == "Left the NGO"


def test_disabling_in_the_admin_form_also_ends_sessions(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    sign_in(client, operator.username)
    operator.is_active = False
    operator.save()
    assert Session.objects.count() == 0


def test_password_reset_sends_a_link_through_the_task_queue(
    client, region, django_capture_on_commit_callbacks
):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": operator.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password("a new long passphrase")
    assert AuditEvent.objects.filter(action=Action.PASSWORD_RESET_REQUESTED).exists()
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, object_id=str(operator.pk))


def test_password_reset_page_does_not_reveal_unknown_addresses(client, region):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_forged_csrf_token_is_refused_with_a_clear_page(region):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "reload the page" in response.content.decode()
