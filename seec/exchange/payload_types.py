"""The payload types this platform ships; each module registers its own when imported."""

from django.utils.translation import gettext_lazy as _

from . import payloads
from .payloads import DATE_TIME, SHORT_TEXT, obj

_loaded = False


def _ping(delivered: payloads.Delivered) -> None:
    # The inbox row and its audit event are the whole record of a connectivity check.
    return None


def load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    payloads.register(
        payloads.PayloadType(
            name="exchange.ping",
            description=_("A connectivity check between two nodes"),
            schema=obj(
                {
                    "note": {"type": "string", "maxLength": 4000},
                    "written_at": DATE_TIME,
                    "by": SHORT_TEXT,
                },
                ["written_at"],
            ),
            handler=_ping,
            kind="Report",
        )
    )
    from . import alerts_across, cooperation, private_matching, referrals, sightings_across

    referrals.register()
    cooperation.register()
    alerts_across.register()
    private_matching.register()
    sightings_across.register()
