"""Lock-out per account and address together, with growing delays; the client's address read
behind trusted proxies only; a clear message; administrators unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from seec.core import services
from seec.core.audit import Action, Origin
from seec.core.client_address import client_address
from seec.core.models import AuditEvent, RoleCode
from seec.core.tests.factories import PASSWORD
from seec.core.tests.test_sign_in import sign_in

LIMIT = settings.AXES_FAILURE_LIMIT


def fail(client, username, address, times=LIMIT):
    for _ in range(times):
        sign_in(client, username, "wrong", address=address)


def test_failures_lock_the_account_from_that_address_only(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    fail(client, operator.username, "192.0.2.50")
    locked = sign_in(client, operator.username, address="192.0.2.50")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "for this account from your address" in text
    assert "locked for 5 more minutes" in text and "ask your administrator" in text
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).exists()
    # The owner, elsewhere, still signs in: a stranger cannot lock a known username.
    assert sign_in(client, operator.username, address="198.51.100.7").status_code == 302


def test_typos_behind_one_address_do_not_lock_its_other_accounts(client, region):
    for i in range(LIMIT):
        sign_in(client, f"guess{i}", "wrong", address="203.0.113.9")
    fail(client, "someone.else", "203.0.113.9")
    manager = region.users[RoleCode.CASE_MANAGER]
    assert sign_in(client, manager.username, address="203.0.113.9").status_code == 302


def test_the_delay_doubles_with_each_round_of_failures(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    address = "192.0.2.60"
    fail(client, operator.username, address)
    attempt = AccessAttempt.objects.get(username=operator.username)
    first = attempt.expiration.expires_at - attempt.attempt_time
    assert first == timedelta(minutes=5)
    # The lock runs out; another round of failures locks for twice as long.
    AccessAttempt.objects.all().delete()
    fail(client, operator.username, address)
    assert (
        "locked for 10 more minutes"
        in sign_in(client, operator.username, address=address).content.decode()
    )
    AccessAttempt.objects.all().delete()
    fail(client, operator.username, address)
    attempt = AccessAttempt.objects.get(username=operator.username)
    assert attempt.expiration.expires_at - attempt.attempt_time == timedelta(minutes=20)
    # Retrying while locked neither counts nor prolongs it.
    logged = AccessFailureLog.objects.count()
    sign_in(client, operator.username, "wrong", address=address)
    assert AccessFailureLog.objects.count() == logged


def test_a_lock_lifts_by_itself_when_its_time_is_up(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    fail(client, operator.username, "192.0.2.61")
    assert sign_in(client, operator.username, address="192.0.2.61").status_code == 429
    past = timezone.now() - timedelta(minutes=6)
    AccessAttempt.objects.update(attempt_time=past)
    for attempt in AccessAttempt.objects.all():
        attempt.expiration.expires_at = past + timedelta(minutes=5)
        attempt.expiration.save()
    assert sign_in(client, operator.username, address="192.0.2.61").status_code == 302


def test_the_api_locks_the_same_way(region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    api = APIClient(REMOTE_ADDR="192.0.2.70")
    for _ in range(LIMIT):
        api.post("/api/auth/token/", {"username": operator.username, "password": "x"})
    response = api.post(
        "/api/auth/token/", {"username": operator.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    other = APIClient(REMOTE_ADDR="192.0.2.71")
    response = other.post(
        "/api/auth/token/", {"username": operator.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201


def test_an_administrator_unlocks_and_the_delays_start_again(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    fail(client, operator.username, "192.0.2.80", times=2 * LIMIT)
    admin = region.users[RoleCode.ADMINISTRATOR]
    services.unlock_sign_in(operator.username, origin=Origin(admin))
    assert not AccessFailureLog.objects.filter(username=operator.username).exists()
    assert sign_in(client, operator.username, address="192.0.2.80").status_code == 302
    assert AuditEvent.objects.filter(action=Action.UNLOCKED, actor=admin).exists()


def test_administrators_unlock_from_the_admin(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    fail(client, operator.username, "192.0.2.81")
    client.force_login(region.users[RoleCode.ADMINISTRATOR])
    response = client.post(
        "/admin/core/user/",
        {"action": "unlock_sign_in", "_selected_action": [operator.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=operator.username).exists()


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        # Straight from the internet: X-Forwarded-For is the client's own claim, ignored.
        ("198.51.100.1", "10.9.9.9", [], "198.51.100.1"),
        ("198.51.100.1", "10.9.9.9", ["127.0.0.1"], "198.51.100.1"),
        # Through the trusted nginx: the address it appended.
        ("127.0.0.1", "203.0.113.5", ["127.0.0.1"], "203.0.113.5"),
        # A client that sends its own header cannot pick its address.
        ("127.0.0.1", "6.6.6.6, 203.0.113.5", ["127.0.0.1"], "203.0.113.5"),
        # Two trusted proxies (a load balancer's network, then nginx).
        ("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.4", ["127.0.0.1", "10.0.0.0/8"], "203.0.113.5"),
        # Garbage in the chain: nothing left of it is believed.
        ("127.0.0.1", "203.0.113.5, nonsense", ["127.0.0.1"], "127.0.0.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(remote, forwarded, trusted, client):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(SEEC_TRUSTED_PROXIES=trusted):
        assert client_address(request) == client


@override_settings(SEEC_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_each_client_is_locked_on_its_own(client, region):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]

    def through_nginx(password, client_address):
        return client.post(
            "/accounts/login/",
            {"username": operator.username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for _ in range(LIMIT):
        through_nginx("wrong", "203.0.113.20")
    assert through_nginx(PASSWORD, "203.0.113.20").status_code == 429
    assert through_nginx(PASSWORD, "203.0.113.21").status_code == 302  # a colleague
    assert AuditEvent.objects.filter(ip_address="203.0.113.20").exists()
