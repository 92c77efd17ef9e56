"""Import benchmark: 100 000 customer rows (.csv) into a fresh SQLite database through the
CLI (`manyi import customers`), then the round trip (export, re-import: all unchanged)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
OFFICES = ["BO-SH", "BO-HZ", "BO-NJ", "BO-GZ", "BO-SZ", "BO-BJ", "BO-TJ", "BO-CD", "BO-XA"]
REGIONS = {"BO-SH": "R-EAST", "BO-HZ": "R-EAST", "BO-NJ": "R-EAST", "BO-GZ": "R-SOUTH",
           "BO-SZ": "R-SOUTH", "BO-BJ": "R-NORTH", "BO-TJ": "R-NORTH", "BO-CD": "R-WEST",
           "BO-XA": "R-WEST"}
UNITS = ["BU-PWR", "BU-CTL", "BU-SVC"]


def write_csv(path: Path, rows: int) -> None:
    from manyi.common import spreadsheets

    def lines() -> Iterator[list[str]]:
        yield ["code", "name", "branch_office", "business_unit", "region", "level",
               "customer_class", "key_account", "annual_revenue", "status"]
        for i in range(rows):
            office = OFFICES[i % len(OFFICES)]
            yield [f"B{i:07d}", f"基准测试客户{i}有限公司", office, UNITS[i % 3],
                   REGIONS[office], ("provincial", "city", "other")[i % 3],
                   "ABC"[i % 3], "否" if i % 17 else "是", f"{(i % 977) * 1000}.00", "active"]

    spreadsheets.write_csv(path, lines())


def run(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "manyi.cli", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="manyi-bench-import-") as tmp:
        env = {**os.environ, "MANYI_VAR_DIR": tmp, "DEBUG": "false"}
        env.pop("DATABASE_URL", None)
        source = Path(tmp) / "customers.csv"
        write_csv(source, ROWS)
        run(env, "migrate", "--noinput")
        first = run(env, "import", "customers", str(source))
        exported = Path(tmp) / "export.csv"
        export = run(env, "export", "customers", str(exported))
        again = run(env, "import", "customers", str(exported))
        print(f"import {ROWS} customers (.csv, fresh SQLite): {first:.1f} s "
              f"({ROWS / first:,.0f} rows/s)")
        print(f"export {ROWS} customers (.csv): {export:.1f} s")
        print(f"re-import of the export (all unchanged): {again:.1f} s")


if __name__ == "__main__":
    main()
