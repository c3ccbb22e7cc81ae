#!/usr/bin/env python3
"""civicpress: build the site. `python build.py -h` lists the commands."""

import sys

from civicpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
