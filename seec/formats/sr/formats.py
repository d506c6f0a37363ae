# Serbian (Cyrillic): 1. децембар 2026., 01.12.2026. 19:30.
# Day first and a 24-hour clock, the week from Monday.
from seec.formats.typed import (  # noqa: F401 — the forms every language reads
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    TIME_INPUT_FORMATS,
)

DATE_FORMAT = "j. F Y."
SHORT_DATE_FORMAT = "d.m.Y."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y. H:i"
SHORT_DATETIME_FORMAT = "d.m.Y. H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
