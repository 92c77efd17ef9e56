"""Number formatting of the analysis pages and tables."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value: Any, digits: int = 2) -> str:
    """A table cell: floats with `digits` decimals (grouped), None as a dash."""
    if value is None or value == "":
        return "–" if value is None else ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return number_format(round(value, digits), decimal_pos=digits, use_l10n=True,
                             force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """A percent (0–100 scale) with `digits` decimals and the % sign; None as a dash."""
    if value is None:
        return "–"
    return f"{number_format(round(float(value), digits), decimal_pos=digits)} %"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
