"""Disclosure control of published figures.

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

from . import catalogue

Cell = tuple[str, str, str]


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


def suppress(values: dict[Cell, int | None], threshold: int) -> set[Cell]:
    """The cells to withhold from `values` (cells whose value is None are unknown, and count
    as withheld already: they reveal nothing, but neither can they be subtracted)."""
    withheld = {cell for cell, v in values.items() if v is not None and 0 < v < threshold}
    unknown = {cell for cell, v in values.items() if v is None}
    lines = [
        [cell for cell in line if cell in values]
        for code in {cell[0] for cell in values}
        if code in catalogue.INDICATOR_BY_CODE
        for line in lines_of(catalogue.INDICATOR_BY_CODE[code])
    ]
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
