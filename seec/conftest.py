"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache

from seec.core.models import OrganisationKind, RoleCode
from seec.core.tests.factories import make_organisation, make_user


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
        if role in (RoleCode.ALERT_AUTHORITY,):
            return self.gr_police
        if role in (RoleCode.REGIONAL_COORDINATOR, RoleCode.ANALYST, RoleCode.ADMINISTRATOR):
            return self.seec
        return self.gr_hotline


@pytest.fixture
def region(db):
    return Region()
