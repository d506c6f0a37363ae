"""In headless Chromium, as the regional coordinator and a national centre walk the network:
the region on two dates, a country's profile and timeline, an agreement's reminder, the 2015
plan's review and evaluation PDFs, a training's certificates, and an NGO evaluation from its
self-assessment to the result the public directory shows."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from seec.network import models as m
from seec.network import profiles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DASHBOARD = re.compile(r"^https?://[^/]+/$")


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.SEEC_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(DASHBOARD)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_the_region_on_two_dates_and_a_countrys_timeline(demo_region, browser_page):
    page = browser_page
    sign_in(page, "police.hr")
    page.get_by_role("link", name="Network").click()
    serbia = page.locator('#region-map a[data-country="RS"]')
    # Before July 2012 the Serbian 116 000 was being implemented; after, it answered.
    page.get_by_label("On", exact=True).fill("2012-01-01")
    page.get_by_role("button", name="Show").click()
    expect(serbia).to_have_attribute("data-category", "in_progress")
    page.get_by_label("On", exact=True).fill("2013-01-01")
    page.get_by_role("button", name="Show").click()
    expect(serbia).to_have_attribute("data-category", "operational")
    expect(page.locator('#region-map a[data-country="HR"]')).to_have_attribute(
        "data-category", "in_progress"
    )
    # Coloured by the networks reached: Ukraine answers on mobile networks only.
    page.get_by_label("On", exact=True).fill("2015-06-01")
    page.get_by_label("Colour by").select_option("hotline_networks")
    page.get_by_role("button", name="Show").click()
    expect(page.locator('#region-map a[data-country="UA"]')).to_have_attribute(
        "data-category", "mobile"
    )
    # Serbia's profile on that date, and its timeline.
    page.locator("#map-table").get_by_role("link", name="Serbia").click()
    expect(page.locator('[data-field="hotline-since"]')).to_have_text("July 2012")
    expect(page.locator('[data-field="alert-stage"]')).to_contain_text("Being established")
    expect(page.locator("#timeline")).to_contain_text("ASTRA")
    # The liaison officers' directory finds a Cyrillic name written in Latin.
    page.goto("/network/liaison-officers/")
    page.get_by_label("Name, institution or topic").fill("djordjevic")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#directory")).to_contain_text("Јелена Ђорђевић")


def test_the_coordinators_month(demo_region, browser_page):
    page = browser_page
    sign_in(page, "coordinator.seec")
    # The demo's memorandum lapses within a month: the reminder waits in the notices.
    page.get_by_role("link", name=re.compile("Notices")).click()
    expect(page.locator("main")).to_contain_text("lapses on")
    page.goto("/network/agreements/?state=lapsing")
    expect(page.locator("#agreements")).to_contain_text("Lapsing soon")
    # The 2015 plan: its reviews and evaluation as PDFs.
    page.goto("/network/plans/")
    page.get_by_role("link", name="SEEC Action Plan 2015").click()
    expect(page.locator('[data-activity="8"]')).to_contain_text("Done")
    for link in (page.locator("#reviews a", has_text="PDF").first, page.locator("#evaluation a")):
        href = link.get_attribute("href")
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
    # A training's participants and certificates.
    training = m.Activity.objects.get(kind="training")
    page.goto(f"/network/activities/{training.pk}/")
    expect(page.locator("#participants")).to_contain_text("SEEC-2015-")
    pdf = page.request.get(f"/network/activities/{training.pk}/certificates.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")


def test_an_ngo_evaluation_reviewed_and_completed(demo_region, browser_page):
    page = browser_page
    greece = m.ServiceEvaluation.objects.get(organisation__country="GR")
    sign_in(page, "manager.gr")
    page.goto(f"/network/evaluations/{greece.pk}/")
    expect(page.locator('[data-field="stage"]')).to_have_text("Under review by the centre")
    expect(page.locator('[data-indicator="contacts.recorded"]')).to_be_visible()
    sign_out(page)
    sign_in(page, "coordinator.seec")
    page.goto(f"/network/evaluations/{greece.pk}/")
    rows = page.locator("#criteria tbody tr")
    for i in range(rows.count()):
        rows.nth(i).locator("select").select_option("2" if i == 0 else "3")
    page.get_by_role("button", name="Save the review").click()
    improvements = page.locator("#improvements")
    improvements.get_by_label("Finding").fill("Police hand-over not recorded")
    improvements.get_by_label("Action", exact=True).fill("Record the time the police are told")
    improvements.get_by_label("Deadline").fill("2030-06-30")
    improvements.get_by_role("button", name="Add").click()
    page.locator("#history").get_by_label("Summary of findings").fill("Largely meets.")
    page.get_by_role("button", name="Complete").click()
    expect(page.locator('[data-field="result"]')).to_be_visible()
    row = next(r for r in profiles.hotline_directory() if r["country"] == "GR")
    assert row["evaluation"]["year"] == greece.year
