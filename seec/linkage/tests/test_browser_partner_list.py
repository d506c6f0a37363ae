"""In headless Chromium: a Greek case manager uploads a reception centre's register (CSV,
Greek headers and script), maps its columns, sees the stored list, links it against the
Greek and Serbian cases, and finds the Serbian girl reported missing in Cyrillic."""

import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.cases.tests.test_browser_case_path import sign_in
from seec.core.audit import Origin
from seec.core.models import User
from seec.linkage.models import CandidatePair, PartnerList

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGISTER = (
    "Α/Α;Επώνυμο;Όνομα;Φύλο;Ημερομηνία γέννησης;Υπηκοότητα;Ημερομηνία εισόδου;Δομή\n"
    "201;ΑΧΜΑΝΤΙ;ΦΑΡΙΝΤ;Α;01.01.2011;Αφγανιστάν;02.10.2025;Φυλάκιο Έβρου\n"
    "202;ΓΙΟΒΑΝΟΒΙΤΣ;ΜΙΛΙΤΣΑ;Θ;07.03.2012;Σερβία;05.10.2025;Θεσσαλονίκη\n"
)


def test_a_case_manager_uploads_a_register_maps_it_and_finds_a_missing_child_in_it(
    demo_region, browser_page, tmp_path
):
    page = browser_page
    serbian = case_services.open_case(
        origin=Origin(User.objects.get(username="operator.rs")),
        fields=case_fields(
            given_names="Милица",
            family_name="Јовановић",
            date_of_birth=date(2012, 3, 7),
            last_seen_place="Niš",
            last_seen_at=datetime(2025, 9, 20, 18, 0, tzinfo=UTC),
            may_cross_border=True,
        ),
    )
    register = tmp_path / "register-october.csv"
    register.write_bytes(b"\xef\xbb\xbf" + REGISTER.encode("utf-8"))

    sign_in(page, "manager.gr")
    page.get_by_role("link", name="Linkage").click()
    page.get_by_role("link", name="Partner lists").click()
    page.get_by_role("link", name="Upload a list").click()
    page.get_by_label("The list (CSV or XLSX)").set_input_files(str(register))
    page.get_by_role("button", name="Read the file").click()

    # The mapping screen has read the Greek headers and the dates' format.
    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_label("Family name", exact=True)).to_have_value("Επώνυμο")
    expect(page.get_by_label("Dates are written as")).to_have_value("%d.%m.%Y")
    expect(page.locator("#partner-preview")).to_contain_text("ΜΙΛΙΤΣΑ")
    page.get_by_label("Name of the list").fill("Thessaloniki reception register")
    page.get_by_label("Keep the list for").select_option("30")
    page.get_by_role("button", name="Check every row and store the list").click()

    expect(page.get_by_text("The list was stored: 2 rows.")).to_be_visible()
    expect(page.locator("#list-rows")).to_have_text("2")
    partner_list = PartnerList.objects.get(name="Thessaloniki reception register")
    assert partner_list.rows == 2 and partner_list.retention_days == 30

    page.get_by_label("Countries", exact=True).select_option(["GR", "RS"])
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#run-status")).to_have_text("Done", timeout=60_000)
    row = page.get_by_role("row", name=re.compile(serbian.number))
    expect(row).to_contain_text("Thessaloniki reception register, row 3")
    row.get_by_role("link").click()
    expect(page.get_by_text("Милица")).to_be_visible()
    expect(page.get_by_text("ΜΙΛΙΤΣΑ")).to_be_visible()
    pair = CandidatePair.objects.get(left=serbian, partner_record__partner_list=partner_list)
    assert pair.partner_record.row_number == 3 and pair.probability > 0.5
