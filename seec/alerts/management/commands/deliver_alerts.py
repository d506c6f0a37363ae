"""The delivery worker: sends every issued CAP message to its subscribers (see delivery.py)."""

from django.core.management.base import BaseCommand

from seec.alerts import delivery


class Command(BaseCommand):
    help = "Deliver child alerts to subscribers; runs until stopped (or until idle)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--until-idle", action="store_true", help="Stop once nothing is left to send."
        )
        parser.add_argument("--poll", type=float, default=0.5, help="Seconds between looks.")

    def handle(self, *args, until_idle=False, poll=0.5, verbosity=1, **options):
        def progress(fan_out):
            if verbosity:
                reach = delivery.reach(fan_out)
                sent = sum(row.get("sent", 0) for row in reach.values())
                self.stdout.write(f"{fan_out}: {sent}/{fan_out.recipients} sent")

        delivery.work(until_idle=until_idle, poll=poll, progress=progress)
