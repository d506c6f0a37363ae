"""Remind the coordinators of agreements that lapse soon (run daily from cron)."""

from django.core.management.base import BaseCommand

from seec.network.tasks import remind_agreements


class Command(BaseCommand):
    help = "Tell the regional coordinators of agreements that lapse within 90, 30 or 7 days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="Enqueue for the task worker instead of now."
        )

    def handle(self, *args, **options):
        if options["queue"]:
            remind_agreements.enqueue()
            self.stdout.write("Queued.")
            return
        sent = remind_agreements.call()
        if options["verbosity"]:
            self.stdout.write(f"{sent} reminder(s) sent.")
