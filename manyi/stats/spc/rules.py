"""Run rules for Shewhart charts: Western Electric 1–4 and Nelson 1–8.

Rules work on any series of plotted statistics given each point's centre and the
standard deviation of that point's statistic (``se``); zones are centre ± j·(k/3)·se
for j = 1, 2 where k is the chart's ``nsigmas`` (3 by default).  Conventions follow
R qcc 3.0 (``R/rules.R``), so published qcc charts are reproduced:

* a *k-of-m* rule (WE2/WE3, N5/N6) flags the last point of a window of m
  consecutive points when at least k of them are beyond the zone on the same side
  **and that last point is itself beyond it**;
* a *run* rule (WE4, N2, N3, N4, N7) flags the point at which the run first reaches
  the required length and every later point while the run continues; a point
  exactly on the centre line breaks a same-side run, equal neighbours break a trend;
* "beyond" is strict (``>`` upper, ``<`` lower), "within" (N7) is inclusive.

One deliberate difference from qcc: when limits vary point by point (unequal sample
sizes), every point is judged against its own zones; qcc's k-of-m rules compare the
whole window with the zones of the window's last point.

Indices are 1-based.  Rule codes: ``WE1``..``WE4``, ``N1``..``N8``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from manyi.stats.errors import StatsInputError

WESTERN_ELECTRIC = "western-electric"
NELSON = "nelson"
RULE_SETS: dict[str, tuple[str, int]] = {WESTERN_ELECTRIC: ("WE", 4), NELSON: ("N", 8)}

RULE_TEXT: dict[str, str] = {
    "WE1": "one point beyond the 3-sigma limits",
    "WE2": "2 of 3 consecutive points beyond 2 sigma on the same side",
    "WE3": "4 of 5 consecutive points beyond 1 sigma on the same side",
    "WE4": "8 consecutive points on the same side of the centre line",
    "N1": "one point beyond the 3-sigma limits",
    "N2": "9 points in a row on the same side of the centre line",
    "N3": "6 points in a row steadily increasing or decreasing",
    "N4": "14 points in a row alternating up and down",
    "N5": "2 of 3 consecutive points beyond 2 sigma on the same side",
    "N6": "4 of 5 consecutive points beyond 1 sigma on the same side",
    "N7": "15 points in a row within 1 sigma of the centre line",
    "N8": "8 points in a row beyond 1 sigma, on both sides of the centre line",
}


@dataclass(frozen=True)
class Violation:
    index: int  # 1-based position in the plotted series
    rule: str  # "WE1".."WE4" or "N1".."N8"


@dataclass(frozen=True)
class Series:
    """What the rules look at: statistics with each point's centre, se and limits."""

    statistics: tuple[float, ...]
    center: tuple[float, ...]
    se: tuple[float, ...]
    lcl: tuple[float, ...]
    ucl: tuple[float, ...]
    nsigmas: float = 3.0

    def zone(self, i: int, j: int) -> tuple[float, float]:
        """Lower and upper j-sigma zone boundaries of point i (0-based)."""
        half = self.nsigmas * j / 3 * self.se[i]
        return self.center[i] - half, self.center[i] + half


def series(
    statistics: Sequence[float],
    center: float | Sequence[float],
    se: float | Sequence[float],
    *,
    nsigmas: float = 3.0,
    lcl: Sequence[float] | None = None,
    ucl: Sequence[float] | None = None,
) -> Series:
    """Build a :class:`Series`, broadcasting scalar centre / se to every point.

    Without explicit limits they are centre ± nsigmas·se (unclamped).
    """
    n = len(statistics)
    centers = _broadcast(center, n, "center")
    ses = _broadcast(se, n, "sigma")
    low = (
        tuple(lcl)
        if lcl is not None
        else tuple(c - nsigmas * s for c, s in zip(centers, ses, strict=True))
    )
    high = (
        tuple(ucl)
        if ucl is not None
        else tuple(c + nsigmas * s for c, s in zip(centers, ses, strict=True))
    )
    if len(low) != n or len(high) != n:
        raise StatsInputError("limits: need one lower and one upper limit per point")
    return Series(tuple(statistics), centers, ses, low, high, nsigmas)


# --- the individual rules: each returns the sorted 1-based indices it flags ---------


def beyond_limits(s: Series) -> list[int]:
    """WE1 / N1: a point strictly above its UCL or below its LCL."""
    return [i + 1 for i, x in enumerate(s.statistics) if x > s.ucl[i] or x < s.lcl[i]]


def k_of_m_beyond(s: Series, k: int, m: int, sigmas: int) -> list[int]:
    """At least k of m consecutive points beyond the ``sigmas`` zone on one side."""
    x = s.statistics
    above = [x[i] > s.zone(i, sigmas)[1] for i in range(len(x))]
    below = [x[i] < s.zone(i, sigmas)[0] for i in range(len(x))]
    flagged = []
    for end in range(m - 1, len(x)):
        window = range(end - m + 1, end + 1)
        if (above[end] and sum(above[i] for i in window) >= k) or (
            below[end] and sum(below[i] for i in window) >= k
        ):
            flagged.append(end + 1)
    return flagged


def same_side_run(s: Series, length: int) -> list[int]:
    """``length`` points in a row strictly on one side of the centre line."""
    x = s.statistics
    above = _run_points([x[i] > s.center[i] for i in range(len(x))], length)
    below = _run_points([x[i] < s.center[i] for i in range(len(x))], length)
    return sorted(i + 1 for i in above + below)


def trend(s: Series, length: int = 6) -> list[int]:
    """N3: ``length`` points in a row steadily increasing or steadily decreasing."""
    x = s.statistics
    diffs = [x[i + 1] - x[i] for i in range(len(x) - 1)]
    up = _run_points([d > 0 for d in diffs], length - 1)
    down = _run_points([d < 0 for d in diffs], length - 1)
    return sorted(i + 2 for i in up + down)  # diff i ends at point i + 1 (0-based)


def alternating(s: Series, length: int = 14) -> list[int]:
    """N4: ``length`` points in a row alternating up and down."""
    x = s.statistics
    diffs = [x[i + 1] - x[i] for i in range(len(x) - 1)]
    flips = [diffs[i + 1] * diffs[i] < 0 for i in range(len(diffs) - 1)]
    return sorted(i + 3 for i in _run_points(flips, length - 2))  # flip i ends at point i + 2


def within_one_sigma(s: Series, length: int = 15) -> list[int]:
    """N7: ``length`` points in a row within 1 sigma of the centre (inclusive)."""
    x = s.statistics
    inside = []
    for i in range(len(x)):
        low, high = s.zone(i, 1)
        inside.append(low <= x[i] <= high)
    return [i + 1 for i in _run_points(inside, length)]


def outside_one_sigma_both_sides(s: Series, length: int = 8) -> list[int]:
    """N8: ``length`` points in a row beyond 1 sigma, with points on both sides."""
    x = s.statistics
    above = [x[i] > s.zone(i, 1)[1] for i in range(len(x))]
    below = [x[i] < s.zone(i, 1)[0] for i in range(len(x))]
    flagged = []
    for end in range(length - 1, len(x)):
        window = range(end - length + 1, end + 1)
        if (
            all(above[i] or below[i] for i in window)
            and any(above[i] for i in window)
            and any(below[i] for i in window)
        ):
            flagged.append(end + 1)
    return flagged


RULES: dict[str, Callable[[Series], list[int]]] = {
    "WE1": beyond_limits,
    "WE2": lambda s: k_of_m_beyond(s, 2, 3, 2),
    "WE3": lambda s: k_of_m_beyond(s, 4, 5, 1),
    "WE4": lambda s: same_side_run(s, 8),
    "N1": beyond_limits,
    "N2": lambda s: same_side_run(s, 9),
    "N3": trend,
    "N4": alternating,
    "N5": lambda s: k_of_m_beyond(s, 2, 3, 2),
    "N6": lambda s: k_of_m_beyond(s, 4, 5, 1),
    "N7": within_one_sigma,
    "N8": outside_one_sigma_both_sides,
}


def rule_codes(rule_set: str = WESTERN_ELECTRIC, rules: Sequence[int] | None = None) -> list[str]:
    """The rule codes of a set, e.g. ``("nelson", [1, 2])`` → ``["N1", "N2"]``."""
    if rule_set not in RULE_SETS:
        raise StatsInputError(
            f"rules: unknown rule set {rule_set!r}; use {' or '.join(map(repr, RULE_SETS))}"
        )
    prefix, count = RULE_SETS[rule_set]
    numbers = list(range(1, count + 1)) if rules is None else list(rules)
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
            raise StatsInputError(
                f"rule_numbers: {rule_set} rules are numbered 1..{count}, got {number!r}"
            )
    return [f"{prefix}{number}" for number in sorted(set(numbers))]


def check(
    s: Series, rule_set: str = WESTERN_ELECTRIC, rules: Sequence[int] | None = None
) -> tuple[Violation, ...]:
    """Every (point, rule) violation, ordered by index then rule number."""
    found = [Violation(i, code) for code in rule_codes(rule_set, rules) for i in RULES[code](s)]
    return tuple(sorted(found, key=lambda viol: (viol.index, int(viol.rule.lstrip("WEN")))))


def _run_points(condition: Sequence[bool], length: int) -> list[int]:
    """0-based positions inside a run of True at or after the run's ``length``-th item."""
    found: list[int] = []
    run = 0
    for i, flag in enumerate(condition):
        run = run + 1 if flag else 0
        if run >= length:
            found.append(i)
    return found


def _broadcast(value: float | Sequence[float], n: int, field: str) -> tuple[float, ...]:
    if isinstance(value, (int, float)):
        return (float(value),) * n
    values = tuple(float(x) for x in value)
    if len(values) != n:
        raise StatsInputError(f"{field}: needs one value per point ({n}), got {len(values)}")
    return values
