"""Reads of statistics, always within what the access policy lets the user see.

The dashboard's figures come, for each country and period, from the country's validated or
published national submission where there is one, else from the platform's own cases and
contacts, summed from the running tallies by the database (seec/stats/compute.py).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from seec.core import policy
from seec.core.models import Country
from seec.core.policy import Act

from . import compute, suppression
from .catalogue import Family
from .models import (
    FigureSet,
    Publication,
    PublishedFigure,
    Source,
    Submission,
    SubmissionStatus,
)
from .periods import Period
from .rules import country_scope


def visible_countries(user) -> list[Country]:
    """The region's countries whose aggregates the user reads."""
    scope = country_scope(user, "code")
    if scope is None:
        return []
    return list(Country.objects.filter(in_region=True).filter(scope).order_by("name"))


@dataclass
class RegionFigures:
    """Figures by (country, period code) → {cell: value}, and where each came from."""

    countries: list
    periods: list[Period]
    values: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    # Through disclosure control (suppression.disclose): small cells withheld, region totals in.
    disclosed: bool = False

    def get(self, country: str, period: str, indicator: str, breakdown: str = "", key: str = ""):
        return self.values.get((country, period), {}).get((indicator, breakdown, key))


def submitted_sets(countries: list[str], periods: list[str], family: str) -> dict:
    """The latest validated or published submission's figure set per (country, period)."""
    chosen = {}
    for submission in (
        Submission.objects.filter(
            country_id__in=countries,
            period__in=periods,
            family=family,
            status__in=[SubmissionStatus.VALIDATED, SubmissionStatus.PUBLISHED],
        )
        .select_related("figure_set")
        .order_by("version")
    ):
        chosen[(submission.country_id, submission.period)] = submission.figure_set
    return chosen


def region_figures(user, countries: list[str], periods: list[Period], family: str) -> RegionFigures:
    allowed = {c.code for c in visible_countries(user)}
    countries = [c for c in countries if c in allowed]
    result = RegionFigures(countries=countries, periods=periods)
    if not countries or not periods:
        return result
    codes = [p.code for p in periods]
    submitted = submitted_sets(countries, codes, family)
    # The platform's own figures where no submission was validated: missing children from the
    # cases and contacts, child victims of trafficking from the protection records.
    for key, item in compute.compute_family(family, countries, periods).items():
        result.values[key] = item["values"]
        result.sources[key] = Source.PLATFORM
    for key, figure_set in submitted.items():
        result.values[key] = figure_set.values()
        result.sources[key] = Source.SUBMISSION
    # Whoever reads them (an analyst, a coordinator, a national supervisor), on the dashboard
    # and in its downloads: no cell under the threshold, none recoverable from a total.
    return suppression.disclose(result, suppression.threshold())


def submissions_for(user):
    return (
        policy.visible_to(user, Submission, Act.VIEW)
        .select_related("country", "created_by")
        .order_by("-created_at", "-pk")
    )


def figure_sets_for(user):
    return policy.visible_to(user, FigureSet, Act.VIEW)


def latest_computed_sets(user, countries: list[str], period: str) -> list:
    """The platform's latest missing-children set of each country for a period, with the
    publication that is current for it (None if none): what a coordinator may publish."""
    from .models import Source

    latest = {}
    sets = figure_sets_for(user).filter(
        country_id__in=countries, family=Family.MISSING, source=Source.PLATFORM, period=period
    )
    for figure_set in sets.select_related("country").order_by("created_at", "pk"):
        latest[figure_set.country_id] = figure_set
    published = {
        p.country_id: p
        for p in current_publications().filter(
            country_id__in=list(latest), family=Family.MISSING, period=period
        )
    }
    return [(s, published.get(code)) for code, s in sorted(latest.items())]


def current_publications():
    """What the public sees: the latest version of every published country, family and period.
    Public by design (disclosure control was applied when publishing)."""
    return Publication.objects.filter(superseded_by__isnull=True)


def published_figures(*, country=None, family=None, period=None, indicator=None):
    figures = PublishedFigure.objects.filter(
        publication__superseded_by__isnull=True
    ).select_related("publication")
    filters = Q()
    if country:
        filters &= Q(publication__country_id=country.upper())
    if family:
        filters &= Q(publication__family=family)
    if period:
        filters &= Q(publication__period=period)
    if indicator:
        filters &= Q(indicator_id=indicator.upper())
    return figures.filter(filters).order_by(
        "publication__country_id", "publication__period", "indicator_id", "pk"
    )
