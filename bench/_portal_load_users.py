"""Who reads the public site in `portal_load`: locust's anonymous readers (run by
bench/portal_load.py) of the live alerts, an alert's page and the Atom feed, with no think
time: each user is a stream of readers, and the figure is the server's capacity. The alert
references come from the file PORTAL_LOAD_PLAN that the benchmark writes."""

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, task

PLAN = json.loads(Path(os.environ["PORTAL_LOAD_PLAN"]).read_text())


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def alerts(self):
        self.client.get("/portal/", name="alerts list")

    @task
    def alert_page(self):
        reference = random.choice(PLAN["alerts"])
        self.client.get(f"/portal/alerts/{reference}/", name="alert page")

    @task
    def feed(self):
        self.client.get("/alerts/feed.atom", name="alert feed")
