"""A period is cut at each country's midnight: an instant near the end of a month counts in
the month it fell in on that country's calendar, kept alike by the running tallies and a
fresh count, on SQLite and on PostgreSQL."""

from datetime import UTC, datetime

import pytest

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.core.tests.factories import make_organisation, make_user
from seec.stats import tallies
from seec.stats.models import NewCaseTally

pytestmark = pytest.mark.django_db

# 21:30 UTC on 31 March 2026: 23:30 in Belgrade (summer time, UTC+2), still March; 00:30 on
# 1 April in Athens (UTC+3).
LATE_ON_31_MARCH = datetime(2026, 3, 31, 21, 30, tzinfo=UTC)
MARCH, APRIL = 2026 * 12 + 2, 2026 * 12 + 3


def _open(country: str):
    operator = make_user(make_organisation(country), RoleCode.HOTLINE_OPERATOR)
    case = case_services.open_case(
        origin=Origin(operator), fields=case_fields(last_seen_at=LATE_ON_31_MARCH)
    )
    case.opened_at = LATE_ON_31_MARCH
    case.save()
    return case


def test_a_case_counts_in_the_month_of_its_countrys_calendar():
    _open("RS")
    _open("GR")
    months = dict(NewCaseTally.objects.filter(cases__gt=0).values_list("country", "month"))
    assert months == {"RS": MARCH, "GR": APRIL}
    tallies.rebuild()  # a fresh count agrees
    assert dict(NewCaseTally.objects.filter(cases__gt=0).values_list("country", "month")) == (
        months
    )
    assert tallies.differences() == []


@pytest.mark.parametrize(
    ("zone", "moment", "month"),
    [
        ("Europe/Belgrade", datetime(2026, 10, 31, 22, 59, tzinfo=UTC), 2026 * 12 + 9),
        ("Europe/Belgrade", datetime(2026, 10, 31, 23, 0, tzinfo=UTC), 2026 * 12 + 10),
        ("Europe/Kyiv", datetime(2026, 12, 31, 22, 0, tzinfo=UTC), 2027 * 12 + 0),
        ("Europe/Istanbul", datetime(2026, 1, 31, 21, 0, tzinfo=UTC), 2026 * 12 + 1),
        ("Europe/Chisinau", datetime(2026, 6, 30, 20, 59, tzinfo=UTC), 2026 * 12 + 5),
    ],
)
def test_the_month_on_a_countrys_calendar(zone, moment, month):
    assert tallies.local_month_number(moment, zone) == month
