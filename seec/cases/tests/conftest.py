from datetime import timedelta

import pytest
from django.utils import timezone

from seec.cases import services
from seec.core.audit import Origin
from seec.core.models import RoleCode


def case_fields(**overrides):
    fields = {
        "given_names": "Марија",
        "family_name": "Ђорђевић",
        "sex": "female",
        "date_of_birth": timezone.localdate().replace(year=timezone.localdate().year - 14),
        "category": "runaway",
        "last_seen_at": timezone.now() - timedelta(hours=6),
        "last_seen_place": "Novi Sad, bus station",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def operator(region):
    return region.users[RoleCode.HOTLINE_OPERATOR]


@pytest.fixture
def manager(region):
    return region.users[RoleCode.CASE_MANAGER]


@pytest.fixture
def open_case(operator):
    def make(**overrides):
        return services.open_case(origin=Origin(operator), fields=case_fields(**overrides))

    return make
