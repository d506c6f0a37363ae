"""Disclosure control: small cells withheld, and no withheld cell recoverable from a total."""

from seec.stats import catalogue
from seec.stats.suppression import lines_of, suppress


def mc02(category: dict, sex: dict, ages: dict, crossed: dict) -> dict:
    values = {("MC02", "", ""): sum(category.values())}
    for breakdown, parts in (("category", category), ("sex", sex), ("age_group", ages),
                             ("sex*age_group", crossed)):  # fmt: skip
        for key in catalogue.breakdown_categories(breakdown):
            values[("MC02", breakdown, key)] = parts.get(key, 0)
    return values


def recoverable(values: dict, withheld: set) -> set:
    """Cells an attacker can compute from the published ones, line by line, repeatedly."""
    known = {cell: v for cell, v in values.items() if cell not in withheld}
    found = set()
    lines = [line for code in {"MC02"} for line in lines_of(catalogue.INDICATOR_BY_CODE[code])]
    changed = True
    while changed:
        changed = False
        for total, *parts in lines:
            unknown = [c for c in [total, *parts] if c not in known]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            if cell == total:
                known[cell] = sum(known[p] for p in parts)
            else:
                known[cell] = known[total] - sum(known[p] for p in parts if p != cell)
            found.add(cell)
            changed = True
    return found


def test_small_cells_are_withheld_and_cannot_be_recovered_from_totals():
    values = mc02(
        category={"runaway": 30, "parental_abduction": 8, "criminal_abduction": 2,
                  "lost_injured": 6, "migrant": 0},
        sex={"female": 25, "male": 21},
        ages={"6-11": 6, "12-14": 15, "15-17": 25},
        crossed={"female|6-11": 3, "female|12-14": 8, "female|15-17": 14, "male|6-11": 3,
                 "male|12-14": 7, "male|15-17": 11},
    )  # fmt: skip
    withheld = suppress(values, 5)
    assert ("MC02", "category", "criminal_abduction") in withheld
    assert ("MC02", "sex*age_group", "female|6-11") in withheld
    # The lone small category took a partner with it (the next smallest, not the zero).
    assert ("MC02", "category", "lost_injured") in withheld
    assert ("MC02", "category", "migrant") not in withheld
    assert recoverable(values, withheld) == set()
    assert ("MC02", "", "") not in withheld


def test_a_small_total_withholds_its_whole_line():
    values = mc02(
        category={"runaway": 3}, sex={"female": 3}, ages={"15-17": 3}, crossed={"female|15-17": 3}
    )
    withheld = suppress(values, 5)
    assert ("MC02", "", "") in withheld
    assert recoverable(values, withheld) == set()
    assert all(values[c] < 5 for c in withheld)


def test_without_small_cells_nothing_is_withheld():
    values = mc02(
        category={"runaway": 30, "parental_abduction": 10},
        sex={"female": 20, "male": 20},
        ages={"12-14": 15, "15-17": 25},
        crossed={"female|12-14": 7, "female|15-17": 13, "male|12-14": 8, "male|15-17": 12},
    )
    assert suppress(values, 5) == set()
