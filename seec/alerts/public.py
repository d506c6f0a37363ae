"""What the public may see of child alerts: issued and unexpired alerts only. Every public
surface (the alerts app's pages and feed, the portal's pages and posters) reads through here,
so that an alert leaves all of them the moment it is cancelled or runs out."""

from django.http import Http404
from django.utils import timezone

from .models import Alert, AlertStatus

# An alert that was issued once: its link was public, so it answers "ended", not "not found".
ENDED_STATUSES = (AlertStatus.CANCELLED, AlertStatus.EXPIRED)


class AlertEnded(Exception):
    """The link is of an alert that was public and has ended (cancelled or expired)."""


def live_alerts():
    """The alerts the public sees now: issued, not yet expired."""
    return Alert.objects.filter(status=AlertStatus.ISSUED, expires_at__gt=timezone.now())


def next_expiry():
    """When the first live alert runs out (the public pages change then by the clock alone)."""
    return live_alerts().order_by("expires_at").values_list("expires_at", flat=True).first()


def ended_alerts_still_marked_issued():
    """Issued alerts whose time ran out before the expiry task marked them expired."""
    return Alert.objects.filter(status=AlertStatus.ISSUED, expires_at__lte=timezone.now())


def live_alert(reference: str) -> Alert:
    """The live alert with this reference; `AlertEnded` if it was public and has ended,
    404 if it never was public."""
    alert = live_alerts().filter(reference=reference).first()
    if alert is None:
        if Alert.objects.filter(reference=reference, status__in=ENDED_STATUSES).exists() or (
            ended_alerts_still_marked_issued().filter(reference=reference).exists()
        ):
            raise AlertEnded
        raise Http404
    return alert
