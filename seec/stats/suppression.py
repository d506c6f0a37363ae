"""Disclosure control: the one place that decides which figures may be shown.

Every statistical output an aggregate reader sees goes through here: a publication (open data,
the public API) through `suppress`, and the dashboard, its CSV/XLSX downloads and the annual
PDF report through `disclose`, which also guards the region's totals across countries.

Primary suppression: a cell counting at least one and fewer than `threshold` children (or
cases, contacts, persons) is withheld: a small count with a country, a period and a category
can point to one child. Zero is shown: it points to nobody.

Secondary suppression: a withheld cell must not be recoverable by subtraction. Every
*line* — a total with the categories of one breakdown that add up to it, or a row or column
of a crossed breakdown with its margin — that holds exactly one withheld cell gets a second
one withheld (the smallest other cell, preferring one that is not zero; the total if nothing
else is left), and this repeats until no line has exactly one. A cell shared by several lines
(a total, a margin) is withheld in all of them, so a withheld cell spreads to every line it
is in.
"""

from django.conf import settings

from . import catalogue

Cell = tuple[str, str, str]


def threshold() -> int:
    """The smallest count shown (SEEC_STATS_SUPPRESSION_THRESHOLD, 5 by default)."""
    return int(getattr(settings, "SEEC_STATS_SUPPRESSION_THRESHOLD", 5))


def lines_of(indicator: catalogue.IndicatorDefinition) -> list[list[Cell]]:
    """The additive lines of an indicator: [total, part, part, …]."""
    code = indicator.code
    lines = []
    for breakdown in indicator.breakdowns:
        if breakdown in catalogue.CROSSED:
            first, second = catalogue.CROSSED[breakdown]
            for a in catalogue.BREAKDOWNS[first].codes():
                lines.append(
                    [(code, first, a)]
                    + [(code, breakdown, f"{a}|{b}") for b in catalogue.BREAKDOWNS[second].codes()]
                )
            for b in catalogue.BREAKDOWNS[second].codes():
                lines.append(
                    [(code, second, b)]
                    + [(code, breakdown, f"{a}|{b}") for a in catalogue.BREAKDOWNS[first].codes()]
                )
        elif catalogue.BREAKDOWNS[breakdown].partition:
            lines.append(
                [(code, "", "")]
                + [(code, breakdown, k) for k in catalogue.BREAKDOWNS[breakdown].codes()]
            )
    return lines


def _lines_within(values: dict, prefix: tuple = ()) -> list[list]:
    """The additive lines of the indicators present in `values` (cells optionally prefixed by
    a country and a period), each narrowed to the cells that exist."""
    codes = {cell[len(prefix)] for cell in values if cell[: len(prefix)] == prefix}
    return [
        [prefix + cell for cell in line if prefix + cell in values]
        for code in codes
        if code in catalogue.INDICATOR_BY_CODE
        for line in lines_of(catalogue.INDICATOR_BY_CODE[code])
    ]


def suppress(values: dict[Cell, int | None], threshold: int) -> set[Cell]:
    """The cells to withhold from `values` (cells whose value is None are unknown, and count
    as withheld already: they reveal nothing, but neither can they be subtracted)."""
    return _withhold(values, _lines_within(values), threshold)


def _withhold(values: dict, lines: list[list], threshold: int) -> set:
    """Primary suppression of small cells, then secondary along `lines` ([total, parts…])."""
    withheld = {cell for cell, v in values.items() if v is not None and 0 < v < threshold}
    unknown = {cell for cell, v in values.items() if v is None}
    # A non-partition part (found after an alert, of all found) is recoverable only from its
    # own total; it is protected by primary suppression alone.
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [c for c in line if c in withheld or c in unknown]
            # One unknown cell alone is no secret (it was not supplied); one withheld cell
            # alone is the total minus the others.
            if len(hidden) != 1 or hidden[0] not in withheld:
                continue
            total, parts = line[0], line[1:]
            candidates = [c for c in parts if c not in withheld and c not in unknown]
            if not candidates:
                candidates = [total] if total not in withheld else []
            if not candidates:
                continue
            # The smallest non-zero cell costs least information; a zero only when no other.
            candidates.sort(key=lambda c: (values[c] == 0, values[c]))
            withheld.add(candidates[0])
            changed = True
    return withheld


# What a withheld cell reads as in every table, download and report ("confidential", as the
# statistical offices mark it); tables say so in their note.
WITHHELD = "x"
# The region's totals, kept beside the countries' figures under this pseudo-country.
REGION = "__region__"


def is_shown(value) -> bool:
    return value is not None and value != WITHHELD


def disclose(figures, threshold: int):
    """The countries' figures (a selectors.RegionFigures) with the region's totals added and
    every cell withheld that is small or that would give a small one away: within each
    country's period (its breakdowns' lines), and across the countries (each region total is
    the sum of a column, so one withheld country in it is another line to guard). Withheld
    cells read WITHHELD."""
    grid: dict[tuple, int | None] = {}
    for (country, period), cells in figures.values.items():
        for cell, value in cells.items():
            grid[(country, period, *cell)] = value
    periods = {period for _country, period in figures.values}
    columns: dict[tuple, list] = {}
    for (country, period, *cell), _value in list(grid.items()):
        columns.setdefault((period, *cell), []).append((country, period, *cell))
    lines = []
    for (period, *cell), members in columns.items():
        # The total of the countries that have the figure: the line holds just those.
        known = [m for m in members if grid[m] is not None]
        grid[(REGION, period, *cell)] = sum(grid[m] for m in known) if known else None
        lines.append([(REGION, period, *cell), *known])
    for country in [*figures.countries, REGION]:
        for period in periods:
            lines += _lines_within(grid, (country, period))
    withheld = _withhold(grid, lines, threshold)
    shown = type(figures)(countries=figures.countries, periods=figures.periods)
    shown.sources = dict(figures.sources)
    for (country, period, *cell), value in grid.items():
        shown.values.setdefault((country, period), {})[tuple(cell)] = (
            WITHHELD if (country, period, *cell) in withheld else value
        )
    shown.disclosed = True
    return shown
