"""The ``manyi stats`` command-line contract: JSON in, JSON out, exit 2 on bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from manyi.stats.cli import main
from manyi.stats.tests.test_reference_spc import CASES

REPO_ROOT = Path(__file__).resolve().parents[3]


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], payload: Any
) -> tuple[int, Any, str]:
    """Call main() with the payload in a file; return (status, parsed stdout, stderr)."""
    path = tmp_path / "input.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    status = main([*args, "--input", str(path)])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out else None), err


def ok(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], payload: Any) -> Any:
    status, out, err = run(tmp_path, capsys, args, payload)
    assert (status, err) == (0, "")
    return out


def bad(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], payload: Any) -> str:
    status, out, err = run(tmp_path, capsys, args, payload)
    assert status == 2
    assert out is None
    assert err.endswith("\n") and err.count("\n") == 1, err  # one line
    assert "Traceback" not in err
    return err


# --- score ---------------------------------------------------------------------------


def test_score_level_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = [5] * 10 + [4] * 5 + [3] * 6 + [2] * 3 + [1] + [None, None]
    out = ok(tmp_path, capsys, ["score", "--method", "level-points"], {"answers": answers})
    assert out == {"answered": 25, "points": 190, "degree": 76, "rate": 84}


def test_score_rate_loyalty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scores = [95, 92, 88, 85, 81, 80, 79, 70, 91, 60]
    out = ok(tmp_path, capsys, ["score", "--method", "rate-loyalty"], {"scores": scores})
    assert out == {"customers": 10, "rate": 60, "loyalty": 50}
    out = ok(
        tmp_path,
        capsys,
        ["score", "--method", "rate-loyalty"],
        {"scores": scores, "rate_above": 90, "loyalty_above": 94},
    )
    assert out == {"customers": 10, "rate": 30, "loyalty": 100 / 3}


def test_score_top2box_ka(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def answers(sat: int, total: int) -> list[int | None]:
        return [4] * sat + [3] * (total - sat) + [None]

    payload = {
        "customers": [
            {"id": "X", "key_account": True, "answers": answers(30, 40)},
            {"id": "Y", "key_account": False, "answers": answers(10, 20)},
            {"id": "Z", "answers": answers(9, 10)},
        ],
        "ka_weight": 2,
    }
    out = ok(tmp_path, capsys, ["score", "--method", "top2box-ka"], payload)
    assert out == {
        "score": 72.5,
        "customers": [
            {"id": "X", "ratio": 0.75, "weight": 2},
            {"id": "Y", "ratio": 0.5, "weight": 1},
            {"id": "Z", "ratio": 0.9, "weight": 1},
        ],
    }


def test_score_blend_prints_79_6(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"self": 85, "survey": 76, "self_weight": 0.4}')
    assert main(["score", "--method", "blend", "--input", str(path)]) == 0
    assert capsys.readouterr().out == '{"overall": 79.6}\n'


def test_score_item_average(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = {"maxima": [40, 30, 30], "forms": [[36, 27, 24], [30, 21, 27], [40, 30, 30]]}
    out = ok(tmp_path, capsys, ["score", "--method", "item-average"], payload)
    assert [round(x, 2) for x in out["item_averages"]] == [35.33, 26, 27]
    assert round(out["overall"], 2) == 88.33
    assert out["form_totals"] == [87, 78, 100]
    assert round(out["item_percent"][0], 1) == 88.3


def test_score_grade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(tmp_path, capsys, ["score", "--method", "grade"], {"score": 87})
    assert out == {"grade": "fairly-satisfied", "label": "较满意"}
    bands = [[90, "excellent"], [70, "good", "良"], [0, "unsatisfied"]]
    out = ok(tmp_path, capsys, ["score", "--method", "grade"], {"score": 87, "bands": bands})
    assert out == {"grade": "good", "label": "良"}


# --- spc -----------------------------------------------------------------------------


def test_spc_p_chart_reference_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in CASES if c and c["chart"] == "p")
    payload = {
        "chart": "p",
        "data": case["data"]["nonconforming"],
        "sizes": case["data"]["sizes"],
        "rules": "western-electric",
    }
    out = ok(tmp_path, capsys, ["spc"], payload)
    assert set(out) == {
        "statistics",
        "center",
        "sigma",
        "lcl",
        "ucl",
        "beyond_limits",
        "violations",
    }
    assert out["center"] == pytest.approx(347 / 1500)
    assert out["beyond_limits"] == [15, 23]
    assert {"index": 24, "rule": "WE3"} in out["violations"]
    assert len(out["lcl"]) == len(out["ucl"]) == 30
    nelson = ok(tmp_path, capsys, ["spc"], {**payload, "rules": "nelson"})
    assert {v["rule"] for v in nelson["violations"]} <= {f"N{i}" for i in range(1, 9)}
    assert {"index": 15, "rule": "N1"} in nelson["violations"]


def test_spc_xbar_r_with_phase2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in CASES if c and c["chart"] == "xbar+R")
    payload = {
        "chart": "xbar-r",
        "data": case["data"]["phase1_subgroups"],
        "phase2": {"data": case["data"]["phase2_subgroups"]},
    }
    out = ok(tmp_path, capsys, ["spc"], payload)
    assert len(out["statistics"]) == 40
    assert out["beyond_limits"] == [37, 38, 39]
    assert out["dispersion"]["center"] == pytest.approx(0.02276)
    assert out["dispersion"]["lcl"][0] == 0


def test_spc_np_unequal_sizes_center_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(tmp_path, capsys, ["spc"], {"chart": "np", "data": [5, 9], "sizes": [100, 200]})
    assert out["center"] == pytest.approx([100 * 14 / 300, 200 * 14 / 300])


def test_spc_u_fractional_sizes_and_xmr_standards(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(tmp_path, capsys, ["spc"], {"chart": "u", "data": [3, 4], "sizes": [1.5, 2.5]})
    assert out["center"] == pytest.approx(7 / 4)
    out = ok(
        tmp_path,
        capsys,
        ["spc"],
        {"chart": "xmr", "data": [0.1, 0.2, 3.5], "center": 0, "sigma": 1, "rules": "nelson"},
    )
    assert out["ucl"] == [3, 3, 3]
    assert out["beyond_limits"] == [3]
    assert len(out["dispersion"]["statistics"]) == 2


def test_spc_xbar_s_and_c(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(tmp_path, capsys, ["spc"], {"chart": "xbar-s", "data": [[1, 2, 3], [2, 3, 4]]})
    assert out["center"] == 2.5
    assert out["dispersion"]["statistics"] == [1, 1]
    out = ok(tmp_path, capsys, ["spc"], {"chart": "c", "data": [4, 9, 5]})
    assert out["sigma"] == pytest.approx(6**0.5)


# --- pareto, proportion-ci, stdin ----------------------------------------------------


def test_pareto(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(tmp_path, capsys, ["pareto"], {"categories": ["a", "b", "c"], "counts": [5, 94, 1]})
    assert out["rows"][0] == {"category": "b", "count": 94, "percent": 94, "cum_percent": 94}
    assert out["rows"][-1]["cum_percent"] == 100
    assert out["vital_few"] == ["b"]


def test_proportion_ci(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = {"successes": 81, "trials": 263, "method": "wilson", "confidence": 0.95}
    out = ok(tmp_path, capsys, ["proportion-ci"], payload)
    assert out["estimate"] == 81 / 263
    assert (round(out["low"], 4), round(out["high"], 4)) == (0.2553, 0.3662)


def test_proportion_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = {"successes1": 60, "trials1": 100, "successes2": 75, "trials2": 100}
    out = ok(tmp_path, capsys, ["proportion-test"], payload)
    assert out["significant"] is True


def test_stdin_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"self": 80, "survey": 90}'))
    assert main(["score", "--method", "blend", "--input", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == {"overall": 86.0}


# --- bad input: one line naming the field, exit 2 ------------------------------------

LP = ["score", "--method", "level-points"]
P_OK = {"chart": "p", "data": [1, 2], "sizes": [10, 10]}


@pytest.mark.parametrize(
    ("args", "payload", "field"),
    [
        (LP, "{not json", "invalid JSON"),
        (LP, "[1, 2]", "input: must be a JSON object"),
        (LP, {}, "answers: required"),
        (LP, {"answers": "5,4"}, "answers: must be a list"),
        (LP, {"answers": [5, "4"]}, "answers[1]: must be a number"),
        (LP, {"answers": [5, 7]}, "answers[1]: must be 1..5"),
        (LP, {"answers": [5], "points": [1, 2, 3]}, "points: must give 5 values"),
        (LP, {"answers": [5], "extra": 1}, "extra: unknown field"),
        (
            ["score", "--method", "blend"],
            {"self": 85, "survey": 76, "self_weight": 2},
            "self_weight",
        ),
        (
            ["score", "--method", "rate-loyalty"],
            {"scores": [90, None]},
            "scores[1]: must be a number",
        ),
        (["score", "--method", "top2box-ka"], {"customers": [{"id": "X"}]}, "answers: required"),
        (
            ["score", "--method", "top2box-ka"],
            {"customers": [1]},
            "customers[0]: must be an object",
        ),
        (["score", "--method", "item-average"], {"maxima": [10], "forms": [[11]]}, "forms[0][0]"),
        (["score", "--method", "grade"], {"score": "high"}, "score: must be a number"),
        (["score", "--method", "grade"], {"score": 50, "bands": [[50]]}, "bands[0]"),
        (["spc"], {**P_OK, "chart": "xyz"}, "chart: unknown chart"),
        (["spc"], {**P_OK, "rules": "iso"}, "rules: unknown rule set"),
        (["spc"], {"chart": "p", "data": [1, 2]}, "sizes: required"),
        (["spc"], {"chart": "u", "data": [1, 2]}, "sizes: required"),
        (["spc"], {**P_OK, "sizes": [10]}, "sizes: has 1 values but data has 2"),
        (["spc"], {**P_OK, "data": [1, -2]}, "data[1]: must not be negative"),
        (["spc"], {**P_OK, "data": [1, 12]}, "data[1]: 12 nonconforming exceeds the sample size"),
        (["spc"], {**P_OK, "data": [1, 2.5]}, "data[1]: must be a whole number"),
        (["spc"], {**P_OK, "data": [1, True]}, "data[1]: must be a number"),
        (["spc"], {**P_OK, "sizes": [10, 0]}, "sizes[1]: must be greater than 0"),
        (["spc"], {**P_OK, "sigma": 0.1}, "sigma: not used by a p chart"),
        (["spc"], {**P_OK, "center": 1.5}, "center: must be between 0 and 1"),
        (["spc"], {**P_OK, "phase2": {"data": [1]}}, "phase2.sizes: required"),
        (["spc"], {**P_OK, "phase2": {"data": [1], "sizes": [1, 2]}}, "phase2.sizes: has 2"),
        (["spc"], {"chart": "xbar-r", "data": [[1, 2], [3]]}, "data[1]: subgroup size must be"),
        (["spc"], {"chart": "xbar-r", "data": [1, 2]}, "data[0]: each subgroup must be a list"),
        (["spc"], {"chart": "xbar-s", "data": [[1, 2]], "sizes": [2]}, "sizes: not used"),
        (["spc"], {"chart": "xmr", "data": []}, "data: needs at least 1"),
        (["spc"], {"chart": "xmr", "data": [1, 2], "nsigmas": -1}, "nsigmas: must be greater"),
        (["spc"], {"chart": "c", "data": [1, 2], "rule_numbers": [9]}, "rule_numbers"),
        (["spc"], {"chart": "p"}, "data: required"),
        (["pareto"], {"categories": ["a", "b"], "counts": [1]}, "counts: has 1 values"),
        (["pareto"], {"categories": ["a"], "counts": [-1]}, "counts[0]: must not be negative"),
        (["pareto"], {"categories": ["a"], "counts": [0]}, "counts: the total is 0"),
        (["proportion-ci"], {"successes": 5, "trials": 4}, "successes: 5 exceeds trials 4"),
        (["proportion-ci"], {"successes": 1, "trials": 4, "method": "exact"}, "method: unknown"),
        (["proportion-ci"], {"successes": 1, "trials": 4, "confidence": 1}, "confidence"),
        (["proportion-ci"], {"successes": -1, "trials": 4}, "successes: must not be negative"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], payload: Any, field: str
) -> None:
    err = bad(tmp_path, capsys, args, payload)
    assert err.startswith("manyi stats: error: ")
    assert field in err


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "--method", "nonsense", "--input", "x.json"],
        ["score", "--input", "x.json"],
        ["spc"],
        ["frobnicate", "--input", "x.json"],
        [],
    ],
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("manyi stats: error: ")


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pareto", "--input", str(tmp_path / "nope.json")]) == 2
    assert "input: cannot read" in capsys.readouterr().err


def test_python_dash_m(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"self": 85, "survey": 76, "self_weight": 0.4}')
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "manyi.stats", "score", "--method", "blend", "--input", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert (done.returncode, json.loads(done.stdout), done.stderr) == (0, {"overall": 79.6}, "")
    path.write_text('{"self": 85}')
    done = subprocess.run(
        [sys.executable, "-m", "manyi.stats", "score", "--method", "blend", "--input", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "manyi stats: error: survey: required\n"
