"""The one exception type of the statistics core."""

from __future__ import annotations


class StatsInputError(ValueError):
    """Input that a statistics function cannot work with.

    The message names the offending field (e.g. ``"sizes[3]: must be > 0"``) so the
    command line can print it as a one-line diagnostic and exit with status 2.
    """
