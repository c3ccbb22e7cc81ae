"""``python -m civicpress``: the same command line as ``python build.py`` and ``civicpress``."""

import sys

from civicpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
