"""Which repatriation agreements bind two countries: shown when a plan is made.

The network app (seec.network) keeps the region's agreements (kinds bilateral and multilateral
repatriation agreement); they are read from it. Beside them, the setting
`SEEC_PROTECTION_REPATRIATION_AGREEMENTS` lists agreements known to the installation that the
network's register does not hold yet (each a dict with title, countries (ISO codes),
valid_from and optionally valid_until and source); an agreement in both is shown once. This
function is the one place that knows where agreements live.
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date


@dataclass(frozen=True)
class RepatriationAgreement:
    title: str
    countries: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None = None
    source: str = ""


def repatriation_agreements(first: str, second: str, on: date | None = None) -> list:
    """The agreements in force on `on` (today) that cover both countries."""
    on = on or timezone.localdate()
    found = _from_network(first, second, on) if apps.is_installed("seec.network") else []
    known = {agreement.title for agreement in found}
    for entry in settings.SEEC_PROTECTION_REPATRIATION_AGREEMENTS:
        agreement = RepatriationAgreement(
            title=entry["title"],
            countries=tuple(entry["countries"]),
            valid_from=parse_date(entry.get("valid_from") or ""),
            valid_until=parse_date(entry.get("valid_until") or ""),
            source=entry.get("source", ""),
        )
        covers = {first, second} <= set(agreement.countries)
        started = agreement.valid_from is None or agreement.valid_from <= on
        running = agreement.valid_until is None or on <= agreement.valid_until
        if covers and started and running and agreement.title not in known:
            found.append(agreement)
    return found


def _from_network(first, second, on):
    from seec.network.models import Agreement, AgreementKind

    kinds = [AgreementKind.BILATERAL_REPATRIATION, AgreementKind.MULTILATERAL_REPATRIATION]
    rows = (
        Agreement.objects.filter(kind__in=kinds, countries__code=first)
        .filter(countries__code=second)
        .prefetch_related("countries")
        .distinct()
    )
    return [
        RepatriationAgreement(
            title=row.title,
            countries=tuple(c.code for c in row.countries.all()),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            source=row.scope,
        )
        for row in rows
        if row.in_force_on(on)
    ]
