"""The build, stage by stage: the only module that knows the order.

    load_config → read_content → assemble_site → writers → Staging → swap into output/

Every problem of every stage is collected; the build fails once, listing all of them, and
then nothing reaches the output folder. Warnings fail the build only with ``strict``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from civicpress.checks.external_links import Fetch, check_external, external_links
from civicpress.checks.links import LinkCheck
from civicpress.checks.privacy import PrivacyGuard
from civicpress.config import load_config
from civicpress.content import read_content
from civicpress.editions import PUBLIC, Edition
from civicpress.errors import BuildFailed, Finding, Findings, SiteError
from civicpress.markup import MarkdownRenderer
from civicpress.model import OutputFile, Site, assemble_site
from civicpress.printing import PRINT_DIR, PrintJob, load_print_jobs, write_print
from civicpress.publish import Staging, check_out_dir
from civicpress.templating import Renderer
from civicpress.writers.data_pages import write_data_pages
from civicpress.writers.feeds import write_feed
from civicpress.writers.pages import Tools, paginate, write_pages
from civicpress.writers.search import UI_FILES, find_indexer, index_site, write_search
from civicpress.writers.sitemap import write_sitemap
from civicpress.writers.static_files import write_static

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (files done, files expected)


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


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    bytes: int
    seconds: float
    warnings: tuple[Finding, ...] = field(default=())
    awaiting_review: tuple[str, ...] = ()


def clock(environ: dict[str, str] | None = None) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the wall clock.

    Used only to decide what is published (future and expired pages), never written out.
    """
    environ = dict(os.environ) if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


def load_site(options: BuildOptions, findings: Findings) -> Site:
    """Read and check the whole site; raises BuildFailed if anything is wrong."""
    return load_all(options, findings)[0]


def load_all(options: BuildOptions, findings: Findings) -> tuple[Site, tuple[PrintJob, ...]]:
    """The site and its exchange materials (content/materials/), read and checked."""
    config = load_config(options.site_dir)
    content = read_content(options.site_dir, config, findings)
    now = options.now or clock()
    edition = Edition.of(config, options.edition)
    site = assemble_site(config, content, findings, now=now, include_drafts=options.drafts, edition=edition)
    jobs = load_print_jobs(content.materials, site, edition, findings)
    _stop_on_errors(findings, options.strict)
    return site, jobs


def privacy_guard(site: Site, edition: str, findings: Findings) -> PrivacyGuard | None:
    """The public edition's personal-data scan, started on every page's published source text."""
    if edition != PUBLIC:
        return None
    privacy = site.config.privacy
    guard = PrivacyGuard(privacy.private_names, (a.value for a in privacy.allow))
    for page in site.pages:
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
) -> Iterator[OutputFile]:
    """Every file of the built site, one at a time (the writer registry, in order).

    Static files and images come first: the pages need the images' sizes.
    """
    renderer = Renderer(site_dir)
    findings.extend(renderer.check_site_templates())
    images = yield from write_static(site, site_dir, findings)
    tools = Tools(renderer, MarkdownRenderer(allow_html=site.config.allow_html), images)
    yield from write_pages(site, tools, findings, workers)
    yield from write_search(site, tools.renderer, search)
    yield from write_data_pages(site, tools.renderer, findings)
    yield from write_feed(site, findings)
    yield from write_sitemap(site)
    yield from write_print(jobs, site, findings)


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


@_as_build_failure
def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the site into ``options.out_dir``; on any error the old output stays as it was."""
    started = time.perf_counter()
    findings = Findings()
    check_out_dir(options.out_dir, options.site_dir)
    site, jobs = load_all(options, findings)
    if options.print_only:
        return _build_print(options, site, jobs, findings, started)
    guard = privacy_guard(site, options.edition, findings)
    total = expected_pages(site)
    indexer = find_indexer(findings) if site.pages else None  # nothing to search: no index
    links = LinkCheck(site.config.base_url)
    staging = Staging(options.out_dir)
    try:
        files = output_files(site, options.site_dir, findings, indexer is not None, jobs, _workers(options))
        for done, file in enumerate(files, start=1):
            if guard:
                findings.extend(guard.inspect(file.path, file.data))
            staging.write(file)
            links.add(file.path, file.data)
            if progress:
                progress(min(done, total), total)
        if indexer and not findings.errors:  # search index of the finished pages, before the swap
            links.add_paths(index_site(indexer, staging.path, site, findings, previous=options.out_dir))
        if not findings.errors:  # else the broken links are reported with their source lines
            findings.extend(links.findings())
        _stop_on_errors(findings, options.strict)
    except BaseException:
        staging.abort()
        raise
    report = staging.commit()
    seconds = time.perf_counter() - started
    log.info("built %d pages, %d files in %.2f s", len(site.pages), report.files, seconds)
    return BuildResult(len(site.pages), report.files, report.bytes, seconds, tuple(findings.warnings))


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
    guard = privacy_guard(site, options.edition, findings)
    indexer = find_indexer(findings) if site.pages else None  # nothing to search: no index
    links = LinkCheck(site.config.base_url)
    links.add_paths(UI_FILES if indexer else ())
    files = size = 0
    for file in output_files(site, options.site_dir, findings, indexer is not None, jobs, _workers(options)):
        if guard:
            findings.extend(guard.inspect(file.path, file.data))
        links.add(file.path, file.data)
        files += 1
        size += len(file.data)
    if not findings.errors:
        findings.extend(links.findings())
    _stop_on_errors(findings, options.strict)
    return BuildResult(
        len(site.pages), files, size, time.perf_counter() - started, tuple(findings.warnings), site.awaiting_review
    )


def _build_print(
    options: BuildOptions, site: Site, jobs: tuple[PrintJob, ...], findings: Findings, started: float
) -> BuildResult:
    """``build.py print``: only output/print/ is replaced (atomically); the website stays as it is."""
    staging = Staging(options.out_dir / PRINT_DIR)
    guard = privacy_guard(site, options.edition, findings)
    try:
        for file in write_print(jobs, site, findings):
            if guard:  # the print HTML carries the same text as the PDF and the Word file
                findings.extend(guard.inspect(file.path, file.data))
            staging.write(OutputFile(file.path.removeprefix(PRINT_DIR + "/"), file.data))
        _stop_on_errors(findings, options.strict)
    except BaseException:
        staging.abort()
        raise
    report = staging.commit()
    return BuildResult(len(jobs), report.files, report.bytes, time.perf_counter() - started,
                       tuple(findings.warnings))


def _workers(options: BuildOptions) -> int:
    return options.workers or min(os.cpu_count() or 1, 4)


def _stop_on_errors(findings: Findings, strict: bool) -> None:
    if findings.errors or (strict and findings.warnings):
        raise BuildFailed(*findings.sorted())


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "SiteError", "build", "check", "clock", "load_site"]
