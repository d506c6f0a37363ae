"""The dashboard's and the report's tables, built from a region's figures, and their
downloads (CSV and XLSX). A chart is always drawn from one of these tables."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import catalogue, charts
from .catalogue import Family
from .selectors import RegionFigures
from .suppression import REGION, WITHHELD, threshold


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def full_note(self) -> str:
        """The note, and what a withheld cell means where the table has one."""
        if any(v == WITHHELD for row in self.rows for v in row):
            withheld = _(
                "x: withheld, a count under %(threshold)d or one that would reveal such a count."
            ) % {"threshold": threshold()}
            return f"{self.note} {withheld}".strip()
        return self.note

    def to_csv(self) -> bytes:
        """Plain numbers (no grouping, a dot for decimals): a file for programs."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return buffer.getvalue().encode("utf-8")

    def to_xlsx(self) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = self.key[:31]
        sheet.append([self.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(self.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in self.rows:
            sheet.append(row)
            # Numbers stay numbers; the format groups them in the reader's own separators
            # (the spreadsheet program's locale), as they read figures.
            for cell in sheet[sheet.max_row][1:]:
                if isinstance(cell.value, bool):
                    continue
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.0"
        if self.full_note:
            sheet.append([])
            sheet.append([self.full_note])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _country_names(figures: RegionFigures) -> dict:
    from seec.core.models import Country

    return {c.code: str(c) for c in Country.objects.filter(code__in=figures.countries)}


def _sum(figures: RegionFigures, period: str, cell: tuple) -> int | None:
    if figures.disclosed:  # the region's total as disclosure control left it
        return figures.get(REGION, period, *cell)
    values = [figures.get(c, period, *cell) for c in figures.countries]
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def trend(figures: RegionFigures, indicator="MC02") -> Table:
    names = _country_names(figures)
    periods = [p.code for p in figures.periods]
    table = Table(
        "trend",
        _("%(indicator)s by period") % {"indicator": catalogue.INDICATOR_BY_CODE[indicator].name},
        [_("Country"), *periods],
    )
    for country in figures.countries:
        table.rows.append([names[country], *(figures.get(country, p, indicator) for p in periods)])
    table.rows.append([_("Region"), *(_sum(figures, p, (indicator, "", "")) for p in periods)])
    return table


def by_country(figures: RegionFigures, indicator: str, breakdown: str) -> Table:
    """An indicator by one breakdown for each country, in the last period."""
    names = _country_names(figures)
    period = figures.periods[-1].code
    keys = catalogue.breakdown_categories(breakdown)
    table = Table(
        "by_country",
        _("%(indicator)s by %(breakdown)s, %(period)s")
        % {
            "indicator": catalogue.INDICATOR_BY_CODE[indicator].name,
            "breakdown": str(catalogue.breakdown_label(breakdown)).lower(),
            "period": period,
        },
        [_("Country"), *(str(catalogue.category_label(breakdown, k)) for k in keys), _("Total")],
    )
    for country in figures.countries:
        table.rows.append(
            [
                names[country],
                *(figures.get(country, period, indicator, breakdown, k) for k in keys),
                figures.get(country, period, indicator),
            ]
        )
    return table


def distribution(figures: RegionFigures, key: str, indicator: str, breakdown: str) -> Table:
    """The region's figure by one breakdown, for every period."""
    periods = [p.code for p in figures.periods]
    table = Table(
        key,
        _("%(indicator)s by %(breakdown)s, the region")
        % {
            "indicator": catalogue.INDICATOR_BY_CODE[indicator].name,
            "breakdown": str(catalogue.breakdown_label(breakdown)).lower(),
        },
        [str(catalogue.breakdown_label(breakdown)), *periods],
    )
    for k in catalogue.breakdown_categories(breakdown):
        table.rows.append(
            [
                str(catalogue.category_label(breakdown, k)),
                *(_sum(figures, p, (indicator, breakdown, k)) for p in periods),
            ]
        )
    table.rows.append([_("Total"), *(_sum(figures, p, (indicator, "", "")) for p in periods)])
    return table


def countries_overview(figures: RegionFigures) -> Table:
    """The regional table: one row per country, the last period's main figures."""
    names = _country_names(figures)
    period = figures.periods[-1].code
    table = Table(
        "countries",
        _("The region's countries, %(period)s") % {"period": period},
        [
            _("Country"),
            _("Contacts"),
            _("New cases"),
            _("Carried over"),
            _("Cross-border"),
            _("Found in the period"),
            _("Still missing at the end"),
            _("Found after a public alert (%)"),
            _("Source"),
        ],
    )
    for country in figures.countries:
        found = figures.get(country, period, "MC08")
        alert = figures.get(country, period, "MC08", "part", "after_public_alert")
        if WITHHELD in (found, alert):
            share = WITHHELD  # a share of a withheld count would give the count away
        else:
            share = round(100 * alert / found, 1) if found and alert is not None else None
        source = figures.sources.get((country, period), "")
        table.rows.append(
            [
                names[country],
                figures.get(country, period, "MC01"),
                figures.get(country, period, "MC02"),
                figures.get(country, period, "MC03"),
                figures.get(country, period, "MC04"),
                figures.get(country, period, "MC06"),
                figures.get(country, period, "MC05", "outcome", "still_missing"),
                share,
                _("national submission") if source == "submission" else _("platform"),
            ]
        )
    return table


def trafficking(figures: RegionFigures) -> Table:
    names = _country_names(figures)
    period = figures.periods[-1].code
    keys = catalogue.BREAKDOWNS["exploitation"].codes()
    table = Table(
        "trafficking",
        _("Child victims of trafficking by form of exploitation, %(period)s") % {"period": period},
        [
            _("Country"),
            *(str(catalogue.category_label("exploitation", k)) for k in keys),
            _("Total"),
            _("Suspects"),
            _("Prosecutions"),
            _("Convictions"),
            _("Source"),
        ],
        note=_(
            "From the national submission validated by the regional centre where there is one, "
            "else counted from the child-victim records on the platform (which hold no "
            "suspects, prosecutions or convictions)."
        ),
    )
    for country in figures.countries:
        if (country, period) not in figures.values:
            continue
        table.rows.append(
            [
                names[country],
                *(figures.get(country, period, "TH01", "exploitation", k) for k in keys),
                figures.get(country, period, "TH01"),
                figures.get(country, period, "TH02"),
                figures.get(country, period, "TH03"),
                figures.get(country, period, "TH04"),
                _("national submission")
                if figures.sources.get((country, period)) == "submission"
                else _("platform"),
            ]
        )
    return table


BREAKDOWN_CHOICES = ["category", "sex", "age_group"]


def missing_tables(figures: RegionFigures, breakdown: str = "category") -> dict[str, Table]:
    return {
        t.key: t
        for t in (
            trend(figures),
            by_country(figures, "MC02", breakdown),
            distribution(figures, "outcomes", "MC05", "outcome"),
            distribution(figures, "time_missing", "MC07", "time_missing"),
            countries_overview(figures),
        )
    }


def chart_of(table: Table, fmt: str = "svg") -> bytes | None:
    """The chart that goes with a table (a withheld cell is left out, as an unknown one)."""
    if not table.rows:
        return None
    table = Table(
        table.key,
        table.title,
        table.columns,
        [[v if isinstance(v, str) and i == 0 else (v if isinstance(v, int | float) else None)
          for i, v in enumerate(row)] for row in table.rows],
    )  # fmt: skip
    if table.key == "trend":
        *countries, region = table.rows  # the last row is the region's sum
        return charts.line_chart(
            table.title,
            table.columns[1:],
            {row[0]: row[1:] for row in countries},
            fmt,
            total=(region[0], region[1:]),
        )
    if table.key in ("by_country", "trafficking"):
        last = len(table.columns) - (4 if table.key == "trafficking" else 1)
        series = {table.columns[i]: [row[i] for row in table.rows] for i in range(1, last)}
        return charts.bar_chart(table.title, [row[0] for row in table.rows], series, fmt)
    if table.key in ("outcomes", "time_missing"):
        rows = table.rows[:-1]
        return charts.bar_chart(
            table.title,
            [row[0] for row in rows],
            {period: [row[i] for row in rows] for i, period in enumerate(table.columns[1:], 1)},
            fmt,
            stacked=False,
        )
    if table.key == "countries":
        return charts.horizontal_bars(
            _("New cases by country"),
            [row[0] for row in table.rows],
            [row[2] for row in table.rows],
            fmt,
        )
    return None


FAMILY_TABLES = {Family.MISSING: missing_tables}
