"""The build, stage by stage: the only module that knows the order.

    nothing changed? (rebuild.unchanged) → load_config → read_content → assemble_site
      → output keys (rebuild.keys) → writers, in worker processes: render, check, stage
      → link check, search index shards (into the new tree) → save the state of the new tree
      → commit: the complete new tree (changed files written, the others hard-linked) made live in
        one step (publish.swap_in)

Every problem of every stage is collected; the build fails once, listing all of them, and
then nothing reaches the output folder. Warnings fail the build only with ``strict``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from civicpress.checks.attachments import PassageCache
from civicpress.checks.external_links import Fetch, check_external, external_links
from civicpress.checks.links import LinkCheck, LinkIndex, LinkRecord, scan_file
from civicpress.checks.privacy import PrivacyGuard, Sighting
from civicpress.config import load_config
from civicpress.content import Content, read_content
from civicpress.editions import Edition
from civicpress.errors import BuildFailed, Finding, Findings, SiteError
from civicpress.image_cache import ImageCache
from civicpress.markup import MarkdownRenderer
from civicpress.model import OutputFile, Page, Site, assemble_site, make_page
from civicpress.options import PUBLIC, BuildOptions, BuildResult, clock
from civicpress.printing import PRINT_DIR, PrintJob, load_print_jobs, write_print
from civicpress.publish import (
    INDEX,
    Patch,
    PublishFailed,
    PublishReport,
    Staging,
    check_out_dir,
    discard_ready,
    make_ready,
    recover,
)
from civicpress.rebuild.keys import KeyMemo, OutputKeys
from civicpress.rebuild.memos import MarkdownCache, PageMemo, ReadMemo
from civicpress.rebuild.state import (
    BuildState,
    Manifest,
    OutputRecord,
    bytes_digest,
    forget_state,
    input_fingerprint,
    input_stats,
    out_stamp,
    read_state,
    tree_stats,
    write_state,
)
from civicpress.rebuild.unchanged import unchanged_build
from civicpress.sitefolder import CACHE_DIR
from civicpress.templating import SITE_TEMPLATES, Renderer
from civicpress.writers.data_pages import write_data_pages
from civicpress.writers.feeds import write_feed
from civicpress.writers.pages import SEARCH_BODY, Tools, Wanted, paginate, write_pages
from civicpress.writers.search import (
    UI_FILES,
    find_indexer,
    index_shards,
    plan_shards,
    write_search,
)
from civicpress.writers.sitemap import write_sitemap
from civicpress.writers.static_files import IMAGE_CACHE, write_static

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (files done, files expected)



def load_site(options: BuildOptions, findings: Findings) -> Site:
    """Read and check the whole site; raises BuildFailed if anything is wrong."""
    return load_all(options, findings)[0]


def load_all(options: BuildOptions, findings: Findings) -> tuple[Site, tuple[PrintJob, ...]]:
    """The site and its exchange materials (content/materials/), read and checked."""
    site, jobs, _ = _load(options, findings)
    return site, jobs


def _load(
    options: BuildOptions, findings: Findings, session: BuildSession | None = None
) -> tuple[Site, tuple[PrintJob, ...], tuple[float, float]]:
    """The site, its exchange materials, and the time window in which the same pages are published."""
    config = load_config(options.site_dir)
    # serve's session reads only the files that changed and remakes only their pages (rebuild.memos)
    read, make = (session.reads.read_content, session.pages.make_page) if session else (read_content, make_page)
    content = read(options.site_dir, config, findings)
    now = options.now or clock()
    edition = Edition.of(config, options.edition)
    site = assemble_site(config, content, findings, now=now, include_drafts=options.drafts, edition=edition,
                         make=make)
    jobs = load_print_jobs(content.materials, site, edition, findings)
    _stop_on_errors(findings, options.strict)
    return site, jobs, publication_window(content, now)


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


def privacy_guard(
    site: Site, edition: str, findings: Findings, pages: Sequence[Page] | None = None,
    cache: PassageCache | None = None,
) -> PrivacyGuard | None:
    """The public edition's personal-data scan, started on the published source text of ``pages`` (all)."""
    if edition != PUBLIC:
        return None
    privacy = site.config.privacy
    attachments = {url.lstrip("/"): f"content/{rel}" for rel, url in site.assets.items()}  # named as the editor knows
    guard = PrivacyGuard(privacy.private_names, (a.value for a in privacy.allow), attachments, cache)
    for page in site.pages if pages is None else pages:
        findings.extend(guard.scan_source(page.title, page.source, page.location("title").line or 1))
        if page.front.summary:
            findings.extend(guard.scan_source(page.summary, page.source, page.location("summary").line or 1))
        findings.extend(guard.scan_source(page.body, page.source, page.body_line))
    intros = [site.home_intro, *(s.intro for s in site.sections)]
    for intro in intros:
        if intro is not None:
            findings.extend(guard.scan_source(intro.body, intro.source, intro.body_line))
    return guard


def output_files(
    site: Site,
    site_dir: Path,
    findings: Findings,
    search: bool = False,
    jobs: Sequence[PrintJob] = (),
    workers: int = 1,
    wanted: Wanted | None = None,
    renderer: Renderer | None = None,
    finish: Callable[[OutputFile], OutputFile] | None = None,
    markdown_cache: MarkdownCache | None = None,
    image_cache: ImageCache | None = None,
) -> Iterator[OutputFile]:
    """Every file of the built site, one at a time (the writer registry, in order).

    Static files and images come first: the pages need the images' sizes. With ``wanted``,
    the pages and exchange materials not wanted are not made (an incremental build keeps
    them); the other writers are cheap and always run. Warnings travel with their files.
    """
    renderer = renderer or Renderer(site_dir)
    findings.extend(renderer.check_site_templates())
    images = yield from write_static(site, site_dir, findings, image_cache, wanted)
    tools = Tools(renderer, MarkdownRenderer(allow_html=site.config.allow_html), images, finish, markdown_cache)
    yield from write_pages(site, tools, findings, workers, wanted=wanted, problems_with_files=True)
    yield from write_search(site, tools.renderer, search)
    yield from write_data_pages(site, tools.renderer, findings)
    yield from write_feed(site, findings, wanted)
    yield from write_sitemap(site, wanted)
    if jobs and (wanted is None or wanted(f"{PRINT_DIR}/{jobs[0].name}.html")):
        yield from _with_problems(write_print(jobs, site, local := Findings()), local, findings)


def _with_problems(files: Iterator[OutputFile], local: Findings, findings: Findings) -> Iterator[OutputFile]:
    """The files of a writer that reports to ``local``: its warnings travel with its last file."""
    pending: OutputFile | None = None
    for file in files:
        if pending is not None:
            yield pending
        pending = file
    findings.extend(local.errors)
    if pending is None:
        findings.extend(local.warnings)
        return
    yield replace(pending, problems=(*pending.problems, *local.warnings))


def expected_pages(site: Site) -> int:
    """How many HTML pages the build makes, for the progress display."""
    sections = sum(len(list(paginate(s))) for s in site.sections)
    return len(site.pages) + sections + len(site.tags) + len(site.data_pages) + 3


def _as_build_failure(function: Callable[..., BuildResult]) -> Callable[..., BuildResult]:
    """Any SiteError of a stage surfaces as BuildFailed, the one failure a caller handles."""

    def wrapper(*args: Any, **kwargs: Any) -> BuildResult:
        try:
            return function(*args, **kwargs)
        except BuildFailed:
            raise
        except SiteError as exc:
            raise BuildFailed(*exc.findings) from None

    wrapper.__doc__ = function.__doc__
    return wrapper


class BuildSession:
    """Builds of one site by one long-running process (``serve``): what was read stays in memory.

    Unchanged files are not read again (``content.ReadMemo``), unchanged pages not assembled
    again (``model.PageMemo``), and the previous build's state is at hand. What the browser does
    not wait for (the search index, saving the state for the next ``build.py``) is left to
    ``after()``, which may run on another thread while the next build goes on: a build makes
    the work of the builds before it unnecessary, and only the newest build's state is saved.
    """

    def __init__(self) -> None:
        self.reads = ReadMemo()
        self.pages = PageMemo()
        self.keys = KeyMemo()
        self.links: dict[str, LinkIndex] = {}  # the link check kept up to date, by base URL
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
            return build(options, progress, session=self)

    def renderer(self, site_dir: Path) -> Renderer:
        """One template environment while the site's templates/ is unchanged: compiled templates are kept.

        A template added, removed or edited gives a new environment (Jinja would keep using a
        theme template that a new file of the site now overrides).
        """
        stamp = tree_stats(site_dir / SITE_TEMPLATES, SITE_TEMPLATES)
        cached = self._renderers.get(site_dir)
        if cached is None or cached[0] != stamp:
            cached = self._renderers[site_dir] = (stamp, Renderer(site_dir))
        return cached[1]

    def close(self, out_dir: Path) -> None:
        """The preview stops: the copy made ready for a next build is removed (in the background)."""
        with self.lock:
            self.ready = None
            discard_ready(out_dir)

    def take_ready(self) -> frozenset[str]:
        """The files of the copy of the live tree made after the last build, if nothing was published since."""
        ready, self.ready = self.ready, None
        return ready[1] if ready is not None and ready[0] == self.generation - 1 else frozenset()

    def defer(self, work: Callable[[], None]) -> None:
        self._pending = work

    def after(self) -> None:
        """Finish the last build: its search index and its saved state (the browser has reloaded)."""
        work, self._pending = self._pending, None
        if work is not None:
            work()


@_as_build_failure
def build(options: BuildOptions, progress: Progress | None = None, session: BuildSession | None = None) -> BuildResult:
    """Build the site into ``options.out_dir``; on any error the old output stays as it was.

    What the previous build made is reused (``civicpress.rebuild``): when no input changed
    the build stops after comparing file times; else only the outputs whose inputs changed are
    made again and only files whose bytes changed are written. With a ``session`` (``serve``),
    what is unchanged is not even read again, and the search index follows after the reload.
    """
    started = time.perf_counter()
    check_out_dir(options.out_dir, options.site_dir)
    if session is None or not session.recovered:  # serve's own index work may be under way later on
        recover(options.out_dir)
        if session is not None:
            session.recovered = True
    options = replace(options, now=options.now or clock())
    assert options.now is not None
    done = unchanged_build(options) if session is None else None
    if done is not None:
        log.info("没有变化：%d 个文件保持不变", done.files)
        return done
    stats = input_stats(options.site_dir)  # before reading: an edit made meanwhile counts next time
    inputs = input_fingerprint(options.site_dir, options.signature(), stats)
    findings = Findings()
    site, jobs, window = _load(options, findings, session)
    if session is None:
        # The loaded site lives until the end: the collector need not walk it (nor pypinyin's
        # dictionaries) again, and forked workers do not touch its pages' memory.
        gc.freeze()
    if options.print_only:
        return _build_print(options, site, jobs, findings, started)
    if not options.cache:
        forget_state(options.site_dir, options.out_dir, options.edition)
    state = _previous_state(options, session)
    run = _Run(site, jobs, options, state, findings, progress, stats, session)

    def saved(index: str, stamp: str, report: PublishReport) -> BuildState:
        manifest = Manifest(inputs, window, stamp, len(site.pages), report.files, report.bytes,
                            tuple(findings.warnings), index)
        return BuildState(manifest, run.records, run.bundle)

    def save(tree: Path, report: PublishReport) -> None:
        # Saved before the swap, with the stamp of the new tree: killed before the swap, the stamp
        # does not match the old output (the next build trusts nothing); killed after, it is right.
        write_state(options.site_dir, options.out_dir, options.edition, saved(run.index, out_stamp(tree), report))

    if session is None:
        report = run.publish(save)
    else:
        try:
            report = run.publish(None, discard=False)  # the old tree is removed after the reload
        except PublishFailed:
            session.state = None  # what is live is uncertain: the next build trusts only the saved state
            raise
        session.state = saved(run.index, "", report)  # the index as it is; after() brings it up to date
        generation = session.generation
        published = run.out
        session.defer(lambda: _finish_session_build(session, generation, run, published, options,
                                                    lambda index, stamp: saved(index, stamp, report)))
    seconds = time.perf_counter() - started
    log.info("built %d pages, %d files (%d made, %d written) in %.2f s",
             len(site.pages), report.files, run.rendered, run.written, seconds)
    return BuildResult(len(site.pages), report.files, report.bytes, seconds, tuple(findings.warnings),
                       rendered=run.rendered, written=run.written, held_back=site.held_back,
                       drafts_left_out=site.drafts)


def _previous_state(options: BuildOptions, session: BuildSession | None) -> BuildState:
    if not options.cache:
        return BuildState()
    if session is not None and session.state is not None:
        return session.state
    return read_state(options.site_dir, options.out_dir, options.edition)


class _SessionLinks:
    """The link check of a ``serve`` build: the session's index reads only the files that changed."""

    def __init__(self, index: LinkIndex) -> None:
        self.index = index
        self.records: list[LinkRecord] = []
        self.extra: list[str] = []

    def add_record(self, record: LinkRecord) -> None:
        self.records.append(record)

    def add_paths(self, paths: Iterable[str]) -> None:
        self.extra.extend(paths)

    def findings(self) -> list[Finding]:
        self.index.update(self.records, self.extra)
        return self.index.findings()


@dataclass(frozen=True)
class _Finished:
    """What checking and staging one output file found (in the parent or in a worker process)."""

    digest: str
    size: int
    staged: bool  # its bytes were written to the staging folder (else they are in place already)
    indexed: bool  # the search index reads it
    scan: LinkRecord
    private: tuple[Sighting, ...]  # personal data found in it, not yet reported (PrivacyGuard.admit)


def _finish_session_build(
    session: BuildSession, generation: int, run: _Run, published: Staging, options: BuildOptions,
    state: Callable[[str, str], BuildState],
) -> None:
    """``serve``, after the reload: index the changed shards, then (if no newer build came) publish the
    index as the build did its pages, save the state, and make the next build's tree ready."""
    try:
        patch = run.index_later()  # Pagefind, while the server may already be building again
    except OSError:
        with session.lock:
            if session.generation != generation:  # a newer build replaced the pages being read
                return
        raise
    with session.lock:  # no build publishes meanwhile
        if session.generation != generation:  # a newer build's after-work covers this one
            if patch is not None:
                patch.abort()
            published.discard()
            return
        done: list[BuildState] = []

        def save(tree: Path, report: PublishReport) -> None:
            done.append(state(run.index, out_stamp(tree)))
            write_state(options.site_dir, options.out_dir, options.edition, done[0])

        if patch is not None:
            published.discard()
            try:
                patch.commit(save, discard=False)
            except PublishFailed:
                session.state = None
                raise
            patch.replaced_as_ready()  # the pages as they are live, but the changed shards
        else:
            save(options.out_dir, PublishReport(0, 0))
            published.replaced_as_ready()
        session.state = done[0]
    _make_ready(session, generation, options.out_dir, [*done[0].outputs, *done[0].extra])


def _make_ready(session: BuildSession, generation: int, out_dir: Path, files: list[str]) -> None:
    """``serve``, between saves: the next build's tree made ready, so that the editor does not wait for it."""
    try:
        ready = make_ready(out_dir, files)
    except OSError:  # a build published meanwhile: it is not used
        return
    with session.lock:
        if session.generation == generation:
            session.ready = (generation, ready)


class _Run:
    """One build's writing: full (a new folder swapped in) or incremental (a patch of the old one)."""

    def __init__(self, site: Site, jobs: tuple[PrintJob, ...], options: BuildOptions, state: BuildState,
                 findings: Findings, progress: Progress | None, stats: list[bytes],
                 session: BuildSession | None = None) -> None:
        self.site, self.jobs, self.options, self.findings, self.progress = site, jobs, options, findings, progress
        self.session = session
        self.search_later = session is not None
        self.previous = state.outputs if state.manifest else {}
        self.old_index = (state.manifest.index, state.extra) if state.manifest else ("", ())
        self.keys = OutputKeys(site, stats, options.signature(), jobs, session.keys if session else None)
        self.kept: dict[str, OutputRecord] = {}
        self.records: dict[str, OutputRecord] = {}
        self.bundle: tuple[str, ...] = ()
        self.index = ""
        self.rendered = self.written = 0
        self.indexer = find_indexer(findings) if site.pages else None  # nothing to search: no index
        base_url = site.config.base_url
        self.links: LinkCheck | _SessionLinks = (
            _SessionLinks(session.links.setdefault(base_url, LinkIndex(base_url))) if session else LinkCheck(base_url)
        )
        self._out = str(options.out_dir)
        if self.previous:
            digests = {path: record.digest for path, record in self.previous.items()}
            self.out: Staging = Patch(options.out_dir, digests, ready=session.take_ready() if session else frozenset())
        else:
            self.out = Staging(options.out_dir)

    @property
    def incremental(self) -> bool:
        return isinstance(self.out, Patch)

    def wanted(self, path: str) -> bool:
        """Make this output? Not when the previous build made it from the same inputs (and it is still there)."""
        record = self.previous.get(path)
        if record is None or not record.key or self.keys.of(path, record.reads, PRINT_DIR) != record.key:
            return True
        if self.session is None and not os.path.isfile(os.path.join(self._out, path)):
            return True  # deleted by hand (serve trusts the output it keeps writing)
        if path.startswith(PRINT_DIR + "/"):  # the materials are made (or kept) all together
            self.kept.update((p, r) for p, r in self.previous.items() if p.startswith(PRINT_DIR + "/"))
        else:
            self.kept[path] = record
        return False

    def publish(self, prepare: Callable[[Path, PublishReport], None] | None, discard: bool = True) -> PublishReport:
        """Make, check and stage every output, then commit them; raises BuildFailed and leaves the output.

        ``prepare`` is called with the complete new tree before it goes live (``Staging.commit``).
        """
        site, options, findings = self.site, self.options, self.findings
        pages = [p for p in site.pages if self.wanted_page(p)] if self.previous else None
        guard = privacy_guard(site, options.edition, findings, pages, _attachment_cache(options))
        total = expected_pages(site)
        try:
            files = output_files(site, options.site_dir, findings, self.indexer is not None, self.jobs,
                                 _workers(options), self.wanted if self.previous else None,
                                 self.session.renderer(options.site_dir) if self.session else None,
                                 self.finisher(guard),
                                 MarkdownCache(options.site_dir / CACHE_DIR / "markdown", site.config.allow_html,
                                               read=options.cache),
                                 ImageCache(options.site_dir / IMAGE_CACHE, read=options.cache))
            for done, file in enumerate(files, start=1):
                self._take(file, guard)
                if self.progress:
                    self.progress(min(done, total), total)
            for path, record in sorted(self.kept.items()):
                self.out.keep(path, record.size)
                findings.extend(record.problems)
                ids = None if record.ids is None else frozenset(record.ids)
                self.links.add_record(LinkRecord(path, record.links, ids))
                self.records[path] = record
            self._index_before_commit()
            if not findings.errors:  # else the broken links are reported with their source lines
                findings.extend(self.links.findings())
            _stop_on_errors(findings, options.strict)
        except BaseException:
            self.out.abort()
            raise
        self.written = len(self.out.changed) if isinstance(self.out, Patch) else len(self.records)
        return self.out.commit(prepare, discard)

    def wanted_page(self, page: Page) -> bool:
        record = self.previous.get(page.output)
        return record is None or self.keys.of(page.output, record.reads, PRINT_DIR) != record.key

    def _take(self, file: OutputFile, guard: PrivacyGuard | None) -> None:
        """Count one output: checked and staged here, or already in the worker that rendered it."""
        done = file.done if isinstance(file.done, _Finished) else self.finish(file, guard)
        self.findings.extend(file.problems)
        if guard:  # a value is reported once, at its first file in the build's order
            self.findings.extend(guard.admit(done.private))
        self.out.register(file.path, done.size, done.staged)
        self.links.add_record(done.scan)
        reads = file.reads or ()
        self.records[file.path] = OutputRecord(
            key="" if file.reads is None else self.keys.of(file.path, reads, PRINT_DIR),
            digest=done.digest,
            size=done.size,
            indexed=done.indexed,
            links=tuple(map(sys.intern, done.scan.links)),  # the navigation's links, once for all pages
            ids=None if done.scan.ids is None else tuple(sorted(done.scan.ids)),
            problems=file.problems,
            reads=reads,
        )
        self.rendered += 1

    def finish(self, file: OutputFile, guard: PrivacyGuard | None) -> _Finished:
        """Check one file and stage its bytes: pure but for the staged file, so a worker process can do it."""
        digest = bytes_digest(file.data)
        return _Finished(
            digest=digest,
            size=len(file.data),
            staged=self.out.stage_bytes(file.path, file.data, digest),
            indexed=SEARCH_BODY.encode() in file.data,
            scan=scan_file(file.path, file.data),
            private=tuple(guard.survey(file.path, file.data)) if guard else (),
        )

    def finisher(self, guard: PrivacyGuard | None) -> Callable[[OutputFile], OutputFile]:
        """``finish`` for the worker processes: only the record of a page travels back, not its bytes."""
        return lambda file: replace(file, data=b"", done=self.finish(file, guard))

    def _index_before_commit(self) -> None:
        """The search index of the new pages, made (or kept) shard by shard before anything is committed."""
        if not self.indexer or self.findings.errors:
            return
        if self.search_later and self.incremental:  # serve: index_later, once the browser has reloaded
            self.index, self.bundle = self.old_index
            for path in self.bundle:  # meanwhile the new tree has the old index
                self.out.carry(path)
            self.links.add_paths(self.bundle or UI_FILES)
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
                            len(shards), previous, _workers(self.options))
        self.bundle = tuple(sorted([*kept, *made]))
        self.links.add_paths(self.bundle)

    def index_later(self) -> Patch | None:
        """``serve``: the published output with the changed shards made again, as a new tree beside it.

        Its ``commit`` makes it live as a build does. The pages are read through hard links made
        at the start, so a build going on meanwhile does not change what is indexed. None when
        there is nothing to do or Pagefind failed.
        """
        if not (self.indexer and self.search_later and self.incremental) or self.findings.errors:
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
    site, jobs = load_all(options, findings)
    if fetch is not None:
        findings.extend(check_external(external_links(site), fetch))
    guard = privacy_guard(site, options.edition, findings, cache=_attachment_cache(options))
    indexer = find_indexer(findings) if site.pages else None  # nothing to search: no index
    links = LinkCheck(site.config.base_url)
    links.add_paths(UI_FILES if indexer else ())
    files = size = 0
    for file in output_files(site, options.site_dir, findings, indexer is not None, jobs, _workers(options)):
        findings.extend(file.problems)
        if guard:
            findings.extend(guard.inspect(file.path, file.data))
        links.add(file.path, file.data)
        files += 1
        size += len(file.data)
    if not findings.errors:
        findings.extend(links.findings())
    _stop_on_errors(findings, options.strict)
    return BuildResult(
        len(site.pages), files, size, time.perf_counter() - started, tuple(findings.warnings), site.awaiting_review,
        held_back=site.held_back,
        drafts_left_out=site.drafts,
    )


def _build_print(
    options: BuildOptions, site: Site, jobs: tuple[PrintJob, ...], findings: Findings, started: float
) -> BuildResult:
    """``build.py print``: a new output/print/ published with the rest of the site as it is, in one step.

    The saved state still describes the old print/: the output's stamp no longer matches it, so
    the next build makes everything (as it must: it cannot tell which materials are live).
    """
    staging = Patch(options.out_dir, {})
    guard = privacy_guard(site, options.edition, findings)
    try:
        for file in write_print(jobs, site, findings):
            if guard:  # the print HTML carries the same text as the PDF and the Word file
                findings.extend(guard.inspect(file.path, file.data))
            staging.write(file)
        _stop_on_errors(findings, options.strict)
        staging.carry_all(but=PRINT_DIR)
    except BaseException:
        staging.abort()
        raise
    report = staging.commit()
    return BuildResult(len(jobs), report.files, report.bytes, time.perf_counter() - started,
                       tuple(findings.warnings))


def _attachment_cache(options: BuildOptions) -> PassageCache:
    return PassageCache(options.site_dir / CACHE_DIR / "attachments", read=options.cache)


def _workers(options: BuildOptions) -> int:
    return options.workers or min(os.cpu_count() or 1, 4)


def _stop_on_errors(findings: Findings, strict: bool) -> None:
    if findings.errors or (strict and findings.warnings):
        raise BuildFailed(*findings.sorted())


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "SiteError", "build", "check", "clock", "load_site"]
