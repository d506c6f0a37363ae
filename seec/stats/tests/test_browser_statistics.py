"""In headless Chromium: an analyst filters the dashboard to two countries and downloads a
table as XLSX; a focal point's template with three errors is refused with all three listed,
the corrected one is submitted; the coordinator validates and publishes it; the public API
then serves it with its small cells suppressed."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from seec.cases.tests.test_browser_case_path import sign_in
from seec.stats.tests.test_submissions import filled_values, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_dashboard_download_and_a_submission_to_publication(demo_region, browser_page, tmp_path):
    page = browser_page
    sign_in(page, "analyst.seec")
    page.goto("/stats/")
    expect(page.locator("#panel-trend svg")).to_be_visible()
    page.get_by_label("Greece").check()
    page.get_by_label("Serbia").check()
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#panel-countries tbody tr")
    expect(rows).to_have_count(2)
    with page.expect_download() as info:
        page.locator('a[data-download="countries"]').click()
    path = tmp_path / "countries.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path).active
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == ["Greece", "Serbia"]
    sign_out(page)

    sign_in(page, "manager.si")
    page.goto("/stats/submissions/")
    page.get_by_label("Indicators").select_option("trafficking")
    page.get_by_label("Period").fill("2025")
    page.get_by_role("button", name="Start").click()
    bad = workbook(
        filled_values(),
        country="SI",
        edits={
            ("TH01", "sex", "male"): -9,
            ("TH02", "sex", "female"): "eight",
            ("TH04", "", ""): 9,
        },
    )
    page.get_by_label("Filled template (XLSX or CSV)").set_input_files(
        {"name": "si.xlsx", "mimeType": "application/octet-stream", "buffer": bad}
    )
    page.get_by_role("button", name="Upload").click()
    problems = page.locator("#upload-problems tr.problem")
    text = page.locator("#upload-problems").inner_text()
    assert "negative" in text and "“eight” is not a number" in text and "not the sum" in text
    assert problems.count() >= 3
    good = workbook(filled_values(), country="SI")
    page.get_by_label("Filled template (XLSX or CSV)").set_input_files(
        {"name": "si.xlsx", "mimeType": "application/octet-stream", "buffer": good}
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Submit to the regional centre").click()
    expect(page.locator("#submission-status")).to_have_text("Submitted")
    submission_url = page.url
    sign_out(page)

    sign_in(page, "coordinator.seec")
    page.goto(submission_url)
    page.get_by_role("button", name="Validate").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#submission-status")).to_have_text("Published")

    response = page.request.get("/api/public/stats/figures/?country=SI&indicator=TH01")
    page_of_figures = response.json()["results"]  # the API's pages, as every list
    figures = {(f["breakdown"], f["key"]): f for f in page_of_figures}
    assert figures[("", "")]["value"] == 40
    assert figures[("citizenship", "other_eu")]["suppressed"] is True
    assert figures[("citizenship", "other_eu")]["value"] is None
