"""Small input checks shared by the statistics modules.

Every check raises :class:`StatsInputError` with a message that starts with the name
of the offending field, so the CLI can print it unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from manyi.stats.errors import StatsInputError


def number(value: object, field: str) -> float:
    """Return ``value`` as a finite float; booleans and non-numbers are rejected."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StatsInputError(f"{field}: must be a number, got {_show(value)}")
    result = float(value)
    if not math.isfinite(result):
        raise StatsInputError(f"{field}: must be a finite number")
    return result


def non_negative(value: object, field: str) -> float:
    result = number(value, field)
    if result < 0:
        raise StatsInputError(f"{field}: must not be negative, got {_show(value)}")
    return result


def positive(value: object, field: str) -> float:
    result = number(value, field)
    if result <= 0:
        raise StatsInputError(f"{field}: must be greater than 0, got {_show(value)}")
    return result


def count(value: object, field: str) -> int:
    """A non-negative whole number (``3`` or ``3.0``)."""
    result = non_negative(value, field)
    if result != int(result):
        raise StatsInputError(f"{field}: must be a whole number, got {_show(value)}")
    return int(result)


def probability(value: object, field: str, *, open_interval: bool = False) -> float:
    result = number(value, field)
    low_ok = result > 0 if open_interval else result >= 0
    high_ok = result < 1 if open_interval else result <= 1
    if not (low_ok and high_ok):
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise StatsInputError(f"{field}: must be {bounds}, got {_show(value)}")
    return result


def sequence(value: object, field: str, *, min_length: int = 1) -> Sequence[object]:
    """A list/tuple (not a string) with at least ``min_length`` items."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise StatsInputError(f"{field}: must be a list, got {_show(value)}")
    if len(value) < min_length:
        raise StatsInputError(f"{field}: needs at least {min_length} item(s), got {len(value)}")
    return value


def numbers(value: object, field: str, *, min_length: int = 1) -> list[float]:
    items = sequence(value, field, min_length=min_length)
    return [number(item, f"{field}[{i}]") for i, item in enumerate(items)]


def exact(value: float) -> Fraction:
    """The decimal a float prints as, as an exact fraction (``0.4`` → ``2/5``).

    Used by the scoring methods so that e.g. ``85 × 0.4 + 76 × 0.6`` is exactly 79.6.
    """
    return Fraction(repr(float(value)))


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
