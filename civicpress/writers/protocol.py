"""What a writer is: the one shape every output of the site has (pages, feed, search, print…).

A writer turns the site into files and writes nothing itself: it yields ``OutputFile`` values,
and the pipeline checks, stages and publishes them (civicpress.outputs, civicpress.publish).
The writers of a build are the registry (civicpress.writers.registry), run in its order; adding
an output is one module with one class and one line there.

A writer declares what the rebuild machinery needs to know of its files:

whether it tracks what its files are made from (``OutputFile.reads`` set, ``BuildInputs.wanted``
obeyed): an incremental build then keeps the files whose key did not change (civicpress.rebuild.keys).
The files of a writer that does not track are made again by every build and written only where
their bytes changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from civicpress.errors import Findings
from civicpress.images import ImageInfo
from civicpress.markup import MarkdownRenderer
from civicpress.model import OutputFile, Site
from civicpress.options import PUBLIC
from civicpress.printing import PrintJob
from civicpress.rebuild.memos import MarkdownCache
from civicpress.templating import Renderer

# Which outputs to make (by output path); the others are kept from the previous build.
Wanted = Callable[[str], bool]

SITEMAP_PATH = "sitemap.xml"


@dataclass(frozen=True)
class BuildInputs:
    """What every writer may read: the loaded site and what this build brings along."""

    site: Site
    site_dir: Path
    renderer: Renderer
    markdown: MarkdownRenderer
    print_jobs: tuple[PrintJob, ...] = ()
    search: bool = False  # a search indexer is installed: the search page offers search
    workers: int = 1  # processes the pages may be rendered by
    wanted: Wanted | None = None  # None: make every output
    # Run on each page in the worker process that rendered it (the output loop checks and stages
    # it there, so that only a small record travels back); None: pages travel back whole.
    finish: Callable[[OutputFile], OutputFile] | None = None
    markdown_cache: MarkdownCache | None = None  # rendered Markdown of earlier builds, by content hash
    edition: str = PUBLIC

    def wants(self, path: str) -> bool:
        return self.wanted is None or self.wanted(path)


@dataclass
class Made:
    """What a writer made that a later writer of the same build reads (mutable, one per build).

    The static writer runs first and records the published images; the page writer sizes the
    ``<img>`` tags of the pages with them.
    """

    images: dict[str, ImageInfo] = field(default_factory=dict)  # output path -> size, srcset


class Writer(Protocol):
    """One kind of output."""

    @property
    def name(self) -> str:
        """A short English name for logs and the progress display ("pages", "feed"…)."""
        ...

    @property
    def tracks(self) -> bool:
        """Its files carry ``reads`` and it obeys ``wanted``: an incremental build may keep them."""
        ...

    def expected(self, inputs: BuildInputs) -> int:
        """About how many files it makes (for the progress display)."""
        ...

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        """Its files, in a stable order; errors go to ``findings``, warnings travel with the files."""
        ...
