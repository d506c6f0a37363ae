"""In headless Chromium: an anonymous visitor on a phone-sized screen opens the public site,
finds the live alert of the demo region, reports a sighting about it (the page's own script
does the proof of work), and is given a reference and a secret; the Greek hotline's case
manager finds the report in the triage queue, and the Greek police are told of it. No request
leaves the platform's origin and the Content-Security-Policy is never violated."""

import re

import pytest
from playwright.sync_api import expect

from seec.alerts.public import live_alerts
from seec.cases.tests.test_browser_case_path import sign_in
from seec.conftest import chromium, new_page
from seec.core.models import Notification
from seec.portal.models import PublicReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_visitor_on_a_phone_reports_a_sighting_that_reaches_the_triage_queue(
    demo_region, live_url, monkeypatch, settings
):
    settings.SEEC_PORTAL_POW_BITS = 12  # a phone's few seconds, in a fraction of one here
    alert = live_alerts().get(country_id="GR")
    with chromium(monkeypatch) as browser:
        phone = new_page(browser, live_url, **PHONE)
        elsewhere, csp_errors = [], []
        phone.on(
            "request",
            lambda request: (
                None if request.url.startswith(live_url) else elsewhere.append(request.url)
            ),
        )
        phone.on(
            "console",
            lambda message: (
                csp_errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )

        phone.goto("/accounts/login/")  # the platform's pages lead the public to the site
        phone.get_by_role("link", name="Child alerts").first.click()
        expect(phone.get_by_role("heading", name="Child alerts", exact=True)).to_be_visible()
        card = phone.locator(".alert-card").filter(
            has=phone.locator(f'a[href="/portal/alerts/{alert.reference}/"]')
        )
        expect(card.locator("img.alert-photo")).to_have_count(1 if alert.photo_id else 0)
        card.get_by_role("link", name="I have seen this child").click()

        expect(
            phone.get_by_role("heading", name="Report a sighting or a suspicion")
        ).to_be_visible()
        expect(phone.get_by_label("The alert")).to_have_value(alert.reference)
        phone.get_by_label("What did you see?").fill(
            "A girl like the one in the photo, with a man in a grey car, heading to the port."
        )
        phone.get_by_label("Where?").fill("Piraeus, gate E2")
        phone.get_by_role("button", name="Send the report").click()

        expect(
            phone.get_by_role("heading", name="Thank you: your report is received")
        ).to_be_visible()
        reference = phone.locator("#report-reference").inner_text()
        assert re.fullmatch(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
        assert phone.locator("#report-secret").inner_text()
        # Nothing wider than the phone's screen.
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert elsewhere == []
        assert csp_errors == []

        report = PublicReport.objects.get(reference=reference)
        assert report.alert_id == alert.pk and report.anonymous
        assert Notification.objects.filter(
            user__username="police.gr", link__endswith=f"/{report.pk}/"
        ).exists()

        desk = new_page(browser, live_url)
        sign_in(desk, "manager.gr")
        desk.get_by_role("link", name="Reports from the public").click()
        desk.get_by_role("link", name=reference).click()
        expect(desk.get_by_text("Piraeus, gate E2")).to_be_visible()
        expect(desk.get_by_text("Anonymous")).to_be_visible()
