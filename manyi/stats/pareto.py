"""Pareto analysis (排列图): categories by count with cumulative percent and the vital few."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError

VITAL_FEW_SHARE = 80


@dataclass(frozen=True)
class ParetoRow:
    category: str
    count: float
    percent: float  # share of the total, 0–100
    cum_percent: float  # running total of the shares, ends at exactly 100


@dataclass(frozen=True)
class ParetoResult:
    rows: tuple[ParetoRow, ...]
    vital_few: tuple[str, ...]  # smallest set of top categories reaching >= threshold %
    other: str | None = None  # the "other" bucket (drawn last, never vital), when present


def pareto(
    categories: Sequence[str], counts: Sequence[float], threshold: float = VITAL_FEW_SHARE,
    *, other: str | None = None,
) -> ParetoResult:
    """Sort categories by count (descending; ties keep input order), add percent and
    cumulative percent (computed exactly, so the last row is 100), and name the vital
    few: the smallest set of top categories whose cumulative share reaches ``threshold``
    (80 %).  Zero-count categories stay in the table but are never vital.

    ``other`` names the bucket of everything else ("其他"): whatever its size it is the last
    row and never one of the vital few (it is no single cause to act on); the shares are still
    of the whole total, so when the other bucket is large the named categories may all be
    vital without reaching the threshold."""
    names = v.sequence(categories, "categories")
    values = v.sequence(counts, "counts")
    if len(values) != len(names):
        raise StatsInputError(f"counts: has {len(values)} values but categories has {len(names)}")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise StatsInputError(f"categories[{i}]: must be a string")
    if len(set(names)) != len(names):
        raise StatsInputError("categories: names must be unique")
    exact = [v.exact(v.non_negative(c, f"counts[{i}]")) for i, c in enumerate(values)]
    total = sum(exact, Fraction(0))
    if total == 0:
        raise StatsInputError("counts: the total is 0, nothing to analyse")
    share = v.exact(v.number(threshold, "threshold"))
    if not 0 < share <= 100:
        raise StatsInputError("threshold: must be in (0, 100]")
    order = sorted(range(len(names)), key=lambda i: (names[i] == other, -exact[i]))
    rows = []
    vital: list[str] = []
    running = Fraction(0)
    for i in order:
        before = running
        running += exact[i]
        percent = exact[i] / total * 100
        if before / total * 100 < share and exact[i] > 0 and names[i] != other:
            vital.append(str(names[i]))
        rows.append(
            ParetoRow(str(names[i]), float(exact[i]), float(percent), float(running / total * 100))
        )
    present = other if other is not None and other in names else None
    return ParetoResult(tuple(rows), tuple(vital), present)
