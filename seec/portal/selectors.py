"""Reads of the public site. What the public sees is narrowed here, once: live alerts come from
seec/alerts/public.py, live publications of missing children from `live_publications`."""

from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from .models import NetworkItemKind, NetworkPublication, PublishedChild


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


# --- The regional centre's pages ---------------------------------------------------------------
# The network's records are staff-only (seec/network/rules.py): the public sees a record only
# while a coordinator's publication of it is live, and only the fields read below, copied into
# plain dicts so that no template can reach a partner's contacts or notes, an activity's
# participants or internal outcomes, or an info-desk's daily counts.


def live_network_publications():
    return NetworkPublication.objects.filter(withdrawn_at__isnull=True)


def annual_report_path(year: int) -> Path:
    """Where `manage.py build_report` writes the annual report of `year`."""
    return Path(settings.VAR_DIR) / "reports" / f"seec-statistics-{year}.pdf"


def public_partners() -> list[dict]:
    rows = (
        live_network_publications()
        .filter(kind=NetworkItemKind.PARTNER)
        .select_related("partner", "partner__country")
    )
    partners = [
        {
            "name": row.partner.name,
            "kind": row.partner.get_kind_display(),
            "country": str(row.partner.country) if row.partner.country_id else "",
            "website": row.partner.website,
            "since": row.partner.partner_since.year if row.partner.partner_since else None,
            "text": row.public_text,
        }
        for row in rows
    ]
    return sorted(partners, key=lambda partner: partner["name"].casefold())


def _activity(row, published_partners: set[int]) -> dict:
    activity = row.activity
    return {
        "id": row.pk,
        "kind": activity.get_kind_display(),
        "title": activity.title,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "place": activity.place,
        "countries": [str(country) for country in activity.countries.all()],
        # Only partners the public may already see: naming an unpublished one would publish it.
        "partners": [p.name for p in activity.partners.all() if p.pk in published_partners],
        "participants": activity.participants_count,
        "text": row.public_text,
    }


def public_activities(*, trainings: bool) -> list[dict]:
    """Published events (trainings=False) or trainings (True), the latest first."""
    from seec.network.models import ActivityKind

    rows = (
        live_network_publications()
        .filter(kind=NetworkItemKind.ACTIVITY)
        .select_related("activity")
        .prefetch_related("activity__countries", "activity__partners")
    )
    rows = (
        rows.filter(activity__kind=ActivityKind.TRAINING)
        if trainings
        else rows.exclude(activity__kind=ActivityKind.TRAINING)
    )
    published_partners = set(
        live_network_publications()
        .filter(kind=NetworkItemKind.PARTNER)
        .values_list("partner_id", flat=True)
    )
    activities = [_activity(row, published_partners) for row in rows]
    return sorted(activities, key=lambda a: (a["starts_on"], a["title"]), reverse=True)


def public_info_desks() -> list[dict]:
    rows = (
        live_network_publications()
        .filter(kind=NetworkItemKind.INFO_DESK)
        .select_related("info_desk", "info_desk__host", "info_desk__country")
    )
    desks = [
        {
            "name": row.info_desk.name,
            "host": row.info_desk.host.name,
            "country": str(row.info_desk.country),
            "place": row.info_desk.place,
            "opens_on": row.info_desk.opens_on,
            "closes_on": row.info_desk.closes_on,
            "text": row.public_text,
        }
        for row in rows
    ]
    return sorted(desks, key=lambda desk: (desk["country"], desk["name"]))


def public_news(limit: int | None = None) -> list[dict]:
    rows = live_network_publications().filter(kind=NetworkItemKind.NEWS).order_by("-published_at")
    if limit:
        rows = rows[:limit]
    return [
        {"id": row.pk, "title": row.title, "text": row.public_text, "date": row.published_at}
        for row in rows
    ]


def public_reports() -> list[dict]:
    """The annual reports released for download whose file is there."""
    years = (
        live_network_publications()
        .filter(kind=NetworkItemKind.REPORT)
        .order_by("-year")
        .values_list("year", flat=True)
    )
    reports = []
    for year in years:
        path = annual_report_path(year)
        if path.is_file():
            reports.append({"year": year, "size_kib": max(1, path.stat().st_size // 1024)})
    return reports


def public_report_path(year: int) -> Path:
    """The file of a released annual report; 404 for one not released (or not built)."""
    released = live_network_publications().filter(kind=NetworkItemKind.REPORT, year=year).exists()
    path = annual_report_path(year)
    if not released or not path.is_file():
        raise Http404
    return path
