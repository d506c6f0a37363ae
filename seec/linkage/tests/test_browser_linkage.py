"""In headless Chromium: a girl reported missing in Serbia (Cyrillic) is registered in Greece
(Greek script, birth date with day and month swapped); a linkage run across the two countries
finds the pair, a Greek case manager confirms it in the review queue, and both centres are told.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.cases.tests.test_browser_case_path import sign_in
from seec.core.audit import Origin
from seec.core.models import Notification, User
from seec.linkage.models import CandidatePair, PairStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cross_script_cross_border_pair_is_found_confirmed_and_told(demo_region, browser_page):
    page = browser_page
    serbian = case_services.open_case(
        origin=Origin(User.objects.get(username="operator.rs")),
        fields=case_fields(
            given_names="Милица",
            family_name="Јовановић",
            date_of_birth=date(2012, 3, 7),
            last_seen_place="Niš",
            may_cross_border=True,
        ),
    )
    greek = case_services.open_case(
        origin=Origin(User.objects.get(username="operator.gr")),
        fields=case_fields(
            given_names="Μίλιτσα",
            family_name="Γιοβάνοβιτς",
            date_of_birth=date(2012, 7, 3),
            last_seen_place="Θεσσαλονίκη",
            category="migrant",
        ),
    )

    sign_in(page, "manager.gr")
    page.get_by_role("link", name="Linkage").click()
    page.get_by_label("Across countries").check()
    page.get_by_label("Countries", exact=True).select_option(["GR", "RS"])
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#run-status")).to_have_text("Done", timeout=60_000)
    page.get_by_role("link", name="Review queue").first.click()

    pair = CandidatePair.objects.get(left__in=[serbian, greek], right__in=[serbian, greek])
    page.get_by_role("row", name=re.compile(serbian.number)).get_by_role("link").click()
    expect(page.get_by_text("Милица")).to_be_visible()
    expect(page.get_by_text("Μίλιτσα")).to_be_visible()
    page.get_by_label("Same child").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()

    pair.refresh_from_db()
    assert pair.status == PairStatus.CONFIRMED and pair.cross_border
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {"manager.gr", "manager.rs"} <= told
