"""Read a hotline's calls from Asterisk's manager interface (AMI) into its contact centre.

    SEEC_AMI_SECRET=… manage.py pbx_ami --line 3 --host 10.0.0.5 --username seec

The secret is read from the environment, never the command line (which `ps` shows). The
connector reconnects by itself when Asterisk restarts. Screen pops reach the web server's
operators through the channel layer, so the web server and this command must share Redis
(SEEC_CHANNEL_LAYER_URL): with the in-memory layer they cannot.
"""

import asyncio
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seec.contactcentre.ami import AmiConnector
from seec.contactcentre.models import ContactLine, ContactLineKind


class Command(BaseCommand):
    help = "Connect to Asterisk's manager interface and feed its call events to a contact line."

    def add_arguments(self, parser):
        parser.add_argument("--line", type=int, required=True, help="the Asterisk contact line")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=5038)
        parser.add_argument("--username", required=True)

    def handle(self, *args, **options):
        line = ContactLine.objects.filter(
            pk=options["line"], kind=ContactLineKind.ASTERISK, is_active=True
        ).first()
        if line is None:
            raise CommandError(f"No active Asterisk line {options['line']}.")
        secret = os.environ.get("SEEC_AMI_SECRET", "")
        if not secret:
            raise CommandError("Set SEEC_AMI_SECRET to the AMI user's secret.")
        if not settings.SEEC_CHANNEL_LAYER_URL:
            self.stderr.write(
                "warning: no SEEC_CHANNEL_LAYER_URL: calls are recorded, but screen pops will "
                "not reach the web server's operators."
            )
        connector = AmiConnector(
            line,
            host=options["host"],
            port=options["port"],
            username=options["username"],
            secret=secret,
        )

        async def run():
            await connector.connect()
            self.stdout.write(f"Connected to Asterisk at {options['host']}:{options['port']}.")
            while True:
                await asyncio.sleep(60)
                self.stdout.write(
                    f"{connector.handled} events handled, {connector.refused} refused."
                )

        try:
            asyncio.run(run())
        except KeyboardInterrupt:
            connector.close()
