"""Manyi statistics core — pure Python (stdlib only), no Django.

Scoring methods of the seed procedures, control charts and run rules, Pareto,
proportions, item statistics, key drivers, reliability and NPS.  Plain numbers and
frozen dataclasses in and out; bad input raises :class:`StatsInputError`.
"""

from manyi.stats.errors import StatsInputError

__all__ = ["StatsInputError"]
