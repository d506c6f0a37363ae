"""Serve the local fake e-mail, SMS and webhook gateways (for the demo and tests)."""

import time

from django.core.management.base import BaseCommand

from seec.alerts.fakes import FakeGateways


class Command(BaseCommand):
    help = "Serve local fake alert gateways on 127.0.0.1 (GET /v1/received shows what came)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args, port=8025, **options):
        with FakeGateways(port) as fakes:
            self.stdout.write(f"Fake gateways at {fakes.url} (GET {fakes.url}/v1/received)")
            while True:
                time.sleep(3600)
