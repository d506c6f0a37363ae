"""In headless Chromium: a demo user signs in and switches the interface to Greek."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def test_demo_user_signs_in_and_switches_to_greek(demo_region, browser_page):
    page = browser_page
    page.goto("/")
    assert "/accounts/login/" in page.url

    page.get_by_label("Username").fill("manager.gr")
    page.get_by_label("Password").fill(settings.SEEC_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Your organisation").is_visible()
    assert page.get_by_text("The Smile of the Child (demo)").is_visible()

    page.select_option("#language-select", "el")
    page.wait_for_function("document.documentElement.lang === 'el'")
    with translation.override("el"):
        greek_heading = translation.gettext("Your organisation")
        greek_sign_out = translation.gettext("Sign out")
    assert greek_heading != "Your organisation"
    assert page.get_by_role("heading", name=greek_heading).is_visible()
    assert page.get_by_role("button", name=greek_sign_out).is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-el.png"), full_page=True)

    # The choice is kept on the account: a new sign-in comes back in Greek.
    page.get_by_role("button", name=greek_sign_out).click()
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("manager.gr")
    page.locator("#id_password").fill(settings.SEEC_DEMO_PASSWORD)
    page.locator("button[type=submit].primary").click()
    page.wait_for_url("**/")
    assert page.evaluate("document.documentElement.lang") == "el"
