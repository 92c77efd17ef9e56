"""The `manyi` console script.

`manyi stats …` and `manyi workdays …` run the pure core directly (no database needed);
everything else is a Django management command (`manyi migrate`, `manyi import customers
PATH`, `manyi export orders PATH`, `manyi demo`, `manyi serve`, …).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

PURE_COMMANDS: dict[str, str] = {
    "stats": "manyi.stats.cli",
    "workdays": "manyi.workdays.cli",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in PURE_COMMANDS:
        import importlib

        module = importlib.import_module(PURE_COMMANDS[args[0]])
        entry: Callable[[list[str]], int] = module.main
        return entry(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manyi.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manyi", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
