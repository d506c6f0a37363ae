"""In headless Chromium: a child alert's whole path.

A case manager requests an alert on a high-risk case and answers the criteria; the police of
the country approve it; the public alert page shows it in two languages; its CAP message
validates against the official schema and its signature holds; the fake gateways receive the
deliveries; the child is found, the alert is cancelled and leaves the public page and the feed.
"""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from seec.alerts import cap, delivery
from seec.alerts.fakes import FakeGateways
from seec.alerts.models import (
    Alert,
    AlertStatus,
    Channel,
    Delivery,
    DeliveryStatus,
    Subscriber,
)
from seec.cases import services as case_services
from seec.cases.tests.conftest import case_fields
from seec.cases.tests.test_browser_case_path import sign_in
from seec.core.audit import Origin
from seec.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALERT_PAGE = re.compile(r"/alerts/manage/(\d+)/$")


def test_request_approve_publish_deliver_and_cancel(demo_region, browser_page):
    page = browser_page
    operator = User.objects.get(username="operator.gr")
    manager = User.objects.get(username="manager.gr")
    case = case_services.open_case(
        origin=Origin(operator),
        fields=case_fields(category="criminal_abduction", clothing="Red school jacket"),
    )
    case_services.assess_risk(
        case,
        origin=Origin(manager),
        factors={"danger_signs": True, "suspected_exploitation": True},
        rationale="Seen forced into a car",
    )

    # 1. The manager sees the high-risk prompt and requests an alert, criterion by criterion.
    sign_in(page, "manager.gr")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Request a child alert").click()
    expect(page.get_by_role("heading", name=re.compile("Request a child alert"))).to_be_visible()
    for checkbox in page.locator("input[type=checkbox][name^=met_]").all():
        checkbox.check()
    for evidence in page.locator("textarea[name^=evidence_]").all():
        evidence.fill("Witness statement, police report 4411/2026")
    page.get_by_label("Area", exact=True).fill("Attica")
    page.get_by_label(re.compile("Area outline")).fill(
        "38.25,23.35\n38.25,24.10\n37.70,24.10\n37.70,23.35"
    )
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(ALERT_PAGE)
    alert = Alert.objects.get(pk=ALERT_PAGE.search(page.url).group(1))
    expect(page.locator("#alert-status")).to_have_text("Requested")
    # The requester is offered no approval (four eyes).
    expect(page.get_by_role("button", name="Approve and issue")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    # 2. The Greek police approve it for six hours.
    sign_in(page, "police.gr")
    expect(page.locator("#alerts-waiting")).to_have_text("1")
    # Told in the platform too: the notice leads to the request.
    page.get_by_role("link", name=re.compile("^Notices")).click()
    # Written in the officer's language: Greek, their country's, as they never chose one.
    with translation.override("el"):
        told = translation.gettext("Child alert requested")
    page.get_by_role("button", name=re.compile(f"{told}: {alert.reference}")).click()
    page.wait_for_url(ALERT_PAGE)
    page.goto(f"/alerts/manage/{alert.pk}/")
    page.get_by_label("Duration (hours)").fill("6")
    page.get_by_role("button", name="Approve and issue").click()
    expect(page.locator("#alert-status")).to_have_text("Issued")

    # 3. The public page, in Greek and in English.
    alert.refresh_from_db()
    page.goto(f"/alerts/public/{alert.reference}/")
    greek = alert.texts.get(language="el").headline
    english = alert.texts.get(language="en").headline
    expect(page.get_by_role("heading", level=1)).to_have_text(greek)
    page.get_by_role("link", name="English", exact=True).click()  # each language in its own name
    expect(page.get_by_role("heading", level=1)).to_have_text(english)

    # 4. The CAP message: valid against the OASIS schema, signed by the platform.
    message = alert.messages.get()
    served = page.request.get(f"/alerts/{message.identifier}.xml")
    assert served.headers["content-type"] == "application/cap+xml"
    cap.validate(served.body())
    cap.verify(served.body(), cap.SigningKey.load().cert_pem)
    assert message.identifier in page.request.get("/alerts/feed.atom").text()

    # 5. The delivery worker reaches the Greek subscribers through the fake gateways.
    with FakeGateways() as fakes:
        Subscriber.objects.filter(country_id="GR", channel=Channel.WEBHOOK).update(
            address=f"{fakes.url}/webhook/gr"
        )
        with override_settings(SEEC_GATEWAYS={"email": fakes.url, "sms": fakes.url}):
            delivery.work(until_idle=True, poll=0.05)
        received = fakes.ledger.summary()
    subscribed = Subscriber.objects.filter(country_id="GR", confirmed_at__isnull=False).count()
    sent = Delivery.objects.filter(fan_out__message=message, status=DeliveryStatus.SENT)
    assert sent.count() == subscribed > 0  # (the demo's own alerts went out too)
    assert set(sent.values_list("channel", flat=True)) == {"email", "sms", "webhook"}
    assert received["addresses_reached_twice"] == 0

    # 6. The child is found: the alert is cancelled and leaves every public surface.
    case_services.mark_found(
        case,
        origin=Origin(manager),
        found_at=timezone.now(),
        found_how="after_public_alert",
        outcome="found_safe",
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CANCELLED
    response = page.goto(f"/alerts/public/{alert.reference}/")
    # Gone, and says so (a shared link is still followed for a while), without the child's data.
    assert response.status == 410
    expect(page.get_by_text(greek)).to_have_count(0)
    assert message.identifier not in page.request.get("/alerts/feed.atom").text()
    page.goto("/alerts/")
    expect(page.get_by_text(greek)).to_have_count(0)

    # 7. The case timeline tells the alert's story.
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "manager.gr")
    page.goto(f"/cases/{case.pk}/")
    timeline = page.locator("ol.timeline")
    for step in ("Child alert requested", "Child alert approved and issued",
                 "Child alert cancelled"):  # fmt: skip
        expect(timeline).to_contain_text(step)
    page.screenshot(path=str(settings.VAR_DIR / "screenshots" / "alert-path.png"), full_page=True)
