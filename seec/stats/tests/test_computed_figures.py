"""The platform's figures equal an independent count of the raw rows, for every indicator,
breakdown and category; a rerun on the same data gives the same set; a change is explained."""

from collections import Counter

import pytest
from django.utils import timezone

from seec.cases.models import FOUND_OUTCOMES, Case, Contact, RiskAssessment
from seec.core.audit import Origin
from seec.core.models import RoleCode
from seec.stats import catalogue, compute, services
from seec.stats.models import FigureSet
from seec.stats.periods import parse, within

pytestmark = pytest.mark.django_db

COUNTRIES = ["GR", "RS"]


def age_group(case) -> str:
    age = case.age_at(case.last_seen_at)
    if age is None or age < 0 or age > 17:
        return "unknown"
    return next(code for code, low, high in catalogue.AGE_GROUPS if low <= age <= high)


def band(case) -> str:
    days = (case.found_at - case.last_seen_at).total_seconds() / 86400
    for code, _low, high in catalogue.TIME_BANDS:
        if high is None or days < high:
            return code
    raise AssertionError


def count_by_hand(country: str, period) -> Counter:
    """Every figure, counted one row at a time in Python from the definitions' wording."""
    got = Counter()
    inside = lambda moment: moment is not None and period.start <= moment < period.end  # noqa: E731
    before = lambda moment, t: moment is not None and moment < t  # noqa: E731
    repeat = set(
        RiskAssessment.objects.filter(previous_episodes=True).values_list("case_id", flat=True)
    )
    for contact in Contact.objects.filter(organisation__country_id=country):
        if inside(contact.started_at):
            got["MC01", "", ""] += 1
            got["MC01", "channel", contact.channel] += 1
            got["MC01", "subject", contact.subject] += 1
    for case in Case.objects.filter(country_id=country):
        new = inside(case.opened_at)
        resolved_before_start = before(case.found_at, period.start) or before(
            case.closed_at, period.start
        )
        carried = case.opened_at < period.start and not resolved_before_start
        if new:
            ages, sex = age_group(case), case.sex
            for cell in [("", ""), ("category", case.category), ("sex", sex),
                         ("age_group", ages), ("sex*age_group", f"{sex}|{ages}")]:  # fmt: skip
                got["MC02", *cell] += 1
            crosses = (
                case.may_cross_border or case.heading_to_id or (case.subcategory == "international")
            )
            if crosses:
                got["MC04", "", ""] += 1
                got["MC04", "category", case.category] += 1
            if case.pk in repeat:
                got["MC09", "", ""] += 1
                got["MC09", "sex", sex] += 1
        if carried:
            got["MC03", "", ""] += 1
            got["MC03", "category", case.category] += 1
        if new or carried:
            if before(case.found_at, period.end):
                state = case.outcome if case.outcome in FOUND_OUTCOMES else "closed_other"
            elif before(case.closed_at, period.end):
                state = "closed_other"
            else:
                state = "still_missing"
                got["MC07", "", ""] += 1
                got["MC07", "time_missing", "still_missing"] += 1
            got["MC05", "", ""] += 1
            got["MC05", "outcome", state] += 1
        if inside(case.found_at):
            how = case.found_how or "unknown"
            got["MC06", "", ""] += 1
            got["MC06", "found_how", how] += 1
            got["MC07", "", ""] += 1
            got["MC07", "time_missing", band(case)] += 1
            got["MC08", "", ""] += 1
            if how == "after_public_alert":
                got["MC08", "part", "after_public_alert"] += 1
    return got


def test_every_figure_equals_an_independent_count_of_the_rows(played):
    years = [parse(str(y)) for y in (2023, 2024, 2025, 2026)]
    quarters = within(parse("2025"), "quarter")
    months = within(parse("2026"), "month")[:6]
    checked = 0
    for periods in (years, quarters, months):
        result = compute.compute_missing(COUNTRIES, periods)
        for country in COUNTRIES:
            for period in periods:
                expected = count_by_hand(country, period)
                values = result[(country, period.code)]["values"]
                unexpected = set(expected) - set(values)
                assert unexpected == set(), f"cells outside the catalogue: {unexpected}"
                differences = {
                    cell: (value, expected[cell])
                    for cell, value in values.items()
                    if value != expected[cell]
                }
                assert differences == {}, (country, period.code, differences)
                checked += sum(1 for v in values.values() if v)
    # The data reach every indicator: a test on empty figures would prove nothing.
    assert checked > 500
    total = compute.compute_missing(COUNTRIES, years)
    for code in ("MC01", "MC02", "MC03", "MC04", "MC05", "MC06", "MC07", "MC08"):
        assert sum(r["values"][(code, "", "")] for r in total.values()) > 0, code


def test_still_missing_at_the_end_of_a_year_is_carried_over_into_the_next(played):
    result = compute.compute_missing(COUNTRIES, [parse("2024"), parse("2025")])
    for country in COUNTRIES:
        end_2024 = result[(country, "2024")]["values"][("MC05", "outcome", "still_missing")]
        assert end_2024 == result[(country, "2025")]["values"][("MC03", "", "")]


def test_a_rerun_on_the_same_data_gives_the_same_set(played):
    periods = [parse("2024"), parse("2025")]
    first = services.compute_figures(COUNTRIES, periods)
    again = services.compute_figures(COUNTRIES, periods)
    assert [s.pk for s in first] == [s.pk for s in again]
    assert FigureSet.objects.count() == 4
    assert all(s.values() == t.values() for s, t in zip(first, again, strict=True))


def test_a_changed_case_gives_a_new_set_that_explains_the_change(played):
    from seec.cases import services as case_services

    period = parse("2025")
    (before,) = list(services.compute_figures(["GR"], [period]))
    case = (
        Case.objects.filter(country_id="GR", opened_at__gte=period.start, opened_at__lt=period.end)
        .exclude(status__in=["closed"])
        .filter(found_at__isnull=False)
        .first()
    )
    manager = played.users[RoleCode.CASE_MANAGER]
    case_services.close_case(case, origin=Origin(manager), reason="")
    case_services.reopen_case(case, origin=Origin(manager), reason="The child went missing again")
    (after,) = services.compute_figures(["GR"], [period])
    assert after.pk != before.pk and after.previous_id == before.pk
    explained = services.explain_change(after)
    moved = {cell for item in explained["figures"] for cell in [item["cell"]]}
    assert ("MC05", "outcome", "still_missing") in moved
    assert explained["cases_changed"] >= 1
    assert case.pk in set(services.changed_case_ids(after).values_list("pk", flat=True))
    assert timezone.now() > after.created_at
