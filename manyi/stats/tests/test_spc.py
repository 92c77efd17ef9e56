"""Control charts beyond the public reference file, run rules and chart properties."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.stats import StatsInputError
from manyi.stats.spc import (
    Phase2,
    c_chart,
    constants,
    np_chart,
    p_chart,
    u_chart,
    xbar_r_chart,
    xbar_s_chart,
    xmr_chart,
)
from manyi.stats.spc import rules as r
from manyi.stats.tests.test_reference_spc import CASES, assert_sig

PISTON = next(c for c in CASES if c and c["name"].startswith("qcc_pistonrings"))
PHASE1 = PISTON["data"]["phase1_subgroups"]
ORANGE = next(c for c in CASES if c and c["name"].startswith("qcc_orangejuice"))


def piston_variable_groups() -> list[list[float]]:
    """qcc's variable-size example: observations 9, 10, 30 … of pistonrings removed."""
    flat = [x for g in PHASE1 + PISTON["data"]["phase2_subgroups"] for x in g]
    out = {9, 10, 30, 35, 45, 64, 65, 74, 75, 85, 99, 100}
    groups: list[list[float]] = [[] for _ in range(40)]
    for i, x in enumerate(flat, 1):
        if i not in out:
            groups[(i - 1) // 5].append(x)
    return groups[:25]


# --- further published R qcc results (gedeck/mistat test_comparison_with_R.py) ----


def test_s_chart_pistonrings_matches_qcc() -> None:
    chart = xbar_s_chart(PHASE1)
    s = chart.dispersion
    assert s is not None
    assert_sig(s.center, 0.009240037, 7, "center")  # type: ignore[arg-type]
    assert_sig(s.sigma, 0.009829977, 7, "sigma")  # type: ignore[arg-type]
    assert s.lcl[0] == 0.0
    assert_sig(s.ucl[0], 0.01930242, 7, "UCL")
    # X̄ chart with σ = mean(S/c4): centre ± 3σ/√5
    assert chart.center == pytest.approx(74.001176)
    assert chart.ucl[0] == pytest.approx(74.001176 + 3 * 0.009829977 / math.sqrt(5), abs=1e-7)


def test_variable_subgroup_sizes_match_qcc() -> None:
    groups = piston_variable_groups()
    assert [len(g) for g in groups[:3]] == [5, 3, 5]
    xbar = xbar_r_chart(groups)
    assert_sig(xbar.center, 74.00075, 7, "center")  # type: ignore[arg-type]
    assert_sig(xbar.sigma, 0.009856701, 7, "sigma")  # type: ignore[arg-type]
    for i, (lcl, ucl) in enumerate([(73.98753, 74.01398), (73.98368, 74.01782)]):
        assert_sig(xbar.lcl[i], lcl, 7, "LCL")
        assert_sig(xbar.ucl[i], ucl, 7, "UCL")
    r_chart = xbar.dispersion
    assert r_chart is not None
    assert_sig(r_chart.center, 0.02230088, 7, "R centre")  # type: ignore[arg-type]
    assert_sig(r_chart.ucl[0], 0.04785198, 7, "R UCL n=5")
    assert_sig(r_chart.ucl[1], 0.04857007, 7, "R UCL n=3")
    s_chart = xbar_s_chart(groups).dispersion
    assert s_chart is not None
    assert_sig(s_chart.center, 0.00938731, 7, "S centre")  # type: ignore[arg-type]
    assert_sig(s_chart.sigma, 0.009930923, 7, "S sigma")  # type: ignore[arg-type]
    assert_sig(s_chart.ucl[1], 0.02318885, 7, "S UCL n=3")
    assert list(xbar_r_chart(groups, nsigmas=2).beyond_limits) == [1, 14]


def test_individuals_viscosity_matches_qcc() -> None:
    x = [33.75, 33.05, 34, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20, 33.62, 33.00]
    x += [33.54, 33.12, 33.84]
    chart = xmr_chart(x)
    assert_sig(chart.center, 33.52333, 7, "center")  # type: ignore[arg-type]
    assert_sig(chart.sigma, 0.4261651, 7, "sigma")  # type: ignore[arg-type]
    assert_sig(chart.lcl[0], 32.24484, 7, "LCL")
    assert_sig(chart.ucl[0], 34.80183, 7, "UCL")


def test_individuals_antifreeze_matches_qcc() -> None:
    x = [2.23, 2.53, 2.62, 2.63, 2.58, 2.44, 2.49, 2.34, 2.95, 2.54, 2.60, 2.45, 2.17, 2.58]
    x += [2.57, 2.44, 2.38, 2.23, 2.23, 2.54, 2.66, 2.84, 2.81, 2.39, 2.56, 2.70, 3.00, 2.81]
    x += [2.77, 2.89, 2.54, 2.98, 2.35, 2.53]
    chart = xmr_chart(x)
    assert_sig(chart.sigma, 0.1794541, 7, "sigma")  # type: ignore[arg-type]
    assert_sig(chart.lcl[0], 2.031344, 7, "LCL")
    assert_sig(chart.ucl[0], 3.108068, 7, "UCL")
    assert chart.beyond_limits == ()


def test_orangejuice_revised_limits_match_qcc() -> None:
    d = [x for i, x in enumerate(ORANGE["data"]["nonconforming"], 1) if i not in (15, 23)]
    chart = p_chart(d, [50] * len(d))
    assert_sig(chart.center, 0.215, 7, "center")  # type: ignore[arg-type]
    assert_sig(chart.lcl[0], 0.04070284, 7, "LCL")
    assert_sig(chart.ucl[0], 0.3892972, 7, "UCL")
    assert chart.beyond_limits == (20,)


# --- hand-computed charts -----------------------------------------------------------


def test_moving_range_chart() -> None:
    chart = xmr_chart([10, 12, 11, 15, 14])
    mr = chart.dispersion
    assert mr is not None
    assert mr.statistics == (2, 1, 4, 1)
    assert mr.center == 2.0
    assert chart.sigma == pytest.approx(2 / 1.128)
    assert mr.ucl[0] == pytest.approx(2 + 3 * 0.8525033 * 2 / 1.128)
    assert mr.lcl[0] == 0.0


def test_np_chart_unequal_sizes_has_per_point_centre() -> None:
    chart = np_chart([20, 60, 30], [100, 200, 100])
    p = 110 / 400
    assert chart.center == pytest.approx((100 * p, 200 * p, 100 * p))
    assert chart.ucl[1] == pytest.approx(200 * p + 3 * math.sqrt(200 * p * (1 - p)))
    assert chart.lcl[1] == pytest.approx(200 * p - 3 * math.sqrt(200 * p * (1 - p)))
    assert np_chart([0, 1, 0], [100, 200, 100]).lcl == (0.0, 0.0, 0.0)  # clamped
    equal = np_chart([20, 60, 30], [100, 100, 100])
    assert equal.center == pytest.approx(110 / 3)


def test_u_chart_fractional_units() -> None:
    counts = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
    units = [10, 8, 13, 10, 9.5, 10, 12, 10.5, 12, 12.5]
    chart = u_chart(counts, units)
    ubar = 153 / 107.5
    assert chart.center == pytest.approx(ubar)
    assert chart.sigma == pytest.approx(math.sqrt(ubar))
    assert chart.statistics[4] == pytest.approx(7 / 9.5)
    assert chart.ucl[4] == pytest.approx(ubar + 3 * math.sqrt(ubar / 9.5))
    assert chart.lcl[1] == pytest.approx(ubar - 3 * math.sqrt(ubar / 8))


def test_p_chart_varying_sizes_per_point_limits_and_phase2() -> None:
    chart = p_chart([5, 10], [50, 200], phase2=Phase2([30], [100]))
    p = 15 / 250
    assert chart.center == pytest.approx(p)
    assert chart.sigma == pytest.approx(tuple(math.sqrt(p * (1 - p) / n) for n in (50, 200, 100)))
    assert chart.phase1_points == 2
    assert chart.beyond_limits == (3,)  # 30/100 against limits from phase I
    assert chart.lcl[0] == 0.0  # clamped


def test_known_standard_center_and_sigma() -> None:
    chart = xmr_chart([1, 2, 3, 10], center=0, sigma=2)
    assert chart.ucl == (6.0,) * 4
    assert chart.beyond_limits == (4,)
    p = p_chart([1, 2], [10, 10], center=0.5)
    assert p.ucl[0] == pytest.approx(0.5 + 3 * math.sqrt(0.025))
    xbar = xbar_r_chart(PHASE1, center=74.0, sigma=0.01)
    assert xbar.ucl[0] == pytest.approx(74 + 0.03 / math.sqrt(5))


def test_constants_table_textbook_values() -> None:
    row = constants(5)
    assert (round(row.A2, 3), round(row.D4, 4), row.d2_qcc) == (0.577, 2.1145, 2.326)
    with pytest.raises(StatsInputError, match="subgroup size"):
        constants(26)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: p_chart([1, -1], [10, 10]), r"data\[1\]: must not be negative"),
        (lambda: p_chart([11], [10]), r"data\[0\].*exceeds the sample size"),
        (lambda: p_chart([1, 2], [10]), r"sizes: has 1 values but data has 2"),
        (lambda: u_chart([1], [0]), r"sizes\[0\]: must be greater than 0"),
        (lambda: xbar_r_chart([[1.0], [2.0, 3.0]]), r"data\[0\]: subgroup size must be"),
        (
            lambda: xbar_s_chart([1.0, 2.0]),  # type: ignore[list-item]
            r"data\[0\]: each subgroup must be a list",
        ),
        (lambda: xmr_chart([1.0]), r"data: .*at least 2"),
        (lambda: c_chart([1.5]), r"data\[0\]: must be a whole number"),
        (lambda: c_chart([1], rule_set="iso"), r"rules: unknown rule set"),
        (
            lambda: c_chart([1], rules=[5]),
            r"rule_numbers: western-electric rules are numbered 1..4",
        ),
        (lambda: p_chart([1], [10], nsigmas=0), r"nsigmas: must be greater than 0"),
    ],
)
def test_bad_chart_input(build: object, message: str) -> None:
    with pytest.raises(StatsInputError, match=message):
        build()  # type: ignore[operator]


# --- run rules ---------------------------------------------------------------------


def flagged(values: list[float], rule: str, rule_set: str = "nelson") -> list[int]:
    s = r.series(values, 0.0, 1.0)
    return [v.index for v in r.check(s, rule_set) if v.rule == rule]


def test_we4_and_n2_same_side_runs() -> None:
    values = [0.5] * 9 + [-0.5]
    assert flagged(values, "WE4", "western-electric") == [8, 9]
    assert flagged(values, "N2") == [9]
    assert flagged([0.5] * 4 + [0.0] + [0.5] * 4, "WE4", "western-electric") == []


def test_n3_trend() -> None:
    assert flagged([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.5], "N3") == [6, 7]
    assert flagged([0.0, 0.1, 0.2, 0.2, 0.3, 0.4, 0.5], "N3") == []


def test_n4_alternating() -> None:
    zigzag = [0.1 if i % 2 else -0.1 for i in range(15)]
    assert flagged(zigzag, "N4") == [14, 15]
    assert flagged(zigzag[:13], "N4") == []


def test_n5_n6_last_point_must_be_beyond() -> None:
    assert flagged([2.5, 0.0, 2.5], "N5") == [3]
    assert flagged([0.0, 2.5, 2.5], "N5") == [3]
    assert flagged([2.5, 2.5, 0.0], "N5") == []  # windows start at point 3
    assert flagged([-1.5, -1.5, 0.0, -1.5, -1.5], "N6") == [5]
    assert flagged([1.5, -1.5, 1.5, -1.5, 1.5], "N6") == []  # 5 beyond, not 4 on one side


def test_n7_hugging_and_n8_mixture() -> None:
    assert flagged([0.2, -0.2] * 8, "N7") == [15, 16]
    assert flagged([1.0] * 15, "N7") == [15]  # "within" is inclusive
    assert flagged([1.5, -1.5] * 4, "N8") == [8]
    assert flagged([1.5] * 8, "N8") == []


def test_we1_is_strict() -> None:
    assert flagged([3.0, 3.0001, -3.0001], "WE1", "western-electric") == [2, 3]


def test_violations_sorted_by_index_then_rule() -> None:
    s = r.series([4.0] * 9, 0.0, 1.0)
    found = r.check(s, "nelson")
    keys = [(v.index, int(v.rule[1:])) for v in found]
    assert keys == sorted(keys)
    assert r.Violation(9, "N2") in found and r.Violation(9, "N8") not in found


# --- properties ----------------------------------------------------------------------

counts_and_sizes = st.lists(
    st.tuples(st.integers(1, 500), st.integers(0, 500)), min_size=2, max_size=30
).map(lambda pairs: ([min(d, n) for n, d in pairs], [n for n, _ in pairs]))


@settings(max_examples=150, deadline=None)
@given(counts_and_sizes, st.sampled_from([2.0, 3.0]))
def test_p_limits_symmetric_before_clamping(data: tuple[list[int], list[int]], k: float) -> None:
    d, n = data
    chart = p_chart(d, n, nsigmas=k)
    centre = chart.center
    assert isinstance(centre, float)
    for i, (lcl, ucl) in enumerate(zip(chart.lcl, chart.ucl, strict=True)):
        half = k * math.sqrt(centre * (1 - centre) / n[i])
        assert 0.0 <= lcl <= centre <= ucl <= 1.0
        assert lcl == pytest.approx(max(0.0, centre - half), abs=1e-12)
        assert ucl == pytest.approx(min(1.0, centre + half), abs=1e-12)
        if 0 < lcl and ucl < 1:
            assert ucl - centre == pytest.approx(centre - lcl, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=40))
def test_individuals_limits_symmetric(values: list[float]) -> None:
    chart = xmr_chart(values)
    for lcl, ucl in zip(chart.lcl, chart.ucl, strict=True):
        assert ucl - chart.center == pytest.approx(chart.center - lcl, abs=1e-9)  # type: ignore[operator]
    assert set(chart.beyond_limits) <= {v.index for v in chart.violations if v.rule == "WE1"}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.floats(0, 100), min_size=2, max_size=6), min_size=2, max_size=15))
def test_xbar_s_matches_direct_formula(groups: list[list[float]]) -> None:
    chart = xbar_s_chart(groups)
    sigma = statistics.fmean(statistics.stdev(g) / constants(len(g)).c4 for g in groups)
    assert chart.sigma == pytest.approx(sigma, rel=1e-9, abs=1e-12)
    s_chart = chart.dispersion
    assert s_chart is not None
    assert all(lcl >= 0 for lcl in s_chart.lcl)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=40))
def test_c_chart_lcl_clamped_and_beyond_consistent(counts: list[int]) -> None:
    chart = c_chart(counts)
    for i, x in enumerate(chart.statistics, 1):
        assert chart.lcl[i - 1] >= 0
        assert (i in chart.beyond_limits) == (x > chart.ucl[i - 1] or x < chart.lcl[i - 1])
