"""Builds of one site by one long-running process (``serve``): what was read stays in memory.

The pipeline builds what it is given; this session gives it what the builds before kept
(``pipeline.Reuse``): unchanged files are not read again (``ReadMemo``), unchanged pages not
assembled again (``PageMemo``), compiled templates and the link check's memory are kept, and
the previous build's state is at hand. What the browser does not wait for (the search index,
saving the state for the next ``build.py``) is left to ``after()``, which may run on another
thread while the next build goes on: a build makes the work of the builds before it
unnecessary, and only the newest build's state is saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from civicpress.checks.links import LinkCheck
from civicpress.checks.protocol import Check
from civicpress.options import BuildOptions, BuildResult
from civicpress.pipeline import Preview, Reuse, build_preview
from civicpress.progress import Progress
from civicpress.publish import (
    PublishFailed,
    PublishReport,
    Staging,
    check_out_dir,
    discard_ready,
    make_ready,
    recover,
)
from civicpress.rebuild.keys import KeyMemo
from civicpress.rebuild.links import LinkMemory
from civicpress.rebuild.memos import PageMemo, ReadMemo
from civicpress.rebuild.state import BuildState, out_stamp, tree_stats, write_state
from civicpress.sitefolder import TEMPLATES_DIR
from civicpress.templating import Renderer


class BuildSession:
    """The builds of ``serve``: one at a time (``lock``), each reusing what the ones before kept."""

    def __init__(self) -> None:
        self.reads = ReadMemo()
        self.pages = PageMemo()
        self.keys = KeyMemo()
        self._lasting: dict[tuple[str, str], Check[Any]] = {}  # checks with a memory, by name and settings
        self._renderers: dict[Path, tuple[bytes, Renderer]] = {}
        self.state: BuildState | None = None  # the last build's, its index as far as it is made
        self.lock = threading.Lock()  # a build, or the commit of after()'s work, at a time
        self.generation = 0  # builds started
        self.recovered = False  # what a killed process left beside the output folder: cleaned up once
        self.ready: tuple[int, frozenset[str]] | None = None  # a copy of the live tree, made after that build
        self._pending: Callable[[], None] | None = None

    def build(self, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
        with self.lock:
            self.generation += 1
            self._pending = None  # this build's own after-work will cover it
            if not self.recovered:  # later, this session's own index work may be under way beside it
                check_out_dir(options.out_dir, options.site_dir)
                recover(options.out_dir)
                self.recovered = True
            try:
                preview = build_preview(options, self._reuse(), progress)
            except PublishFailed:
                self.state = None  # what is live is uncertain: the next build trusts only the saved state
                raise
            self.state = preview.state("")  # the index as it is; after() brings it up to date
            generation = self.generation
            self._pending = lambda: self._finish(generation, preview, options)
            return preview.result

    def _reuse(self) -> Reuse:
        return Reuse(self.reads.read_content, self.pages.make_page, self.renderer, self._lasting_check,
                     self.keys, self.state, self._take_ready(), index_later=True, trusts_output=True)

    def _lasting_check(self, check: Check[Any]) -> Check[Any]:
        """The link check with a memory that reads only what changed; other checks as they are."""
        if not isinstance(check, LinkCheck):
            return check
        return self._lasting.setdefault((check.name, repr(check)), LinkMemory(check))

    def renderer(self, site_dir: Path) -> Renderer:
        """One template environment while the site's templates/ is unchanged: compiled templates are kept.

        A template added, removed or edited gives a new environment (Jinja would keep using a
        theme template that a new file of the site now overrides).
        """
        stamp = tree_stats(site_dir / TEMPLATES_DIR, TEMPLATES_DIR)
        cached = self._renderers.get(site_dir)
        if cached is None or cached[0] != stamp:
            cached = self._renderers[site_dir] = (stamp, Renderer(site_dir))
        return cached[1]

    def close(self, out_dir: Path) -> None:
        """The preview stops: the copy made ready for a next build is removed (in the background)."""
        with self.lock:
            self.ready = None
            discard_ready(out_dir)

    def _take_ready(self) -> frozenset[str]:
        """The files of the copy of the live tree made after the last build, if nothing was published since."""
        ready, self.ready = self.ready, None
        return ready[1] if ready is not None and ready[0] == self.generation - 1 else frozenset()

    def after(self) -> None:
        """Finish the last build: its search index and its saved state (the browser has reloaded)."""
        work, self._pending = self._pending, None
        if work is not None:
            work()

    def _finish(self, generation: int, preview: Preview, options: BuildOptions) -> None:
        """After the reload: index the changed shards, then (if no newer build came) publish the index
        as the build did its pages, save the state, and make the next build's tree ready."""
        output = preview.output
        published: Staging = output.out
        try:
            patch = output.index_later()  # Pagefind, while the server may already be building again
        except OSError:
            with self.lock:
                if self.generation != generation:  # a newer build replaced the pages being read
                    return
            raise
        with self.lock:  # no build publishes meanwhile
            if self.generation != generation:  # a newer build's after-work covers this one
                if patch is not None:
                    patch.abort()
                published.discard()
                return
            done: list[BuildState] = []

            def save(tree: Path, report: PublishReport) -> None:
                done.append(preview.state(out_stamp(tree)))
                write_state(options.site_dir, options.out_dir, options.edition, done[0])

            if patch is not None:
                published.discard()
                try:
                    patch.commit(save, discard=False)
                except PublishFailed:
                    self.state = None
                    raise
                patch.replaced_as_ready()  # the pages as they are live, but the changed shards
            else:
                save(options.out_dir, PublishReport(0, 0))
                published.replaced_as_ready()
            self.state = done[0]
        self._make_ready(generation, options.out_dir, [*done[0].outputs, *done[0].extra])

    def _make_ready(self, generation: int, out_dir: Path, files: list[str]) -> None:
        """Between saves: the next build's tree made ready, so that the editor does not wait for it."""
        try:
            ready = make_ready(out_dir, files)
        except OSError:  # a build published meanwhile: it is not used
            return
        with self.lock:
            if self.generation == generation:
                self.ready = (generation, ready)
