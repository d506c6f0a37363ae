"""In headless Chromium, every complete language (settings.SEEC_COMPLETE_LANGUAGES): the case
page, the contact screen, the alert request, the public alert page and the statistics
dashboard hold no English interface string.

The rendered text (text nodes, and the placeholders, titles, labels and alternative texts
people read) is compared with the English catalogue's messages: a text that is a message of
the catalogue, whole or with its placeholders filled, or that holds one of its longer
sentences, is an English interface string. Data (names, places, case numbers, figures) and
what every language writes alike (116 000, CAP, SMS, CSV…: a translation equal to its
message) are not."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page

from seec.alerts import services as alert_services
from seec.alerts.alert_languages import DEFAULT_ALERT_LANGUAGES
from seec.alerts.demo import _abduction_case
from seec.alerts.models import Alert, AlertSettings
from seec.alerts.tests.conftest import AREA, all_met
from seec.cases.models import Case
from seec.cases.tests.test_browser_case_path import sign_in
from seec.core.audit import Origin
from seec.core.languages import tag_of
from seec.core.models import User
from seec.core.tests.test_catalogues import catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code in settings.SEEC_COMPLETE_LANGUAGES if code != "en"]

# What the page shows people, apart from the language menu (each language in its own name)
# and code (case numbers, CAP identifiers).
VISIBLE_TEXT = """() => {
  const out = [];
  // Text declared in another language (an alert's language links, each in its own name).
  const primary = (tag) => (tag || '').toLowerCase().split('-')[0];
  const page = primary(document.documentElement.lang);
  const foreign = (el) => {
    const of = el.closest('[lang]');
    return of && primary(of.lang) !== page;
  };
  const skip = (el) => el.closest('script, style, code, pre, #language-select, [translate="no"]')
    || foreign(el);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!skip(node.parentElement) && node.textContent.trim()) out.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
    if (skip(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  out.push(document.title);
  return out;
}"""


def _pattern(message: str) -> re.Pattern:
    """A message with its placeholders as wildcards: "Case %(number)s" matches "Case GR-1"."""
    parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", message)
    return re.compile(r"\s*" + r".+?".join(re.escape(" ".join(p.split())) for p in parts) + r"\s*")


def english_messages(language: str) -> tuple[list[re.Pattern], list[str]]:
    """The catalogue's English messages that the language writes otherwise: patterns for
    whole texts, and the longer sentences (four words and more) to find inside texts."""
    whole, sentences = [], []
    for entry in catalogue(language).translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for message in filter(None, (entry.msgid, entry.msgid_plural)):
            # Words outside the placeholders: "%(given)s %(family)s" is no English.
            plain = re.sub(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", "", message)
            if message in translations or not re.search(r"[A-Za-z]{3}", plain):
                continue
            whole.append(_pattern(message))
            if len(plain.split()) >= 4 and "%" not in message and "<" not in message:
                sentences.append(" ".join(plain.split()))
    return whole, sentences


# Places of the region whose names are also English words (Bar, in Montenegro): data.
PLACE_NAMES = {"Bar"}


def translations(language: str) -> set[str]:
    """Every translation of the catalogue: a word of the language ("Note", Romanian for
    "Notes") is no English even where it is written as an English message is."""
    found = set()
    for entry in catalogue(language).translated_entries():
        found.update([entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values())
    return found


def english_on(page: Page, language: str) -> list[str]:
    whole, sentences = english_messages(language)
    own = translations(language) | PLACE_NAMES
    found = []
    for raw in page.evaluate(VISIBLE_TEXT):
        text = " ".join(raw.split())
        if text in own:
            continue
        if any(pattern.fullmatch(text) for pattern in whole) or any(
            sentence in text for sentence in sentences
        ):
            found.append(text)
    return sorted(set(found))


def _country_of(language: str) -> str:
    """A country that writes its alerts in the language first (one language only, if any)."""
    tag = tag_of(language)
    first = [code for code, tags in DEFAULT_ALERT_LANGUAGES.items() if tags[0] == tag]
    # Serbian in Latin script is no country's first alert language: Serbia's second one.
    writing = first or [code for code, tags in DEFAULT_ALERT_LANGUAGES.items() if tag in tags]
    return min(writing, key=lambda code: len(DEFAULT_ALERT_LANGUAGES[code]))


def _open_case(country: str) -> Case:
    case = Case.objects.open().filter(country_id=country).order_by("-opened_at").first()
    if case is None:
        operator = User.objects.get(username=f"operator.{country.lower()}")
        case = _abduction_case(country, operator)
    return case


def _live_alert(country: str, language: str) -> Alert:
    """An issued alert in the language, written by the platform's own wording."""
    existing = Alert.objects.filter(
        country_id=country, status="issued", texts__language=tag_of(language)
    ).first()
    if existing:
        return existing
    AlertSettings.objects.filter(country_id=country).update(languages=f"{tag_of(language)},en")
    cc = country.lower()
    manager = User.objects.get(username=f"manager.{cc}")
    case = _open_case(country)
    alert = alert_services.request_alert(case, origin=Origin(manager), answers=all_met(), **AREA)
    police = User.objects.get(username=f"police.{cc}")
    return alert_services.approve_alert(alert, origin=Origin(police))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_hold_no_english_interface_string(demo_region, browser_page, language):
    page = browser_page
    country = _country_of(language)
    cc = country.lower()
    User.objects.filter(username__in=[f"manager.{cc}", f"operator.{cc}", "analyst.seec"]).update(
        preferred_language=language
    )
    case = _open_case(country)
    alert = _live_alert(country, language)
    leftovers = {}

    def check(path: str) -> None:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, path
        found = english_on(page, language)
        if found:
            leftovers[path] = found

    sign_in(page, f"operator.{cc}")
    check(reverse("cases:contact"))
    page.context.clear_cookies()

    sign_in(page, f"manager.{cc}")
    check(reverse("cases:detail", args=[case.pk]))
    check(reverse("alerts:request", args=[case.pk]))
    page.context.clear_cookies()

    sign_in(page, "analyst.seec")
    check(reverse("stats:dashboard"))
    page.context.clear_cookies()

    check(reverse("alerts:public", args=[alert.reference]) + f"?lang={tag_of(language)}")
    assert not leftovers, f"English on the {language} pages: {leftovers}"


def test_the_check_finds_english_where_it_is(demo_region, browser_page):
    """The same check on an English page finds the catalogue's messages: it can fail."""
    page = browser_page
    sign_in(page, "analyst.seec")
    page.goto(reverse("stats:dashboard"))
    found = english_on(page, "el")
    assert found, "the English dashboard should be full of the catalogue's messages"
