"""The authorisation matrix: every role × every page and API endpoint, against its own and
another organisation's objects. The count of reads that succeed without being allowed is 0.

Each app adds its endpoints to MATRIX (and to the URL names below); the last test fails when
a named URL exists that the matrix does not cover, so no endpoint escapes it.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from seec.core import audit
from seec.core.audit import Action, Origin
from seec.core.models import RoleCode
from seec.core.tests.factories import make_user

ALL = frozenset([*RoleCode.values, "no_role"])
DIRECTORY = frozenset({RoleCode.REGIONAL_COORDINATOR, RoleCode.ADMINISTRATOR})
AUDIT_BROWSERS = frozenset({RoleCode.SUPERVISOR, RoleCode.ADMINISTRATOR})
ADMINS = frozenset({RoleCode.ADMINISTRATOR})


@dataclass
class World:
    """What one role's user looks at: their colleague, a foreign user, audit events."""

    user: object
    colleague: object
    foreign: object
    own_event: object
    colleague_event: object
    foreign_event: object
    foreign_org: object
    extras: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One request and which roles may read what it returns.

    `url` builds the path from the World. `marker` (optional) builds a string that appears in
    the response only if the protected object was shown: for lists, where a 200 alone proves
    nothing about what the list contained.
    """

    name: str
    url: object
    allowed: frozenset
    marker: object = None
    api: bool = True


MATRIX = [
    # Reference data and the directory of bodies: every signed-in role.
    Check("country detail", lambda w: "/api/countries/RS/", ALL),
    Check("country list", lambda w: "/api/countries/?region=true", ALL),
    Check("organisation detail (other)", lambda w: f"/api/organisations/{w.foreign_org.pk}/", ALL),
    Check("organisation list", lambda w: "/api/organisations/", ALL),
    Check("me", lambda w: "/api/me/", ALL),
    Check("schema", lambda w: "/api/schema/", ALL),
    Check("swagger docs", lambda w: "/api/docs/", ALL),
    Check("redoc", lambda w: "/api/redoc/", ALL),
    Check("api root", lambda w: "/api/", ALL),
    # Staff: colleagues see each other; only the directory roles see other organisations.
    Check("colleague detail", lambda w: f"/api/users/{w.colleague.pk}/", ALL),
    Check("foreign user detail", lambda w: f"/api/users/{w.foreign.pk}/", DIRECTORY),
    Check(
        "foreign user in list",
        lambda w: "/api/users/",
        DIRECTORY,
        marker=lambda w: f'"username":"{w.foreign.username}"',
    ),
    # Audit trail: own events; the organisation's for supervisors; all for administrators.
    Check("own audit event", lambda w: f"/api/audit-events/{w.own_event.pk}/", ALL),
    Check(
        "colleague's audit event",
        lambda w: f"/api/audit-events/{w.colleague_event.pk}/",
        AUDIT_BROWSERS,
    ),
    Check("foreign audit event", lambda w: f"/api/audit-events/{w.foreign_event.pk}/", ADMINS),
    Check(
        "foreign audit event in list",
        lambda w: "/api/audit-events/",
        ADMINS,
        marker=lambda w: f'"hash":"{w.foreign_event.hash}"',
    ),
    # Pages.
    Check("dashboard", lambda w: "/", ALL, api=False),
    Check("account and second factor", lambda w: "/accounts/two-factor/", ALL, api=False),
    Check("password change", lambda w: "/accounts/password/change/", ALL, api=False),
    Check("audit trail page", lambda w: "/audit/", AUDIT_BROWSERS, api=False),
    Check(
        "foreign event on the audit page",
        lambda w: "/audit/",
        ADMINS,
        marker=lambda w: f"<td>{w.foreign_event.sequence}</td>",
        api=False,
    ),
    Check("admin index", lambda w: "/admin/", ADMINS, api=False),
    Check(
        "admin: foreign user",
        lambda w: f"/admin/core/user/{w.foreign.pk}/change/",
        ADMINS,
        api=False,
    ),
    Check("admin: audit events", lambda w: "/admin/core/auditevent/", ADMINS, api=False),
]

# Named routes that need no sign-in (their content is public or is the sign-in itself).
PUBLIC_ROUTES = {
    "healthz",
    "login",
    "logout",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "api-token",
}
# Routes covered by MATRIX above (by name) or by the admin site's own gate (namespace admin).
COVERED_ROUTES = {
    "dashboard",
    "audit-trail",
    "otp-setup",
    "otp-verify",
    "otp-remove",
    "password_change",
    "api-me",
    "api-schema",
    "api-docs",
    "api-redoc",
    "api-root",
    "country-list",
    "country-detail",
    "organisation-list",
    "organisation-detail",
    "user-list",
    "user-detail",
    "auditevent-list",
    "auditevent-detail",
}


def build_world(region, role) -> World:
    user = region.users[role]
    colleague = make_user(user.organisation, RoleCode.HOTLINE_OPERATOR)
    foreign = region.foreign_manager
    return World(
        user=user,
        colleague=colleague,
        foreign=foreign,
        own_event=audit.record(Action.VIEW, origin=Origin(user), obj=user),
        colleague_event=audit.record(Action.VIEW, origin=Origin(colleague), obj=colleague),
        foreign_event=audit.record(Action.VIEW, origin=Origin(foreign), obj=foreign),
        foreign_org=region.rs_hotline,
    )


def outcome(client, check: Check, world: World) -> bool:
    """Did the request read what it asked for? (A redirect, to sign-in say, is no read.)"""
    response = client.get(check.url(world))
    if response.status_code != 200:
        return False
    if check.marker is None:
        return True
    return check.marker(world) in response.content.decode().replace(": ", ":")


@pytest.mark.parametrize("role", sorted(ALL))
def test_no_role_reads_what_it_may_not(region, role):
    world = build_world(region, role)
    client = APIClient()
    client.force_login(world.user)
    unauthorised, refused = [], []
    for check in MATRIX:
        read = outcome(client, check, world)
        if read and role not in check.allowed:
            unauthorised.append(check.name)
        if not read and role in check.allowed:
            refused.append(check.name)
    assert unauthorised == [], f"{role} read what it may not: {unauthorised}"
    assert refused == [], f"{role} was refused what it may read: {refused}"


def test_anonymous_reads_nothing(region):
    world = build_world(region, RoleCode.ADMINISTRATOR)
    client = APIClient()
    read = [check.name for check in MATRIX if outcome(client, check, world)]
    assert read == []


def test_hidden_objects_answer_404_not_403(region):
    world = build_world(region, RoleCode.HOTLINE_OPERATOR)
    client = APIClient()
    client.force_login(world.user)
    assert client.get(f"/api/users/{world.foreign.pk}/").status_code == 404
    assert client.get(f"/api/audit-events/{world.foreign_event.pk}/").status_code == 404
    assert client.get("/api/audit-events/999999999/").status_code == 404


def named_routes(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_route_is_in_the_matrix_or_public():
    uncovered = {
        name
        for name in named_routes()
        if not name.startswith("admin:") and name not in PUBLIC_ROUTES | COVERED_ROUTES
    }
    assert uncovered == set(), "add these routes to the authorisation matrix"
