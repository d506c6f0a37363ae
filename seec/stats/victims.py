"""The child-trafficking indicator TH01 counted from the platform's protection records (the
child victims of seec/protection), beside the figures the countries submit.

The definitions, as the catalogue words them and Eurostat's THB breakdown asks:
- a child victim counts for the country of the organisation that registered the child, in the
  period the child was first met in (`met_on`: a record entered in January about a child met
  in December counts in December's year);
- identified and presumed victims count (by status); a record closed as "not a victim of
  trafficking", or of a person whose adulthood an age assessment established, does not;
- age is in whole years on the day the child was first met, from the date of birth, else the
  estimate; outside 0–17 or unrecorded it is unknown (a presumed minor whose estimate is 18
  stays counted, as the presumption of minority requires, under "unknown");
- citizenship is national (the reporting country's), another EU country's, a non-EU
  country's, or unknown; the country of exploitation likewise (the reporting country, another
  EU country, a non-EU country, unknown).

Suspects, prosecutions and convictions (TH02–TH04) are not in these records: they come only
from the national submissions. The records of one country and year are a few hundred at most,
so they are read once and counted here.
"""

from collections import defaultdict

from . import catalogue
from .periods import Period

# The EU of the Eurostat code lists the citizenship breakdown names (EU27_2020).
EU27_2020 = frozenset(
    ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
     "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
)  # fmt: skip


def empty_values() -> dict:
    return {
        (indicator.code, breakdown, key): 0
        for indicator in catalogue.indicators_of(catalogue.Family.TRAFFICKING)
        if indicator.code == "TH01"
        for breakdown, key in catalogue.cells_of(indicator)
    }


def age_group(age: int | None) -> str:
    if age is None or not 0 <= age <= 17:
        return "unknown"
    return next(code for code, low, high in catalogue.AGE_GROUPS if low <= age <= high)


def where_from(country: str | None, reporting: str) -> str:
    """A country as the citizenship and exploitation breakdowns place it."""
    if not country:
        return "unknown"
    if country == reporting:
        return "reporting"
    return "other_eu" if country in EU27_2020 else "non_eu"


def compute_trafficking(countries: list[str], periods: list[Period]) -> dict:
    """TH01 for each country and period, from the child-victim records.

    Returns {(country, period code): {"values": {cell: count}, "inputs": {...}}} as
    compute.compute_missing does; the inputs (how many records, and the sum of their ids) tell
    a rerun on the same records from one on changed records."""
    from seec.protection.models import ChildVictim, IdentificationStatus, Minority

    periods = sorted(periods)
    result = {
        (c, p.code): {"values": empty_values(), "inputs": defaultdict(int)}
        for c in countries
        for p in periods
    }
    if not periods:
        return result
    bounds = [(p.start.date(), p.end.date(), p.code) for p in periods]
    rows = (
        ChildVictim.objects.filter(
            organisation__country_id__in=countries,
            met_on__gte=bounds[0][0],
            met_on__lt=bounds[-1][1],
            status__in=[IdentificationStatus.IDENTIFIED, IdentificationStatus.PRESUMED],
        )
        .exclude(minority=Minority.ADULT)
        .values_list(
            "pk",
            "organisation__country_id",
            "met_on",
            "status",
            "sex",
            "date_of_birth",
            "age_estimate",
            "citizenship_id",
            "exploitation",
            "exploitation_country_id",
        )
    )
    for (pk, country, met_on, status, sex, born, estimate, citizenship, exploitation,
         exploited_in) in rows.iterator(chunk_size=5000):  # fmt: skip
        for start, end, code in bounds:
            if not start <= met_on < end:
                continue
            if born:
                age = (
                    met_on.year - born.year - ((met_on.month, met_on.day) < (born.month, born.day))
                )
            else:
                age = estimate
            citizenship_group = where_from(citizenship, country)
            target = result[(country, code)]
            values = target["values"]
            for cell in (
                ("", ""),
                ("victim_status", status),
                ("sex", sex),
                ("age_group", age_group(age)),
                (
                    "citizenship",
                    "national" if citizenship_group == "reporting" else citizenship_group,
                ),
                ("exploitation", exploitation),
                ("exploitation_country", where_from(exploited_in, country)),
            ):
                values[("TH01", *cell)] += 1
            target["inputs"]["victims"] += 1
            target["inputs"]["victim_ids"] += pk
    for target in result.values():
        target["inputs"] = dict(target["inputs"])
    return result
