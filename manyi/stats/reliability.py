"""Scale reliability: Cronbach's alpha."""

from __future__ import annotations

import statistics as pystats
from collections.abc import Sequence

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError


def cronbach_alpha(responses: Sequence[Sequence[float | None]]) -> float:
    """α = k/(k−1) · (1 − Σ var(itemᵢ) / var(total)), sample variances.

    ``responses`` holds one row per respondent, one column per item; rows with an
    unanswered item (``None``) are left out (listwise deletion).
    """
    rows = v.sequence(responses, "responses")
    width = len(v.sequence(rows[0], "responses[0]"))
    if width < 2:
        raise StatsInputError("responses: Cronbach's alpha needs at least 2 items")
    complete: list[list[float]] = []
    for r, row in enumerate(rows):
        items = v.sequence(row, f"responses[{r}]")
        if len(items) != width:
            raise StatsInputError(f"responses[{r}]: has {len(items)} items, expected {width}")
        if any(x is None for x in items):
            continue
        complete.append([v.number(x, f"responses[{r}][{i}]") for i, x in enumerate(items)])
    if len(complete) < 2:
        raise StatsInputError("responses: needs at least 2 complete rows")
    item_var = sum(pystats.variance([row[i] for row in complete]) for i in range(width))
    total_var = pystats.variance([sum(row) for row in complete])
    if total_var == 0:
        raise StatsInputError("responses: total scores do not vary; alpha is undefined")
    return width / (width - 1) * (1 - item_var / total_var)
