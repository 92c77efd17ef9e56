"""`python -m manyi.bench [name ...]` runs the benchmarks and prints their figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import manyi.bench


def main(argv: list[str]) -> int:
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules(manyi.bench.__path__) if not m.name.startswith("_")
    )
    for name in names:
        module = importlib.import_module(f"manyi.bench.{name}")
        print(f"== bench {name} ==", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
