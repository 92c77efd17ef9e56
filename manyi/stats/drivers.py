"""Key-driver analysis: which items move the overall satisfaction question.

* :func:`pearson` — correlation of an item with the overall question;
* :func:`relative_weights` — Johnson's (2000) relative weights: the share of the
  model R² attributable to each item, robust to correlated items;
* :func:`importance_performance` — the importance–performance quadrant of each item.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from manyi.stats import _validate as v
from manyi.stats.errors import StatsInputError

Matrix = list[list[float]]


def pearson(x: Sequence[float | None], y: Sequence[float | None]) -> float:
    """Pearson correlation; pairs where either value is ``None`` are left out."""
    xs, ys = _pairs(x, y)
    if len(xs) < 3:
        raise StatsInputError("x: needs at least 3 complete pairs for a correlation")
    mx, my = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    sxx = math.fsum((a - mx) ** 2 for a in xs)
    syy = math.fsum((b - my) ** 2 for b in ys)
    if sxx == 0 or syy == 0:
        raise StatsInputError("x: a variable does not vary; correlation is undefined")
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


@dataclass(frozen=True)
class RelativeWeights:
    r_squared: float
    raw: tuple[float, ...]  # εⱼ, summing to R²
    percent: tuple[float, ...]  # εⱼ / R² × 100, summing to 100


def _complete_rows(
    items: Sequence[Sequence[float | None]], overall: Sequence[float | None]
) -> tuple[list[list[float]], list[float]]:
    """(item columns, overall) over the rows where every value is given (listwise)."""
    columns = [list(v.sequence(c, f"items[{j}]")) for j, c in enumerate(v.sequence(items, "items"))]
    target = list(v.sequence(overall, "overall"))
    for j, column in enumerate(columns):
        if len(column) != len(target):
            raise StatsInputError(
                f"items[{j}]: has {len(column)} values, overall has {len(target)}"
            )
    rows = [
        i
        for i in range(len(target))
        if target[i] is not None and all(column[i] is not None for column in columns)
    ]
    p = len(columns)
    if len(rows) < p + 2:
        raise StatsInputError(f"overall: needs at least {p + 2} complete rows for {p} items")
    xs = [
        [v.number(column[i], f"items[{j}][{i}]") for i in rows] for j, column in enumerate(columns)
    ]
    return xs, [v.number(target[i], f"overall[{i}]") for i in rows]


def _matrix_root(values: Sequence[float], vectors: Sequence[Sequence[float]], *,
                 inverse: bool = False) -> list[list[float]]:
    """V Λ^½ Vᵀ (or V Λ^-½ Vᵀ with `inverse`) of the eigendecomposition (values Λ, vectors V
    by column), term by term as written in the docstring of relative_weights."""
    p = len(values)
    roots = [math.sqrt(values[k]) for k in range(p)]
    if inverse:
        return [
            [math.fsum(vectors[a][k] / roots[k] * vectors[b][k] for k in range(p))
             for b in range(p)]
            for a in range(p)
        ]
    return [
        [math.fsum(vectors[a][k] * roots[k] * vectors[b][k] for k in range(p)) for b in range(p)]
        for a in range(p)
    ]


def relative_weights(
    items: Sequence[Sequence[float | None]], overall: Sequence[float | None]
) -> RelativeWeights:
    """Johnson's relative weights of ``items`` (one sequence per item) for ``overall``.

    Rows with any ``None`` are dropped (listwise).  With R = V Λ Vᵀ the eigen-
    decomposition of the item correlation matrix, Λ* = V Λ^½ Vᵀ and β = Λ*⁻¹ r_xy;
    εⱼ = Σₖ Λ*ⱼₖ² βₖ².
    """
    xs, y = _complete_rows(items, overall)
    p = len(xs)
    rxx = [[1.0 if a == b else pearson(xs[a], xs[b]) for b in range(p)] for a in range(p)]
    rxy = [pearson(xs[a], y) for a in range(p)]
    values, vectors = _jacobi_eigen(rxx)
    if min(values) <= 1e-12:
        raise StatsInputError(
            "items: items are perfectly collinear; relative weights are undefined"
        )
    root = _matrix_root(values, vectors)
    inv_root = _matrix_root(values, vectors, inverse=True)
    beta = [math.fsum(inv_root[a][b] * rxy[b] for b in range(p)) for a in range(p)]
    raw = [math.fsum(root[j][k] ** 2 * beta[k] ** 2 for k in range(p)) for j in range(p)]
    r2 = math.fsum(raw)
    percent = tuple(w / r2 * 100 for w in raw) if r2 > 0 else tuple(0.0 for _ in raw)
    return RelativeWeights(r2, tuple(raw), percent)


QUADRANTS = {
    (True, False): "concentrate",  # important, performing below par: improve first
    (True, True): "keep-up",  # important and performing well
    (False, False): "low-priority",
    (False, True): "possible-overkill",
}


@dataclass(frozen=True)
class QuadrantPoint:
    item: str
    importance: float
    performance: float
    quadrant: str  # concentrate | keep-up | low-priority | possible-overkill


def importance_performance(
    names: Sequence[str],
    importance: Sequence[float],
    performance: Sequence[float],
    importance_cut: float | None = None,
    performance_cut: float | None = None,
) -> tuple[QuadrantPoint, ...]:
    """Place items in the importance–performance grid.  Cuts default to the means of
    importance and of performance; a value equal to the cut counts as high."""
    imp = v.numbers(importance, "importance")
    perf = v.numbers(performance, "performance")
    labels = v.sequence(names, "names")
    if not len(labels) == len(imp) == len(perf):
        raise StatsInputError("names: names, importance and performance must have equal lengths")
    icut = (
        v.number(importance_cut, "importance_cut")
        if importance_cut is not None
        else math.fsum(imp) / len(imp)
    )
    pcut = (
        v.number(performance_cut, "performance_cut")
        if performance_cut is not None
        else math.fsum(perf) / len(perf)
    )
    return tuple(
        QuadrantPoint(str(labels[i]), imp[i], perf[i], QUADRANTS[(imp[i] >= icut, perf[i] >= pcut)])
        for i in range(len(imp))
    )


def _pairs(x: Sequence[float | None], y: Sequence[float | None]) -> tuple[list[float], list[float]]:
    xs_in, ys_in = v.sequence(x, "x"), v.sequence(y, "y")
    if len(xs_in) != len(ys_in):
        raise StatsInputError(f"y: has {len(ys_in)} values, x has {len(xs_in)}")
    xs, ys = [], []
    for i, (a, b) in enumerate(zip(xs_in, ys_in, strict=True)):
        if a is None or b is None:
            continue
        xs.append(v.number(a, f"x[{i}]"))
        ys.append(v.number(b, f"y[{i}]"))
    return xs, ys


def _jacobi_eigen(matrix: Matrix, sweeps: int = 100) -> tuple[list[float], Matrix]:
    """Eigenvalues and eigenvectors (columns) of a small symmetric matrix (Jacobi)."""
    n = len(matrix)
    a = [row[:] for row in matrix]
    vec = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for _ in range(sweeps):
        off = math.fsum(a[i][j] ** 2 for i in range(n) for j in range(n) if i != j)
        if off < 1e-24:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                if abs(a[p][q]) < 1e-300:
                    continue
                theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1))
                c = 1 / math.sqrt(t * t + 1)
                s = t * c
                for k in range(n):
                    akp, akq = a[k][p], a[k][q]
                    a[k][p], a[k][q] = c * akp - s * akq, s * akp + c * akq
                for k in range(n):
                    apk, aqk = a[p][k], a[q][k]
                    a[p][k], a[q][k] = c * apk - s * aqk, s * apk + c * aqk
                for k in range(n):
                    vkp, vkq = vec[k][p], vec[k][q]
                    vec[k][p], vec[k][q] = c * vkp - s * vkq, s * vkp + c * vkq
    return [a[i][i] for i in range(n)], vec
