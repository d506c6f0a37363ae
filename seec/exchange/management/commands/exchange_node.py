"""This node's exchange identity and trust, from the command line (scripts, the demo nodes):

manage.py exchange_node --show
manage.py exchange_node --rotate --as admin
manage.py exchange_node --add-peer http://127.0.0.1:8141 --fingerprint "AB12 …" --as admin
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from seec.core import audit
from seec.core.audit import Origin
from seec.core.models import User
from seec.exchange import keys, nodes
from seec.exchange.audit_actions import ExchangeAction


class Command(BaseCommand):
    help = "Show this node's fingerprint, rotate its keys, or add and confirm a peer."

    def add_arguments(self, parser):
        parser.add_argument("--show", action="store_true")
        parser.add_argument("--rotate", action="store_true")
        parser.add_argument("--add-peer", metavar="URL")
        parser.add_argument("--fingerprint", help="the peer's fingerprint, read out of band")
        parser.add_argument("--as", dest="username", help="the administrator acting")

    def handle(self, *args, show, rotate, add_peer, fingerprint, username, **options):
        keys.ensure_keys()
        origin = None
        if rotate or add_peer:
            user = User.objects.filter(username=username or "").first()
            if user is None:
                raise CommandError("--as names no user.")
            origin = Origin(actor=user)
        if rotate:
            with transaction.atomic():
                made = keys.rotate()
                audit.record(
                    ExchangeAction.KEYS_ROTATED, origin=origin, details={
                        "kids": [k.kid for k in made]})  # fmt: skip
        if add_peer:
            if not fingerprint:
                raise CommandError("--fingerprint is required: confirm it out of band.")
            try:
                peer = nodes.add_peer(add_peer, origin=origin)
                nodes.confirm_peer(peer, fingerprint, origin=origin)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(f"trusted {peer.node_id} at {peer.base_url}")
        if show or not (rotate or add_peer):
            self.stdout.write(f"node {nodes.node_id()}")
            self.stdout.write(f"fingerprint {keys.readable(keys.node_fingerprint())}")
