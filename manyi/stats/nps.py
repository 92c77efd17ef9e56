"""Net Promoter Score on the 0–10 "would you recommend" scale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError


@dataclass(frozen=True)
class NpsResult:
    respondents: int
    promoters: int  # 9–10
    passives: int  # 7–8
    detractors: int  # 0–6
    score: float  # % promoters − % detractors, −100..100


def nps(scores: Sequence[int | None]) -> NpsResult:
    """NPS; ``None`` (no answer) is left out."""
    given = []
    for i, raw in enumerate(v.sequence(scores, "scores", min_length=0)):
        if raw is None:
            continue
        value = v.number(raw, f"scores[{i}]")
        if value not in range(11):
            raise StatsInputError(f"scores[{i}]: must be a whole number 0..10, got {raw!r}")
        given.append(int(value))
    if not given:
        raise StatsInputError("scores: no answer to score")
    promoters = sum(1 for s in given if s >= 9)
    detractors = sum(1 for s in given if s <= 6)
    return NpsResult(
        respondents=len(given),
        promoters=promoters,
        passives=len(given) - promoters - detractors,
        detractors=detractors,
        score=float(Fraction(promoters - detractors, len(given)) * 100),
    )
