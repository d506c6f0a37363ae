"""In headless Chromium, with the keyboard where a coordinator would use it: a new draft
version of the 116 000 catalogue, a criterion added to it, the draft published; the old
version is then superseded and the new one current."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from playwright.sync_api import expect

from seec.core.models import OrganisationKind, RoleCode
from seec.core.tests.factories import PASSWORD, make_organisation, make_user
from seec.network import models as m
from seec.network import reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(transactional_db):
    # A transactional test empties every table when it ends: put the reference data back.
    import_module("seec.core.migrations.0002_reference_data").load(apps, None)
    reference.load()
    seec = make_organisation(None, OrganisationKind.INTERNATIONAL, name="SEEC")
    return make_user(seec, RoleCode.REGIONAL_COORDINATOR, username="coordinator.browser")


def test_a_coordinator_drafts_a_version_adds_a_criterion_and_publishes_it(
    coordinator, browser_page
):
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))

    page.goto("/network/criteria/")
    decision = m.CriteriaCatalogue.objects.get(kind="decision_116000", version=1)
    page.locator('[data-catalogue="decision_116000-1"]').get_by_role("link").click()
    expect(page.locator("#catalogue-state")).to_contain_text("Current version")
    page.get_by_label("Title of the new version").fill("116 000 conditions (2026 revision)")
    page.get_by_role("button", name="Make a new draft version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "116 000 conditions (2026 revision) v2"
    )
    expect(page.locator("#catalogue-state")).to_contain_text("Draft")
    expect(page.locator("#criteria tbody tr")).to_have_count(decision.criteria.count())

    # The criterion, entered from the keyboard alone.
    page.get_by_role("link", name="Add a criterion").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Code").fill("D9")
    page.keyboard.press("Tab")
    page.keyboard.type("Quality")  # the group
    page.keyboard.press("Tab")
    page.keyboard.type("Calls are answered within 30 seconds.")
    page.get_by_label("Weight").fill("2")
    page.get_by_label("Indicator").fill("calls.seconds_to_answer")
    page.get_by_label("Threshold").fill("30")
    page.get_by_label("Higher is better").uncheck()
    page.get_by_label("Indicator").press("Enter")
    expect(page.locator('[data-criterion="D9"]')).to_contain_text("Quality")
    expect(page.locator('[data-criterion="D9"]')).to_contain_text("≤ 30")

    # A twin code is refused on the field, the form kept.
    page.get_by_role("link", name="Add a criterion").click()
    page.get_by_label("Code").fill("D9")
    page.get_by_label("Criterion").fill("A twin")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_code_error")).to_contain_text("D9")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#catalogue-state")).to_contain_text("Current version")
    expect(page.get_by_role("link", name="Add a criterion")).to_have_count(0)
    draft = m.CriteriaCatalogue.objects.get(kind="decision_116000", version=2)
    assert draft.published_on is not None
    assert draft.criteria.filter(code="D9", weight=2, higher_is_better=False).exists()

    page.get_by_role("link", name="1", exact=True).click()
    expect(page.locator("#catalogue-state")).to_contain_text("Superseded by version 2")
