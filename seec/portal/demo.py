"""The demo region's public site: the regional centre's pages show what a coordinator of the
demo would have published (the partners, the events and trainings, the info-desks of the
network demo, and one piece of news), so that a newcomer sees them filled, not empty."""

from __future__ import annotations

from django.db import transaction

from seec.core.audit import Origin
from seec.core.models import User

from .models import NetworkItemKind, NetworkPublication
from .services import publish_network_item

NEWS_TITLE = "The regional centre's platform is open to its partners (demo)"
NEWS_TEXT = (
    "National centres of the region now share one platform for the 116 000 hotline, child "
    "alerts and cross-border cooperation. This is a demo text: a coordinator writes and "
    "reviews the news shown here."
)


def seed(stdout) -> None:
    from seec.network.models import Activity, InfoDesk, Partner

    coordinator = User.objects.filter(username="coordinator.seec").first()
    if coordinator is None or NetworkPublication.objects.exists():
        return  # no demo region, or published already (seeding only adds what is missing)
    origin = Origin(coordinator)
    with transaction.atomic():
        for kind, records in (
            (NetworkItemKind.PARTNER, Partner.objects.order_by("pk")),
            (NetworkItemKind.ACTIVITY, Activity.objects.order_by("pk")),
            (NetworkItemKind.INFO_DESK, InfoDesk.objects.order_by("pk")),
        ):
            for record in records:
                publish_network_item(origin=origin, kind=kind, record=record)
        publish_network_item(
            origin=origin, kind=NetworkItemKind.NEWS, title=NEWS_TITLE, public_text=NEWS_TEXT
        )
    stdout.write(f"Public site: {NetworkPublication.objects.count()} network records published.")
