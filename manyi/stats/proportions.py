"""Proportions: Wilson score interval and the two-proportion z test."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion (no continuity correction).

    centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²).
    """
    x = v.count(successes, "successes")
    n = v.count(trials, "trials")
    if n == 0:
        raise StatsInputError("trials: must be greater than 0")
    if x > n:
        raise StatsInputError(f"successes: {x} exceeds trials {n}")
    conf = v.probability(confidence, "confidence", open_interval=True)
    z = NormalDist().inv_cdf(1 - (1 - conf) / 2)
    p = x / n
    denominator = 1 + z * z / n
    middle = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if x == 0 else max(0.0, middle - half)
    high = 1.0 if x == n else min(1.0, middle + half)
    return Interval(p, min(low, p), max(high, p))


@dataclass(frozen=True)
class TwoProportionTest:
    p1: float
    p2: float
    difference: float  # p2 − p1
    z: float
    p_value: float  # two-sided
    significant: bool  # p_value < alpha


def two_proportion_z_test(
    successes1: int, trials1: int, successes2: int, trials2: int, alpha: float = 0.05
) -> TwoProportionTest:
    """Is the change between two campaigns significant?  Pooled two-proportion z test,
    two-sided.  When the pooled proportion is 0 or 1 there is no variation: z = 0, p = 1."""
    x1, n1 = v.count(successes1, "successes1"), v.count(trials1, "trials1")
    x2, n2 = v.count(successes2, "successes2"), v.count(trials2, "trials2")
    for field, x, n in (("1", x1, n1), ("2", x2, n2)):
        if n == 0:
            raise StatsInputError(f"trials{field}: must be greater than 0")
        if x > n:
            raise StatsInputError(f"successes{field}: exceeds trials{field}")
    level = v.probability(alpha, "alpha", open_interval=True)
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        z, p_value = 0.0, 1.0
    else:
        z = (p2 - p1) / se
        p_value = min(1.0, 2 * (1 - NormalDist().cdf(abs(z))))
    return TwoProportionTest(p1, p2, p2 - p1, z, p_value, p_value < level)
