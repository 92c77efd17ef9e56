"""User-facing texts of the working-day calendar (Chinese first, then English).

The package is pure Python and does not use gettext; a Django caller that needs a translated
text builds it from ``WorkCalendar.uncovered_years`` instead.
"""

from __future__ import annotations


def coverage_warning(year: int) -> str:
    """Warning shown when a computation touched a year without statutory calendar data."""
    return (
        f"警告：{year} 年不在法定节假日数据范围内，仅按周末和公司停工日计算 / "
        f"warning: {year} is not covered by the statutory calendar data; "
        "only weekends and company closures are used"
    )
