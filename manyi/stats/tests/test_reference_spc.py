"""The public control-chart cases of ../shared/reference/spc_public.json, every one.

Published values (``expected``) are R's 7-significant-digit prints and are matched
to that precision; ``expected_full_precision`` to 10 significant digits.  A missing
reference file is a failure, not a skip.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from manyi.stats.spc import TABLE, ChartResult, Phase2, c_chart, p_chart, xbar_r_chart

REPO_ROOT = Path(__file__).resolve().parents[3]
REFERENCE = REPO_ROOT / ".." / "shared" / "reference" / "spc_public.json"


def _load_cases() -> list[Any]:
    if not REFERENCE.is_file():
        return [None]  # the test below fails on it
    cases: list[Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))["cases"]
    return cases


CASES = _load_cases()


def sig_close(actual: float, printed: float, digits: int) -> bool:
    """``actual`` rounds to ``printed`` at ``digits`` significant digits."""
    if printed == 0:
        return abs(actual) <= 1e-12
    tol = 0.5 * 10 ** (math.floor(math.log10(abs(printed))) - digits + 1)
    return bool(abs(actual - printed) <= tol * (1 + 1e-9) + 1e-15)


def assert_sig(actual: float, printed: float, digits: int, what: str) -> None:
    assert sig_close(actual, printed, digits), f"{what}: got {actual!r}, published {printed!r}"


def per_point_rule(result: ChartResult) -> list[int | None]:
    """qcc's per-point view: the most serious (lowest-numbered) rule violated."""
    out: list[int | None] = [None] * len(result.statistics)
    for v in result.violations:
        number = int(v.rule.lstrip("WEN"))
        current = out[v.index - 1]
        out[v.index - 1] = number if current is None else min(current, number)
    return out


def by_rule(result: ChartResult) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for v in result.violations:
        found.setdefault(v.rule.lstrip("WEN"), []).append(v.index)
    return found


def check_limits(result: ChartResult, block: dict[str, Any], digits: int) -> None:
    assert isinstance(result.center, float)
    assert isinstance(result.sigma, float)
    assert_sig(result.center, block["center"], digits, "center")
    assert_sig(result.sigma, block["std_dev"], digits, "std_dev")
    for lcl, ucl in zip(result.lcl, result.ucl, strict=True):
        assert_sig(lcl, block["LCL"], digits, "LCL")
        assert_sig(ucl, block["UCL"], digits, "UCL")
    for got, want in zip(result.statistics, block.get("statistics", []), strict=False):
        assert_sig(got, want, digits, "statistic")
    if "statistics" in block:
        assert len(result.statistics) == len(block["statistics"])


def check_rules_1to4(result: ChartResult, block: dict[str, Any]) -> None:
    found = by_rule(result)
    for rule, indices in block["by_rule"].items():
        assert found.get(rule, []) == indices, f"rule {rule}"
    assert per_point_rule(result) == block["per_point"]
    assert sorted({v.index for v in result.violations}) == block["flagged_points"]


def check_attribute_case(case: dict[str, Any]) -> None:
    params = case["params"]
    data = case["data"]
    rule_set = params.get("rule_set", "western-electric")

    def build(rules: list[int] | None) -> ChartResult:
        kwargs: dict[str, Any] = {
            "nsigmas": params["nsigmas"],
            "rule_set": rule_set,
            "rules": rules,
        }
        if case["chart"] == "p":
            return p_chart(data["nonconforming"], data["sizes"], **kwargs)
        return c_chart(data["counts"], **kwargs)

    published = build(params["rules"])
    expected = case["expected"]
    check_limits(published, expected, 7)
    assert list(published.beyond_limits) == expected["flagged_points"]
    flagged = {str(i): rule for i, rule in enumerate(per_point_rule(published), 1) if rule}
    assert flagged == {k: v for k, v in expected["flagged_rule"].items()}

    full = build([1, 2, 3, 4])
    check_limits(full, case["expected_full_precision"], 10)
    check_rules_1to4(full, case["expected_rules_1to4"])


def check_xbar_r_case(case: dict[str, Any]) -> None:
    data = case["data"]
    nsigmas = case["params"]["nsigmas"]
    assert case["params"]["subgroup_size"] == 5
    phase2 = Phase2(data["phase2_subgroups"])
    expected = case["expected"]
    full = case["expected_full_precision"]

    chart = xbar_r_chart(data["phase1_subgroups"], phase2=phase2, nsigmas=nsigmas)
    assert chart.phase1_points == 25
    assert len(chart.statistics) == 40
    check_limits(chart, expected["xbar"], 7)
    check_limits(chart, full["xbar"], 10)
    check_rules_1to4(chart, full["xbar_rules_1to4"])
    flagged = {str(i): rule for i, rule in enumerate(per_point_rule(chart), 1) if rule}
    assert flagged == expected["xbar"]["flagged_points_rules_1to4_WE"]

    rules_1_4 = xbar_r_chart(data["phase1_subgroups"], phase2=phase2, rules=[1, 4])
    assert (
        sorted({v.index for v in rules_1_4.violations})
        == expected["xbar"]["flagged_points_rules_1_4"]
    )

    r_chart = chart.dispersion
    assert r_chart is not None
    check_limits(r_chart, expected["R"], 7)
    check_limits(r_chart, full["R"], 10)
    assert list(r_chart.beyond_limits) == expected["R"]["flagged_points"]
    check_rules_1to4(r_chart, full["R_rules_1to4"])

    two = xbar_r_chart(data["phase1_subgroups"], nsigmas=2)
    assert_sig(two.lcl[0], expected["xbar_nsigmas2_phase1"]["LCL"], 7, "LCL")
    assert_sig(two.ucl[0], expected["xbar_nsigmas2_phase1"]["UCL"], 7, "UCL")
    assert_sig(two.lcl[0], full["xbar_nsigmas2"]["LCL"], 8, "LCL")
    assert_sig(two.ucl[0], full["xbar_nsigmas2"]["UCL"], 8, "UCL")
    assert list(two.beyond_limits) == expected["xbar_nsigmas2_phase1"]["beyond_limits"]


# places printed in the reference table, trailing zeros trimmed
PLACES = {"d2_exact": 6, "d2_qcc": 3, "d3": 7, "c4": 6}
FIELD = {"d2_exact": "d2"}


def check_constants_case(case: dict[str, Any]) -> None:
    rows = case["expected"]["table"]
    assert [row["n"] for row in rows] == case["data"]["n"] == list(TABLE)
    for row in rows:
        ours = TABLE[row["n"]]
        for name, printed in row.items():
            if name == "n":
                continue
            places = PLACES.get(name, 4)
            actual = getattr(ours, FIELD.get(name, name))
            assert abs(actual - printed) <= 0.5 * 10**-places * (1 + 1e-9), (row["n"], name, actual)


CHECKS = {
    "p": check_attribute_case,
    "c": check_attribute_case,
    "xbar+R": check_xbar_r_case,
    "constants": check_constants_case,
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"] if c else "missing-file")
def test_reference_case(case: dict[str, Any] | None) -> None:
    if case is None:
        pytest.fail(f"reference file missing: {REFERENCE}")
    assert case["chart"] in CHECKS, f"no check for chart type {case['chart']!r}: add one"
    CHECKS[case["chart"]](case)


def test_reference_file_has_cases() -> None:
    assert REFERENCE.is_file(), f"reference file missing: {REFERENCE}"
    assert len(CASES) >= 4
