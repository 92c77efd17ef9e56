"""Pure functions of the analyses that `manyi.stats` does not have (no Django here).

* **Count forms** of `manyi.stats` methods. The campaign analysis reads the rollup cube, which
  holds "value v was given n times", never the answers one by one. These functions take those
  counts and return the same result types as the `manyi.stats` functions; the tests check that
  they equal `manyi.stats` on the expanded answers (exact arithmetic, same conventions: "unable
  to comment" never scored, percents on 0–100).
* **Average advanced value** (平均先进值, 001 §六 "确定一个平均先进指标"): the target suggested
  from past campaigns.
* **Signals** (000 §4.2.1): which points of a control chart are bad news for a measure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from manyi.stats.errors import StatsInputError
from manyi.stats.items import ItemStatistics, LevelShare
from manyi.stats.scoring import (
    DEFAULT_LEVEL_POINTS,
    SATISFIED_LEVELS,
    CustomerRatio,
    LevelPointsResult,
    Top2BoxResult,
)
from manyi.stats.spc.charts import ChartResult

_HUNDRED = Fraction(100)


def _checked(counts: Mapping[int, int], levels: Sequence[int], field: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for level, n in counts.items():
        if level not in levels:
            raise StatsInputError(f"{field}: {level!r} is not a level of the scale {list(levels)}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise StatsInputError(f"{field}[{level}]: must be a whole number >= 0, got {n!r}")
        out[level] = out.get(level, 0) + n
    return out


def level_points_counts(
    counts: Mapping[int, int], points: Sequence[float] = DEFAULT_LEVEL_POINTS
) -> LevelPointsResult:
    """`manyi.stats.scoring.level_points` from {level 1..5: number of answers}."""
    given = _checked(counts, (1, 2, 3, 4, 5), "counts")
    if len(points) != 5:
        raise StatsInputError(f"points: must give 5 values for levels 1..5, got {len(points)}")
    table = [Fraction(repr(float(p))) for p in points]
    answered = sum(given.values())
    if not answered:
        raise StatsInputError("answers: no answer other than 'unable to comment'")
    total = sum((table[level - 1] * n for level, n in given.items()), Fraction(0))
    satisfied = sum(n for level, n in given.items() if level in SATISFIED_LEVELS)
    return LevelPointsResult(
        answered=answered,
        points=float(total),
        degree=float(total / (answered * table[4]) * _HUNDRED),
        rate=float(Fraction(satisfied, answered) * _HUNDRED),
    )


def item_statistics_counts(
    counts: Mapping[int, int], unable_to_comment: int = 0, levels: Sequence[int] = (1, 2, 3, 4, 5)
) -> ItemStatistics:
    """`manyi.stats.items.item_statistics` from {value: number of answers}."""
    given = _checked(counts, levels, "counts")
    n = sum(given.values())
    total = sum(v * c for v, c in given.items())
    mean = Fraction(total, n) if n else None
    sd: float | None = None
    if n >= 2 and mean is not None:
        squares = sum(c * (Fraction(v) - mean) ** 2 for v, c in given.items())
        sd = math.sqrt(squares / (n - 1))
    return ItemStatistics(
        answered=n,
        unable_to_comment=unable_to_comment,
        mean=float(mean) if mean is not None else None,
        sd=sd,
        distribution=tuple(
            LevelShare(
                level,
                given.get(level, 0),
                float(Fraction(given.get(level, 0), n) * _HUNDRED) if n else 0.0,
            )
            for level in levels
        ),
    )


@dataclass(frozen=True)
class CustomerCounts:
    """One customer's satisfied counts (answers of 4–5) and 1–5 answers over its respondents."""

    id: str
    satisfied: int
    answers: int
    key_account: bool = False


def top2box_ka_counts(customers: Sequence[CustomerCounts], ka_weight: float = 2) -> Top2BoxResult:
    """`manyi.stats.scoring.top2box_ka` from each customer's counts."""
    weight_ka = Fraction(repr(float(ka_weight)))
    if weight_ka < 2:
        raise StatsInputError("ka_weight: key accounts weigh at least twice the others (>= 2)")
    if not customers:
        raise StatsInputError("customers: needs at least 1 item(s), got 0")
    numerator = Fraction(0)
    denominator = Fraction(0)
    rows = []
    for i, c in enumerate(customers):
        if c.satisfied < 0 or c.answers < c.satisfied:
            raise StatsInputError(f"customers[{i}]: satisfied must be between 0 and answers")
        weight = weight_ka if c.key_account else Fraction(1)
        if c.answers:
            ratio = Fraction(c.satisfied, c.answers)
            numerator += weight * ratio
            denominator += weight
            rows.append(CustomerRatio(c.id, float(ratio), float(weight)))
        else:
            rows.append(CustomerRatio(c.id, None, float(weight)))
    if denominator == 0:
        raise StatsInputError("customers: no customer has an answer other than 'unable to comment'")
    return Top2BoxResult(score=float(numerator / denominator * _HUNDRED), customers=tuple(rows))


@dataclass(frozen=True)
class ItemAverageCounts:
    """item-average (001 §5.5.2) of items answered by different numbers of forms."""

    item_averages: tuple[float | None, ...]  # Σ item scores / answers of the item
    item_percent: tuple[float | None, ...]  # item average / item maximum × 100
    overall: float  # Σ item averages (items without answers left out)


def item_average_counts(
    maxima: Sequence[float], sums: Sequence[float], answered: Sequence[int]
) -> ItemAverageCounts:
    """item-average / item-percent from each item's Σ scores and number of answers.

    With every form answering every item this is `manyi.stats.scoring.item_average`; an
    "unable to comment" is not a form of that item (it changes neither sum nor count)."""
    if not len(maxima) == len(sums) == len(answered):
        raise StatsInputError("sums: maxima, sums and answered must have equal lengths")
    averages: list[Fraction | None] = []
    percents: list[float | None] = []
    for i, (top, total, n) in enumerate(zip(maxima, sums, answered, strict=True)):
        if top <= 0:
            raise StatsInputError(f"maxima[{i}]: must be greater than 0, got {top}")
        if n < 0 or total < 0:
            raise StatsInputError(f"answered[{i}]: must not be negative")
        if n == 0:
            averages.append(None)
            percents.append(None)
            continue
        avg = Fraction(repr(float(total))) / n
        if avg > Fraction(repr(float(top))):
            raise StatsInputError(f"sums[{i}]: the average exceeds the item maximum")
        averages.append(avg)
        percents.append(float(avg / Fraction(repr(float(top))) * _HUNDRED))
    return ItemAverageCounts(
        item_averages=tuple(float(a) if a is not None else None for a in averages),
        item_percent=tuple(percents),
        overall=float(sum((a for a in averages if a is not None), Fraction(0))),
    )


# --- Targets (001 §六) ----------------------------------------------------------------------


def average_advanced_value(values: Sequence[float], higher_is_better: bool = True) -> float:
    """平均先进值 by the two-step average (二次平均法) used for standards and targets.

    1. the mean of all past values;
    2. the mean of the *advanced* values — those better than that mean (above it when higher is
       better, below it otherwise);
    3. the average advanced value = the mean of those two means.

    So the target lies between "what we usually reach" and "what our better periods reached".
    Computed exactly (each float read as the decimal it prints as)."""
    if not values:
        raise StatsInputError("values: needs at least 1 item(s), got 0")
    exact = []
    for i, x in enumerate(values):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            raise StatsInputError(f"values[{i}]: must be a finite number, got {x!r}")
        exact.append(Fraction(repr(float(x))))
    mean = sum(exact, Fraction(0)) / len(exact)
    better = [x for x in exact if (x > mean if higher_is_better else x < mean)]
    advanced = sum(better, Fraction(0)) / len(better) if better else mean
    return float((mean + advanced) / 2)


# --- Signals (000 §4.2.1) -------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    index: int  # 1-based point of the chart
    reasons: tuple[str, ...]  # rule codes, and "NEAR" for a point near the bad limit


def _direction(chart: ChartResult, i: int, rule: str) -> int:
    x = chart.statistics
    if rule in ("N3",):
        return (x[i] > x[i - 1]) - (x[i] < x[i - 1]) if i > 0 else 0
    centre = chart.series.center[i]
    return (x[i] > centre) - (x[i] < centre)


def chart_signals(
    chart: ChartResult,
    *,
    higher_is_better: bool,
    directional_rules: frozenset[str],
    near_sigmas: float | None = None,
    lookback: int | None = None,
) -> list[Signal]:
    """The points of `chart` that are bad news: beyond the bad limit or violating a run rule
    in the bad direction, and (with `near_sigmas`) at or beyond centre ∓ near_sigmas·σ on the
    bad side — "near the lower control limit" of a satisfaction measure. Only the last
    `lookback` points are looked at when given."""
    bad = -1 if higher_is_better else 1
    n = len(chart.statistics)
    first = max(0, n - lookback) if lookback else 0
    found: dict[int, list[str]] = {}
    for v in chart.violations:
        i = v.index - 1
        if i < first or v.rule not in directional_rules:
            continue
        if _direction(chart, i, v.rule) == bad:
            found.setdefault(i, []).append(v.rule)
    if near_sigmas is not None:
        s = chart.series
        for i in range(first, n):
            low, high = s.center[i] - near_sigmas * s.se[i], s.center[i] + near_sigmas * s.se[i]
            x = chart.statistics[i]
            near = x <= low if higher_is_better else x >= high
            if near and s.se[i] > 0 and "NEAR" not in found.get(i, []):
                found.setdefault(i, []).append("NEAR")
    return [Signal(i + 1, tuple(reasons)) for i, reasons in sorted(found.items())]
