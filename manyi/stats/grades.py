"""Grade bands: a 100-point score → a grade (002, 001)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError


@dataclass(frozen=True)
class Band:
    lower: float  # a score >= lower gets this grade (first matching band wins)
    code: str
    label: str


#: 002's default (p. "四个等级"): ≥95 很满意, ≥80 较满意, ≥60 一般满意, below 不满意.
BANDS_002: tuple[Band, ...] = (
    Band(95, "very-satisfied", "很满意"),
    Band(80, "fairly-satisfied", "较满意"),
    Band(60, "generally-satisfied", "一般满意"),
    Band(float("-inf"), "dissatisfied", "不满意"),
)

#: 002 §4.4.1's variant read on total score: 100 很满意, ≥90 较满意, ≥80 满意,
#: ≥20 不满意, below 很不满意.
BANDS_002_FIVE_LEVEL: tuple[Band, ...] = (
    Band(100, "very-satisfied", "很满意"),
    Band(90, "fairly-satisfied", "较满意"),
    Band(80, "satisfied", "满意"),
    Band(20, "dissatisfied", "不满意"),
    Band(float("-inf"), "very-dissatisfied", "很不满意"),
)

#: Chinese labels for codes used by configurable band sets.
LABELS: dict[str, str] = {
    "very-satisfied": "很满意",
    "fairly-satisfied": "较满意",
    "satisfied": "满意",
    "generally-satisfied": "一般满意",
    "basically-satisfied": "基本满意",
    "dissatisfied": "不满意",
    "very-dissatisfied": "很不满意",
    "excellent": "优秀",
    "good": "良好",
    "fair": "一般",
    "unsatisfied": "不满意",
}


def make_bands(spec: Sequence[Sequence[object]]) -> tuple[Band, ...]:
    """Build bands from ``[[lower, code], …]`` or ``[[lower, code, label], …]``, highest first.

    The lowest band catches every score below it too.  Unknown codes without a label
    are labelled with the code itself.
    """
    rows = v.sequence(spec, "bands")
    bands: list[Band] = []
    for i, row in enumerate(rows):
        items = v.sequence(row, f"bands[{i}]", min_length=2)
        if len(items) > 3:
            raise StatsInputError(
                f"bands[{i}]: must be [lower_bound, code] or [lower, code, label]"
            )
        lower = v.number(items[0], f"bands[{i}][0]")
        code = items[1]
        if not isinstance(code, str) or not code:
            raise StatsInputError(f"bands[{i}][1]: the grade code must be a non-empty string")
        label = items[2] if len(items) == 3 else LABELS.get(code, code)
        if not isinstance(label, str):
            raise StatsInputError(f"bands[{i}][2]: the label must be a string")
        if bands and lower >= bands[-1].lower:
            raise StatsInputError(f"bands[{i}]: lower bounds must be strictly decreasing")
        bands.append(Band(lower, code, label))
    return tuple(bands)


def grade(score: float, bands: Sequence[Band] = BANDS_002) -> Band:
    """The first band (highest first) whose lower bound the score reaches; scores
    below the lowest bound get the lowest band."""
    value = v.number(score, "score")
    if not bands:
        raise StatsInputError("bands: needs at least 1 item(s), got 0")
    for band in bands:
        if value >= band.lower:
            return band
    return bands[-1]
