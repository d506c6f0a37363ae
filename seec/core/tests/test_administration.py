"""Administrators manage organisations and accounts in the admin pages, audited."""

import pytest
from django.contrib.sessions.models import Session

from seec.core.audit import Action
from seec.core.models import AuditEvent, Organisation, Role, RoleCode, User
from seec.core.tests.factories import PASSWORD


@pytest.fixture
def admin_client(client, region):
    client.force_login(region.users[RoleCode.ADMINISTRATOR])
    return client


def test_administrator_creates_an_account_with_organisation_and_roles(
    admin_client, region, settings
):
    from seec import settings as platform_settings

    settings.PASSWORD_HASHERS = platform_settings.PASSWORD_HASHERS
    role = Role.objects.get(code=RoleCode.CASE_MANAGER)
    response = admin_client.post(
        "/admin/core/user/add/",
        {
            "username": "new.manager",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "organisation": region.gr_hotline.pk,
            "roles": [role.pk],
            "email": "new.manager@example.org",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new.manager")
    assert user.organisation == region.gr_hotline
    assert user.role_codes == {RoleCode.CASE_MANAGER}
    assert user.password.startswith("argon2")
    event = AuditEvent.objects.get(action=Action.ACCOUNT_CREATED, object_id=str(user.pk))
    assert "roles" in event.details["fields"]
    assert "password" not in str(event.details)


def test_administrator_disables_accounts_and_their_sessions_end(admin_client, region, client):
    from django.test import Client

    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    operator_client = Client()
    operator_client.force_login(operator)
    assert operator_client.get("/").status_code == 200

    response = admin_client.post(
        "/admin/core/user/",
        {"action": "disable_accounts", "_selected_action": [operator.pk]},
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert not operator.is_active
    assert operator_client.get("/").status_code == 302
    assert not Session.objects.filter(session_key=operator_client.session.session_key).exists()
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_DISABLED, object_id=str(operator.pk))


def test_administrator_unlocks_a_locked_account(admin_client, region, settings):
    from django.test import Client

    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    stranger = Client(REMOTE_ADDR="192.0.2.200")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        stranger.post("/accounts/login/", {"username": operator.username, "password": "no"})
    # Locked for this account from this address (seec/core/tests/test_lockout.py).
    locked = stranger.post(
        "/accounts/login/",
        {"username": operator.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.200",
    )
    assert locked.status_code == 429

    admin_client.post(
        "/admin/core/user/", {"action": "unlock_sign_in", "_selected_action": [operator.pk]}
    )
    signed_in = stranger.post(
        "/accounts/login/",
        {"username": operator.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.200",
    )
    assert signed_in.status_code == 302


def test_organisation_changes_are_audited_and_a_national_one_needs_a_country(admin_client):
    response = admin_client.post(
        "/admin/core/organisation/add/",
        {"name": "Ministry of Interior", "kind": "ministry", "country": "", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "needs a country" in response.content.decode()
    response = admin_client.post(
        "/admin/core/organisation/add/",
        {"name": "Ministry of Interior", "kind": "ministry", "country": "HR", "is_active": "on"},
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Ministry of Interior")
    assert AuditEvent.objects.filter(action=Action.ORGANISATION_CREATED, object_id=str(org.pk))


def test_audit_events_cannot_be_changed_or_deleted_in_the_admin(admin_client, region):
    from seec.core import audit
    from seec.core.audit import Origin

    event = audit.record(Action.VIEW, origin=Origin(region.users[RoleCode.SUPERVISOR]))
    assert admin_client.get("/admin/core/auditevent/").status_code == 200
    response = admin_client.post(
        f"/admin/core/auditevent/{event.pk}/change/", {"reason": "rewritten"}
    )
    assert response.status_code == 403
    assert admin_client.post(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.reason == ""
