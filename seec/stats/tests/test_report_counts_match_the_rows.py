"""The report's counts equal the table's, whichever way the cases were written: the services
(each change), the import (in batches), a bulk load that went round both (as a migration from
another system or a restore of the case table alone would), and deleted rows."""

import csv
from datetime import UTC

from django.db.models import Count
from django.db.models.functions import ExtractYear

from seec.cases.importer import import_cases
from seec.cases.models import Case, Contact
from seec.core.audit import Origin
from seec.core.bulk import insert_rows
from seec.core.models import RoleCode
from seec.stats import report, suppression, tallies

from .conftest import NOW


def new_cases_reported(year: int) -> tuple[dict, set]:
    """The report's published figures: those it shows, and the cells it withholds as too
    small to publish (statistical disclosure control)."""
    figures = report.region_figures(year, "missing", year - 2)
    shown, withheld = {}, set()
    for (country, period), values in figures.values.items():
        value = values.get(("MC02", "", ""))
        if value == suppression.WITHHELD:
            withheld.add((country, int(period)))
        elif value:
            shown[(country, int(period))] = value
    return shown, withheld


def assert_the_report_matches_the_table(year: int):
    shown, withheld = new_cases_reported(year)
    table = new_cases_in_the_table(year)
    expected = dict(table)
    for (_country, period), n in table.items():
        key = (suppression.REGION, period)
        expected[key] = expected.get(key, 0) + n
    assert shown == {key: expected.get(key, 0) for key in shown}
    # Every cell that has cases is either published with its count or withheld, never lost.
    assert set(expected) <= set(shown) | withheld
    assert shown, "the report withheld every cell: nothing was compared"


def new_cases_in_the_table(year: int) -> dict:
    rows = (
        Case.objects.annotate(year=ExtractYear("opened_at", tzinfo=UTC))
        .filter(year__gte=year - 2, year__lte=year)
        .values("country_id", "year")
        .annotate(n=Count("pk"))
    )
    return {(row["country_id"], row["year"]): row["n"] for row in rows}


def test_the_report_counts_every_case_however_it_was_written(played, region, tmp_path):
    year = NOW.year
    # Services (the played cases) first, and the tallies built from them.
    assert_the_report_matches_the_table(year)

    # The import, in batches.
    path = tmp_path / "old.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_reference", "given_names", "category", "last_seen_at",
                         "last_seen_place"])  # fmt: skip
        for n in range(12):
            writer.writerow([f"OLD-{n}", "Ελένη", "runaway", f"{year}-0{n % 9 + 1}-10T10:00",
                             "Αθήνα"])  # fmt: skip
    manager = region.users[RoleCode.CASE_MANAGER]
    assert import_cases(path, origin=Origin(manager)).imported == 12
    assert_the_report_matches_the_table(year)

    # A bulk load that bypasses the application: the report notices and counts afresh.
    template = Case.objects.filter(country_id="RS").first()
    rows = []
    for n in range(7):
        row = {f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields}
        row.pop("id")
        row.update(number=f"RS-BULK-{n}", external_reference=f"BULK-{n}", search_name_id=None)
        rows.append(row)
    insert_rows(Case, rows)
    contact = {f.attname: getattr(Contact.objects.first(), f.attname)
               for f in Contact._meta.concrete_fields if f.attname != "id"}  # fmt: skip
    insert_rows(Contact, [contact])
    assert not tallies.rows_add_up()
    assert_the_report_matches_the_table(year)
    assert tallies.rows_add_up() and tallies.differences() == []

    # Rows deleted behind the application's back.
    Case.objects.filter(number__startswith="RS-BULK-").delete()
    assert_the_report_matches_the_table(year)
