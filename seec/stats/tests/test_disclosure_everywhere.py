"""Disclosure control in one place (suppression.disclose), applied to the dashboard, its
CSV/XLSX downloads and the annual report (issue 16, item 9): no cell of 1-4 anywhere, and no
withheld cell recoverable from a total, within a country or across the region's countries."""

import csv
import io

from seec.core.models import RoleCode
from seec.stats import catalogue, report, tables
from seec.stats.periods import years
from seec.stats.selectors import RegionFigures
from seec.stats.suppression import REGION, WITHHELD, disclose, lines_of

from .conftest import play_cases


def figures_of(values: dict) -> RegionFigures:
    periods = years(2025, 2025)
    figures = RegionFigures(countries=sorted({c for c, _p in values}), periods=periods)
    figures.values = values
    return figures


def mc02(category: dict) -> dict:
    values = {("MC02", "", ""): sum(category.values())}
    for key in catalogue.breakdown_categories("category"):
        values[("MC02", "category", key)] = category.get(key, 0)
    return values


def recoverable(shown: RegionFigures, truth: RegionFigures) -> set:
    """What an attacker computes from the shown cells, line by line, until nothing moves:
    within each country and the region, and down each column of countries."""
    known = {
        (country, period, *cell): v
        for (country, period), cells in shown.values.items()
        for cell, v in cells.items()
        if v != WITHHELD and v is not None
    }
    lines = []
    for (country, period), cells in shown.values.items():
        for line in lines_of(catalogue.INDICATOR_BY_CODE["MC02"]):
            lines.append([(country, period, *cell) for cell in line if cell in cells])
    for period in {p for _c, p in shown.values}:
        for cell in shown.values[(REGION, period)]:
            members = [(c, period, *cell) for c in shown.countries if (c, period) in shown.values]
            lines.append([(REGION, period, *cell), *members])
    lines = [line for line in lines if len(line) > 1]
    found, changed = set(), True
    while changed:
        changed = False
        for total, *parts in lines:
            unknown = [c for c in [total, *parts] if c not in known]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            known[cell] = (
                sum(known[p] for p in parts)
                if cell == total
                else known[total] - sum(known[p] for p in parts if p != cell)
            )
            found.add(cell)
            changed = True
    return found


def test_no_small_cell_and_none_recoverable_within_or_across_countries():
    truth = figures_of(
        {
            ("GR", "2025"): mc02({"runaway": 40, "parental_abduction": 9, "criminal_abduction": 2,
                                  "lost_injured": 7, "migrant": 11}),
            ("RS", "2025"): mc02({"runaway": 25, "parental_abduction": 6, "criminal_abduction": 8,
                                  "lost_injured": 5, "migrant": 9}),
            ("AL", "2025"): mc02({"runaway": 18, "parental_abduction": 7, "criminal_abduction": 9,
                                  "lost_injured": 6, "migrant": 3}),
        }
    )  # fmt: skip
    shown = disclose(truth, 5)
    cells = [v for per in shown.values.values() for v in per.values()]
    assert WITHHELD in cells
    assert not [v for v in cells if isinstance(v, int) and 0 < v < 5]
    # Every withheld cell stays unknown, whatever is subtracted from what.
    withheld = {
        (c, p, *cell)
        for (c, p), per in shown.values.items()
        for cell, v in per.items()
        if v == WITHHELD
    }
    assert not recoverable(shown, truth) & withheld
    # The region's "criminal abduction" total would give GR's 2 away from RS's 8 and AL's 9
    # alone; so a second country's cell (or the total) is withheld in that column too.
    column = [
        shown.get(c, "2025", "MC02", "category", "criminal_abduction") for c in ["GR", "RS", "AL"]
    ]
    region_total = shown.get(REGION, "2025", "MC02", "category", "criminal_abduction")
    assert sum(1 for v in [*column, region_total] if v == WITHHELD) >= 2


def test_the_analysts_downloads_and_report_hold_no_small_cell(client, region, settings):
    play_cases(region, 60, seed=11)  # two countries, small counts in many cells
    client.force_login(region.users[RoleCode.ANALYST])
    small = []
    for key in ("trend", "by_country", "outcomes", "time_missing", "countries", "trafficking"):
        response = client.get(f"/stats/tables/{key}.csv")
        assert response.status_code == 200, key
        for row in csv.reader(io.StringIO(response.content.decode())):
            small += [(key, v) for v in row if v.isdigit() and 0 < int(v) < 5]
    assert not small
    page = client.get("/stats/").content.decode()
    assert "x: withheld" in page

    for family in ("missing", "trafficking"):
        figures = report.region_figures(2026, family, 2022)
        for built in (tables.trend(figures), tables.countries_overview(figures)):
            for row in built.rows:
                assert not [v for v in row[1:] if isinstance(v, int) and 0 < v < 5], row
