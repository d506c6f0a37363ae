"""Each country's time: an organisation works in its country's zone, a user may choose
another, and pages show the instants of a case in that zone across a summer-time change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.core import zones
from seec.core.audit import Action, Origin
from seec.core.models import AuditEvent, RoleCode
from seec.core.region import REGION, TIME_ZONES
from seec.core.tests.factories import make_organisation, make_user


def test_every_country_of_the_region_has_its_civil_time():
    assert set(TIME_ZONES) == set(REGION)
    assert TIME_ZONES["RS"] == "Europe/Belgrade"
    assert TIME_ZONES["UA"] == "Europe/Kyiv"
    assert TIME_ZONES["CY"] == "Asia/Nicosia"
    for name in TIME_ZONES.values():
        ZoneInfo(name)  # a real IANA zone


def test_an_organisation_works_in_its_countrys_zone_unless_it_has_its_own(region):
    assert region.rs_hotline.zone_name == "Europe/Belgrade"
    assert region.gr_hotline.zone_name == "Europe/Athens"
    assert region.seec.zone_name == settings.TIME_ZONE  # international: the platform's
    turkish = make_organisation("TR")
    assert zones.user_zone_name(make_user(turkish)) == "Europe/Istanbul"
    turkish.time_zone = "Europe/Berlin"
    assert turkish.zone_name == "Europe/Berlin"


def test_a_user_chooses_another_zone_on_the_account_page(client, region):
    manager = region.foreign_manager  # Serbia
    client.force_login(manager)
    assert "Europe/Belgrade" in client.get("/accounts/").content.decode()
    response = client.post("/accounts/time-zone/", {"time_zone": "Europe/Kyiv"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.time_zone == "Europe/Kyiv"
    assert AuditEvent.objects.filter(action=Action.TIME_ZONE_CHANGED, actor=manager).exists()
    page = client.get("/accounts/").content.decode()
    assert "Times on these pages are in Europe/Kyiv" in page

    # Not a zone: refused with the reason, nothing changed.
    client.post("/accounts/time-zone/", {"time_zone": "Mars/Olympus"})
    manager.refresh_from_db()
    assert manager.time_zone == "Europe/Kyiv"
    # Empty: back to the organisation's.
    client.post("/accounts/time-zone/", {"time_zone": ""})
    manager.refresh_from_db()
    assert manager.time_zone == ""


@pytest.mark.parametrize(
    ("last_seen_utc", "shown"),
    [
        # Saturday evening, winter time: UTC+1.
        (datetime(2026, 3, 28, 18, 30, tzinfo=UTC), "28/03/2026 19:30"),
        # Sunday evening, the clocks went forward that night: UTC+2.
        (datetime(2026, 3, 29, 18, 30, tzinfo=UTC), "29/03/2026 20:30"),
        # Autumn: back to UTC+1 after the last Sunday of October.
        (datetime(2026, 10, 25, 18, 30, tzinfo=UTC), "25/10/2026 19:30"),
    ],
)
def test_a_case_in_belgrade_shows_belgrade_time_across_the_summer_time_change(
    region, last_seen_utc, shown
):
    manager = region.foreign_manager
    operator = make_user(region.rs_hotline, RoleCode.HOTLINE_OPERATOR)
    case = case_services.open_case(
        origin=Origin(operator), fields=case_fields(last_seen_at=last_seen_utc)
    )
    browser = Client()
    browser.force_login(manager)
    page = browser.get(f"/cases/{case.pk}/").content.decode()
    assert shown in page
    # The CAP and the alert's texts use the same clock: the country's, not the server's.
    local = last_seen_utc.astimezone(zones.country_zone("RS"))
    assert local.strftime("%d/%m/%Y %H:%M") == shown


def test_the_zone_of_one_request_does_not_leak_into_the_next(client, region):
    from django.utils import timezone

    client.force_login(region.foreign_manager)
    client.get("/")
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_only_a_signed_in_user_sets_a_zone_and_only_their_own(client, region):
    answer = client.post("/accounts/time-zone/", {"time_zone": "Europe/Kyiv"})
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")
    client.force_login(region.foreign_manager)
    assert client.get("/accounts/time-zone/").status_code == 405  # POST only
    client.post("/accounts/time-zone/", {"time_zone": "Europe/Kyiv", "user": region.seec.pk})
    assert [
        u.time_zone
        for u in type(region.foreign_manager).objects.exclude(pk=region.foreign_manager.pk)
    ] == [""] * (type(region.foreign_manager).objects.count() - 1)
