"""In headless Chromium: a case's whole path, as the hotline staff walk it.

An operator records the call and opens a case for a child with a Cyrillic name, then assesses
the risk as high; a case manager finds the case by a Latin spelling with a typo, marks the child
found and closes the case. The case page's timeline and the audit trail tell the same story.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
DASHBOARD = re.compile(r"^https?://[^/]+/$")
CASE_PAGE = re.compile(r"/cases/(\d+)/$")
CASE_NUMBER = re.compile(r"GR-\d{4}-\d{6}")


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.SEEC_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(DASHBOARD)
    expect(page.locator("header .who")).to_be_visible()


def open_step(page: Page, action: str) -> Locator:
    """The form of one workflow step on the case page (its `<details>` opened if closed)."""
    form = page.locator(f"form[action$='/{action}/']")
    if not form.is_visible():
        page.locator("details").filter(has=form).locator("summary").click()
    expect(form).to_be_visible()
    return form


def test_call_case_risk_search_found_and_closed(demo_region, browser_page):
    page = browser_page
    born = (date.today() - timedelta(days=12 * 365 + 60)).isoformat()  # about 12 years ago
    lead = page.locator(".page-head p.lead")

    # 1. The operator signs in.
    sign_in(page, "operator.gr")

    # 2. A parent calls about a new disappearance: the call and the child on one screen.
    page.goto("/cases/contact/")
    page.wait_for_url(re.compile(r"/contact-centre/call/$"))
    expect(page.get_by_role("heading", name="New contact")).to_be_visible()
    page.get_by_label("Channel").select_option(label="Phone call")
    page.get_by_label("About", exact=True).select_option(label="A new disappearance")
    page.get_by_label("Caller's relation to the child").select_option(label="Parent or guardian")
    page.get_by_label("Caller's name").fill("Олена Коваленко")
    page.get_by_label("Caller's phone").fill("+30 690 123 4567")

    # 3. The case: a Ukrainian girl, her name in Cyrillic, last seen in Athens.
    page.get_by_label("Given names").fill("Анастасія")
    page.get_by_label("Family name").fill("Коваленко")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Category", exact=True).select_option(label="Criminal abduction")
    page.get_by_label("Last seen at (place)").fill("Αθήνα, Ομόνοια")
    save = page.get_by_role("button", name=re.compile("Save and open the case"))
    save.click()
    heading = page.get_by_role("heading", level=1).filter(has_text=CASE_NUMBER)
    confirm = page.locator("input[name=confirm_new]")
    expect(heading.or_(confirm)).to_be_visible()
    if confirm.is_visible():  # a demo case with a close name: it is a different child
        confirm.check()
        save.click()
    page.wait_for_url(CASE_PAGE)
    case_url = page.url
    expect(heading).to_contain_text("Анастасія Коваленко")
    case_number = CASE_NUMBER.search(heading.inner_text()).group()
    expect(page.get_by_text(f"Contact recorded and case {case_number} opened.")).to_be_visible()
    expect(lead).to_contain_text(re.compile(r"Anastasi\w* Kovalenko"))
    expect(lead).to_contain_text("Criminal abduction")
    expect(lead.locator("strong")).to_have_text("Open")

    # 4. The risk: signs of danger, judged high.
    risk = open_step(page, "risk")
    risk.get_by_label("Signs of danger").check()
    risk.get_by_label("Risk level").select_option(label="High")
    risk.get_by_label("Rationale").fill("A witness saw an unknown adult force her into a car.")
    risk.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("Risk assessed.", exact=True)).to_be_visible()
    assert page.url == case_url
    expect(lead.locator("strong")).to_have_text("Active search")
    expect(lead.locator(".risk")).to_have_text("Risk: High")
    expect(page.get_by_role("alert")).to_contain_text("request a child alert")

    # 5. The operator signs out; the case manager signs in.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    sign_in(page, "manager.gr")

    # 6. The manager searches the name as heard on the phone, in Latin letters, with a typo.
    page.locator("#header-search").fill("Anastasia Kovalenkko")
    page.locator("#header-search").press("Enter")
    page.wait_for_url(re.compile(r"/cases/search/\?q=Anastasia"))
    result = page.locator("#search-results").get_by_role("link", name=case_number)
    expect(result).to_be_visible()
    result.click()
    page.wait_for_url(case_url)
    expect(heading).to_contain_text(case_number)

    # 7. The police found her, safe; the manager closes the case.
    found = open_step(page, "found")
    found_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    found.get_by_label("When found").fill(found_at)
    found.get_by_label("How the child was found").select_option(label="Found by police")
    found.get_by_label("The child's state").select_option(label="Found safe")
    found.get_by_role("button", name="Mark found").click()
    expect(page.get_by_text("The child is marked found.")).to_be_visible()
    expect(lead.locator("strong")).to_have_text("Found")

    close = open_step(page, "close")
    close.get_by_role("button", name="Close").click()
    expect(page.get_by_text("Case closed.", exact=True)).to_be_visible()
    assert page.url == case_url
    expect(lead.locator("strong")).to_have_text("Closed")
    expect(lead).to_contain_text("Found safe")
    expect(page.get_by_role("alert")).to_have_count(0)  # no child alert for a closed case

    # 8. The timeline tells the story in order, and the call is among the contacts.
    expect(page.locator("ol.timeline strong")).to_have_text(
        ["Case opened", "Risk assessed", "Child found", "Case closed"]
    )
    contacts = page.locator("h3:text-is('Contacts') + ul li")
    expect(contacts).to_have_count(1)
    expect(contacts).to_contain_text("Phone call · A new disappearance")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case-path.png"), full_page=True)

    # 9. The audit trail, seen by the manager as supervisor, has the case's opening and closing.
    case_id = CASE_PAGE.search(case_url).group(1)
    page.goto("/audit/?object_type=cases.case")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    events = page.locator("table.data tbody tr").filter(
        has_text=f"cases.case {case_id} · {case_number}"
    )
    opened = events.filter(has=page.locator("td", has_text=re.compile(r"^Case opened$")))
    closed = events.filter(has=page.locator("td", has_text=re.compile(r"^Case closed$")))
    expect(opened).to_have_count(1)
    expect(opened).to_contain_text("operator.gr")
    expect(closed).to_have_count(1)
    expect(closed).to_contain_text("manager.gr")
