"""In headless Chromium, against uvicorn (HTTP and WebSockets) and the Redis channel layer:

- a call from the PBX pops up on the operator's console with the caller's history; the
  operator takes it, records it and opens the case on one screen, by keyboard alone; the time
  from the screen pop to the first save and the keys pressed are measured and written to
  var/screenshots/contact-centre-call.json;
- a chat from the public page (a phone's screen) is answered by an operator, transferred to a
  colleague, ended, and its transcript is on the recorded contact;
- an abandoned call is counted live on the supervisor's view and in the metrics (in the first
  test, on its demo region: making one takes a while).
"""

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from seec.cases.tests.test_browser_case_path import sign_in
from seec.conftest import chromium, new_page
from seec.contactcentre.demo import RETURNING_CALLER, demo_secret
from seec.contactcentre.models import ContactLine, Conversation
from seec.contactcentre.pbx import signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
CASE_PAGE = re.compile(r"/cases/(\d+)/$")


def pbx_event(base_url: str, **event) -> dict:
    line = ContactLine.objects.get(name="PBX GR (demo)")
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    response = httpx.post(
        f"{base_url}/contact-centre/lines/{line.pk}/pbx-events/",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-SEEC-Timestamp": stamp,
            "X-SEEC-Signature": signature(demo_secret("pbx", "GR"), stamp, body),
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def go_available(page: Page) -> None:
    page.goto("/contact-centre/")
    page.get_by_label("Status").select_option("available")
    page.get_by_role("button", name="Set").click()
    expect(page.locator("#connection")).to_have_attribute("data-state", "online")


class Keyboard:
    """Drives a page by keyboard alone and counts the keys."""

    def __init__(self, page: Page):
        self.page, self.keys = page, 0

    def press(self, key: str):
        self.page.keyboard.press(key)
        self.keys += 1

    def type(self, text: str):
        self.page.keyboard.type(text)
        self.keys += len(text)

    def tab_to(self, label: str, limit: int = 60):
        """Tab until the focused field is the one labelled `label`."""
        for _ in range(limit):
            focused = self.page.evaluate(
                "() => { const e = document.activeElement;"
                " return e && e.labels && e.labels.length ? e.labels[0].textContent.trim() : ''; }"
            )
            if focused == label:
                return
            self.press("Tab")
        raise AssertionError(f"no field labelled {label!r} reached by Tab")

    def choose(self, label: str, option: str):
        """A select, by typing the start of the option's text (as a keyboard user does)."""
        self.tab_to(label)
        self.type(option)
        chosen = self.page.evaluate("() => document.activeElement.selectedOptions[0].text")
        assert chosen.startswith(option), (label, chosen)


def test_screen_pop_to_an_opened_case_then_an_abandoned_call_counted(
    demo_region, asgi_url, monkeypatch
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium(monkeypatch) as browser:
        page = new_page(browser, asgi_url)
        sign_in(page, "operator.gr")
        go_available(page)

        # The PBX says the mother who called three days ago is ringing again.
        pbx_event(asgi_url, event="ringing", call_id="demo-call-1", caller=RETURNING_CALLER)
        offer = page.locator(".offer").filter(has_text=RETURNING_CALLER)
        expect(offer).to_be_visible()
        popped = time.monotonic()
        expect(offer.get_by_role("heading", name="Earlier contacts")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "contact-centre-screen-pop.png", full_page=True)

        keys = Keyboard(page)
        keys.press("Alt+a")  # take it
        page.wait_for_url(re.compile(r"/contact-centre/conversations/\d+/$"))
        expect(page.locator("#call-timer")).to_have_text(re.compile(r"^0:0\d$"))
        expect(page.get_by_role("heading", name="This caller before")).to_be_visible()

        # Her other child, a daughter of 15, has not come home from school.
        keys.choose("About", "A new d")
        expect(page.locator("#child-section")).to_be_visible()
        keys.choose("Caller's relation to the child", "Parent")
        keys.tab_to("Caller's name")
        keys.type("Μαρία Παππά")
        # The caller's country's languages come first: one arrow down is Greek.
        keys.tab_to("Caller's language")
        keys.press("ArrowDown")
        assert page.evaluate("() => document.activeElement.value") == "el"
        keys.tab_to("Given names")
        keys.type("Δανάη")
        keys.tab_to("Family name")
        keys.type("Παππά")
        keys.choose("Sex", "Female")
        keys.tab_to("Estimated age (years)")
        keys.type("15")
        keys.choose("Category", "Runaway")
        keys.tab_to("Last seen at (place)")
        keys.type("Πειραιάς, 3ο Γυμνάσιο")
        keys.press("Alt+s")
        confirm = page.locator("input[name=confirm_new]")
        heading = page.get_by_role("heading", level=1).filter(has_text=re.compile(r"GR-\d{4}-"))
        expect(heading.or_(confirm)).to_be_visible()
        if confirm.is_visible():  # a demo child of a close name: a different child
            confirm.focus()
            keys.press("Space")
            keys.press("Alt+s")
        page.wait_for_url(CASE_PAGE)
        saved = time.monotonic()
        expect(
            page.get_by_text(re.compile(r"Contact recorded and case GR-\d{4}-\d{6} opened"))
        ).to_be_visible()
        expect(heading).to_contain_text("Δανάη Παππά")
        page.screenshot(path=SCREENSHOTS / "contact-centre-case-opened.png", full_page=True)
        # The same demo region (it takes a while to make) serves the next scenario too.
        an_abandoned_call_is_counted(browser, asgi_url)

    conversation = Conversation.objects.get(external_id="demo-call-1")
    contact = conversation.contact
    assert contact.case.given_names == "Δανάη" and contact.caller_language == "el"
    assert contact.caller_phone == RETURNING_CALLER and contact.duration_seconds is not None
    measured = {
        "seconds_from_screen_pop_to_first_save": round(saved - popped, 2),
        "keys_pressed": keys.keys,
        "screens": 1,
    }
    (SCREENSHOTS / "contact-centre-call.json").write_text(json.dumps(measured, indent=2))
    print("one-screen call:", measured)


def test_public_chat_answered_transferred_ended_with_its_transcript(
    demo_region, asgi_url, monkeypatch
):
    with chromium(monkeypatch) as browser:
        operator, manager = new_page(browser, asgi_url), new_page(browser, asgi_url)
        sign_in(operator, "operator.gr")
        go_available(operator)
        sign_in(manager, "manager.gr")
        go_available(manager)

        visitor = new_page(
            browser, asgi_url, viewport={"width": 390, "height": 844}, is_mobile=True,
            has_touch=True, locale="el-GR",
        )  # fmt: skip
        visitor.route("https://www.google.com/**", lambda route: route.fulfill(body="neutral"))
        visitor.goto("/help/chat/")
        expect(visitor.locator("#quick-exit")).to_be_visible()
        visitor.locator("#id_country").select_option("GR")
        visitor.locator("#start button[type=submit]").click()
        expect(visitor.locator("#status")).to_have_attribute("data-state", "waiting")
        visitor.locator("#body").fill("Ο αδελφός μου δεν γύρισε σπίτι")
        visitor.locator("#body").press("Enter")
        visitor.screenshot(path=SCREENSHOTS / "contact-centre-public-chat.png", full_page=True)

        # Routed to the operator (available and idle longest), who takes it.
        operator.locator(".offer").get_by_role("button", name="Take it").click()
        expect(operator.locator("#transcript")).to_contain_text("Ο αδελφός μου δεν γύρισε σπίτι")
        operator.locator("#reply-body").fill("Είμαι εδώ. Πόσο χρονών είναι;")
        operator.locator("#reply-body").press("Enter")
        expect(visitor.locator("#messages")).to_contain_text("Είμαι εδώ. Πόσο χρονών είναι;")
        expect(visitor.locator("#status")).to_have_attribute("data-state", "answered")

        # Transferred to the case manager.
        operator.get_by_text("Transfer to a colleague").click()
        operator.get_by_label("Transfer to").select_option(label="Case Manager GR (Available)")
        operator.get_by_role("button", name="Transfer", exact=True).click()
        expect(operator.get_by_text(re.compile("Transferred to"))).to_be_visible()
        manager.locator(".offer").get_by_role("button", name="Take it").click()
        visitor.locator("#body").fill("Δώδεκα")
        visitor.locator("#body").press("Enter")
        expect(manager.locator("#transcript")).to_contain_text("Δώδεκα")

        # Ended; then the contact recorded, transcript and all.
        manager.get_by_role("button", name="End contact").click()
        expect(visitor.locator("#status")).to_have_attribute("data-state", "ended")
        manager.get_by_label("About", exact=True).select_option("advice")
        manager.get_by_role("button", name="Save contact").click()
        expect(manager.get_by_text("Contact recorded.")).to_be_visible()

        conversation = Conversation.objects.get(channel="chat")
        manager.goto(f"/contact-centre/conversations/{conversation.pk}/")
        expect(manager.get_by_text("This contact is recorded.")).to_be_visible()
        expect(manager.locator("#transcript li")).to_have_count(3)
        manager.screenshot(path=SCREENSHOTS / "contact-centre-transcript.png", full_page=True)

        visitor.locator("#quick-exit").click()
        visitor.wait_for_url("https://www.google.com/")

    conversation.refresh_from_db()
    assert conversation.state == "ended" and conversation.contact.subject == "advice"
    assert conversation.operator.username == "manager.gr"
    assert [m.sender for m in conversation.messages.all()] == ["caller", "operator", "caller"]


def an_abandoned_call_is_counted(browser, asgi_url):
    """On the supervisor's live view and in the call metrics."""
    page = new_page(browser, asgi_url)
    sign_in(page, "manager.gr")
    page.goto("/contact-centre/supervisor/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "online")
    before = int(page.locator("#abandoned-today").inner_text())
    pbx_event(asgi_url, event="ringing", call_id="demo-call-2", caller="+306912345678")
    expect(page.locator("#live-view")).to_contain_text("+306912345678")
    pbx_event(asgi_url, event="abandoned", call_id="demo-call-2")
    expect(page.locator("#abandoned-today")).to_have_text(str(before + 1))
    page.screenshot(path=SCREENSHOTS / "contact-centre-live-queue.png", full_page=True)

    page.goto("/contact-centre/metrics/")
    today = page.locator("table.metrics tbody tr").last
    header = page.locator("table.metrics thead th")
    column = [t.strip() for t in header.all_inner_texts()].index("Calls abandoned")
    assert int(today.locator("td").nth(column).inner_text()) >= 1
