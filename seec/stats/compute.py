"""The missing-children indicators computed from the platform's cases and contacts.

Everything is counted by the database: each query groups the rows (by country, period and the
categories of a breakdown) or counts them under per-period conditions, and only the counts come
back to Python, a few thousand numbers whatever the number of cases. The same queries run on
SQLite and PostgreSQL; the two expressions whose SQL differs (days between two instants, age in
whole years) each have one implementation per engine below.

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
  the estimate; outside 0–17 or unrecorded it counts as unknown.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce

from seec.cases.models import FOUND_OUTCOMES, Case, Contact, RiskAssessment
from seec.core.models import Organisation

from . import catalogue
from .catalogue import AGE_GROUPS, TIME_BANDS, Family
from .periods import Period

Cell = tuple[str, str, str]  # (indicator, breakdown, category)


class DaysBetween(Func):
    """`later − earlier` in days, fractional."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        (later, lp), (earlier, ep) = (compiler.compile(e) for e in self.source_expressions)
        return f"(julianday({later}) - julianday({earlier}))", (*lp, *ep)

    def as_sql(self, compiler, connection, **extra):
        (later, lp), (earlier, ep) = (compiler.compile(e) for e in self.source_expressions)
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)", (*lp, *ep)


class AgeInYears(Func):
    """Whole years between a date of birth and the UTC day of an instant (NULL without a date
    of birth): the birthday counts from its day."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps instants as 'YYYY-MM-DD HH:MM:SS' (UTC) and dates as 'YYYY-MM-DD':
        # cutting the text is much cheaper per row than parsing it with strftime().
        (at, ap), (born, bp) = (compiler.compile(e) for e in self.source_expressions)
        sql = (
            f"(CAST(substr({at}, 1, 4) AS INTEGER) - CAST(substr({born}, 1, 4) AS INTEGER)"
            f" - (substr({at}, 6, 5) < substr({born}, 6, 5)))"
        )
        return sql, (*ap, *bp, *ap, *bp)

    def as_sql(self, compiler, connection, **extra):
        (at, ap), (born, bp) = (compiler.compile(e) for e in self.source_expressions)
        return (
            f"CAST(date_part('year', age(({at} AT TIME ZONE 'UTC')::date, {born})) AS integer)",
            (
                *ap,
                *bp,
            ),
        )


def period_of(field: str, periods: list[Period]) -> CaseWhen:
    """The index of the period `field` falls in, -1 if none: one CASE, no function per row."""
    return CaseWhen(
        *(
            When(Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end}), then=Value(i))
            for i, p in enumerate(periods)
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )


def age_group() -> CaseWhen:
    age = Coalesce(
        AgeInYears(F("last_seen_at"), F("date_of_birth")),
        F("age_estimate"),
        output_field=IntegerField(),
    )
    return CaseWhen(
        When(Q(_age__isnull=True) | Q(_age__lt=0) | Q(_age__gt=17), then=Value("unknown")),
        *(When(_age__lte=high, then=Value(code)) for code, _low, high in AGE_GROUPS),
        default=Value("unknown"),
        output_field=CharField(),
    ), age


def time_band() -> CaseWhen:
    whens = [
        When(_days__lt=high, then=Value(code))
        for code, _low, high in TIME_BANDS
        if high is not None
    ]
    return CaseWhen(*whens, default=Value(TIME_BANDS[-1][0]), output_field=CharField())


def unresolved_at(moment) -> Q:
    """Neither found nor closed before `moment`."""
    return (Q(found_at__isnull=True) | Q(found_at__gte=moment)) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=moment)
    )


CROSS_BORDER = (
    Q(may_cross_border=True) | Q(heading_to__isnull=False) | Q(subcategory="international")
)


def _flag(condition) -> CaseWhen:
    return CaseWhen(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


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
    inputs summarise the rows the figures depend on (counts, id sums, latest change), enough to
    tell a rerun on the same data from one on changed data.
    """
    periods = sorted(periods)
    first, last = periods[0].start, periods[-1].end
    result = {
        (c, p.code): {"values": _empty_values(), "inputs": defaultdict(int)}
        for c in countries
        for p in periods
    }

    def slot(country, index):
        return result[(country, periods[index].code)]

    # Contacts, by channel and subject.
    # Grouped by organisation, not by its country: a join per contact costs more than
    # mapping a few dozen organisations to their countries here.
    country_of = dict(
        Organisation.objects.filter(country_id__in=countries).values_list("pk", "country_id")
    )
    contacts = (
        Contact.objects.filter(
            organisation_id__in=list(country_of), started_at__gte=first, started_at__lt=last
        )
        .annotate(p=period_of("started_at", periods))
        .values("organisation_id", "p", "channel", "subject")
        .annotate(n=Count("pk"), ids=Sum("pk"))
    )
    for row in contacts:
        if row["p"] < 0:
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
    group, age = age_group()
    new_cases = (
        Case.objects.filter(country_id__in=countries, opened_at__gte=first, opened_at__lt=last)
        .alias(_age=age)
        .annotate(
            p=period_of("opened_at", periods),
            age_group=group,
            cross=_flag(CROSS_BORDER),
            repeat=_flag(
                Q(pk__in=RiskAssessment.objects.filter(previous_episodes=True).values("case_id"))
            ),
        )
        .values("country_id", "p", "category", "sex", "age_group", "cross", "repeat")
        .annotate(n=Count("pk"))
    )
    for row in new_cases:
        if row["p"] < 0:
            continue
        values = slot(row["country_id"], row["p"])["values"]
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
        if row["cross"]:
            _add(values, "MC04", [("", ""), ("category", category)], n)
        if row["repeat"]:
            _add(values, "MC09", [("", ""), ("sex", sex)], n)

    # Children found in the period: how, and after how long.
    found = (
        Case.objects.filter(country_id__in=countries, found_at__gte=first, found_at__lt=last)
        .alias(_days=DaysBetween(F("found_at"), F("last_seen_at")))
        .annotate(p=period_of("found_at", periods), band=time_band())
        .values("country_id", "p", "found_how", "band")
        .annotate(n=Count("pk"))
    )
    for row in found:
        if row["p"] < 0:
            continue
        values = slot(row["country_id"], row["p"])["values"]
        n, how = row["n"], row["found_how"] or "unknown"
        _add(values, "MC06", [("", ""), ("found_how", how)], n)
        _add(values, "MC07", [("", ""), ("time_missing", row["band"])], n)
        _add(values, "MC08", [("", "")], n)
        if how == "after_public_alert":
            _add(values, "MC08", [("part", "after_public_alert")], n)

    # Each period's carried-over cases and the situation of its cases at its end: a case counts
    # in every period it was open in, so these are conditional counts, one set per period.
    aggregates = {}
    for i, p in enumerate(periods):
        new = Q(opened_at__gte=p.start, opened_at__lt=p.end)
        carried = Q(opened_at__lt=p.start) & unresolved_at(p.start)
        handled = new | carried
        found_by_end = Q(found_at__lt=p.end)
        closed_by_end = ~found_by_end & Q(closed_at__lt=p.end)
        in_scope = handled | Q(found_at__gte=p.start, found_at__lt=p.end)
        aggregates |= {
            f"carried{i}": Count("pk", filter=carried),
            f"found{i}": Count("pk", filter=handled & found_by_end),
            f"closed{i}": Count("pk", filter=handled & closed_by_end),
            f"missing{i}": Count("pk", filter=handled & ~found_by_end & ~Q(closed_at__lt=p.end)),
            f"scope{i}": Count("pk", filter=in_scope),
            f"ids{i}": Sum("pk", filter=in_scope),
            f"changed{i}": Max("updated_at", filter=in_scope),
        }
    states = (
        Case.objects.filter(country_id__in=countries)
        .filter(
            (Q(opened_at__lt=last) & unresolved_at(first))
            | Q(found_at__gte=first, found_at__lt=last)
        )
        .values("country_id", "category", "outcome")
        .annotate(**aggregates)
    )
    for row in states:
        category = row["category"]
        found_as = row["outcome"] if row["outcome"] in FOUND_OUTCOMES else "closed_other"
        for i in range(len(periods)):
            target = slot(row["country_id"], i)
            values, inputs = target["values"], target["inputs"]
            _add(values, "MC03", [("", ""), ("category", category)], row[f"carried{i}"])
            _add(values, "MC05", [("", ""), ("outcome", found_as)], row[f"found{i}"])
            _add(values, "MC05", [("", ""), ("outcome", "closed_other")], row[f"closed{i}"])
            _add(values, "MC05", [("", ""), ("outcome", "still_missing")], row[f"missing{i}"])
            _add(values, "MC07", [("", ""), ("time_missing", "still_missing")], row[f"missing{i}"])
            inputs["cases"] += row[f"scope{i}"]
            inputs["case_ids"] += int(row[f"ids{i}"] or 0)
            changed = row[f"changed{i}"]
            if changed is not None:
                stamp = changed.isoformat()
                inputs["last_case_change"] = max(inputs.get("last_case_change") or "", stamp)
    for target in result.values():
        target["inputs"] = dict(target["inputs"])
    return result


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
