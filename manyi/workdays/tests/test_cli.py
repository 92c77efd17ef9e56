"""``manyi workdays`` through main() and once as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from manyi.workdays.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_add(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add", "2025-09-30", "1") == (0, "2025-10-09\n", "")
    assert run(capsys, "add", "2025-10-09", "-1") == (0, "2025-09-30\n", "")
    assert run(capsys, "add", "2025-09-26", "1") == (0, "2025-09-28\n", "")


def test_between(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "between", "2025-09-26", "2025-10-12") == (0, "6\n", "")
    assert run(capsys, "between", "2025-10-12", "2025-09-26") == (0, "-6\n", "")


def test_calendar_and_closures(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--calendar", "US", "add", "2025-07-03", "1") == (0, "2025-07-07\n", "")
    status, out, _ = run(
        capsys, "--closure", "2025-10-09", "--closure", "2025-10-10", "add", "2025-09-30", "1"
    )
    assert (status, out) == (0, "2025-10-11\n")
    assert run(capsys, "--workday", "2025-10-12", "add", "2025-10-11", "1")[1] == "2025-10-12\n"


def test_uncovered_year_warns_and_still_answers(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "add", "2030-09-30", "1")
    assert (status, out) == (0, "2030-10-01\n")
    assert "警告：2030 年不在法定节假日数据范围内，仅按周末和公司停工日计算" in err
    assert "warning: 2030 is not covered by the statutory calendar data" in err
    status, out, err = run(capsys, "between", "2029-12-31", "2031-01-01")
    assert status == 0
    assert out == "262\n"
    assert err.count("警告") == 3


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["add", "2025-13-01", "1"], "argument DATE"),
        (["add", "yesterday", "1"], "argument DATE"),
        (["add", "2025-10-01", "x"], "argument N"),
        (["add", "2025-10-01", "1.5"], "argument N"),
        (["between", "2025-10-01", "2025/10/09"], "argument DATE2"),
        (["--calendar", "XX", "add", "2025-10-01", "1"], "argument --calendar"),
        (["--closure", "2025-02-30", "add", "2025-10-01", "1"], "argument --closure"),
        (["add", "2025-10-01"], "N"),
        (["frobnicate"], "COMMAND"),
        ([], "COMMAND"),
        (["add", "9999-12-30", "5"], "argument N"),
    ],
)
def test_bad_input_exits_2_naming_the_argument(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert named in err
    assert "Traceback" not in err


def test_unknown_calendar_names_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "--calendar", "XX", "add", "2025-10-01", "1")
    assert "'XX'" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "manyi workdays" in capsys.readouterr().out


def test_python_dash_m() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    ok = subprocess.run(
        [sys.executable, "-m", "manyi.workdays", "add", "2030-09-30", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    assert (ok.returncode, ok.stdout) == (0, "2030-10-01\n")
    assert "warning: 2030" in ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "manyi.workdays", "add", "not-a-date", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    assert bad.returncode == 2
    assert "argument DATE" in bad.stderr
    assert "Traceback" not in bad.stderr
