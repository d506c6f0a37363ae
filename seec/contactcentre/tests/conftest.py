import pytest

from seec.cases.tests.conftest import case_fields, manager, open_case, operator  # noqa: F401
from seec.contactcentre.models import ContactLine, ContactLineKind, OperatorPresence
from seec.core.models import RoleCode


@pytest.fixture
def supervisor(region):
    return region.users[RoleCode.SUPERVISOR]


@pytest.fixture
def line(region):
    return ContactLine.objects.create(
        organisation=region.gr_hotline,
        name="Asterisk GR",
        kind=ContactLineKind.ASTERISK,
        secret="s3cret-line-key-for-tests",
    )


@pytest.fixture
def sms_line(region):
    return ContactLine.objects.create(
        organisation=region.gr_hotline,
        name="SMS GR",
        kind=ContactLineKind.SMS,
        secret="sms-line-key-for-tests",
    )


@pytest.fixture
def available(operator):  # noqa: F811 — the fixture imported above
    """The Greek operator, available at extension PJSIP/201."""
    return OperatorPresence.objects.create(
        user=operator, organisation=operator.organisation, status="available", extension="PJSIP/201"
    )
