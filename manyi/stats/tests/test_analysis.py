"""Pareto, proportions, item statistics, key drivers, reliability and NPS."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.stats import StatsInputError, drivers, items, nps, pareto, proportions, reliability


def test_pareto_rows_and_vital_few() -> None:
    result = pareto.pareto(["late", "damaged", "wrong", "other"], [20, 50, 25, 5])
    assert [row.category for row in result.rows] == ["damaged", "wrong", "late", "other"]
    assert [row.cum_percent for row in result.rows] == [50.0, 75.0, 95.0, 100.0]
    assert result.vital_few == ("damaged", "wrong", "late")


def test_pareto_vital_few_stops_at_exactly_80() -> None:
    result = pareto.pareto(["a", "b", "c"], [60, 20, 20])
    assert result.vital_few == ("a", "b")


def test_pareto_other_bucket_is_last_and_never_vital() -> None:
    # the biggest bar is "其他": it is still drawn last and not one of the vital few
    result = pareto.pareto(["交付", "其他", "包装", "质量"], [20, 45, 5, 30], other="其他")
    assert [row.category for row in result.rows] == ["质量", "交付", "包装", "其他"]
    assert [row.cum_percent for row in result.rows] == [30.0, 50.0, 55.0, 100.0]
    assert result.vital_few == ("质量", "交付", "包装")
    assert result.other == "其他"
    # a small other bucket that would have been the one reaching 80 % is not vital either
    small = pareto.pareto(["a", "b", "Other"], [70, 5, 25], other="Other")
    assert [row.category for row in small.rows] == ["a", "b", "Other"]
    assert small.vital_few == ("a", "b")
    # without the bucket in the data nothing changes
    assert pareto.pareto(["a", "b"], [1, 3], other="Other").other is None


def test_pareto_bad_input() -> None:
    with pytest.raises(StatsInputError, match="counts: has 1 values but categories has 2"):
        pareto.pareto(["a", "b"], [1])
    with pytest.raises(StatsInputError, match=r"counts\[0\]: must not be negative"):
        pareto.pareto(["a"], [-1])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=25).filter(lambda c: sum(c) > 0))
def test_pareto_percentages_sum_to_100(counts: list[int]) -> None:
    result = pareto.pareto([f"c{i}" for i in range(len(counts))], counts)
    assert math.fsum(row.percent for row in result.rows) == pytest.approx(100, abs=1e-9)
    assert result.rows[-1].cum_percent == 100.0
    cums = [row.cum_percent for row in result.rows]
    assert cums == sorted(cums)
    k = len(result.vital_few)
    assert result.rows[k - 1].cum_percent >= 80
    assert k == 1 or result.rows[k - 2].cum_percent < 80


def test_wilson_interval_known_value() -> None:
    # Newcombe (1998) example: 81/263 → 0.2553 to 0.3662
    ci = proportions.wilson_interval(81, 263)
    assert ci.estimate == 81 / 263
    assert (round(ci.low, 4), round(ci.high, 4)) == (0.2553, 0.3662)


def test_wilson_interval_edges() -> None:
    assert proportions.wilson_interval(0, 10).low == 0.0
    assert proportions.wilson_interval(10, 10).high == 1.0
    with pytest.raises(StatsInputError, match="successes: 11 exceeds trials 10"):
        proportions.wilson_interval(11, 10)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_wilson_contains_estimate_within_unit_interval(xn: tuple[int, int], conf: float) -> None:
    x, n = xn
    ci = proportions.wilson_interval(x, n, conf)
    assert 0.0 <= ci.low <= ci.estimate <= ci.high <= 1.0


def test_two_proportion_z_test() -> None:
    result = proportions.two_proportion_z_test(60, 100, 75, 100)
    pooled = 135 / 200
    z = 0.15 / math.sqrt(pooled * (1 - pooled) * 0.02)
    assert result.z == pytest.approx(z)
    assert result.p_value == pytest.approx(0.02354, abs=1e-5)  # R: prop.test(correct=FALSE)
    assert result.significant
    assert not proportions.two_proportion_z_test(60, 100, 62, 100).significant
    assert proportions.two_proportion_z_test(0, 5, 0, 5).p_value == 1.0


def test_item_statistics() -> None:
    result = items.item_statistics([5, 4, 4, None, 2, None])
    assert (result.answered, result.unable_to_comment, result.mean) == (4, 2, 3.75)
    assert result.sd == pytest.approx(1.2583057)
    shares = {s.level: (s.count, s.percent) for s in result.distribution}
    assert shares == {1: (0, 0.0), 2: (1, 25.0), 3: (0, 0.0), 4: (2, 50.0), 5: (1, 25.0)}
    empty = items.item_statistics([None])
    assert (empty.mean, empty.sd, empty.unable_to_comment) == (None, None, 1)


def test_histogram() -> None:
    bins = items.histogram([55, 61, 79.9, 80, 100], edges=[0, 60, 80, 100])
    assert [b.count for b in bins] == [1, 2, 2]
    auto = items.histogram([1, 2, 3, 4, 5, 6, 7, 8])
    assert len(auto) == 4 and sum(b.count for b in auto) == 8
    with pytest.raises(StatsInputError, match=r"values\[0\]: 101"):
        items.histogram([101], edges=[0, 100])


def test_pearson_and_pairwise_na() -> None:
    assert drivers.pearson([1, 2, 3, None], [2, 4, 6, 100]) == pytest.approx(1.0)
    assert drivers.pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    with pytest.raises(StatsInputError, match="does not vary"):
        drivers.pearson([1, 1, 1], [1, 2, 3])


def test_relative_weights_uncorrelated_items_equal_squared_correlations() -> None:
    x1 = [1, -1, 1, -1, 1, -1, 1, -1]
    x2 = [1, 1, -1, -1, 1, 1, -1, -1]
    y = [2 * a + b for a, b in zip(x1, x2, strict=True)]
    result = drivers.relative_weights([x1, x2], y)
    assert result.r_squared == pytest.approx(1.0)
    assert result.raw == pytest.approx((0.8, 0.2))
    assert result.percent == pytest.approx((80.0, 20.0))


def test_relative_weights_correlated_items_sum_to_r_squared() -> None:
    x1 = [3, 4, 2, 5, 4, 3, 5, 2, 4, 5]
    x2 = [3, 5, 2, 4, 4, 2, 5, 3, 3, 5]
    x3 = [2, 3, 3, 4, 2, 3, 4, 1, 5, 4]
    y = [3, 5, 2, 5, 4, 3, 5, 2, 4, 5]
    result = drivers.relative_weights([x1, x2, x3], y)
    assert math.fsum(result.raw) == pytest.approx(result.r_squared)
    assert math.fsum(result.percent) == pytest.approx(100)
    assert all(w >= 0 for w in result.raw)
    assert result.raw[0] == max(result.raw)  # x1 tracks y most closely


def test_importance_performance_quadrants() -> None:
    points = drivers.importance_performance(
        ["speed", "price", "quality", "website"], [0.8, 0.2, 0.7, 0.1], [3.0, 4.5, 4.6, 2.0]
    )
    assert [p.quadrant for p in points] == [
        "concentrate",
        "possible-overkill",
        "keep-up",
        "low-priority",
    ]


def test_cronbach_alpha() -> None:
    # perfectly parallel items → alpha = 1
    assert reliability.cronbach_alpha([[1, 1], [2, 2], [3, 3]]) == pytest.approx(1.0)
    rows: list[list[float]] = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3]]
    data: list[list[float | None]] = [[*r] for r in rows]
    data.append([None, 1, 1])  # incomplete row: dropped (listwise)
    k = 3
    item_var = sum(_var([r[i] for r in rows]) for i in range(k))
    total_var = _var([sum(r) for r in rows])
    expected = k / (k - 1) * (1 - item_var / total_var)
    assert reliability.cronbach_alpha(data) == pytest.approx(expected)


def _var(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def test_nps() -> None:
    result = nps.nps([10, 9, 8, 7, 6, 0, None])
    assert (result.promoters, result.passives, result.detractors) == (2, 2, 2)
    assert result.score == 0.0
    assert nps.nps([10, 10, 3]).score == pytest.approx(100 / 3)
    with pytest.raises(StatsInputError, match=r"scores\[0\]: must be a whole number 0..10"):
        nps.nps([11])
