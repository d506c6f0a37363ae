"""Reads of the public site. What the public sees is narrowed here, once: live alerts come from
seec/alerts/public.py, live publications of missing children from `live_publications`."""

from django.http import Http404
from django.utils import timezone

from .models import PublishedChild


class PublicationEnded(Exception):
    """The link is of a child's page that was public and is no longer (found, withdrawn,
    or its period over)."""


def live_publications():
    """The missing children the public sees now."""
    return PublishedChild.objects.filter(
        withdrawn_at__isnull=True, published_until__gt=timezone.now()
    )


def live_publication(slug: str) -> PublishedChild:
    """The live publication with this slug; `PublicationEnded` if it has ended, else 404."""
    publication = live_publications().select_related("case", "photo").filter(slug=slug).first()
    if publication is None:
        if PublishedChild.objects.filter(slug=slug).exists():
            raise PublicationEnded
        raise Http404
    return publication
