"""``python -m manyi.stats …`` — the same as ``manyi stats …``."""

import sys

from manyi.stats.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
