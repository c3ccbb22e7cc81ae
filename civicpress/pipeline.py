"""The build, stage by stage: the only module that knows the order.

    nothing changed? (rebuild.unchanged) → load: config → content → site model → materials
      → output keys (rebuild.keys) → the writers of the registry, pages in worker processes:
        render, check, stage (outputs.OutputLoop) → search index shards (into the new tree)
      → every check judged over all files → save the state of the new tree
      → commit: the complete new tree (changed files written, the others hard-linked) made live in
        one step (publish.swap_in)

Every problem of every stage is collected; the build fails once, listing all of them, and
then nothing reaches the output folder. Warnings fail the build only with ``strict``.

What a build may take from the builds before it in the same process (``serve``) comes in a
``Reuse`` (civicpress.rebuild.session makes it); the command line's builds reuse only what the
saved state says.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from civicpress.checks.attachments import PassageCache
from civicpress.checks.external_links import Fetch, check_external, external_links
from civicpress.checks.personal_data import scan_sources
from civicpress.checks.protocol import Check
from civicpress.checks.registry import checks_for
from civicpress.config import load_config
from civicpress.content import Content, read_content
from civicpress.editions import Edition
from civicpress.errors import BuildFailed, Findings, SiteError
from civicpress.image_cache import ImageCache
from civicpress.markup import MarkdownRenderer
from civicpress.model import CheckedFile, OutputFile, Page, Site, assemble_site, make_page
from civicpress.options import BuildOptions, BuildResult, clock
from civicpress.outputs import OutputLoop, interned_checks
from civicpress.printing import PRINT_DIR, PrintJob, load_print_jobs
from civicpress.progress import CHECK, PUBLISH, READ, SEARCH, Progress
from civicpress.publish import INDEX, Patch, PublishReport, Staging, check_out_dir, recover
from civicpress.rebuild.keys import KeyMemo, OutputKeys
from civicpress.rebuild.memos import MarkdownCache
from civicpress.rebuild.state import (
    BuildState,
    Manifest,
    OutputRecord,
    forget_state,
    input_fingerprint,
    input_stats,
    out_stamp,
    read_state,
    write_state,
)
from civicpress.rebuild.unchanged import unchanged_build
from civicpress.sitefolder import CACHE_DIR
from civicpress.templating import Renderer
from civicpress.writers.print_files import PrintWriter
from civicpress.writers.protocol import BuildInputs
from civicpress.writers.registry import WRITERS
from civicpress.writers.search import UI_FILES, find_indexer, index_shards, plan_shards
from civicpress.writers.static_files import IMAGE_CACHE

log = logging.getLogger(__name__)

Arguments = ParamSpec("Arguments")
Result = TypeVar("Result")


@dataclass
class Reuse:
    """What a build may take from the builds before it in the same process: nothing, by default.

    ``serve``'s session (civicpress.rebuild.session) gives memos that read only changed files
    and remake only changed pages, its compiled templates, the link check with a memory, the
    previous state in memory, and a copy of the live tree made ready between saves.
    """

    read_content: Callable[[Path, Any, Findings], Content] = read_content
    make_page: Callable[..., Any] = make_page
    renderer: Callable[[Path], Renderer] = Renderer
    check: Callable[[Check[Any]], Check[Any]] = lambda check: check
    keys: KeyMemo | None = None
    state: BuildState | None = None
    ready: frozenset[str] = frozenset()
    index_later: bool = False  # the search index is made after the reload (SiteOutput.index_later)
    trusts_output: bool = False  # the output folder is only written by this process: no file was deleted by hand


@dataclass(frozen=True)
class LoadedSite:
    site: Site
    materials: tuple[PrintJob, ...]  # the exchange materials, laid out for print
    window: tuple[float, float]  # [from, until): the times at which the same pages are published


def load(options: BuildOptions, findings: Findings, reuse: Reuse | None = None) -> LoadedSite:
    """The site and its exchange materials, read and checked; raises BuildFailed if anything is wrong."""
    reuse = reuse or Reuse()
    config = load_config(options.site_dir)
    content = reuse.read_content(options.site_dir, config, findings)
    now = options.now or clock()
    edition = Edition.of(config, options.edition)
    site = assemble_site(config, content, findings, now=now, include_drafts=options.drafts, edition=edition,
                         make=reuse.make_page)
    materials = load_print_jobs(content.materials, site, edition, findings, options.site_dir)
    _stop_on_errors(findings, options.strict)
    return LoadedSite(site, materials, publication_window(content, now))


NEVER = 1e18  # a window's open end, as a POSIX timestamp (JSON has no infinity)


def publication_window(content: Content, now: datetime) -> tuple[float, float]:
    """[from, until): the times around ``now`` at which no page is published or expires."""
    moments = [
        moment.timestamp()
        for document in content.documents
        for moment in (document.front.publish_date or document.front.date, document.front.expiry_date)
        if moment is not None
    ]
    at = now.timestamp()
    return (max((m for m in moments if m <= at), default=-NEVER), min((m for m in moments if m > at), default=NEVER))


def _as_build_failure(function: Callable[Arguments, Result]) -> Callable[Arguments, Result]:
    """Any SiteError of a stage surfaces as BuildFailed, the one failure a caller handles."""

    def wrapper(*args: Arguments.args, **kwargs: Arguments.kwargs) -> Result:
        try:
            return function(*args, **kwargs)
        except BuildFailed:
            raise
        except SiteError as exc:
            raise BuildFailed(*exc.findings) from None

    wrapper.__doc__ = function.__doc__
    return wrapper


@_as_build_failure
def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the site into ``options.out_dir``; on any error the old output stays as it was.

    What the previous build made is reused (``civicpress.rebuild``): when no input changed
    the build stops after comparing file times; else only the outputs whose inputs changed are
    made again and only files whose bytes changed are written.
    """
    started = time.perf_counter()
    check_out_dir(options.out_dir, options.site_dir)
    recover(options.out_dir)
    options = replace(options, now=options.now or clock())
    done = unchanged_build(options)
    if done is not None:
        log.info("没有变化：%d 个文件保持不变", done.files)
        return done
    stats = input_stats(options.site_dir)  # before reading: an edit made meanwhile counts next time
    inputs = input_fingerprint(options.site_dir, options.signature(), stats)
    findings = Findings()
    loaded = load(options, findings)
    if progress:
        progress.phase(READ, len(loaded.site.pages))
    # The loaded site lives until the end: the collector need not walk it (nor pypinyin's
    # dictionaries) again, and forked workers do not touch its pages' memory.
    gc.freeze()
    if options.print_only:
        return _build_print(options, loaded, findings, started)
    if not options.cache:
        forget_state(options.site_dir, options.out_dir, options.edition)
    state = read_state(options.site_dir, options.out_dir, options.edition) if options.cache else BuildState()
    output = SiteOutput(loaded, options, state, findings, stats, Reuse(), progress)

    def save(tree: Path, report: PublishReport) -> None:
        # Saved before the swap, with the stamp of the new tree: killed before the swap, the stamp
        # does not match the old output (the next build trusts nothing); killed after, it is right.
        write_state(options.site_dir, options.out_dir, options.edition, output.state(inputs, out_stamp(tree), report))

    report = output.publish(save)
    return output.result(report, started)


@dataclass(frozen=True)
class Preview:
    """A build of ``serve``: published, its search index and saved state still to come (``after``)."""

    result: BuildResult
    output: SiteOutput
    report: PublishReport
    inputs: str  # the fingerprint of the inputs it was made from

    def state(self, stamp: str) -> BuildState:
        return self.output.state(self.inputs, stamp, self.report)


@_as_build_failure
def build_preview(options: BuildOptions, reuse: Reuse, progress: Progress | None = None) -> Preview:
    """A build for ``serve``: what ``build`` does, reusing what the session kept, the old tree left in place.

    The caller recovers the output folder once, and publishes the search index later
    (``SiteOutput.index_later``): the browser reloads meanwhile.
    """
    started = time.perf_counter()
    check_out_dir(options.out_dir, options.site_dir)
    options = replace(options, now=options.now or clock())
    stats = input_stats(options.site_dir)
    inputs = input_fingerprint(options.site_dir, options.signature(), stats)
    findings = Findings()
    loaded = load(options, findings, reuse)
    if progress:
        progress.phase(READ, len(loaded.site.pages))
    state = (reuse.state or read_state(options.site_dir, options.out_dir, options.edition)) if options.cache \
        else BuildState()
    output = SiteOutput(loaded, options, state, findings, stats, reuse, progress)
    report = output.publish(None, discard=False)  # the old tree is removed after the reload
    return Preview(output.result(report, started), output, report, inputs)


class SiteOutput:
    """One build's writing: full (a new folder swapped in) or incremental (a patch of the old one).

    Over 150 lines because it is the one place that holds a build's records, keys and staging
    tree together: the keys decide what to make, the loop makes and checks it, the staging tree
    takes its bytes, and the search index is made from the staged pages.
    """

    def __init__(self, loaded: LoadedSite, options: BuildOptions, state: BuildState, findings: Findings,
                 stats: list[bytes], reuse: Reuse, progress: Progress | None = None) -> None:
        self.site, self.jobs, self.window = loaded.site, loaded.materials, loaded.window
        self.options, self.findings, self.progress, self.reuse = options, findings, progress, reuse
        self.previous = state.outputs if state.manifest else {}
        self.old_index = (state.manifest.index, state.extra) if state.manifest else ("", ())
        self.keys = OutputKeys(self.site, stats, options.signature(), self.jobs, reuse.keys)
        self.kept: dict[str, OutputRecord] = {}
        self.records: dict[str, OutputRecord] = {}
        self.bundle: tuple[str, ...] = ()
        self.present: tuple[str, ...] = ()  # files no check reads (the search bundle)
        self.index = ""
        self.rendered = self.written = 0
        self.indexer = find_indexer(findings) if self.site.pages else None  # nothing to search: no index
        self._out = str(options.out_dir)
        if self.previous:
            digests = {path: record.digest for path, record in self.previous.items()}
            self.out: Staging = Patch(options.out_dir, digests, ready=reuse.ready)
        else:
            self.out = Staging(options.out_dir)

    @property
    def incremental(self) -> bool:
        return isinstance(self.out, Patch)

    def wanted(self, path: str) -> bool:
        """Make this output? Not when the previous build made it from the same inputs (and it is still there)."""
        record = self.previous.get(path)
        if record is None or not record.key or self.keys.of(path, record.reads) != record.key:
            return True
        if not self.reuse.trusts_output and not os.path.isfile(os.path.join(self._out, path)):
            return True  # deleted by hand
        self.kept[path] = record
        return False

    def wanted_page(self, page: Page) -> bool:
        record = self.previous.get(page.output)
        return record is None or self.keys.of(page.output, record.reads) != record.key

    def publish(self, prepare: Callable[[Path, PublishReport], None] | None, discard: bool = True) -> PublishReport:
        """Make, check and stage every output, then commit them; raises BuildFailed and leaves the output.

        ``prepare`` is called with the complete new tree before it goes live (``Staging.commit``).
        """
        if self.progress:
            self.progress.phase(READ, len(self.site.pages))
        try:
            loop = self._make_all()
            self._index_before_commit()
            if self.progress:
                self.progress.phase(SEARCH, sum(r.indexed for r in self.records.values()) if self.indexer else 0)
            loop.judge(((path, record.checks) for path, record in self.records.items()), self.present,
                       self.findings)
            _stop_on_errors(self.findings, self.options.strict)
            if self.progress:
                self.progress.phase(CHECK, len(self.records))
        except BaseException:
            self.out.abort()
            raise
        self.written = len(self.out.changed) if isinstance(self.out, Patch) else len(self.records)
        report = self.out.commit(prepare, discard)
        if self.progress:
            self.progress.phase(PUBLISH, self.written)
        return report

    def _make_all(self) -> OutputLoop:
        """Every output the keys want made, through the loop; the others kept as the previous build left them."""
        site, options, findings = self.site, self.options, self.findings
        pages = [p for p in site.pages if self.wanted_page(p)] if self.previous else None
        guard = scan_sources(site, options.edition, findings, pages, attachment_cache(options))
        loop = OutputLoop(tuple(self.reuse.check(c) for c in checks_for(site, guard)), self.out)
        inputs = self._inputs(loop)
        findings.extend(inputs.renderer.check_site_templates())
        total = sum(writer.expected(inputs) for writer in WRITERS)
        for file, checked in loop.files(inputs, WRITERS, findings):
            self._take(file, checked)
            if self.progress:
                self.progress.made(file.path, total)
        for path, record in sorted(self.kept.items()):
            if path in self.records:
                continue  # made again with the other files of its writer's unit (a material's three)
            self.out.keep(path, record.size)
            findings.extend(record.problems)
            self.records[path] = record
        return loop

    def _inputs(self, loop: OutputLoop) -> BuildInputs:
        site, options = self.site, self.options
        return BuildInputs(
            site, options.site_dir, self.reuse.renderer(options.site_dir),
            MarkdownRenderer(allow_html=site.config.allow_html),
            self.jobs, self.indexer is not None, workers(options), self.wanted if self.previous else None,
            loop.finisher(),
            MarkdownCache(options.site_dir / CACHE_DIR / "markdown", site.config.allow_html, read=options.cache),
            options.edition,
            ImageCache(options.site_dir / IMAGE_CACHE, read=options.cache),
        )

    def _take(self, file: OutputFile, checked: CheckedFile) -> None:
        """Count one output, checked and staged here or already in the worker that rendered it."""
        self.findings.extend(file.problems)
        self.out.register(file.path, checked.size, checked.staged)
        reads = file.reads or ()
        self.records[file.path] = OutputRecord(
            key="" if file.reads is None else self.keys.of(file.path, reads),
            digest=checked.digest,
            size=checked.size,
            indexed=checked.indexed,
            problems=file.problems,
            reads=reads,
            checks=interned_checks(checked),
        )
        self.rendered += 1

    def state(self, inputs: str, stamp: str, report: PublishReport) -> BuildState:
        """What the next build needs to know of this one (civicpress.rebuild.state)."""
        manifest = Manifest(inputs, self.window, stamp, len(self.site.pages), report.files, report.bytes,
                            tuple(self.findings.warnings), self.index, self.site.drafts, self.site.held_back)
        return BuildState(manifest, self.records, self.bundle)

    def result(self, report: PublishReport, started: float) -> BuildResult:
        seconds = time.perf_counter() - started
        site = self.site
        log.info("built %d pages, %d files (%d made, %d written) in %.2f s",
                 len(site.pages), report.files, self.rendered, self.written, seconds)
        return BuildResult(len(site.pages), report.files, report.bytes, seconds, tuple(self.findings.warnings),
                           rendered=self.rendered, written=self.written, held_back=site.held_back,
                           drafts_left_out=site.drafts)

    def _index_before_commit(self) -> None:
        """The search index of the new pages, made (or kept) shard by shard before anything is committed."""
        if not self.indexer or self.findings.errors:
            return
        if self.reuse.index_later and self.incremental:  # serve: index_later, once the browser has reloaded
            self.index, self.bundle = self.old_index
            for path in self.bundle:  # meanwhile the new tree has the old index
                self.out.carry(path)
            self.present = self.bundle or UI_FILES
            return
        self._index_before_commit_now()

    def _index_before_commit_now(self) -> None:
        assert self.indexer is not None
        indexed = {path: record.digest for path, record in self.records.items() if record.indexed}
        shards = plan_shards(self.indexer, self.site, indexed)
        self.index = json.dumps({str(s.number): s.digest for s in shards}, sort_keys=True)
        old: dict[str, str] = json.loads(self.old_index[0]) if self.incremental and self.old_index[0] else {}
        if self.incremental:  # the unchanged shards are carried over; those no longer made are not
            todo = [s for s in shards if old.get(str(s.number)) != s.digest]
            unchanged = {str(s.number) for s in shards} - {str(s.number) for s in todo}
            kept = [p for p in self.old_index[1] if p.split("/")[1] in unchanged]
            for path in kept:
                self.out.carry(path)
        else:
            todo, kept = shards, []
        self.out.start_linking()  # the unchanged pages and shards, while Pagefind makes the others
        # A full build may take an unchanged shard from the old output, unless asked to trust nothing of it.
        previous = self.options.out_dir if self.options.cache and not self.incremental else None
        made = index_shards(self.indexer, todo, self.out.source_of, self.out.stage_folder, self.site, self.findings,
                            len(shards), previous, workers(self.options))
        self.bundle = tuple(sorted([*kept, *made]))
        self.present = self.bundle

    def index_later(self) -> Patch | None:
        """``serve``: the published output with the changed shards made again, as a new tree beside it.

        Its ``commit`` makes it live as a build does. The pages are read through hard links made
        at the start, so a build going on meanwhile does not change what is indexed. None when
        there is nothing to do or Pagefind failed.
        """
        if not (self.indexer and self.reuse.index_later and self.incremental) or self.findings.errors:
            return None
        patch = Patch(self.options.out_dir, {}, label=INDEX)
        for path, record in self.records.items():  # the pages as this build published them
            patch.keep(path, record.size)
        self.out = patch
        try:
            self._index_before_commit_now()
        except BaseException:
            patch.abort()
            raise
        if self.findings.errors:  # Pagefind failed: the old index stays; the next build tries again
            patch.abort()
            log.warning("%s", "\n".join(f.format() for f in self.findings.errors))
            self.index = ""
            return None
        return patch



@_as_build_failure
def check(options: BuildOptions, fetch: Fetch | None = None) -> BuildResult:
    """Everything a build does except writing: every page is rendered and checked.

    With ``fetch`` (``check --external``), the web addresses articles link to are asked too.
    """
    started = time.perf_counter()
    findings = Findings()
    loaded = load(options, findings)
    site = loaded.site
    if fetch is not None:
        findings.extend(check_external(external_links(site), fetch))
    guard = scan_sources(site, options.edition, findings, cache=attachment_cache(options))
    indexer = find_indexer(findings) if site.pages else None  # nothing to search: no index
    loop = OutputLoop(checks_for(site, guard))
    inputs = BuildInputs(site, options.site_dir, Renderer(options.site_dir),
                         MarkdownRenderer(allow_html=site.config.allow_html), loaded.materials, indexer is not None,
                         workers(options), finish=loop.finisher(), edition=options.edition)
    findings.extend(inputs.renderer.check_site_templates())
    records: list[tuple[str, Any]] = []
    size = 0
    for file, checked in loop.files(inputs, WRITERS, findings):
        findings.extend(file.problems)
        records.append((file.path, checked.checks))
        size += checked.size
    loop.judge(records, UI_FILES if indexer else (), findings)
    _stop_on_errors(findings, options.strict)
    return BuildResult(
        len(site.pages), len(records), size, time.perf_counter() - started, tuple(findings.warnings),
        site.awaiting_review, held_back=site.held_back, drafts_left_out=site.drafts,
    )


def _build_print(options: BuildOptions, loaded: LoadedSite, findings: Findings, started: float) -> BuildResult:
    """``build.py print``: a new output/print/ published with the rest of the site as it is, in one step.

    Only the personal-data check runs: the materials' links point into the site, which this
    command does not make. The saved state still describes the old print/: the output's stamp
    no longer matches it, so the next build makes everything (as it must: it cannot tell which
    materials are live).
    """
    site = loaded.site
    staging = Patch(options.out_dir, {})
    guard = scan_sources(site, options.edition, findings)
    loop = OutputLoop(tuple(c for c in checks_for(site, guard) if not c.quiet_after_errors), staging)
    inputs = BuildInputs(site, options.site_dir, Renderer(options.site_dir), MarkdownRenderer(),
                         loaded.materials, edition=options.edition)
    records: list[tuple[str, Any]] = []
    try:
        for file, checked in loop.files(inputs, (PrintWriter(),), findings):
            staging.register(file.path, checked.size, checked.staged)
            records.append((file.path, checked.checks))
        loop.judge(records, (), findings)
        _stop_on_errors(findings, options.strict)
        staging.carry_all(but=PRINT_DIR)
    except BaseException:
        staging.abort()
        raise
    report = staging.commit()
    return BuildResult(len(loaded.materials), report.files, report.bytes, time.perf_counter() - started,
                       tuple(findings.warnings))


def attachment_cache(options: BuildOptions) -> PassageCache:
    return PassageCache(options.site_dir / CACHE_DIR / "attachments", read=options.cache)


def workers(options: BuildOptions) -> int:
    return options.workers or min(os.cpu_count() or 1, 4)


def _stop_on_errors(findings: Findings, strict: bool) -> None:
    if findings.errors or (strict and findings.warnings):
        raise BuildFailed(*findings.sorted())


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "SiteError", "build", "check", "clock", "load"]
