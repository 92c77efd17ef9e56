"""Statistical process control: Shewhart charts, the constants table and run rules."""

from manyi.stats.spc.charts import (
    ChartResult,
    Phase2,
    c_chart,
    np_chart,
    p_chart,
    u_chart,
    xbar_r_chart,
    xbar_s_chart,
    xmr_chart,
)
from manyi.stats.spc.constants import TABLE, ShewhartConstants, constants
from manyi.stats.spc.rules import NELSON, WESTERN_ELECTRIC, Violation

__all__ = [
    "NELSON",
    "TABLE",
    "WESTERN_ELECTRIC",
    "ChartResult",
    "Phase2",
    "ShewhartConstants",
    "Violation",
    "c_chart",
    "constants",
    "np_chart",
    "p_chart",
    "u_chart",
    "xbar_r_chart",
    "xbar_s_chart",
    "xmr_chart",
]
