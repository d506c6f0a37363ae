"""Warn of overdue repatriation steps and referrals, and purge persons of interest and their
information past their retention limit. Run it daily (cron), or with --every SECONDS beside
the web server."""

import time

from django.core.management.base import BaseCommand

from seec.protection import intelligence, repatriation


class Command(BaseCommand):
    help = "Warn of overdue steps and referrals; purge what has passed its retention limit."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, every=0, **options):
        while True:
            told = repatriation.warn_overdue()
            persons, items = intelligence.purge_expired()
            self.stdout.write(
                f"{told} notices of overdue work; purged {persons} persons and {items} items."
            )
            if not every:
                return
            time.sleep(every)
