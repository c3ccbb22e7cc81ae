"""What a build is asked to do: the options every command passes down, and the build's clock.

Kept apart from the pipeline and importing nothing heavy, so that ``python build.py`` can tell
that nothing changed (``civicpress.rebuild.state``) before it loads the template engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from civicpress.errors import Finding

PUBLIC, INTERNAL = "public", "internal"
EDITIONS = (PUBLIC, INTERNAL)


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path
    drafts: bool = False
    strict: bool = False
    now: datetime | None = None  # what counts as "now" for future and expired pages
    edition: str = PUBLIC  # "internal": internal pages and private names shown, no privacy scan
    workers: int = 0  # processes rendering the pages; 0: one per core (at most 4)
    print_only: bool = False  # only the exchange materials: output/print/ is replaced, the rest kept
    cache: bool = True  # reuse what the previous build made (.civicpress-cache/); False: make everything

    def signature(self) -> tuple[object, ...]:
        """The options that change what is built (not how fast, or when)."""
        # The folder's own symbolic link is not resolved: a build switches it (rebuild.state.folder_key).
        absolute = Path(os.path.abspath(self.out_dir))
        return (self.drafts, self.edition, (absolute.parent.resolve() / absolute.name).as_posix())


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    bytes: int
    seconds: float
    warnings: tuple[Finding, ...] = field(default=())
    awaiting_review: tuple[str, ...] = ()
    held_back: tuple[str, ...] = ()  # pages the public edition left out until they are approved
    drafts_left_out: tuple[str, ...] = ()  # drafts (draft: true, status: 草稿) a build without --drafts left out
    rendered: int = 0  # output files made this time (the others were kept from the previous build)
    written: int = 0  # files whose bytes changed
    unchanged: bool = False  # nothing changed since the previous build: nothing was done


def clock(environ: dict[str, str] | None = None) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the wall clock.

    Used only to decide what is published (future and expired pages), never written out.
    """
    environ = dict(os.environ) if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)
