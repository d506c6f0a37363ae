"""axe-core in headless Chromium on every public page of the portal, in three languages
(English, Serbian in Cyrillic, Greek), on a desktop screen and a phone's: no violation of
WCAG 2.0, 2.1 or 2.2, levels A and AA.

axe-core is the copy bundled in the pinned `axe-playwright-python` package (a development
dependency): Playwright injects it into the page through the DevTools protocol, so the
portal's Content-Security-Policy stays without `unsafe-inline` and nothing is fetched from
another origin."""

import datetime
import functools
import json
from pathlib import Path

import pytest

from seec.alerts import services as alert_services
from seec.alerts.public import live_alerts
from seec.cases.models import Case
from seec.conftest import chromium, new_page
from seec.core import policy
from seec.core.audit import Origin
from seec.core.models import User
from seec.core.policy import Act
from seec.portal import services
from seec.portal.models import PublishedChild

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "sr", "el"]  # Latin, Cyrillic, Greek
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_script() -> str:
    try:
        import axe_playwright_python
    except ImportError:  # a clear failure, never a silent skip
        pytest.fail("axe-core is missing: install the development dependencies (.[dev])")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def violations(page, script: str) -> list[dict]:
    page.evaluate(script)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}  {node['failureSummary'][:200]!r}")
    return "\n".join(lines)


def publish_a_child() -> str:
    manager = User.objects.get(username="manager.gr")
    case = next(
        case
        for case in Case.objects.filter(country_id="GR").order_by("pk")
        if case.is_open and policy.can(manager, Act.MANAGE, case)
    )
    today = datetime.date(2026, 12, 1)
    publication = services.publish_child(
        case,
        origin=Origin(manager),
        public_text="She may be in Thessaloniki. She likes the harbour.",
        guardian_consent="Mother, in writing",
        consent_on=today,
        police_approval="Hellenic Police, missing persons unit, 4411/2026",
        approved_on=today,
        days=30,
    )
    return publication.slug


def publish_the_network(var_dir) -> None:
    """One of each of the regional centre's public records, from the demo's network (what the
    demo itself published is taken off first, so that the pages hold exactly these)."""
    from seec.network.models import Activity, ActivityKind, InfoDesk, Partner
    from seec.portal.models import NetworkItemKind, NetworkPublication

    NetworkPublication.objects.all().delete()
    coordinator = User.objects.get(username="coordinator.seec")

    def publish(kind, **fields):
        services.publish_network_item(origin=Origin(coordinator), kind=kind, **fields)

    publish(
        NetworkItemKind.PARTNER,
        record=Partner.objects.order_by("pk").first(),
        public_text="A partner.",
    )
    publish(
        NetworkItemKind.ACTIVITY,
        record=Activity.objects.filter(kind=ActivityKind.TRAINING).order_by("pk").first(),
        public_text="Three days of training.",
    )
    publish(
        NetworkItemKind.ACTIVITY,
        record=Activity.objects.exclude(kind=ActivityKind.TRAINING).order_by("pk").first(),
    )
    if desk := InfoDesk.objects.order_by("pk").first():
        publish(NetworkItemKind.INFO_DESK, record=desk)
    publish(NetworkItemKind.NEWS, title="A new hotline", public_text="It answers day and night.")
    (var_dir / "reports").mkdir()
    (var_dir / "reports" / "seec-statistics-2025.pdf").write_bytes(b"%PDF-1.4")
    publish(NetworkItemKind.REPORT, year=2025)


def test_every_public_page_has_no_accessibility_violation(
    demo_region, live_url, monkeypatch, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    publish_the_network(tmp_path)
    settings.SEEC_PORTAL_POW_BITS = 12  # the page's own script solves it, in a blink here
    settings.SEEC_PORTAL_REPORTS_PER_HOUR = 100  # one report per language and screen
    alert = live_alerts().get(country_id="GR")
    slug = publish_a_child()
    pages = [
        "/portal/",
        f"/portal/alerts/{alert.reference}/",
        "/portal/hotlines/",
        "/portal/report/",
        "/portal/report/?kind=suspicion",
        "/portal/report/add/",
        f"/portal/missing/{slug}/",
        "/portal/about/",
        "/portal/about/partners/",
        "/portal/about/news/",
        "/portal/about/trainings/",
        "/portal/about/publications/",
    ]
    script = axe_script()
    failures = {}

    def audit(page, where, *, language, screen):
        assert page.evaluate("document.documentElement.lang") == language, where
        found = violations(page, script)
        if found:
            failures[f"{where} [{language}, {screen}]"] = describe(found)

    def each_language_and_screen(visit):
        for language in LANGUAGES:
            for screen, options in SCREENS.items():
                page = new_page(browser, live_url, locale=language, **options)
                visit(page, functools.partial(audit, page, language=language, screen=screen))
                page.context.close()

    def read_every_page(page, check):
        for path in pages:
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            check(path)

    def report_and_add_to_it(page, check):
        # The form refused (its error summary), then sent: the receipt with the secret.
        page.goto(f"/portal/report/?alert={alert.reference}")
        page.locator("#report-form button[type=submit]").click()
        page.wait_for_selector("#form-errors")
        check("report form with errors")
        page.locator("#id_what_was_seen").fill("A girl in a red coat with a man, at the port.")
        page.locator("#id_place").fill("Piraeus, gate E2")
        page.locator("#report-form button[type=submit]").click()
        page.wait_for_selector("#report-reference")
        check("report received")
        reference = page.locator("#report-reference").inner_text()
        secret = page.locator("#report-secret").inner_text()
        # The follow-up: a wrong secret refused, then the right one.
        page.goto("/portal/report/add/")
        page.locator("#id_reference").fill(reference)
        page.locator("#id_secret").fill("not the secret")
        page.locator("#id_text").fill("The car was grey, an old Opel.")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("#form-errors")
        check("add to a report, refused")
        page.locator("#id_secret").fill(secret)
        page.locator("#id_text").fill("The car was grey, an old Opel.")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert not page.locator("#form-errors").count()
        check("information added")

    def read_ended_pages(page, check):
        for path in (f"/portal/alerts/{alert.reference}/", f"/portal/missing/{slug}/"):
            response = page.goto(path)
            assert response.status == 410, (path, response.status)
            check(path + " (ended)")

    with chromium(monkeypatch) as browser:
        each_language_and_screen(read_every_page)
        each_language_and_screen(report_and_add_to_it)
        # The alert cancelled and the child found: both pages say so (410).
        police = User.objects.get(username="police.gr")
        alert_services.cancel_alert(alert, origin=Origin(police), reason="Found safe")
        publication = PublishedChild.objects.get(slug=slug)
        services.withdraw_publication(
            publication, origin=Origin(User.objects.get(username="manager.gr")), reason="Found"
        )
        each_language_and_screen(read_ended_pages)

    report = "\n\n".join(f"{where}\n{what}" for where, what in failures.items())
    print(report)
    assert not failures, f"axe-core found violations:\n{report}"
