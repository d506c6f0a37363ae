"""In headless Chromium: a member of the public subscribes to Greece's child alerts by e-mail,
confirms with the code the e-mail brings, and later stops them from the link in one step;
from the code on, everything is in the language chosen for the alerts (Greek), whatever the
browser's (English)."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from seec.alerts.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def greek(message: str) -> str:
    with translation.override("el"):
        return translation.gettext(message)


def test_a_visitor_subscribes_confirms_and_unsubscribes(demo_region, browser_page):
    page = browser_page
    page.goto("/alerts/")
    page.get_by_role("link", name="Receive child alerts by e-mail or SMS").click()
    page.get_by_label("Alerts for").select_option("GR")
    page.get_by_label("E-mail", exact=True).check()
    page.get_by_label("E-mail address or mobile number").fill("eleni@example.org")
    page.get_by_label("Language of the alerts").select_option("el")
    page.get_by_role("button", name="Send me the code").click()

    expect(page.get_by_role("heading", name=greek("Confirm your subscription"))).to_be_visible()
    [message] = [m for m in mail.outbox if m.to == ["eleni@example.org"]]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    assert "Ελλάδα" in message.body  # in the subscriber's language
    page.get_by_label(greek("Code")).fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name=greek("Confirm")).click()
    expect(page.get_by_role("alert")).to_be_visible()  # a wrong code is refused, said so
    page.get_by_label(greek("Code")).fill(code)
    page.get_by_role("button", name=greek("Confirm")).click()
    expect(page.get_by_role("heading", name=greek("You will receive child alerts"))).to_be_visible()
    subscriber = Subscriber.objects.get(address="eleni@example.org")
    assert subscriber.confirmed_at is not None

    page.goto(f"/alerts/unsubscribe/{subscriber.unsubscribe_token}/")
    page.get_by_role("button", name=greek("Stop them")).click()
    expect(
        page.get_by_role("heading", name=greek("You will receive no more child alerts"))
    ).to_be_visible()
    assert not Subscriber.objects.filter(address="eleni@example.org").exists()
