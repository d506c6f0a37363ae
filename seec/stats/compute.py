"""The missing-children indicators, summed from the running tallies of cases and contacts.

The tallies (seec/stats/tallies.py) hold, per month, how many cases and contacts fall in each
combination of what the indicators break down by; a period is a run of whole months (on each
country's own calendar: cut at its midnight), so every figure is a sum of tally cells, done by
the database, and a few thousand numbers come back to Python whatever the number of cases.

The definitions, as the catalogue words them:
- a contact belongs to the period its start falls in;
- a new case to the period it was opened in (`opened_at`);
- a case is *carried over* into a period if it was opened before the period began and was
  neither found nor closed before it began;
- the cases *handled* in a period are its new and carried-over cases; each has one situation
  at the end of the period: found (its outcome) if found before the end, else closed for
  another reason if closed before the end, else still missing;
- a child is *found in* the period its `found_at` falls in; time missing is found − last seen;
- age is in whole years on the (UTC) day the child was last seen, from the date of birth, else
  the estimate; outside 0–17 or unrecorded it counts as unknown (tallies.py says it in SQL).
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Q, Sum, Value, When

from seec.core.models import Organisation

from . import catalogue, tallies
from .catalogue import Family
from .models import CaseCourseTally, ContactTally, FoundCaseTally, NewCaseTally
from .periods import Period

Cell = tuple[str, str, str]  # (indicator, breakdown, category)


def period_of(field: str, months: list[tuple[int, int]]) -> CaseWhen:
    """The index of the period whose months [first, after) hold `field`, -1 if none."""
    return CaseWhen(
        *(
            When(Q(**{f"{field}__gte": first, f"{field}__lt": after}), then=Value(i))
            for i, (first, after) in enumerate(months)
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )


def unresolved_at(month: int) -> Q:
    """Neither found nor closed before `month` (0: never)."""
    return (Q(found=0) | Q(found__gte=month)) & (Q(closed=0) | Q(closed__gte=month))


def _empty_values() -> dict[Cell, int]:
    return {
        (indicator.code, breakdown, key): 0
        for indicator in catalogue.indicators_of(Family.MISSING)
        for breakdown, key in catalogue.cells_of(indicator)
    }


def _add(values: dict, indicator: str, cells: Iterable[tuple[str, str]], n: int) -> None:
    for breakdown, key in cells:
        values[(indicator, breakdown, key)] += n


def compute_missing(countries: list[str], periods: list[Period]) -> dict:
    """Every missing-children figure for each country and period.

    Returns {(country, period code): {"values": {cell: count}, "inputs": {...}}}, where the
    inputs summarise the rows the figures depend on (counts and id sums of the cases and
    contacts in scope), enough to tell a rerun on the same data from one on changed data.
    """
    tallies.ensure_built()
    periods = sorted(periods)
    months = [(tallies.month_number(p.start), tallies.month_number(p.end)) for p in periods]
    first, last = months[0][0], months[-1][1]
    result = {
        (c, p.code): {"values": _empty_values(), "inputs": defaultdict(int)}
        for c in countries
        for p in periods
    }

    def slot(country, index):
        return result[(country, periods[index].code)]

    # Contacts, by channel and subject; tallied by organisation, placed in its country here.
    country_of = dict(
        Organisation.objects.filter(country_id__in=countries).values_list("pk", "country_id")
    )
    contacts = (
        ContactTally.objects.filter(
            organisation_id__in=list(country_of), month__gte=first, month__lt=last
        )
        .annotate(p=period_of("month", months))
        .values("organisation_id", "p", "channel", "subject")
        .annotate(n=Sum("contacts"), ids=Sum("id_sum"))
        .order_by()
    )
    for row in contacts:
        if row["p"] < 0 or not row["n"]:
            continue
        target = slot(country_of[row["organisation_id"]], row["p"])
        _add(
            target["values"],
            "MC01",
            [("", ""), ("channel", row["channel"]), ("subject", row["subject"])],
            row["n"],
        )
        target["inputs"]["contacts"] += row["n"]
        target["inputs"]["contact_ids"] += int(row["ids"])  # numeric on PostgreSQL

    # New cases: categories, sex and age, cross-border, repeat disappearances.
    new_cases = (
        NewCaseTally.objects.filter(country__in=countries, month__gte=first, month__lt=last)
        .annotate(p=period_of("month", months))
        .values("country", "p", "category", "sex", "age_group", "cross_border", "repeat")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    for row in new_cases:
        if row["p"] < 0 or not row["n"]:
            continue
        values = slot(row["country"], row["p"])["values"]
        n, category, sex, ages = row["n"], row["category"], row["sex"], row["age_group"]
        _add(
            values,
            "MC02",
            [
                ("", ""),
                ("category", category),
                ("sex", sex),
                ("age_group", ages),
                ("sex*age_group", f"{sex}|{ages}"),
            ],
            n,
        )
        if row["cross_border"]:
            _add(values, "MC04", [("", ""), ("category", category)], n)
        if row["repeat"]:
            _add(values, "MC09", [("", ""), ("sex", sex)], n)

    # Children found in the period: how, and after how long.
    found = (
        FoundCaseTally.objects.filter(country__in=countries, month__gte=first, month__lt=last)
        .annotate(p=period_of("month", months))
        .values("country", "p", "found_how", "time_band")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    for row in found:
        if row["p"] < 0 or not row["n"]:
            continue
        values = slot(row["country"], row["p"])["values"]
        n, how = row["n"], row["found_how"]
        _add(values, "MC06", [("", ""), ("found_how", how)], n)
        _add(values, "MC07", [("", ""), ("time_missing", row["time_band"])], n)
        _add(values, "MC08", [("", "")], n)
        if how == "after_public_alert":
            _add(values, "MC08", [("part", "after_public_alert")], n)

    # Each period's carried-over cases and the situation of its cases at its end: a case counts
    # in every period it was open in, so these are conditional sums, one set per period.
    aggregates = {}
    for i, (start, end) in enumerate(months):
        new = Q(opened__gte=start, opened__lt=end)
        carried = Q(opened__lt=start) & unresolved_at(start)
        handled = new | carried
        found_by_end = Q(found__gt=0, found__lt=end)
        closed_by_end = Q(closed__gt=0, closed__lt=end)
        in_scope = handled | Q(found__gte=start, found__lt=end)
        aggregates |= {
            f"carried{i}": Sum("cases", filter=carried, default=0),
            f"found{i}": Sum("cases", filter=handled & found_by_end, default=0),
            f"closed{i}": Sum("cases", filter=handled & ~found_by_end & closed_by_end, default=0),
            f"missing{i}": Sum("cases", filter=handled & ~found_by_end & ~closed_by_end, default=0),
            f"scope{i}": Sum("cases", filter=in_scope, default=0),
            f"ids{i}": Sum("id_sum", filter=in_scope, default=0),
        }
    states = (
        CaseCourseTally.objects.filter(country__in=countries)
        .filter((Q(opened__lt=last) & unresolved_at(first)) | Q(found__gte=first, found__lt=last))
        .values("country", "category", "outcome")
        .annotate(**aggregates)
        .order_by()
    )
    for row in states:
        category, found_as = row["category"], row["outcome"]
        for i in range(len(periods)):
            target = slot(row["country"], i)
            values, inputs = target["values"], target["inputs"]
            _add(values, "MC03", [("", ""), ("category", category)], row[f"carried{i}"])
            _add(values, "MC05", [("", ""), ("outcome", found_as)], row[f"found{i}"])
            _add(values, "MC05", [("", ""), ("outcome", "closed_other")], row[f"closed{i}"])
            _add(values, "MC05", [("", ""), ("outcome", "still_missing")], row[f"missing{i}"])
            _add(values, "MC07", [("", ""), ("time_missing", "still_missing")], row[f"missing{i}"])
            inputs["cases"] += int(row[f"scope{i}"])
            inputs["case_ids"] += int(row[f"ids{i}"])
    for target in result.values():
        target["inputs"] = dict(target["inputs"])
    return result


def compute_family(family: str, countries: list[str], periods: list[Period]) -> dict:
    """The platform's figures of a family: missing children from the cases and contacts, child
    trafficking (TH01) from the protection records (victims.py)."""
    if family == Family.TRAFFICKING:
        from .victims import compute_trafficking

        return compute_trafficking(countries, periods)
    return compute_missing(countries, periods)


def fingerprint(family: str, period: str, inputs: dict, values: dict[Cell, int | None]) -> str:
    """SHA-256 over the definitions' version, the inputs' summary and every figure."""
    document = {
        "definitions": catalogue.DEFINITIONS_VERSION,
        "family": family,
        "period": period,
        "inputs": inputs,
        "values": sorted([list(cell), value] for cell, value in values.items()),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()
