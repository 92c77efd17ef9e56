"""Shewhart chart constants for subgroup sizes n = 2..25 — the one table.

Stored per n: ``d2`` (expected range of n standard normals, exact to 10 decimals,
computed by numerical integration of 1 − (1 − Φ)^n − Φ^n), ``d2_qcc`` (the same
rounded to 3 decimals, as tabulated by R qcc 3.0 and used by its charts), ``d3``
(qcc's table, 7 decimals).  ``c4`` comes from its closed form.  The textbook
factors are derived from these:

    A2 = 3 / (d2 √n)          A3 = 3 / (c4 √n)          E2 = 3 / d2
    B3, B4 = max(0, 1 ∓ 3 √(1 − c4²) / c4)
    D3, D4 = max(0, 1 ∓ 3 d3 / d2)

The charts themselves follow qcc and never use A2 etc.: they estimate σ with
``d2_qcc`` / ``c4`` and put limits at centre ± k·σ/√n (see ``charts.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from manyi.stats.errors import StatsInputError

MIN_N = 2
MAX_N = 25

# n: (d2 exact, d2 as tabulated by qcc, d3 as tabulated by qcc)
_BASE: dict[int, tuple[float, float, float]] = {
    2: (1.1283791671, 1.128, 0.8525033),
    3: (1.6925687506, 1.693, 0.8883697),
    4: (2.0587507460, 2.059, 0.8798108),
    5: (2.3259289473, 2.326, 0.8640855),
    6: (2.5344127212, 2.534, 0.8480442),
    7: (2.7043567512, 2.704, 0.8332108),
    8: (2.8472006121, 2.847, 0.8198378),
    9: (2.9700263244, 2.970, 0.8078413),
    10: (3.0775054617, 3.078, 0.7970584),
    11: (3.1728727038, 3.173, 0.7873230),
    12: (3.2584552797, 3.258, 0.7784873),
    13: (3.3359803541, 3.336, 0.7704257),
    14: (3.4067631082, 3.407, 0.7630330),
    15: (3.4718268899, 3.472, 0.7562217),
    16: (3.5319827861, 3.532, 0.7499188),
    17: (3.5878839618, 3.588, 0.7440627),
    18: (3.6400637579, 3.640, 0.7386021),
    19: (3.6889630232, 3.689, 0.7334929),
    20: (3.7349501196, 3.735, 0.7286980),
    21: (3.7783358298, 3.778, 0.7241851),
    22: (3.8193846434, 3.819, 0.7199267),
    23: (3.8583234233, 3.858, 0.7158987),
    24: (3.8953481485, 3.895, 0.7120802),
    25: (3.9306292195, 3.931, 0.7084528),
}


@dataclass(frozen=True)
class ShewhartConstants:
    n: int
    d2: float
    d2_qcc: float
    d3: float
    c4: float
    A2: float
    A3: float
    B3: float
    B4: float
    D3: float
    D4: float
    E2: float


def c4_exact(n: int) -> float:
    """E(S) / σ for a normal sample of size n: √(2/(n−1)) Γ(n/2) / Γ((n−1)/2)."""
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def _row(n: int, d2: float, d2_qcc: float, d3: float) -> ShewhartConstants:
    c4 = c4_exact(n)
    b = 3 * math.sqrt(1 - c4 * c4) / c4
    return ShewhartConstants(
        n=n,
        d2=d2,
        d2_qcc=d2_qcc,
        d3=d3,
        c4=c4,
        A2=3 / (d2 * math.sqrt(n)),
        A3=3 / (c4 * math.sqrt(n)),
        B3=max(0.0, 1 - b),
        B4=1 + b,
        D3=max(0.0, 1 - 3 * d3 / d2),
        D4=1 + 3 * d3 / d2,
        E2=3 / d2,
    )


TABLE: dict[int, ShewhartConstants] = {n: _row(n, *base) for n, base in _BASE.items()}


def constants(n: int, field: str = "subgroup size") -> ShewhartConstants:
    """The table row for subgroup size ``n`` (2..25)."""
    if n not in TABLE:
        raise StatsInputError(f"{field}: must be between {MIN_N} and {MAX_N}, got {n}")
    return TABLE[n]
