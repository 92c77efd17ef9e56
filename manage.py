#!/usr/bin/env python
"""Django's command-line utility (the `manyi` console script does the same and more)."""

import sys

from manyi.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
