import datetime

import pytest

from seec.core.audit import Origin
from seec.core.models import Country, RoleCode

D = datetime.date


@pytest.fixture
def coordinator(region):
    return region.users[RoleCode.REGIONAL_COORDINATOR]


@pytest.fixture
def origin(coordinator):
    return Origin(coordinator)


@pytest.fixture
def countries(db):
    return {c.code: c for c in Country.objects.filter(in_region=True)}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
