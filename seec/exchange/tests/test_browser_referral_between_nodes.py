"""In headless Chromium, on two real nodes: a case referred from Greece is accepted in Serbia,
and an update written in Serbia comes back to Greece."""

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from seec.conftest import CHROMIUM, CHROMIUM_ARGS

from .node_actions import PASSWORD

pytestmark = [pytest.mark.nodes, pytest.mark.browser]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def reload_until(page: Page, locator, timeout: float = 30) -> None:
    for _ in range(int(timeout * 2)):
        if locator.count():
            return
        page.wait_for_timeout(500)
        page.reload()
    expect(locator.first).to_be_visible()


def test_a_case_referred_from_greece_is_accepted_in_serbia_and_an_update_comes_back(
    two_nodes, monkeypatch
):
    gr, rs = two_nodes
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    number = gr.call("open_case", username="manager.gr", given_names="Δήμητρα",
                     family_name="Κωνσταντίνου")  # fmt: skip
    case_pk = gr.call("case_pk", number=number)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        greek = browser.new_context(locale="en-GB").new_page()
        serbian = browser.new_context(locale="en-GB").new_page()
        for page in (greek, serbian):
            page.set_default_timeout(20_000)

        # Greece: the case manager refers the case from its page.
        sign_in(greek, gr.url, "manager.gr")
        greek.goto(f"{gr.url}/cases/{case_pk}/")
        greek.get_by_role("link", name=re.compile("Refer to another organisation")).click()
        greek.get_by_label("Refer to").select_option(label="116 000 Serbia")
        greek.get_by_label("What you offer").select_option("copy")
        greek.get_by_label("Why you refer it").fill("She was seen boarding a bus to Belgrade.")
        greek.get_by_label("Consent", exact=True).select_option("parent")
        greek.get_by_label(re.compile("How consent was given")).fill("The mother agreed.")
        greek.get_by_role("button", name="Refer").click()
        expect(greek.locator("#referral-status")).to_have_text(re.compile("Offered"))

        # Serbia: the case manager sees the preview, accepts, then the case itself.
        sign_in(serbian, rs.url, "manager.rs")
        serbian.goto(f"{rs.url}/exchange/referrals/")
        offer = serbian.get_by_role("link", name=number)
        reload_until(serbian, offer)
        offer.click()
        expect(serbian.get_by_text("Δήμητρα")).to_have_count(0)  # a preview only
        serbian.get_by_role("button", name="Accept").click()
        copy = serbian.locator("#referral-copy")
        reload_until(serbian, copy)
        expect(copy).to_contain_text("Δήμητρα")
        serbian.get_by_label("Update").fill("Seen at the Belgrade bus station this morning.")
        serbian.get_by_role("button", name="Send the update").click()

        # Greece: accepted, and the update has come back.
        came_back = greek.locator("#referral-updates", has_text="Belgrade bus station")
        reload_until(greek, came_back)
        expect(greek.locator("#referral-status")).to_have_text(re.compile("Accepted"))
        browser.close()
