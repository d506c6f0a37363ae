"""Figures in each reader's separators where people read them; plain in files for programs."""

import io

import pytest
from django.template import Context, Template
from django.utils import translation
from openpyxl import load_workbook

from seec.stats.tables import Table

TABLE = Table(
    key="mc01",
    title="New cases",
    columns=["Country", "2025", "Median days"],
    rows=[["Serbia", 12345, 2.5], ["Greece", None, 1234.75]],
)


@pytest.mark.parametrize(
    ("language", "whole", "fraction"),
    [
        ("en", "12,345", "1,234.8"),
        ("sr", "12.345", "1.234,8"),
        ("el", "12.345", "1.234,8"),
        ("uk", "12\xa0345", "1\xa0234,8"),
        ("bg", "12\xa0345", "1\xa0234,8"),
        ("cnr", "12.345", "1.234,8"),
    ],
)
def test_a_figure_is_shown_in_the_page_languages_separators(language, whole, fraction):
    template = Template(
        "{% load figures %}{{ a|figure }}|{{ b|figure }}|{{ c|figure }}|{{ d|figure }}"
    )
    with translation.override(language):
        shown = template.render(Context({"a": 12345, "b": 1234.75, "c": None, "d": "n/a"}))
    assert shown == f"{whole}|{fraction}|–|n/a"


def test_csv_is_plain_and_xlsx_keeps_numbers_with_a_grouping_format():
    with translation.override("sr"):
        csv_text = TABLE.to_csv().decode()
        book = load_workbook(io.BytesIO(TABLE.to_xlsx()))
    assert "Serbia,12345,2.5" in csv_text and "Greece,,1234.75" in csv_text
    sheet = book.active
    assert sheet["B3"].value == 12345 and sheet["B3"].number_format == "#,##0"
    assert sheet["C4"].value == 1234.75 and sheet["C4"].number_format == "#,##0.0"
