"""Who uses the platform in `web_load`: locust's users (run by bench/web_load.py).

Signed-in hotline operators (lists, case pages, search, contact entry) and supervisors (the
team board, lists, case pages), each signing in once and keeping its session as a browser
does, and anonymous readers of the public alert pages and feed. Think time between pages as a
person's: 1 to 4 seconds. The plan (accounts, case ids, names to search, alert references)
comes from the file WEB_LOAD_PLAN that the benchmark writes after loading its data.

Staff pages go to WEB_LOAD_STAFF_HOST and the public readers to WEB_LOAD_PUBLIC_HOST (the two
servers of the documented set-up, or the same one). Every request is written to WEB_LOAD_LOG
(when it started, its page kind, its time, whether it failed) with the moment the last user
arrived, so that the benchmark can tell the arrivals from the steady load.
"""

import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["WEB_LOAD_PLAN"]).read_text())
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOG = {"requests": [], "started": time.time(), "all_arrived": None}


@events.request.add_listener
def record(name, response_time, start_time, exception=None, **_ignored):
    LOG["requests"].append([round(start_time, 3), name, round(response_time, 1), bool(exception)])


@events.test_start.add_listener
def first_arrives(**_ignored):
    LOG["started"] = time.time()


@events.spawning_complete.add_listener
def all_arrived(user_count, **_ignored):
    LOG["all_arrived"] = time.time()


@events.quitting.add_listener
def write_log(**_ignored):
    Path(os.environ["WEB_LOAD_LOG"]).write_text(json.dumps(LOG))


def form_token(response) -> str:
    found = TOKEN.search(response.text)
    return found.group(1) if found else ""


class SignedIn(HttpUser):
    abstract = True
    host = os.environ["WEB_LOAD_STAFF_HOST"]
    wait_time = between(1, 4)
    role = "operator"

    def on_start(self):
        self.country = random.choice(PLAN["countries"])
        page = self.client.get("/accounts/login/", name="sign-in page")
        with self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": form_token(page),
                "username": f"{self.role}.{self.country.lower()}",
                "password": PLAN["password"],
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}")

    def open_case(self):
        case = random.choice(PLAN["cases"][self.country])
        self.client.get(f"/cases/{case}/", name="case page")

    def case_list(self):
        page = random.choice(["/cases/", "/cases/?status=open_any", "/cases/?page=2"])
        self.client.get(page, name="case list")


class Operator(SignedIn):
    weight = 30
    role = "operator"

    @task(4)
    def list_cases(self):
        self.case_list()

    @task(4)
    def case_page(self):
        self.open_case()

    @task(2)
    def search(self):
        name = random.choice(PLAN["names"][self.country])
        self.client.get("/cases/search/", params={"q": name}, name="search")

    @task(1)
    def contact_entry(self):
        # The contact centre's call screen, where contacts are recorded: /cases/contact/ only
        # redirects there (a POST to it recorded nothing, yet answered 302).
        form = self.client.get("/contact-centre/call/", name="contact form")
        with self.client.post(
            "/contact-centre/call/",
            {
                "csrfmiddlewaretoken": form_token(form),
                "channel": "call",
                "subject": "advice",
                "caller_relation": "parent",
                "summary": "Asked how to report a runaway to the police.",
            },
            name="contact entry",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"the contact was not recorded ({answer.status_code})")


class Supervisor(SignedIn):
    weight = 5
    role = "manager"

    @task(2)
    def board(self):
        self.client.get("/cases/board/", name="team board")

    @task(2)
    def list_cases(self):
        self.case_list()

    @task(3)
    def case_page(self):
        self.open_case()


class PublicReader(HttpUser):
    weight = 15
    host = os.environ["WEB_LOAD_PUBLIC_HOST"]
    wait_time = between(1, 4)

    @task(3)
    def alerts(self):
        self.client.get("/alerts/", name="public alerts")

    @task(3)
    def alert_page(self):
        if PLAN["alerts"]:
            reference = random.choice(PLAN["alerts"])
            self.client.get(f"/alerts/public/{reference}/", name="public alert page")

    @task(1)
    def feed(self):
        self.client.get("/alerts/feed.atom", name="alert feed")
