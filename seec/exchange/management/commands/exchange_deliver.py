"""The exchange's delivery worker: `manage.py exchange_deliver` (make run starts one)."""

import signal
import threading

from django.core.management.base import BaseCommand

from seec.exchange import delivery


class Command(BaseCommand):
    help = "Deliver the exchange outbox to peer nodes, retrying with back-off, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=4, help="messages posted at once")
        parser.add_argument("--batch", type=int, default=200, help="messages leased per round")
        parser.add_argument("--idle", type=float, default=0.2, help="seconds between looks")
        parser.add_argument("--once", action="store_true", help="one round, then stop")

    def handle(self, *args, threads, batch, idle, once, **options):
        if once:
            counts = delivery.deliver_due(limit=batch, threads=threads)
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none")
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        delivery.run_worker(threads=threads, batch=batch, idle=idle, stop=stop)
