#!/usr/bin/env python3
"""The importer's score on tests/import_corpus/: documents fully clean, must-keep and must-remove
checks passed, and the precision and recall of the lines it removed as site chrome.

    PYTHONPATH=$PWD python bench/import_corpus.py [--failures]

Figures are given for the reports the thresholds were tuned on, the held-out ones (the last set
added, marked held_out: never tuned on), each earlier held-out set (measured once before it joined
the reports tuned on) and the whole corpus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus_score import figures, load, score

# The held-out sets in the order they were added; each was measured once before being tuned on.
HELD_OUT_SETS = {"81–90": range(81, 91), "91–100": range(91, 101), "101–110": range(101, 111),
                 "111–120": range(111, 121), "121–138": range(121, 139),
                 "139–153": range(139, 154), "154–172": range(154, 173),
                 "173–188": range(173, 189)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true",
                        help="list what each document tuned on got wrong (never the held-out ones)")
    args = parser.parse_args()
    results = [score(expectation) for expectation in load()]
    if args.failures:
        for result in results:
            if result.expectation.held_out:
                continue  # looking at them would be tuning on them
            for failure in result.failures:
                print(f"{result.expectation.name}: {failure}")
    tuning = [r for r in results if not r.expectation.held_out]
    held_out = [r for r in results if r.expectation.held_out]
    print(figures(tuning).line("tuned on"))
    print(figures(held_out).line("held out"))
    print(figures(results).line("all"))
    for label, numbers in HELD_OUT_SETS.items():
        print(figures([r for r in results if r.expectation.number in numbers]).line(f"set {label}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
