"""``python -m manyi.workdays …`` — same as ``manyi workdays …``."""

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))
