"""The count forms equal `manyi.stats` on the expanded answers; the average advanced value; the
signals of a control chart."""

from __future__ import annotations

import random
import statistics

import pytest

from manyi.analysis.constants import DIRECTIONAL_RULES
from manyi.analysis.formulas import (
    CustomerCounts,
    average_advanced_value,
    chart_signals,
    item_average_counts,
    item_statistics_counts,
    level_points_counts,
    top2box_ka_counts,
)
from manyi.stats import StatsInputError
from manyi.stats.items import item_statistics
from manyi.stats.scoring import CustomerAnswers, item_average, level_points, top2box_ka
from manyi.stats.spc import c_chart, xmr_chart


def _expand(counts: dict[int, int]) -> list[int]:
    return [v for v, n in counts.items() for _ in range(n)]


@pytest.mark.parametrize("seed", range(20))
def test_count_forms_equal_stats_on_expanded_answers(seed: int) -> None:
    rng = random.Random(seed)
    counts = {v: rng.randint(0, 30) for v in range(1, 6)}
    counts[rng.randint(1, 5)] += 1
    answers = _expand(counts)
    assert level_points_counts(counts) == level_points(answers)
    na = rng.randint(0, 4)
    expected = item_statistics([*answers, *([None] * na)])
    got = item_statistics_counts(counts, na)
    assert got.distribution == expected.distribution and got.mean == expected.mean
    assert got.answered == expected.answered and got.unable_to_comment == na
    if expected.sd is not None:
        assert got.sd == pytest.approx(expected.sd, rel=1e-12)
    customers = []
    for i in range(rng.randint(1, 6)):
        c = {v: rng.randint(0, 5) for v in range(1, 6)}
        customers.append((str(i), c, rng.random() < 0.3))
    if any(sum(c.values()) for _i, c, _ka in customers):
        stats = top2box_ka([CustomerAnswers(i, tuple(_expand(c)), ka) for i, c, ka in customers])
        mine = top2box_ka_counts([
            CustomerCounts(i, c[4] + c[5], sum(c.values()), ka) for i, c, ka in customers])
        assert mine == stats


def test_item_average_counts_is_item_average_when_every_form_answers() -> None:
    forms = [(36, 27, 24), (30, 21, 27), (40, 30, 30)]
    expected = item_average([40, 30, 30], forms)
    got = item_average_counts([40, 30, 30], [sum(f[i] for f in forms) for i in range(3)],
                              [3, 3, 3])
    assert got.item_averages == expected.item_averages
    assert got.item_percent == expected.item_percent and got.overall == expected.overall
    assert got.overall == pytest.approx(88.3333333)
    with pytest.raises(StatsInputError):
        item_average_counts([40], [41 * 2], [2])


def test_average_advanced_value() -> None:
    # mean 85; better than the mean: 86, 90 → 88; (85 + 88) / 2 = 86.5
    assert average_advanced_value([80, 84, 86, 90]) == 86.5
    # lower is better (PPM): mean 300, better 100, 200 → 150 → 225
    assert average_advanced_value([100, 200, 300, 600], higher_is_better=False) == 225.0
    assert average_advanced_value([70, 70]) == 70.0
    assert average_advanced_value([76.5]) == 76.5
    with pytest.raises(StatsInputError):
        average_advanced_value([])
    data = [81.2, 79.9, 83.4, 84.0, 80.1]
    m = statistics.fmean(data)
    assert average_advanced_value(data) == pytest.approx(
        (m + statistics.fmean([x for x in data if x > m])) / 2)


def test_signals_only_in_the_bad_direction() -> None:
    counts = [5, 6, 4, 5, 6, 5, 4, 5, 6, 5, 18]
    chart = c_chart(counts)
    bad_up = chart_signals(chart, higher_is_better=False, directional_rules=DIRECTIONAL_RULES)
    assert [s.index for s in bad_up] == [11] and "WE1" in bad_up[0].reasons
    # the other way round the spike is good news; the points below the raised centre are a
    # downward run (WE4), never a point beyond a limit
    good = chart_signals(chart, higher_is_better=True, directional_rules=DIRECTIONAL_RULES)
    assert 11 not in [s.index for s in good]
    assert all(s.reasons == ("WE4",) for s in good)
    # lookback: an old signal is not reported again
    assert chart_signals(c_chart([*counts, 5, 5, 5, 5]), higher_is_better=False,
                         directional_rules=DIRECTIONAL_RULES, lookback=3) == []


def test_near_the_lower_limit() -> None:
    chart = xmr_chart([80, 82, 80, 82, 60])  # centre 76.8, σ = 7 / 1.128, LCL 58.2
    assert 60 > chart.lcl[-1]
    found = chart_signals(chart, higher_is_better=True, directional_rules=DIRECTIONAL_RULES,
                          near_sigmas=2.0)
    assert [(s.index, s.reasons) for s in found] == [(5, ("NEAR",))]
    assert chart_signals(chart, higher_is_better=True, directional_rules=DIRECTIONAL_RULES) == []
