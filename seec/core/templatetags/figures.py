"""Numbers where people read them: in the page language's own separators (1.234,5 in Serbian,
1 234,5 in Ukrainian, 1,234.5 in English), grouped whatever USE_THOUSAND_SEPARATOR says (it
would also group ids in links). Machine-readable files (CSV, JSON) stay plain."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def figure(value, decimals=None):
    """`{{ n|figure }}`, `{{ rate|figure:1 }}`; nothing (None) is shown as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if decimals is None and isinstance(value, float) and not value.is_integer():
        decimals = 1
    if decimals is not None:
        # Django's number_format cuts the digits it drops; a figure is rounded (half up).
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=decimals, force_grouping=True)
