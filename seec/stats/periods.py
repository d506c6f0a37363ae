"""Reporting periods: a year (`2025`), a quarter (`2025-Q2`) or a month (`2025-03`).

A period is a run of calendar months. Each country's figures count an event in the month it
fell in on that country's own calendar (its civil time zone): a period is cut at each
country's midnight, as a national statistics office counts (`tallies.MonthNumber`). `start`
and `end` name the months (midnight UTC of their first days). The codes are SDMX's
TIME_PERIOD forms.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .catalogue import PeriodType

_PATTERNS = (
    (PeriodType.YEAR, re.compile(r"^(\d{4})$")),
    (PeriodType.QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (PeriodType.MONTH, re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
)


@dataclass(frozen=True, order=True)
class Period:
    start: datetime
    end: datetime
    type: str
    code: str

    def __str__(self):
        return self.code

    @property
    def year(self) -> int:
        return self.start.year

    def same_period_a_year_before(self) -> "Period":
        year, _sep, rest = self.code.partition("-")
        return parse(f"{int(year) - 1}{_sep}{rest}")


def parse(code: str) -> Period:
    """The period a code names, or a ValidationError in the user's language."""
    code = (code or "").strip()
    for kind, pattern in _PATTERNS:
        match = pattern.match(code)
        if not match:
            continue
        year = int(match.group(1))
        if not 1990 <= year <= 2100:
            break
        if kind == PeriodType.YEAR:
            start, end = (year, 1), (year + 1, 1)
        elif kind == PeriodType.QUARTER:
            first = (int(match.group(2)) - 1) * 3 + 1
            start = (year, first)
            end = (year + 1, 1) if first == 10 else (year, first + 3)
        else:
            month = int(match.group(2))
            start = (year, month)
            end = (year + 1, 1) if month == 12 else (year, month + 1)
        return Period(
            start=datetime(*start, 1, tzinfo=UTC),
            end=datetime(*end, 1, tzinfo=UTC),
            type=kind,
            code=code,
        )
    raise ValidationError(
        _(
            "“%(code)s” is not a period: write a year (2025), a quarter (2025-Q2) "
            "or a month (2025-03)."
        )
        % {"code": code}
    )


def years(first: int, last: int) -> list[Period]:
    return [parse(str(y)) for y in range(first, last + 1)]


def within(period: Period, kind: str) -> list[Period]:
    """The quarters or months of a year (or the months of a quarter)."""
    if kind == PeriodType.QUARTER:
        return [parse(f"{period.year}-Q{q}") for q in range(1, 5)]
    months = range(period.start.month, period.start.month + (3 if period.type == "quarter" else 12))
    return [parse(f"{period.year}-{m:02d}") for m in months]
