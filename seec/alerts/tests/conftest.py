"""What the alert tests share: a Greek abduction case, its manager and the Greek police."""

import pytest

from seec.alerts import criteria, services
from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode

AREA = {
    "area_description": "Attica",
    "polygon": [(38.2, 23.4), (38.2, 24.1), (37.7, 24.1), (37.7, 23.4)],
}


def all_met(preset="eu"):
    return {
        c.code: {"met": True, "evidence": "Police report 12/2026"} for c in criteria.PRESETS[preset]
    }


@pytest.fixture
def manager(region):
    return region.users[RoleCode.CASE_MANAGER]


@pytest.fixture
def police(region):
    return region.users[RoleCode.ALERT_AUTHORITY]


@pytest.fixture
def case(region, manager):
    operator = region.users[RoleCode.HOTLINE_OPERATOR]
    return case_services.open_case(
        origin=Origin(operator), fields=case_fields(category="criminal_abduction")
    )


@pytest.fixture
def requested(case, manager):
    return services.request_alert(case, origin=Origin(manager), answers=all_met(), **AREA)


@pytest.fixture
def issued_alert(requested, police):
    return services.approve_alert(requested, origin=Origin(police))
