"""QuickSelect writes the same select as Django's own, only faster."""

import re

import pytest
from django import forms

from seec.core.widgets import QuickSelect

CHOICES = [
    ("", "—"),
    ("a", "A & <b>bold</b>"),
    ("Group <i>", [("x", "X"), ("y", 'Y "quoted"')]),
    (3, "three"),
]


def without_spaces(html: str) -> str:
    return re.sub(r"\s+", "", html)


@pytest.mark.parametrize("value", [None, "", "a", "y", 3, "3", "missing"])
def test_the_quick_select_is_djangos_select_option_for_option(value):
    attrs = {"id": "id_country", "required": True, "disabled": False, "aria-describedby": "h"}
    django_html = forms.Select(choices=CHOICES, attrs=attrs).render("country", value)
    quick_html = QuickSelect(choices=CHOICES, attrs=attrs).render("country", value)
    assert without_spaces(quick_html) == without_spaces(django_html)
    assert "<b>" not in quick_html and "&lt;b&gt;" in quick_html  # labels escaped
