"""The one "nothing changed" shortcut, asked by the command line before it loads anything else.

It compares file times and sizes with the previous build's manifest (``rebuild.state``);
when nothing that build depended on changed, its result stands and no other module is imported.
"""

from __future__ import annotations

import time

from civicpress.options import BuildOptions, BuildResult, clock
from civicpress.rebuild.state import unchanged_result


def unchanged_build(options: BuildOptions) -> BuildResult | None:
    """The previous build's result when no input changed since; None when a build must run."""
    started = time.perf_counter()
    if options.print_only or not options.cache or not options.out_dir.parent.exists():
        return None
    now = options.now or clock()
    done = unchanged_result(options.site_dir, options.out_dir, options.edition, options.signature(), now.timestamp())
    if done is None or (options.strict and done.warnings):
        return None
    return BuildResult(done.pages, done.files, done.bytes, time.perf_counter() - started, done.warnings,
                       held_back=done.held_back, drafts_left_out=done.drafts, unchanged=True)
