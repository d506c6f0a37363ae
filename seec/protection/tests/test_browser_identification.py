"""In headless Chromium: an info-desk's report becomes a child victim's record, identified and
referred to a shelter, which accepts on its own page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seec.cases.tests.test_browser_case_path import SCREENSHOTS, open_step, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_info_desk_report_to_an_accepted_referral(demo_region, browser_page):
    page = browser_page
    today = timezone.localdate()
    sign_in(page, "manager.gr")
    page.goto("/protection/victims/new/")
    page.get_by_label("First met by").select_option(label="Information desk on child trafficking")
    page.get_by_label("Reporting desk or officer").fill("VICTOR info-desk, Athens")
    page.get_by_label("First met on").fill(today.isoformat())
    page.get_by_label("Given names").fill("Dritan")
    page.get_by_label("Family name").fill("Krasniqi")
    page.get_by_label("Estimated age").fill("13")
    page.get_by_label("Form of exploitation").select_option(label="Forced begging")
    page.get_by_label(re.compile("B01 Begs under the control")).check()
    page.get_by_role("button", name="Open the record").click()
    page.wait_for_url(re.compile(r"/protection/victims/\d+/$"))
    expect(page.locator("section li").filter(has_text="B01 Begs under the control")).to_be_visible()
    expect(page.locator("#identification")).to_have_text(re.compile("Presumed victim"))

    form = open_step(page, "identification")
    form.get_by_label("Identification").select_option(label="Identified victim")
    form.get_by_label("Deciding authority").fill("Hellenic Police, anti-trafficking unit")
    form.get_by_label("Decided on").fill(today.isoformat())
    form.get_by_role("button", name="Decide").click()
    expect(page.locator("#identification")).to_have_text(re.compile("Identified victim"))

    form = open_step(page, "refer")
    form.get_by_label("Provider").select_option(label="Shelter for children (demo)")
    form.get_by_label("Service").select_option(label="Shelter")
    form.get_by_label("What the child needs").fill("A bed tonight and a psychologist")
    form.get_by_label("Consent given by").select_option(label="The child")
    form.get_by_label("Answer due").fill((today + timedelta(days=1)).isoformat())
    form.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent.")).to_be_visible()
    referral = page.get_by_role("link", name="Shelter").first
    referral_url = referral.get_attribute("href")

    # The shelter (in the demo, the hotline's own staff) answers on its page.
    page.context.clear_cookies()
    sign_in(page, "operator.gr")
    page.goto(referral_url)
    page.get_by_label("Answer").select_option(label="Accept")
    page.get_by_label("Service starts").fill(today.isoformat())
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator("#referral-status")).to_have_text(re.compile("Accepted"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "protection-referral.png"), full_page=True)
