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

from django.db import connection

from seec.core.models import Organisation

from . import catalogue, tallies
from .catalogue import Family
from .models import CaseCourseTally, ContactTally, FoundCaseTally, NewCaseTally
from .periods import Period

Cell = tuple[str, str, str]  # (indicator, breakdown, category)


def _sql_names(model, *fields: str) -> tuple[str, list[str]]:
    """A tally's table and columns, quoted for the connection's database."""
    quote = connection.ops.quote_name
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    return quote(model._meta.db_table), columns


def period_of(column: str, months: list[tuple[int, int]]) -> str:
    """SQL: the index of the period whose months [first, after) hold `column`, -1 if none.
    The months are integers worked out here, never input."""
    whens = " ".join(
        f"WHEN {column} >= {int(first)} AND {column} < {int(after)} THEN {i}"
        for i, (first, after) in enumerate(months)
    )
    return f"CASE {whens} ELSE -1 END"


def unresolved_at(month: int, found: str, closed: str) -> str:
    """SQL: neither found nor closed before `month` (0: never)."""
    month = int(month)
    return f"({found} = 0 OR {found} >= {month}) AND ({closed} = 0 OR {closed} >= {month})"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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

    Four queries over the tallies, their SQL written here rather than compiled by the ORM:
    compiling the period expressions cost more than the database's work for a hotline's
    ten thousand cases (issue 17: slower than a GROUP BY on the raw rows at that size).
    """
    tallies.ensure_built()
    periods = sorted(periods)
    months = [(tallies.month_number(p.start), tallies.month_number(p.end)) for p in periods]
    first, last = months[0][0], months[-1][1]
    countries = list(countries)
    result = {
        (c, p.code): {"values": _empty_values(), "inputs": defaultdict(int)}
        for c in countries
        for p in periods
    }
    slots = [[result[(c, p.code)] for p in periods] for c in countries]
    slot_of = dict(zip(countries, slots, strict=True))
    in_countries = ", ".join(["%s"] * len(countries)) or "NULL"

    # Contacts, by channel and subject; tallied by organisation, placed in its country here.
    country_of = dict(
        Organisation.objects.filter(country_id__in=countries).values_list("pk", "country_id")
    )
    table, (org, month, channel, subject, n, ids) = _sql_names(
        ContactTally, "organisation_id", "month", "channel", "subject", "contacts", "id_sum"
    )
    rows = _rows(
        f"SELECT {org}, {period_of(month, months)} AS p, {channel}, {subject}, "  # noqa: S608
        f"SUM({n}), SUM({ids}) FROM {table} "
        f"WHERE {org} IN ({', '.join(['%s'] * len(country_of)) or 'NULL'}) "
        f"AND {month} >= %s AND {month} < %s GROUP BY {org}, p, {channel}, {subject}",
        [*country_of, first, last],
    )
    for organisation, index, channel_code, subject_code, count, id_sum in rows:
        if index < 0 or not count:
            continue
        count = int(count)  # sums are numeric on PostgreSQL
        target = slot_of[country_of[organisation]][index]
        _add(
            target["values"],
            "MC01",
            [("", ""), ("channel", channel_code), ("subject", subject_code)],
            count,
        )
        target["inputs"]["contacts"] += count
        target["inputs"]["contact_ids"] += int(id_sum)

    # New cases: categories, sex and age, cross-border, repeat disappearances.
    table, (country, month, category, sex, ages, cross, repeat, n) = _sql_names(
        NewCaseTally, "country", "month", "category", "sex", "age_group", "cross_border",
        "repeat", "cases",
    )  # fmt: skip
    rows = _rows(
        f"SELECT {country}, {period_of(month, months)} AS p, {category}, {sex}, "  # noqa: S608
        f"{ages}, {cross}, {repeat}, SUM({n}) FROM {table} "
        f"WHERE {country} IN ({in_countries}) AND {month} >= %s AND {month} < %s "
        f"GROUP BY {country}, p, {category}, {sex}, {ages}, {cross}, {repeat}",
        [*countries, first, last],
    )
    for code, index, category_code, sex_code, age_group, crossing, again, count in rows:
        if index < 0 or not count:
            continue
        count = int(count)
        values = slot_of[code][index]["values"]
        _add(
            values,
            "MC02",
            [
                ("", ""),
                ("category", category_code),
                ("sex", sex_code),
                ("age_group", age_group),
                ("sex*age_group", f"{sex_code}|{age_group}"),
            ],
            count,
        )
        if crossing:
            _add(values, "MC04", [("", ""), ("category", category_code)], count)
        if again:
            _add(values, "MC09", [("", ""), ("sex", sex_code)], count)

    # Children found in the period: how, and after how long.
    table, (country, month, how, band, n) = _sql_names(
        FoundCaseTally, "country", "month", "found_how", "time_band", "cases"
    )
    rows = _rows(
        f"SELECT {country}, {period_of(month, months)} AS p, {how}, {band}, "  # noqa: S608
        f"SUM({n}) FROM {table} "
        f"WHERE {country} IN ({in_countries}) AND {month} >= %s AND {month} < %s "
        f"GROUP BY {country}, p, {how}, {band}",
        [*countries, first, last],
    )
    for code, index, how_found, time_band, count in rows:
        if index < 0 or not count:
            continue
        count = int(count)
        values = slot_of[code][index]["values"]
        _add(values, "MC06", [("", ""), ("found_how", how_found)], count)
        _add(values, "MC07", [("", ""), ("time_missing", time_band)], count)
        _add(values, "MC08", [("", "")], count)
        if how_found == "after_public_alert":
            _add(values, "MC08", [("part", "after_public_alert")], count)

    # Each period's carried-over cases and the situation of its cases at its end: a case counts
    # in every period it was open in, so these are conditional sums, one set per period.
    table, (country, category, outcome, opened, found, closed, n, ids) = _sql_names(
        CaseCourseTally, "country", "category", "outcome", "opened", "found", "closed",
        "cases", "id_sum",
    )  # fmt: skip
    sums = []
    for start, end in months:
        new = f"({opened} >= {start} AND {opened} < {end})"
        carried = f"({opened} < {start} AND {unresolved_at(start, found, closed)})"
        handled = f"({new} OR {carried})"
        found_by_end = f"({found} > 0 AND {found} < {end})"
        closed_by_end = f"({closed} > 0 AND {closed} < {end})"
        in_scope = f"({handled} OR ({found} >= {start} AND {found} < {end}))"
        sums += [
            f"SUM(CASE WHEN {carried} THEN {n} ELSE 0 END)",
            f"SUM(CASE WHEN {handled} AND {found_by_end} THEN {n} ELSE 0 END)",
            f"SUM(CASE WHEN {handled} AND NOT {found_by_end} AND {closed_by_end} "
            f"THEN {n} ELSE 0 END)",
            f"SUM(CASE WHEN {handled} AND NOT {found_by_end} AND NOT {closed_by_end} "
            f"THEN {n} ELSE 0 END)",
            f"SUM(CASE WHEN {in_scope} THEN {n} ELSE 0 END)",
            f"SUM(CASE WHEN {in_scope} THEN {ids} ELSE 0 END)",
        ]
    rows = _rows(
        f"SELECT {country}, {category}, {outcome}, {', '.join(sums)} FROM {table} "  # noqa: S608
        f"WHERE {country} IN ({in_countries}) AND (({opened} < {int(last)} "
        f"AND {unresolved_at(first, found, closed)}) "
        f"OR ({found} >= {int(first)} AND {found} < {int(last)})) "
        f"GROUP BY {country}, {category}, {outcome}",
        countries,
    )
    for code, category_code, found_as, *sums_by_period in rows:
        for i, target in enumerate(slot_of[code]):
            carried_n, found_n, closed_n, missing_n, scope_n, scope_ids = map(
                int, sums_by_period[6 * i : 6 * i + 6]
            )
            values, inputs = target["values"], target["inputs"]
            _add(values, "MC03", [("", ""), ("category", category_code)], carried_n)
            _add(values, "MC05", [("", ""), ("outcome", found_as)], found_n)
            _add(values, "MC05", [("", ""), ("outcome", "closed_other")], closed_n)
            _add(values, "MC05", [("", ""), ("outcome", "still_missing")], missing_n)
            _add(values, "MC07", [("", ""), ("time_missing", "still_missing")], missing_n)
            inputs["cases"] += scope_n
            inputs["case_ids"] += scope_ids
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
