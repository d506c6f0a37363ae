"""What people of the region type for a date or a time: day first, a 24-hour clock, separated
by dots (1.12.2026, with or without the closing dot of 1.12.2026.), slashes or hyphens, and
ISO 8601 (2026-12-01). Every language's format module accepts all of them; the platform's own
date/time field (seec/core/datetime_field.py) reads still more (19:30 for today, "yesterday")."""

DATE_INPUT_FORMATS = [
    "%d.%m.%Y", "%d.%m.%Y.", "%d. %m. %Y", "%d. %m. %Y.", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d",
    "%d.%m.%y", "%d.%m.%y.", "%d/%m/%y",
]  # fmt: skip
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}" for date in DATE_INPUT_FORMATS for time in ("%H:%M", "%H:%M:%S")
] + ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
