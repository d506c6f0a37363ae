"""Play a PBX or an SMS gateway against a running platform: a call rings (or an SMS arrives)
at a hotline, posted to its line's webhook and signed with the line's secret, as a real one
would. For trying the contact centre in `make run` (development only)."""

import json
import time
import uuid

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seec.contactcentre.demo import RETURNING_CALLER
from seec.contactcentre.models import ContactLine, ContactLineKind
from seec.contactcentre.pbx import signature


class Command(BaseCommand):
    help = "Ring a hotline (or send it an SMS) through its line's signed webhook."

    def add_arguments(self, parser):
        parser.add_argument("--country", default="GR")
        parser.add_argument("--url", default=settings.SEEC_PUBLIC_URL)
        parser.add_argument("--number", default=RETURNING_CALLER)
        parser.add_argument("--sms", default="", help="send this SMS instead of ringing")
        parser.add_argument(
            "--abandon-after", type=float, default=0, help="hang up unanswered after N seconds"
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_call is for development only.")
        kind = ContactLineKind.SMS if options["sms"] else ContactLineKind.PBX_WEBHOOK
        line = ContactLine.objects.filter(
            organisation__country_id=options["country"].upper(), kind=kind, is_active=True
        ).first()
        if line is None:
            raise CommandError(f"No {kind} line for {options['country']} (run seed_demo).")
        if options["sms"]:
            path = f"/contact-centre/lines/{line.pk}/sms/"
            number = options["number"].replace(" ", "")
            events = [{"from": number, "text": options["sms"], "id": uuid.uuid4().hex}]
        else:
            path = f"/contact-centre/lines/{line.pk}/pbx-events/"
            call_id = f"demo-{uuid.uuid4().hex[:12]}"
            events = [{"event": "ringing", "call_id": call_id, "caller": options["number"]}]
            if options["abandon_after"]:
                events.append({"event": "abandoned", "call_id": call_id})
        for n, event in enumerate(events):
            if n:
                time.sleep(options["abandon_after"])
            body = json.dumps(event).encode()
            stamp = str(int(time.time()))
            response = httpx.post(
                options["url"].rstrip("/") + path,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-SEEC-Timestamp": stamp,
                    "X-SEEC-Signature": signature(line.secret, stamp, body),
                },
            )
            self.stdout.write(
                f"{event.get('event', 'sms')}: {response.status_code} {response.text}"
            )
