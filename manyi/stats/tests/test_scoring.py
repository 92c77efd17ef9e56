"""SPEC §10 scoring methods: the worked examples exactly, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.stats import StatsInputError, grades, scoring

# 001's example: 10 very satisfied, 5 satisfied, 6 basically satisfied,
# 3 dissatisfied, 1 very dissatisfied
EXAMPLE_ANSWERS = [5] * 10 + [4] * 5 + [3] * 6 + [2] * 3 + [1]


def test_level_points_worked_example() -> None:
    result = scoring.level_points(EXAMPLE_ANSWERS)
    assert result == scoring.LevelPointsResult(answered=25, points=190, degree=76.0, rate=84.0)


def test_level_points_custom_points_and_na() -> None:
    result = scoring.level_points([5, None, 1], points=[0, 25, 50, 75, 100])
    assert (result.answered, result.points, result.degree, result.rate) == (2, 100, 50.0, 50.0)


def test_blend_worked_example_is_exact() -> None:
    assert scoring.blend(85, 76, 0.4) == 79.6
    assert scoring.blend(85, 76) == 79.6
    assert scoring.blend(84.0, 84.0, 0.3) == 84.0


def test_rate_loyalty_worked_example() -> None:
    result = scoring.rate_loyalty([95, 92, 88, 85, 81, 80, 79, 70, 91, 60])
    assert result == scoring.RateLoyaltyResult(customers=10, rate=60.0, loyalty=50.0)


def test_rate_loyalty_nobody_above_threshold() -> None:
    assert scoring.rate_loyalty([80, 70]).loyalty is None


def customer(cid: str, satisfied: int, answers: int, ka: bool = False) -> scoring.CustomerAnswers:
    given_ = [5] * satisfied + [2] * (answers - satisfied) + [None] * 3
    return scoring.CustomerAnswers(cid, tuple(given_), ka)


def test_top2box_ka_worked_example() -> None:
    result = scoring.top2box_ka(
        [customer("X", 30, 40, ka=True), customer("Y", 10, 20), customer("Z", 9, 10)], ka_weight=2
    )
    assert result.score == 72.5
    assert [(c.id, c.ratio, c.weight) for c in result.customers] == [
        ("X", 0.75, 2.0),
        ("Y", 0.5, 1.0),
        ("Z", 0.9, 1.0),
    ]


def test_top2box_ka_weight_at_least_two() -> None:
    with pytest.raises(StatsInputError, match="ka_weight"):
        scoring.top2box_ka([customer("X", 1, 1, ka=True)], ka_weight=1.5)


def test_item_average_worked_example() -> None:
    result = scoring.item_average([40, 30, 30], [[36, 27, 24], [30, 21, 27], [40, 30, 30]])
    assert result.item_averages == (106 / 3, 26.0, 27.0)
    assert round(result.item_averages[0], 2) == 35.33
    assert result.overall == 265 / 3
    assert round(result.overall, 2) == 88.33
    assert result.form_totals == (87.0, 78.0, 100.0)
    assert round(result.item_percent[0], 1) == 88.3
    assert result.item_percent[1:] == (26 / 30 * 100, 90.0)


def test_item_percent() -> None:
    assert scoring.item_percent(36, 40) == 90.0
    assert scoring.item_percent(8.3, 10) == 83.0
    with pytest.raises(StatsInputError, match=r"score: .* exceeds"):
        scoring.item_percent(41, 40)


@pytest.mark.parametrize(
    ("score", "code", "label"),
    [
        (100, "very-satisfied", "很满意"),
        (95, "very-satisfied", "很满意"),
        (94.99, "fairly-satisfied", "较满意"),
        (80, "fairly-satisfied", "较满意"),
        (60, "generally-satisfied", "一般满意"),
        (59.9, "dissatisfied", "不满意"),
        (0, "dissatisfied", "不满意"),
    ],
)
def test_grade_default_bands_002(score: float, code: str, label: str) -> None:
    band = grades.grade(score)
    assert (band.code, band.label) == (code, label)


def test_grade_custom_bands() -> None:
    bands = grades.make_bands([[90, "excellent"], [75, "good"], [60, "fair"], [0, "unsatisfied"]])
    assert grades.grade(80, bands).code == "good"
    assert grades.grade(80, bands).label == "良好"
    assert grades.grade(-5, bands).code == "unsatisfied"
    with pytest.raises(
        StatsInputError, match=r"bands\[1\]: lower bounds must be strictly decreasing"
    ):
        grades.make_bands([[60, "a"], [70, "b"]])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: scoring.level_points([6]), r"answers\[0\]: must be 1..5 or null"),
        (lambda: scoring.level_points([None]), "answers: no answer"),
        (lambda: scoring.level_points([True]), r"answers\[0\]: must be a number"),
        (lambda: scoring.level_points([5], points=[1, 2]), "points: must give 5 values"),
        (lambda: scoring.blend(80, 70, 1.5), "self_weight: must be between 0 and 1"),
        (lambda: scoring.item_average([40], [[41]]), r"forms\[0\]\[0\]: 41 exceeds"),
        (lambda: scoring.item_average([40, 30], [[1]]), r"forms\[0\]: has 1 scores"),
        (lambda: scoring.rate_loyalty([]), "scores: needs at least 1"),
    ],
)
def test_bad_scoring_input(call: object, message: str) -> None:
    with pytest.raises(StatsInputError, match=message):
        call()  # type: ignore[operator]


levels = st.lists(st.integers(1, 5), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(levels)
def test_level_points_degree_between_20_and_100(answers: list[int]) -> None:
    result = scoring.level_points(answers)
    assert 20 <= result.degree <= 100
    assert 0 <= result.rate <= 100


@settings(max_examples=200, deadline=None)
@given(levels, st.data())
def test_unable_to_comment_never_changes_a_score(answers: list[int], data: st.DataObject) -> None:
    with_na: list[int | None] = list(answers)
    for _ in range(data.draw(st.integers(1, 10))):
        with_na.insert(data.draw(st.integers(0, len(with_na))), None)
    assert scoring.level_points(with_na) == scoring.level_points(answers)
    plain = scoring.top2box_ka([scoring.CustomerAnswers("a", tuple(answers))])
    padded = scoring.top2box_ka([scoring.CustomerAnswers("a", tuple(with_na))])
    assert plain == padded


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_blend_lies_between_its_parts(own: int, survey: int, percent: int) -> None:
    result = scoring.blend(own, survey, percent / 100)
    assert min(own, survey) <= result <= max(own, survey)
