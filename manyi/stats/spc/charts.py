"""Shewhart control charts: p, np, c, u, individuals/moving range, X̄-R, X̄-S.

Every chart function returns a :class:`ChartResult` of the same shape.  Limits,
centres and σ follow R qcc 3.0 so that its published examples are reproduced:

=========  ==================================  ===========================================
chart      centre (phase I)                    σ reported / limits (k = nsigmas)
=========  ==================================  ===========================================
p          p̄ = ΣD / Σn                         σᵢ = √(p̄(1−p̄)/nᵢ); p̄ ± kσᵢ clamped to [0, 1]
np         nᵢ·p̄                                σᵢ = √(nᵢp̄(1−p̄)); clamped to [0, nᵢ]
c          c̄                                   σ = √c̄; c̄ ± k√c̄, LCL ≥ 0
u          ū = Σc / Σn                         σ = √ū (per unit); ū ± k√(ū/nᵢ), LCL ≥ 0
xmr        x̄                                   σ = MR̄ / d2(2) (d2 = 1.128); x̄ ± kσ
  MR       MR̄                                  MR̄ ± k·d3(2)·σ, LCL ≥ 0
xbar-r     ΣnᵢX̄ᵢ / Σnᵢ                         σ = mean(Rᵢ / d2(nᵢ)); centre ± kσ/√nᵢ
  R        ΣnᵢRᵢ / Σnᵢ                         R̄ ± k·d3(nᵢ)·σ, LCL ≥ 0
xbar-s     ΣnᵢX̄ᵢ / Σnᵢ                         σ = mean(Sᵢ / c4(nᵢ)); centre ± kσ/√nᵢ
  S        ΣnᵢSᵢ / Σnᵢ                         S̄ ± k·σ·√(1 − c4(nᵢ)²), LCL ≥ 0
=========  ==================================  ===========================================

d2 and d3 are qcc's tabulated values (``constants.TABLE``: ``d2_qcc``, ``d3``).

Phase I / phase II: centre and σ come from the phase-I data only; phase-II points
are appended (indices continue after phase I) and judged against those limits.
Known standards: ``center`` (p₀, n·p₀, c₀, u₀ or μ) and, for xmr / X̄ charts,
``sigma`` (process σ) replace the estimates; the attribute charts take no ``sigma``
because theirs follows from the centre.  For X̄-R / X̄-S the given centre and σ
set the X̄ chart; the R / S chart keeps its data centre with limits from σ (qcc).
"""

from __future__ import annotations

import dataclasses
import math
import statistics as pystats
from collections.abc import Sequence
from dataclasses import dataclass

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError
from manyi.stats.spc import rules as r
from manyi.stats.spc.constants import MAX_N, MIN_N, constants


@dataclass(frozen=True)
class ChartResult:
    """One control chart.  Lists have one entry per plotted point (phase I then II)."""

    chart: str
    statistics: tuple[float, ...]
    center: float | tuple[float, ...]  # a tuple only when the centre varies (np, sizes vary)
    sigma: float | tuple[float, ...]  # qcc's std.dev (see module docs); tuple if it varies
    lcl: tuple[float, ...]
    ucl: tuple[float, ...]
    beyond_limits: tuple[int, ...]  # 1-based
    violations: tuple[r.Violation, ...]
    phase1_points: int
    nsigmas: float
    series: r.Series  # per-point centre / se used by the rules
    dispersion: ChartResult | None = None  # R / S / MR chart of a variables chart


@dataclass(frozen=True)
class Phase2:
    """Phase-II (monitoring) data judged against the phase-I limits."""

    data: Sequence[object]
    sizes: Sequence[float] | None = None


def p_chart(
    nonconforming: Sequence[float],
    sizes: Sequence[float],
    *,
    center: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """p chart of the proportion nonconforming Dᵢ / nᵢ."""
    d, n, n1 = _attribute_input(nonconforming, sizes, phase2, bounded=True)
    p = _proportion_center(d[:n1], n[:n1], center)
    se = [math.sqrt(p * (1 - p) / ni) for ni in n]
    stats = [di / ni for di, ni in zip(d, n, strict=True)]
    centers = [p] * len(d)
    lcl, ucl = _limits(centers, se, nsigmas, low=0.0, high=[1.0] * len(d))
    return _finish("p", stats, centers, _collapse(se), se, lcl, ucl, n1, nsigmas, rule_set, rules)


def np_chart(
    nonconforming: Sequence[float],
    sizes: Sequence[float],
    *,
    center: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """np chart of the number nonconforming Dᵢ; ``center`` is a count n·p₀ (equal sizes)."""
    d, n, n1 = _attribute_input(nonconforming, sizes, phase2, bounded=True)
    p0: float | None = None
    if center is not None:
        if len(set(n)) != 1:
            raise StatsInputError("center: a known np centre needs equal sizes; use a p chart")
        p0 = v.non_negative(center, "center") / n[0]
    p = _proportion_center(d[:n1], n[:n1], p0)
    centers = [ni * p for ni in n]
    se = [math.sqrt(ni * p * (1 - p)) for ni in n]
    lcl, ucl = _limits(centers, se, nsigmas, low=0.0, high=n)
    return _finish("np", d, centers, _collapse(se), se, lcl, ucl, n1, nsigmas, rule_set, rules)


def c_chart(
    counts: Sequence[float],
    *,
    center: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """c chart of counts of nonconformities in equal inspection units."""
    c = [float(v.count(x, f"data[{i}]")) for i, x in enumerate(v.sequence(counts, "data"))]
    n1 = len(c)
    if phase2 is not None:
        c += [
            float(v.count(x, f"phase2.data[{i}]"))
            for i, x in enumerate(v.sequence(phase2.data, "phase2.data"))
        ]
    cbar = v.non_negative(center, "center") if center is not None else math.fsum(c[:n1]) / n1
    se = [math.sqrt(cbar)] * len(c)
    centers = [cbar] * len(c)
    lcl, ucl = _limits(centers, se, nsigmas, low=0.0)
    return _finish("c", c, centers, math.sqrt(cbar), se, lcl, ucl, n1, nsigmas, rule_set, rules)


def u_chart(
    counts: Sequence[float],
    sizes: Sequence[float],
    *,
    center: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """u chart of nonconformities per unit cᵢ / nᵢ (sizes may be fractional units)."""
    c, n, n1 = _attribute_input(counts, sizes, phase2, bounded=False)
    if center is not None:
        ubar = v.non_negative(center, "center")
    else:
        ubar = math.fsum(c[:n1]) / math.fsum(n[:n1])
    stats = [ci / ni for ci, ni in zip(c, n, strict=True)]
    se = [math.sqrt(ubar / ni) for ni in n]
    centers = [ubar] * len(c)
    lcl, ucl = _limits(centers, se, nsigmas, low=0.0)
    return _finish("u", stats, centers, math.sqrt(ubar), se, lcl, ucl, n1, nsigmas, rule_set, rules)


def xmr_chart(
    observations: Sequence[float],
    *,
    center: float | None = None,
    sigma: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """Individuals chart with its moving-range chart in ``dispersion``.

    σ = MR̄ / d2(2) over phase I (qcc "MR").  The MR chart has one point fewer than
    the data: its point k is |xₖ₊₁ − xₖ| (phase II continues across the boundary).
    With ``center`` and ``sigma`` both given the data are simply plotted against
    those standards — the way to run the rules on any series of statistics.
    """
    x = v.numbers(observations, "data")
    n1 = len(x)
    if phase2 is not None:
        x += v.numbers(phase2.data, "phase2.data")
    if len(x) < 2 and sigma is None:
        raise StatsInputError("data: an individuals chart needs at least 2 observations")
    mr = [abs(x[i + 1] - x[i]) for i in range(len(x) - 1)]
    mr1 = mr[: n1 - 1]
    row = constants(2)
    if sigma is not None:
        s = v.positive(sigma, "sigma")
    else:
        if not mr1:
            raise StatsInputError("data: phase I needs at least 2 observations to estimate sigma")
        s = math.fsum(mr1) / len(mr1) / row.d2_qcc
    mu = v.number(center, "center") if center is not None else math.fsum(x[:n1]) / n1
    centers = [mu] * len(x)
    se = [s] * len(x)
    lcl, ucl = _limits(centers, se, nsigmas)
    dispersion = None
    if mr:
        mrbar = math.fsum(mr1) / len(mr1) if mr1 else row.d2_qcc * s
        se_mr = [row.d3 * s] * len(mr)
        mr_centers = [mrbar] * len(mr)
        mlcl, mucl = _limits(mr_centers, se_mr, nsigmas, low=0.0)
        dispersion = _finish(
            "mr", mr, mr_centers, s, se_mr, mlcl, mucl, max(n1 - 1, 0), nsigmas, rule_set, rules
        )
    result = _finish("xmr", x, centers, s, se, lcl, ucl, n1, nsigmas, rule_set, rules)
    return _with_dispersion(result, dispersion)


def xbar_r_chart(
    subgroups: Sequence[Sequence[float]],
    *,
    center: float | None = None,
    sigma: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """X̄ chart (σ from ranges, qcc "UWAVE-R") with the R chart in ``dispersion``."""
    groups, n1 = _subgroups(subgroups, phase2)
    sizes = [len(g) for g in groups]
    ranges = [max(g) - min(g) for g in groups]
    if sigma is not None:
        s = v.positive(sigma, "sigma")
    else:
        s = math.fsum(ranges[i] / constants(sizes[i]).d2_qcc for i in range(n1)) / n1
    rbar = math.fsum(sizes[i] * ranges[i] for i in range(n1)) / sum(sizes[:n1])
    se = [constants(k).d3 * s for k in sizes]
    centers = [rbar] * len(groups)
    lcl, ucl = _limits(centers, se, nsigmas, low=0.0)
    dispersion = _finish("r", ranges, centers, s, se, lcl, ucl, n1, nsigmas, rule_set, rules)
    return _xbar(groups, n1, center, s, dispersion, nsigmas, rule_set, rules)


def xbar_s_chart(
    subgroups: Sequence[Sequence[float]],
    *,
    center: float | None = None,
    sigma: float | None = None,
    phase2: Phase2 | None = None,
    nsigmas: float = 3.0,
    rule_set: str = r.WESTERN_ELECTRIC,
    rules: Sequence[int] | None = None,
) -> ChartResult:
    """X̄ chart (σ from standard deviations, qcc "UWAVE-SD") with the S chart."""
    groups, n1 = _subgroups(subgroups, phase2)
    sizes = [len(g) for g in groups]
    sds = [pystats.stdev(g) for g in groups]
    if sigma is not None:
        s = v.positive(sigma, "sigma")
    else:
        s = math.fsum(sds[i] / constants(sizes[i]).c4 for i in range(n1)) / n1
    sbar = math.fsum(sizes[i] * sds[i] for i in range(n1)) / sum(sizes[:n1])
    se = [s * math.sqrt(1 - constants(k).c4 ** 2) for k in sizes]
    centers = [sbar] * len(groups)
    lcl, ucl = _limits(centers, se, nsigmas, low=0.0)
    dispersion = _finish("s", sds, centers, s, se, lcl, ucl, n1, nsigmas, rule_set, rules)
    return _xbar(groups, n1, center, s, dispersion, nsigmas, rule_set, rules)


# --- shared helpers ----------------------------------------------------------------


def _xbar(
    groups: list[list[float]],
    n1: int,
    center: float | None,
    s: float,
    dispersion: ChartResult,
    nsigmas: float,
    rule_set: str,
    rules: Sequence[int] | None,
) -> ChartResult:
    sizes = [len(g) for g in groups]
    means = [math.fsum(g) / len(g) for g in groups]
    if center is not None:
        mu = v.number(center, "center")
    else:
        mu = math.fsum(sizes[i] * means[i] for i in range(n1)) / sum(sizes[:n1])
    se = [s / math.sqrt(k) for k in sizes]
    centers = [mu] * len(groups)
    lcl, ucl = _limits(centers, se, nsigmas)
    result = _finish("xbar", means, centers, s, se, lcl, ucl, n1, nsigmas, rule_set, rules)
    return _with_dispersion(result, dispersion)


def _with_dispersion(result: ChartResult, dispersion: ChartResult | None) -> ChartResult:
    return dataclasses.replace(result, dispersion=dispersion)


def _finish(
    chart: str,
    stats: Sequence[float],
    centers: Sequence[float],
    sigma: float | tuple[float, ...],
    se: Sequence[float],
    lcl: Sequence[float],
    ucl: Sequence[float],
    n1: int,
    nsigmas: float,
    rule_set: str,
    rules: Sequence[int] | None,
) -> ChartResult:
    s = r.series(stats, centers, se, nsigmas=nsigmas, lcl=lcl, ucl=ucl)
    return ChartResult(
        chart=chart,
        statistics=tuple(stats),
        center=_collapse(centers),
        sigma=sigma,
        lcl=tuple(lcl),
        ucl=tuple(ucl),
        beyond_limits=tuple(r.beyond_limits(s)),
        violations=r.check(s, rule_set, rules),
        phase1_points=n1,
        nsigmas=nsigmas,
        series=s,
    )


def _limits(
    centers: Sequence[float],
    se: Sequence[float],
    nsigmas: float,
    *,
    low: float | None = None,
    high: Sequence[float] | None = None,
) -> tuple[list[float], list[float]]:
    """centre ± nsigmas·se, the lower limit clamped at ``low`` and the upper at ``high``."""
    k = v.positive(nsigmas, "nsigmas")
    lcl = [c - k * s for c, s in zip(centers, se, strict=True)]
    ucl = [c + k * s for c, s in zip(centers, se, strict=True)]
    if low is not None:
        lcl = [max(low, x) for x in lcl]
    if high is not None:
        ucl = [min(h, x) for h, x in zip(high, ucl, strict=True)]
    return lcl, ucl


def _collapse(values: Sequence[float]) -> float | tuple[float, ...]:
    """One number when all points share it, else the per-point tuple."""
    return values[0] if len(set(values)) == 1 else tuple(values)


def _proportion_center(d: Sequence[float], n: Sequence[float], given: float | None) -> float:
    if given is not None:
        return v.probability(given, "center")
    return math.fsum(d) / math.fsum(n)


def _attribute_input(
    data: Sequence[object],
    sizes: Sequence[object] | None,
    phase2: Phase2 | None,
    *,
    bounded: bool,
) -> tuple[list[float], list[float], int]:
    """Counts and sizes of phase I followed by phase II; returns (counts, sizes, n1)."""
    counts, ns = _attribute_phase(data, sizes, "", bounded=bounded)
    n1 = len(counts)
    if phase2 is not None:
        more, more_n = _attribute_phase(phase2.data, phase2.sizes, "phase2.", bounded=bounded)
        counts += more
        ns += more_n
    return counts, ns, n1


def _attribute_phase(
    data: Sequence[object],
    sizes: Sequence[object] | None,
    prefix: str,
    *,
    bounded: bool,
) -> tuple[list[float], list[float]]:
    items = v.sequence(data, f"{prefix}data")
    if sizes is None:
        raise StatsInputError(f"{prefix}sizes: required for this chart (one size per point)")
    size_items = v.sequence(sizes, f"{prefix}sizes")
    if len(size_items) != len(items):
        raise StatsInputError(
            f"{prefix}sizes: has {len(size_items)} values but {prefix}data has {len(items)}"
        )
    ns = []
    for i, raw in enumerate(size_items):
        ni = v.positive(raw, f"{prefix}sizes[{i}]")
        if bounded and ni != int(ni):
            raise StatsInputError(f"{prefix}sizes[{i}]: must be a whole number, got {raw!r}")
        ns.append(ni)
    counts = []
    for i, raw in enumerate(items):
        ci = float(v.count(raw, f"{prefix}data[{i}]"))
        if bounded and ci > ns[i]:
            raise StatsInputError(
                f"{prefix}data[{i}]: {raw!r} nonconforming exceeds "
                f"the sample size {size_items[i]!r}"
            )
        counts.append(ci)
    return counts, ns


def _subgroups(
    subgroups: Sequence[Sequence[float]], phase2: Phase2 | None
) -> tuple[list[list[float]], int]:
    groups = _subgroup_phase(subgroups, "data")
    n1 = len(groups)
    if phase2 is not None:
        groups += _subgroup_phase(phase2.data, "phase2.data")
    return groups, n1


def _subgroup_phase(subgroups: Sequence[object], field: str) -> list[list[float]]:
    groups = []
    for i, raw in enumerate(v.sequence(subgroups, field)):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise StatsInputError(
                f"{field}[{i}]: each subgroup must be a list of observations, got a single number"
            )
        group = v.numbers(raw, f"{field}[{i}]", min_length=0)
        if not MIN_N <= len(group) <= MAX_N:
            raise StatsInputError(
                f"{field}[{i}]: subgroup size must be between {MIN_N} and {MAX_N}, got {len(group)}"
            )
        groups.append(group)
    return groups
