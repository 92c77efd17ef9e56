"""Scoring methods of the seed procedures (SPEC §10).

Each method is a named function.  Inputs are plain numbers; results are unrounded
floats.  Internally the arithmetic is exact (:class:`fractions.Fraction`, each float
input read as the decimal it prints as) and converted to float once at the end, so a
result whose exact value is a short decimal (79.6, 88.3) comes out as exactly that
float — no ``79.60000000000001``.

Conventions: percentages are returned on the 0–100 scale; "unable to comment" is
``None`` and is never scored (it changes neither numerator nor denominator).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError

#: Points for the five verbal levels 1 (very dissatisfied) … 5 (very satisfied), 001 §五.
DEFAULT_LEVEL_POINTS: tuple[int, int, int, int, int] = (2, 4, 6, 8, 10)
#: Levels counted as "satisfied" by the level-points rate: the top three.
SATISFIED_LEVELS: frozenset[int] = frozenset({3, 4, 5})
#: On a 1–5 scale an answer of 4 or 5 is one satisfied count (ECSS top-2-box).
TOP2BOX_LEVELS: frozenset[int] = frozenset({4, 5})
_HUNDRED = Fraction(100)


def item_percent(score: float, maximum: float) -> float:
    """item-percent (001 §5.3.2): score given / item maximum × 100."""
    given = v.non_negative(score, "score")
    top = v.positive(maximum, "maximum")
    if given > top:
        raise StatsInputError(f"score: {score} exceeds the item maximum {maximum}")
    return float(v.exact(given) / v.exact(top) * _HUNDRED)


@dataclass(frozen=True)
class ItemAverageResult:
    """item-average / customer-sum (001 §5.5.2)."""

    item_averages: tuple[float, ...]  # Σ item scores / number of forms
    item_percent: tuple[float, ...]  # item average / item maximum × 100
    overall: float  # Σ item averages
    form_totals: tuple[float, ...]  # each customer's (form's) Σ item scores


def item_average(maxima: Sequence[float], forms: Sequence[Sequence[float]]) -> ItemAverageResult:
    """item-average, customer-sum and item-percent of the averages (001 §5.5.2).

    ``maxima`` gives each item's maximum; every form holds one score per item,
    ``0 <= score <= maximum``.
    """
    tops = [
        v.exact(v.positive(m, f"maxima[{i}]")) for i, m in enumerate(v.sequence(maxima, "maxima"))
    ]
    rows: list[list[Fraction]] = []
    for f, form in enumerate(v.sequence(forms, "forms")):
        items = v.sequence(form, f"forms[{f}]")
        if len(items) != len(tops):
            raise StatsInputError(
                f"forms[{f}]: has {len(items)} scores but there are {len(tops)} items (maxima)"
            )
        row = []
        for i, raw in enumerate(items):
            score = v.exact(v.non_negative(raw, f"forms[{f}][{i}]"))
            if score > tops[i]:
                raise StatsInputError(f"forms[{f}][{i}]: {raw} exceeds the item maximum")
            row.append(score)
        rows.append(row)
    averages = [sum((row[i] for row in rows), Fraction(0)) / len(rows) for i in range(len(tops))]
    return ItemAverageResult(
        item_averages=tuple(float(a) for a in averages),
        item_percent=tuple(float(a / t * _HUNDRED) for a, t in zip(averages, tops, strict=True)),
        overall=float(sum(averages, Fraction(0))),
        form_totals=tuple(float(sum(row, Fraction(0))) for row in rows),
    )


@dataclass(frozen=True)
class LevelPointsResult:
    """level-points (001 §五)."""

    answered: int  # answers that are not "unable to comment"
    points: float  # Σ points
    degree: float  # Σ points / (answered × top points) × 100
    rate: float  # answers in the top three levels / answered × 100


def level_points(
    answers: Sequence[int | None], points: Sequence[float] = DEFAULT_LEVEL_POINTS
) -> LevelPointsResult:
    """level-points (001 §五): 5 very satisfied … 1 very dissatisfied, ``None`` = N/A.

    Degree = Σ points / (answered items × points of the top level) × 100 %, which with
    the default points 2/4/6/8/10 is the seed's "answered × 10".  Rate = share of
    answers in the top three levels (basically satisfied or better).
    """
    scale = v.numbers(points, "points")
    if len(scale) != 5:
        raise StatsInputError(f"points: must give 5 values for levels 1..5, got {len(scale)}")
    table = [v.exact(v.non_negative(p, f"points[{i}]")) for i, p in enumerate(scale)]
    if table[4] <= 0:
        raise StatsInputError("points[4]: the top level must score more than 0")
    levels = _levels(answers, "answers")
    if not levels:
        raise StatsInputError("answers: no answer other than 'unable to comment'")
    total = sum((table[level - 1] for level in levels), Fraction(0))
    satisfied = sum(1 for level in levels if level in SATISFIED_LEVELS)
    return LevelPointsResult(
        answered=len(levels),
        points=float(total),
        degree=float(total / (len(levels) * table[4]) * _HUNDRED),
        rate=float(Fraction(satisfied, len(levels)) * _HUNDRED),
    )


def blend(self_score: float, survey_score: float, self_weight: float = 0.4) -> float:
    """blend (001 §五): self-evaluation × w + survey × (1 − w); default w = 40 %.

    Used for the degree and for the rate alike.
    """
    own = v.exact(v.number(self_score, "self"))
    survey = v.exact(v.number(survey_score, "survey"))
    weight = v.exact(v.probability(self_weight, "self_weight"))
    return float(own * weight + survey * (1 - weight))


@dataclass(frozen=True)
class RateLoyaltyResult:
    """rate-loyalty (004 §5)."""

    customers: int
    rate: float  # customers scoring > rate_above / customers × 100
    loyalty: float | None  # customers > loyalty_above / customers > rate_above × 100


def rate_loyalty(
    scores: Sequence[float], rate_above: float = 80, loyalty_above: float = 90
) -> RateLoyaltyResult:
    """rate-loyalty (004 §5): strict "above" thresholds — 80 itself is not above 80.

    ``loyalty`` is ``None`` when no customer scores above ``rate_above`` (0/0).
    """
    values = v.numbers(scores, "scores")
    low = v.number(rate_above, "rate_above")
    high = v.number(loyalty_above, "loyalty_above")
    if high < low:
        raise StatsInputError("loyalty_above: must not be below rate_above")
    satisfied = sum(1 for s in values if s > low)
    loyal = sum(1 for s in values if s > high)
    return RateLoyaltyResult(
        customers=len(values),
        rate=float(Fraction(satisfied, len(values)) * _HUNDRED),
        loyalty=float(Fraction(loyal, satisfied) * _HUNDRED) if satisfied else None,
    )


@dataclass(frozen=True)
class CustomerAnswers:
    """All answers (1–5 or ``None``) of one customer's respondents."""

    id: str
    answers: tuple[int | None, ...]
    key_account: bool = False


@dataclass(frozen=True)
class CustomerRatio:
    id: str
    ratio: float | None  # satisfied counts / answers (0–1); None if no answer
    weight: float


@dataclass(frozen=True)
class Top2BoxResult:
    score: float  # Σ w·ratio / Σ w × 100, customers without answers left out
    customers: tuple[CustomerRatio, ...]


def top2box_ka(customers: Sequence[CustomerAnswers], ka_weight: float = 2) -> Top2BoxResult:
    """top2box-ka (ECSS 6.6–6.7).

    An answer of 4 or 5 is one satisfied count, "unable to comment" is left out; a
    customer's ratio = satisfied counts / answers; the BU score weights key accounts
    by ``ka_weight`` (at least 2, "at least twice the others") and others by 1.
    """
    weight_ka = v.exact(v.number(ka_weight, "ka_weight"))
    if weight_ka < 2:
        raise StatsInputError("ka_weight: key accounts weigh at least twice the others (>= 2)")
    if not customers:
        raise StatsInputError("customers: needs at least 1 item(s), got 0")
    rows: list[CustomerRatio] = []
    numerator = Fraction(0)
    denominator = Fraction(0)
    for c, customer in enumerate(customers):
        levels = _levels(customer.answers, f"customers[{c}].answers")
        weight = weight_ka if customer.key_account else Fraction(1)
        if levels:
            ratio = Fraction(sum(1 for x in levels if x in TOP2BOX_LEVELS), len(levels))
            numerator += weight * ratio
            denominator += weight
            rows.append(CustomerRatio(customer.id, float(ratio), float(weight)))
        else:
            rows.append(CustomerRatio(customer.id, None, float(weight)))
    if denominator == 0:
        raise StatsInputError("customers: no customer has an answer other than 'unable to comment'")
    return Top2BoxResult(score=float(numerator / denominator * _HUNDRED), customers=tuple(rows))


def _levels(answers: Sequence[int | None], field: str) -> list[int]:
    """The 1–5 answers, ``None`` (unable to comment) dropped."""
    result: list[int] = []
    for i, answer in enumerate(v.sequence(answers, field, min_length=0)):
        if answer is None:
            continue
        level = v.number(answer, f"{field}[{i}]")
        if level not in (1, 2, 3, 4, 5):
            raise StatsInputError(f"{field}[{i}]: must be 1..5 or null, got {answer!r}")
        result.append(int(level))
    return result
