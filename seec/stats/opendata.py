"""The open dataset: every current published figure (after disclosure control) as CSV, and a
JSON description of it (a Frictionless-style data package: columns, code lists with SDMX
codes where they exist, the indicators' definitions)."""

import csv
import io

from django.conf import settings

from . import catalogue, selectors

COLUMNS = [
    ("ref_area", "ISO 3166-1 alpha-2 code of the reporting country (SDMX REF_AREA)"),
    ("time_period", "SDMX TIME_PERIOD: 2025, 2025-Q2 or 2025-03"),
    ("indicator", "Indicator code (see indicators)"),
    ("breakdown", "Breakdown code; empty for the indicator's total"),
    ("category", "Category code within the breakdown; empty for the total"),
    ("sdmx_code", "The category's SDMX code where one exists (_T for a total)"),
    ("value", "The count; empty where suppressed or not available"),
    ("obs_status", "Empty, or C (confidential: suppressed) or M (missing: not supplied)"),
    ("source", "platform (counted from the hotline's cases) or submission (a national return)"),
    ("version", "The publication's version; a correction is a higher version"),
]


def rows():
    for figure in selectors.published_figures().iterator(chunk_size=2000):
        publication = figure.publication
        if figure.suppressed:
            status = "C"
        elif figure.value is None:
            status = "M"
        else:
            status = ""
        yield [
            publication.country_id,
            publication.period,
            figure.indicator_id,
            figure.breakdown,
            figure.key,
            catalogue.sdmx_code(figure.breakdown, figure.key),
            "" if figure.value is None else figure.value,
            status,
            publication.source,
            publication.version,
        ]


def figures_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _doc in COLUMNS])
    writer.writerows(rows())
    return buffer.getvalue().encode("utf-8")


def description() -> dict:
    return {
        "name": "seec-child-statistics",
        "title": "Harmonised statistics on missing children and child trafficking, "
        "South-East Europe",
        "publisher": "SEEC – Southeastern European Center for Missing and Exploited Children",
        "disclosure_control": {
            "threshold": int(getattr(settings, "SEEC_STATS_SUPPRESSION_THRESHOLD", 5)),
            "rule": "Counts from 1 to threshold−1 are suppressed (obs_status C), and further "
            "cells so that no suppressed count can be recovered from a total.",
        },
        "definitions_version": catalogue.DEFINITIONS_VERSION,
        "resources": [
            {
                "name": "figures",
                "path": "figures.csv",
                "format": "csv",
                "schema": {"fields": [{"name": n, "description": d} for n, d in COLUMNS]},
            }
        ],
        "indicators": [
            {
                "code": i.code,
                "family": i.family,
                "name": str(i.name),
                "definition": str(i.definition),
                "unit": i.unit,
                "breakdowns": list(i.breakdowns),
                "period_types": list(i.period_types),
            }
            for i in catalogue.INDICATORS
        ],
        "code_lists": {
            code: {
                "name": str(b.label),
                "sdmx_dimension": b.sdmx_dimension,
                "codes": [
                    {"code": c.code, "name": str(c.label), "sdmx": c.sdmx} for c in b.categories
                ],
            }
            for code, b in catalogue.BREAKDOWNS.items()
        },
    }
