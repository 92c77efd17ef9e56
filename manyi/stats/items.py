"""Item statistics of a survey question: mean, sd, distribution, shares, N/A, histogram."""

from __future__ import annotations

import itertools
import math
import statistics as pystats
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError


@dataclass(frozen=True)
class LevelShare:
    level: int
    count: int
    percent: float  # of the answered (N/A excluded), 0–100


@dataclass(frozen=True)
class ItemStatistics:
    answered: int
    unable_to_comment: int  # answers given as None
    mean: float | None
    sd: float | None  # sample standard deviation (n − 1); None below 2 answers
    distribution: tuple[LevelShare, ...]  # every level of the scale, zero counts included


def item_statistics(
    answers: Sequence[float | None], levels: Sequence[int] = (1, 2, 3, 4, 5)
) -> ItemStatistics:
    """Statistics of one item on a discrete scale (default 1–5); ``None`` = unable to
    comment, counted separately and left out of everything else."""
    scale = [int(v.number(x, f"levels[{i}]")) for i, x in enumerate(v.sequence(levels, "levels"))]
    given: list[int] = []
    missing = 0
    for i, answer in enumerate(v.sequence(answers, "answers", min_length=0)):
        if answer is None:
            missing += 1
            continue
        value = v.number(answer, f"answers[{i}]")
        if value not in scale:
            raise StatsInputError(f"answers[{i}]: {answer!r} is not a level of the scale {scale}")
        given.append(int(value))
    shares = tuple(
        LevelShare(
            level,
            given.count(level),
            float(Fraction(given.count(level), len(given)) * 100) if given else 0.0,
        )
        for level in scale
    )
    return ItemStatistics(
        answered=len(given),
        unable_to_comment=missing,
        mean=float(Fraction(sum(given), len(given))) if given else None,
        sd=pystats.stdev(given) if len(given) >= 2 else None,
        distribution=shares,
    )


@dataclass(frozen=True)
class Bin:
    low: float
    high: float  # bins are [low, high); the last one is [low, high]
    count: int


def equal_width_edges(low: float, high: float, bins: int) -> tuple[float, ...]:
    """``bins`` + 1 equally spaced edges from ``low`` to ``high``."""
    lo, hi = v.number(low, "low"), v.number(high, "high")
    if hi <= lo:
        raise StatsInputError("high: must be greater than low")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise StatsInputError("bins: must be a whole number >= 1")
    return (*tuple(lo + (hi - lo) * i / bins for i in range(bins)), hi)


def sturges_bins(n: int) -> int:
    """Sturges' rule: ⌈log2 n⌉ + 1 bins."""
    return math.ceil(math.log2(n)) + 1 if n > 0 else 1


def histogram(values: Sequence[float], edges: Sequence[float] | None = None) -> tuple[Bin, ...]:
    """Counts of ``values`` in bins.  Without ``edges``: Sturges' number of equal bins
    spanning the data.  Values outside the edges are an error (name the value)."""
    data = v.numbers(values, "values")
    if edges is None:
        lo, hi = min(data), max(data)
        cuts = equal_width_edges(lo, hi, sturges_bins(len(data))) if hi > lo else (lo, lo + 1)
    else:
        cuts = tuple(v.numbers(edges, "edges", min_length=2))
        if any(b <= a for a, b in itertools.pairwise(cuts)):
            raise StatsInputError("edges: must be strictly increasing")
    counts = [0] * (len(cuts) - 1)
    for i, x in enumerate(data):
        if not cuts[0] <= x <= cuts[-1]:
            raise StatsInputError(f"values[{i}]: {x} lies outside the bins [{cuts[0]}, {cuts[-1]}]")
        k = len(counts) - 1 if x == cuts[-1] else max(j for j in range(len(counts)) if cuts[j] <= x)
        counts[k] += 1
    return tuple(Bin(cuts[j], cuts[j + 1], counts[j]) for j in range(len(counts)))
