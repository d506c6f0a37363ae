"""The demo nodes of `make nodes` (Greece and Serbia), each with the demo region's data:

    manage.py exchange_demo_node --prepare   # this node's foreign staff can no longer sign in
    manage.py exchange_demo_node --waiting   # (Greece) a referral and a request for
                                             # cooperation waiting in Serbia

Refuses production mode, like seed_demo.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seec.cases.models import Case
from seec.core.audit import Origin
from seec.core.models import Organisation, OrganisationKind, User
from seec.exchange import cooperation, nodes, referrals
from seec.exchange.models import CooperationRequest, Referral


class Command(BaseCommand):
    help = "Prepare a demo node, or leave the demo's referral and request waiting."

    def add_arguments(self, parser):
        parser.add_argument("--prepare", action="store_true")
        parser.add_argument("--waiting", action="store_true")

    def handle(self, *args, prepare, waiting, **options):
        if settings.PRODUCTION:
            raise CommandError("exchange_demo_node refuses to run in production mode.")
        if prepare:
            hosted = nodes.hosted_organisations().values("pk")
            # The demo region's other countries live on other nodes: their staff sign in there.
            # The regional centre's staff (admin, coordinator) stay: they run each node.
            closed = (
                User.objects.filter(organisation__country__isnull=False, is_active=True)
                .exclude(organisation__in=hosted)
                .update(is_active=False)
            )
            self.stdout.write(f"{nodes.node_id()}: {closed} foreign demo accounts closed here.")
        if waiting:
            self.leave_waiting()

    def leave_waiting(self):
        manager = User.objects.get(username="manager.gr")
        police = User.objects.get(username="police.gr")
        serbian_hotline = Organisation.objects.get(
            country_id="RS", kind=OrganisationKind.NATIONAL_CENTRE
        )
        serbian_police = Organisation.objects.get(country_id="RS", kind=OrganisationKind.POLICE)
        if not Referral.objects.filter(partner=serbian_hotline).exists():
            case = (
                Case.objects.filter(organisation=manager.organisation)
                .open()
                .order_by("-opened_at")
                .first()
            )
            referrals.refer_case(
                case, serbian_hotline, origin=Origin(manager), mode="copy", pseudonymise=False,
                reason="A bus ticket to Belgrade was found in her room.",
                consent_basis="parent", consent_note="The mother agreed by telephone today.",
            )  # fmt: skip
            self.stdout.write(f"Referral of {case.number} waiting in Serbia.")
        if not CooperationRequest.objects.filter(partner=serbian_police).exists():
            cooperation.request_cooperation(
                serbian_police, origin=Origin(police), kind="yellow_notice",
                question="Please check whether she crossed at Evzoni–Gevgelija towards Serbia.",
                facts={
                    "child": {"name": "Ελένη Παπαδοπούλου", "sex": "female", "age": 14,
                              "nationality": "GR"},
                    "disappearance": {"date": timezone.localdate().isoformat(),
                                      "place": "Thessaloniki, KTEL Macedonia bus station"},
                },
                handling="H1", reliability="B", accuracy="2",
                deadline=timezone.now() + timedelta(days=2),
            )  # fmt: skip
            self.stdout.write("Request for cooperation waiting in Serbia.")
