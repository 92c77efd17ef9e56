"""`manyi import` / `manyi export`: exit status, report lines, options."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from manyi.customers.models import Customer

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = "code,name,branch_office,business_unit\nC1,好,BO-SH,BU-PWR\nC2,坏,BO-XX,BU-PWR\n"


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_bad_file_exits_1_lists_the_rows_and_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", "customers", str(path), stdout=out, stderr=StringIO())
    assert exc.value.returncode == 1
    text = out.getvalue()
    assert "row 3, column 办事处 (branch_office): unknown branch office code BO-XX" in text
    assert "0 created, 0 updated, 0 unchanged, 1 bad rows — nothing was imported" in text
    assert not Customer.objects.exists()


def test_skip_bad_rows_exits_0_and_still_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    out, _err = run("import", "customers", str(path), "--skip-bad-rows")
    assert "row 3, column 办事处 (branch_office)" in out
    assert "1 created, 0 updated, 0 unchanged, 1 bad rows" in out
    assert list(Customer.objects.values_list("code", flat=True)) == ["C1"]


def test_user_option_and_permission(make_user: Any, tmp_path: Path) -> None:
    make_user("sales_clerk", department="BO-SH", username="clerk")
    make_user("branch_manager", department="BO-SH", username="boss-sh")
    path = tmp_path / "c.csv"
    path.write_text("code,name,branch_office,business_unit\nC1,好,BO-SH,BU-PWR\n", "utf-8")
    with pytest.raises(CommandError, match="not allowed"):
        run("import", "customers", str(path), "--user", "clerk")
    with pytest.raises(CommandError, match="No active user"):
        run("import", "customers", str(path), "--user", "nobody")
    run("import", "customers", str(path), "--user", "boss-sh")
    creator = Customer.objects.get().created_by
    assert creator is not None and creator.username == "boss-sh"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run("import", "orders", str(tmp_path / "nope.csv"))


def test_export_formats_languages_and_scope(
    make_customer: Any, make_user: Any, tmp_path: Path
) -> None:
    make_customer("BO-SH", code="SH1")
    make_customer("BO-GZ", "BU-CTL", code="GZ1")
    make_user("sales_clerk", department="BO-SH", username="clerk")

    out, _err = run("export", "customers", str(tmp_path / "all.data"), "--format", "csv")
    assert "all.data" in out
    text = (tmp_path / "all.data").read_text(encoding="utf-8-sig")
    assert text.startswith("客户编码,") and "SH1" in text and "GZ1" in text

    run("export", "customers", str(tmp_path / "en.csv"), "--lang", "en", "--user", "clerk")
    text = (tmp_path / "en.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("code,name,kind,") and "SH1" in text and "GZ1" not in text

    with pytest.raises(CommandError, match="Unsupported file type"):
        run("export", "customers", str(tmp_path / "x.pdf"))


def test_real_subprocess_exit_status(tmp_path: Path) -> None:
    """The console entry point (python -m manyi.cli) on its own database."""
    env = {**os.environ, "MANYI_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "manyi.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD_AND_BAD, encoding="utf-8")

    result = subprocess.run(
        [*cli, "import", "customers", str(bad)], env=env, capture_output=True, text=True,
        timeout=120,
    )

    assert result.returncode == 1, result.stderr
    assert "BO-XX" in result.stdout and "branch_office" in result.stdout

    result = subprocess.run(
        [*cli, "import", "customers", str(bad), "--skip-bad-rows"], env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "BO-XX" in result.stdout
