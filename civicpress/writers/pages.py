"""HTML pages: articles, plain pages, section lists with pagination, tags, home and 404.

Rendering one page is a pure function of the page, the site model and the templates, so the
pages can be spread over processes and cached later. The Markdown of articles and intros comes
from the body-rendering stage (civicpress.rendering); its problems (a link to a missing file,
say) are returned with the page, never printed. Each file to make is a typed job (``PageJob``,
``SectionListJob``…): small, so that it travels to a worker process.

What one page may cost is bounded (``PageLimits``): a page that takes longer than 10 seconds
to render is stopped, and a page larger than 10 MB is not published; either is an error at
the page's file, and the other pages are made as usual.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

from civicpress.errors import Finding, Findings, Location, SiteError
from civicpress.images import ImageInfo, size_img_tags
from civicpress.markup import MarkdownRenderer
from civicpress.model import Intro, OutputFile, Page, Section, Site, Term, YearList
from civicpress.rebuild.memos import MarkdownCache
from civicpress.rendering import RenderedBody, render_body
from civicpress.templating import Renderer
from civicpress.urls import output_path
from civicpress.writers.protocol import BuildInputs, Made, Wanted


@dataclass(frozen=True)
class Paginator:
    number: int
    total: int
    pages: tuple[Page, ...]
    url: str
    prev_url: str | None
    next_url: str | None
    count: int = 0  # the pages listed on all the list's pages: 共 N 条
    first_url: str = ""  # the list's first page; page n is at first_url + page/n/

    def url_of(self, number: int) -> str:
        """The address of page ``number`` of this list (for 首页, 尾页 and the numbers between)."""
        return self.first_url if number == 1 else f"{self.first_url}page/{number}/"

    def numbers(self, around: int = 2) -> list[int | None]:
        """The numbers a pager shows: the first, the last and ``around`` either side of this one; None for a gap."""
        shown = sorted({1, self.total, *range(max(1, self.number - around), min(self.total, self.number + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


@dataclass(frozen=True)
class PageLimits:
    """What rendering one page may cost; beyond either, the page is an error at its file."""

    seconds: float = 10.0
    bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class PageRenderers:
    """What rendering needs besides the site: the template and Markdown renderers, the images."""

    renderer: Renderer
    markdown: MarkdownRenderer
    images: Mapping[str, ImageInfo] = field(default_factory=dict)  # output path -> size, srcset
    # Run on each page in the worker process that rendered it (the pipeline checks and stages it
    # there, so that only a small record travels back); None: the pages travel back whole.
    finish: Callable[[OutputFile], OutputFile] | None = None
    markdown_cache: MarkdownCache | None = None  # rendered Markdown of earlier builds, by content hash
    limits: PageLimits = PageLimits()


def _sized(file: OutputFile, site: Site, tools: PageRenderers) -> OutputFile:
    """The page with width/height, srcset and lazy loading on its images (civicpress.images)."""
    if not tools.images:
        return file
    html = size_img_tags(file.data.decode(), file.path, site.config.base_url, tools.images)
    return replace(file, data=html.encode())


PARALLEL_MIN_PAGES = 200  # below this, starting worker processes costs more than it saves
SPAN = 50  # pages rendered in one go (one watch thread, one trip to a worker process)

SLOW_HINT = "通常是文章过长或结构过于复杂（如成千上万个脚注或链接）。请删去重复的内容，或把文章拆成几篇。"
LARGE_HINT = "通常是同一个链接、图片或数据表达式重复了成千上万次。请删去重复的内容，或把文章拆成几篇。"

# The site and tools of a forked worker process: set once in the child, never in the parent.
_WORKER: tuple[Site, PageRenderers] | None = None


def write_pages(
    site: Site,
    tools: PageRenderers,
    findings: Findings,
    workers: int = 1,
    min_pages: int | None = None,
    wanted: Wanted | None = None,
    problems_with_files: bool = False,
) -> Iterator[OutputFile]:
    """Every HTML page of the site (or those ``wanted``), in a stable order whatever the number of ``workers``.

    Articles, plain pages and lists are rendered by ``workers`` forked processes when enough
    of them are wanted and forking is safe. Each file carries the pages whose text it shows
    (``OutputFile.reads``), and its warnings: they go to ``findings`` too unless
    ``problems_with_files`` (the caller reports them).
    """
    jobs = _jobs(site, wanted)
    pages = sum(1 for job in jobs if isinstance(job, PageJob))
    if _can_fork(workers) and pages >= (PARALLEL_MIN_PAGES if min_pages is None else min_pages):
        files: Iterable[OutputFile] = _render_in_workers(site, tools, findings, workers, jobs)
    else:
        files = _render_here(site, tools, findings, jobs)
    for file in files:
        if not problems_with_files:
            findings.extend(file.problems)
        yield file


def _render_here(site: Site, tools: PageRenderers, findings: Findings, jobs: list[RenderJob]) -> Iterator[OutputFile]:
    """The files of ``jobs``, rendered in this process; a failure goes to ``findings`` and the build goes on.

    They are rendered a span at a time, each span under its own watch: no watch thread is left
    running while the caller has the files (a generator left unfinished would keep it, and a
    thread besides the main one stops later builds of the process from forking workers).
    """
    for start in range(0, len(jobs), SPAN):
        with PageWatch(tools.limits.seconds) as watch:
            done = [_render_job(job, site, tools, watch) for job in jobs[start : start + SPAN]]
        for output, problems in done:
            findings.extend(problems)
            if output is not None:
                yield output


def _render_job(
    job: RenderJob, site: Site, tools: PageRenderers, watch: PageWatch
) -> tuple[OutputFile | None, list[Finding]]:
    """One file within the limits, with its warnings attached; or None and the errors that stopped it."""
    try:
        with watch.page():
            output = _sized(_with_problems(*job.render(site, tools)), site, tools)
    except SiteError as exc:
        return None, list(exc.findings)
    except PageTimeout:
        message = f"生成这一页超过了 {tools.limits.seconds:g} 秒，已停止"
        return None, [_over_limit(job, site, "page-too-slow", message, SLOW_HINT)]
    if len(output.data) > tools.limits.bytes:
        size, limit = len(output.data) / 1024 / 1024, tools.limits.bytes / 1024 / 1024
        message = f"这一页生成后有 {size:.1f} MB，超过了 {limit:g} MB 的上限"
        return None, [_over_limit(job, site, "page-too-large", message, LARGE_HINT)]
    return output, []


def _over_limit(job: RenderJob, site: Site, code: str, message: str, hint: str) -> Finding:
    """A page over a limit, reported at the first line of the text it was made from (where there is one)."""
    source = job.source(site)
    if source is None:
        return Finding(code, f"{message}（{job.path(site)}）", None, hint)
    return Finding(code, message, Location(source.source, source.body_line), hint)


class PageTimeout(BaseException):
    """Raised in the thread rendering a page that ran past its time limit (see PageWatch).

    A BaseException, so that no ``except Exception`` in Markdown or Jinja on the way swallows it.
    """


class PageWatch:
    """A thread that stops the page being rendered when it runs past ``seconds`` (one per run of renders).

    Python cannot stop another thread's code from outside, but it can ask the interpreter to raise
    an exception in that thread at its next instruction (``PyThreadState_SetAsyncExc``, any system):
    that stops a page stuck in Markdown or a template loop. The request is repeated at each look
    until the page ends, and withdrawn if it is still pending when the page ends.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._thread_id = 0  # the thread rendering a page, 0 between pages
        self._started = 0.0
        self._fired = False
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="civicpress-page-watch", daemon=True)

    def __enter__(self) -> PageWatch:
        self._watcher.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._watcher.join()

    def _watch(self) -> None:
        look = min(0.1, self.seconds / 5)
        while not self._stop.wait(look):
            with self._lock:
                if self._thread_id and time.monotonic() - self._started > self.seconds:
                    self._fired = True
                    _raise_in(self._thread_id, PageTimeout)

    @contextmanager
    def page(self) -> Iterator[None]:
        """Render one page inside: raises PageTimeout when it ran past the limit."""
        with self._lock:
            self._thread_id, self._started, self._fired = threading.get_ident(), time.monotonic(), False
        fired = False
        try:
            yield
        finally:
            while True:  # the timeout may arrive while leaving, even inside this block: then once more
                try:
                    with self._lock:
                        fired = fired or self._fired
                        self._thread_id = 0  # from here on the watcher asks nothing more of this thread
                        if fired:
                            _raise_in(threading.get_ident(), None)  # withdraw a request not yet delivered
                    break
                except PageTimeout:
                    fired = True
        if fired:
            raise PageTimeout


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Have ``thread_id`` raise ``exception`` at its next instruction; None withdraws a pending request."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


# One HTML file to render. A job holds indexes into the site, not its pages, so that it is small
# when it travels (pickled) to a worker process, which has the same site (forked). Each kind
# knows its output path, the text it is made from (where a problem with the whole page is
# reported; None for pages made of the site's facts only) and how to render it.


@dataclass(frozen=True)
class PageJob:
    """An article or a plain page: ``site.pages[index]``."""

    index: int

    def path(self, site: Site) -> str:
        return site.pages[self.index].output

    def source(self, site: Site) -> Page | Intro | None:
        return site.pages[self.index]

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        return render_page(site.pages[self.index], site, tools)


@dataclass(frozen=True)
class SectionListJob:
    """Page ``number`` (from 1) of the list of ``site.sections[index]``."""

    index: int
    number: int

    def path(self, site: Site) -> str:
        return output_path(_paginator(site.sections[self.index], self.number).url)

    def source(self, site: Site) -> Page | Intro | None:
        return site.sections[self.index].intro

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        section = site.sections[self.index]
        return render_section(section, _paginator(section, self.number), site, tools)


@dataclass(frozen=True)
class YearListJob:
    """Page ``number`` (from 1) of one year's list of a section archived by year (``sections[index].years[year]``)."""

    index: int
    year_index: int  # into the section's years, newest first
    number: int

    def path(self, site: Site) -> str:
        return output_path(_year_paginator(site.sections[self.index], self.year_index, self.number).url)

    def source(self, site: Site) -> Page | Intro | None:
        return None

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        section = site.sections[self.index]
        paginator = _year_paginator(section, self.year_index, self.number)
        return render_year(section, section.years[self.year_index], paginator, site, tools)


@dataclass(frozen=True)
class TagsIndexJob:
    """The list of all tags."""

    def path(self, site: Site) -> str:
        return "tags/index.html"

    def source(self, site: Site) -> Page | Intro | None:
        return None

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        return render_tags_index(site, tools)


@dataclass(frozen=True)
class TagJob:
    """Page ``number`` (from 1) of the pages of one tag: ``site.tags[index]``."""

    index: int
    number: int = 1

    def path(self, site: Site) -> str:
        return output_path(_tag_paginator(site, site.tags[self.index], self.number).url)

    def source(self, site: Site) -> Page | Intro | None:
        return None

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        term = site.tags[self.index]
        return render_tag(term, _tag_paginator(site, term, self.number), site, tools)


@dataclass(frozen=True)
class HomeJob:
    """The home page."""

    def path(self, site: Site) -> str:
        return "index.html"

    def source(self, site: Site) -> Page | Intro | None:
        return site.home_intro

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        return render_home(site, tools)


@dataclass(frozen=True)
class NotFoundJob:
    """The page a server shows for a missing address."""

    def path(self, site: Site) -> str:
        return "404.html"

    def source(self, site: Site) -> Page | Intro | None:
        return None

    def render(self, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
        return render_404(site, tools)


RenderJob = PageJob | SectionListJob | YearListJob | TagsIndexJob | TagJob | HomeJob | NotFoundJob


def _jobs(site: Site, wanted: Wanted | None) -> list[RenderJob]:
    """The files to render, in the order they are published: pages, section lists (and years), tags, home, 404."""
    jobs: list[RenderJob] = [PageJob(index) for index in range(len(site.pages))]
    for index, section in enumerate(site.sections):
        jobs.extend(SectionListJob(index, paginator.number) for paginator in paginate(section))
        for year_index, listed in enumerate(section.years):
            pages = _pages_of(len(listed.pages), section.per_page)
            jobs.extend(YearListJob(index, year_index, number) for number in range(1, pages + 1))
    jobs.append(TagsIndexJob())
    for index, term in enumerate(site.tags):
        tag_pages = _pages_of(len(term.pages), site.config.pagination)
        jobs.extend(TagJob(index, number) for number in range(1, tag_pages + 1))
    jobs.extend((HomeJob(), NotFoundJob()))
    return jobs if wanted is None else [job for job in jobs if wanted(job.path(site))]


def _can_fork(workers: int) -> bool:
    """Fork only where it exists and no other thread (the dev server's) could hold a lock."""
    return (
        workers > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def _render_in_workers(
    site: Site, tools: PageRenderers, findings: Findings, workers: int, jobs: list[RenderJob]
) -> Iterator[OutputFile]:
    size = max(1, min(SPAN, len(jobs) // (workers * 4)))
    spans = [tuple(jobs[start : start + size]) for start in range(0, len(jobs), size)]
    context = multiprocessing.get_context("fork")  # the child inherits site and tools: nothing is pickled
    with context.Pool(workers, initializer=_start_worker, initargs=(site, tools)) as pool:
        for results in pool.imap(_render_span, spans):  # imap keeps the order of the spans
            for output, problems in results:
                findings.extend(problems)  # errors only: a page's warnings travel with its file
                if output is not None:
                    yield output


def _start_worker(site: Site, tools: PageRenderers) -> None:
    global _WORKER
    _WORKER = (site, tools)


def _render_span(jobs: tuple[RenderJob, ...]) -> list[tuple[OutputFile | None, list[Finding]]]:
    """In a worker: the files of ``jobs``, each with its problems (findings travel back; exceptions do not pickle)."""
    assert _WORKER is not None, "_render_span runs only in a worker process"
    site, tools = _WORKER
    results: list[tuple[OutputFile | None, list[Finding]]] = []
    with PageWatch(tools.limits.seconds) as watch:
        for job in jobs:
            output, problems = _render_job(job, site, tools, watch)
            if output is not None and tools.finish:
                output = tools.finish(output)
            results.append((output, problems))
    return results


def _with_problems(output: OutputFile, problems: list[Finding]) -> OutputFile:
    """The file with its warnings and the pages whose text it shows (read by its templates)."""
    return replace(output, problems=tuple(problems), reads=output.reads or ())


def _template_context(site: Site, page_url: str, title: str, description: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "site": site,
        "config": site.config,
        "data": site.data,
        "page_url": page_url,
        "title": title,
        "description": description or site.config.description,
        **extra,
    }


def render_page(page: Page, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
    body = _body(page, page.url, site, tools)
    section = _section_of(site, page.section)
    newer, older = site.neighbours.get(page.url, (None, None))
    context = _template_context(
        site,
        page.url,
        page.title,
        page.summary,
        page=page,
        section=section,
        content=body.html,
        toc=body.toc,
        tags=[term for term in site.tags if term.name in page.tags],
        newer=newer,
        older=older,
    )
    template = "article.html" if page.section else "page.html"
    rendered = _search_body(tools.renderer.render(template, context))
    return OutputFile(page.output, rendered.encode(), reads=_reads(tools, page.source)), list(body.problems)


def _body(text: Page | Intro | None, page_url: str, site: Site, tools: PageRenderers) -> RenderedBody:
    """The body-rendering stage (civicpress.rendering) with this build's Markdown renderer and memo."""
    return render_body(text, page_url, site, tools.markdown, tools.markdown_cache)


def _reads(tools: PageRenderers, own: str = "") -> tuple[str, ...]:
    """The other pages whose text the last render showed (its dependencies besides the site's facts)."""
    return tuple(sorted(read for read in tools.renderer.reads if read.partition(":")[2] != own))


SEARCH_BODY = "data-pagefind-body"
_SEARCH_ROOT = re.compile(r"<(article|main|body)\b")


def _search_body(html: str) -> str:
    """Mark what the search index reads: the page's ``<article>`` (else ``<main>``, ``<body>``).

    Only pages marked so are indexed (writers/search.py), so lists and tags stay out of the
    results. A template may place the mark itself, here or on other pages.
    """
    if SEARCH_BODY in html:
        return html
    roots = {m.group(1): m.start() for m in reversed(list(_SEARCH_ROOT.finditer(html)))}
    for tag in ("article", "main", "body"):
        if tag in roots:
            at = roots[tag] + 1 + len(tag)
            return f"{html[:at]} {SEARCH_BODY}{html[at:]}"
    return html


def render_section(
    section: Section, paginator: Paginator, site: Site, tools: PageRenderers
) -> tuple[OutputFile, list[Finding]]:
    intro = _body(section.intro, paginator.url, site, tools)
    title = section.title if paginator.number == 1 else f"{section.title}（第 {paginator.number} 页）"
    context = _template_context(
        site, paginator.url, title, section.description, section=section, paginator=paginator, intro_html=intro.html,
        year=None,
    )
    html = tools.renderer.render("section.html", context)
    return OutputFile(output_path(paginator.url), html.encode(), reads=_reads(tools)), list(intro.problems)


def render_year(
    section: Section, year: YearList, paginator: Paginator, site: Site, tools: PageRenderers
) -> tuple[OutputFile, list[Finding]]:
    """One page of a year's list: the section's template, told the year (``year``) so it can say so."""
    page = "" if paginator.number == 1 else f"，第 {paginator.number} 页"
    title = f"{section.title}（{year.year} 年{page}）"
    context = _template_context(
        site, paginator.url, title, section.description, section=section, paginator=paginator, year=year, intro_html=""
    )
    html = tools.renderer.render("section.html", context)
    return OutputFile(output_path(paginator.url), html.encode(), reads=_reads(tools)), []


def render_tags_index(site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
    context = _template_context(site, "/tags/", "全部标签")
    html = tools.renderer.render("tags.html", context)
    return OutputFile("tags/index.html", html.encode(), reads=_reads(tools)), []


def render_tag(term: Term, paginator: Paginator, site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
    title = f"标签：{term.name}" + (f"（第 {paginator.number} 页）" if paginator.number > 1 else "")
    context = _template_context(site, paginator.url, title, term=term, paginator=paginator)
    html = tools.renderer.render("tag.html", context)
    return OutputFile(output_path(paginator.url), html.encode(), reads=_reads(tools)), []


def render_home(site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
    intro = _body(site.home_intro, "/", site, tools)
    title = site.home_intro.title if site.home_intro and site.home_intro.title else site.config.title
    context = _template_context(site, "/", title, intro_html=intro.html)
    html = tools.renderer.render("home.html", context)
    return OutputFile("index.html", html.encode(), reads=_reads(tools)), list(intro.problems)


def render_404(site: Site, tools: PageRenderers) -> tuple[OutputFile, list[Finding]]:
    # Served at any address, so its links are root-relative, never relative.
    context = _template_context(site, "/404.html", "页面不存在", root_links=True)
    html = tools.renderer.render("404.html", context)
    return OutputFile("404.html", html.encode(), reads=_reads(tools)), []


def paginate(section: Section) -> Iterator[Paginator]:
    """The pages of a section's list, from 1 (one page even when the section is empty)."""
    for number in range(1, _list_pages(section) + 1):
        yield _paginator(section, number)


def _list_pages(section: Section) -> int:
    return _pages_of(len(section.pages), section.per_page)


def _pages_of(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def _paginator(section: Section, number: int) -> Paginator:
    """Page ``number`` of the section's list, made directly (a job asks for one page of a long list)."""
    return _page_of(section.url, section.pages, section.per_page, number)


def _year_paginator(section: Section, year_index: int, number: int) -> Paginator:
    """Page ``number`` of the list of ``section.years[year_index]``, as long as the section's lists."""
    listed = section.years[year_index]
    return _page_of(listed.url, listed.pages, section.per_page, number)


def _tag_paginator(site: Site, term: Term, number: int) -> Paginator:
    """Page ``number`` of a tag's pages, as long as the site's lists (``pagination``)."""
    return _page_of(term.url, term.pages, site.config.pagination, number)


def _page_of(first_url: str, pages: tuple[Page, ...], per_page: int, number: int) -> Paginator:
    total = _pages_of(len(pages), per_page)
    if not 1 <= number <= total:
        raise LookupError(number)

    def page_url(number: int) -> str:
        return first_url if number == 1 else f"{first_url}page/{number}/"

    return Paginator(
        number=number,
        total=total,
        pages=pages[(number - 1) * per_page : number * per_page],
        url=page_url(number),
        prev_url=page_url(number - 1) if number > 1 else None,
        next_url=page_url(number + 1) if number < total else None,
        count=len(pages),
        first_url=first_url,
    )


def _section_of(site: Site, key: str) -> Section | None:
    for section in site.sections:
        if section.key == key:
            return section
    return None


class PagesWriter:
    """The HTML pages: articles and plain pages, section lists, tags, home and 404."""

    name = "pages"
    tracks = True

    def expected(self, inputs: BuildInputs) -> int:
        site = inputs.site
        lists = sum(len(list(paginate(section))) for section in site.sections)
        lists += sum(_pages_of(len(y.pages), s.per_page) for s in site.sections for y in s.years)
        tags = sum(_pages_of(len(term.pages), site.config.pagination) for term in site.tags)
        return len(site.pages) + lists + tags + 3

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        renderers = PageRenderers(inputs.renderer, inputs.markdown, made.images, inputs.finish, inputs.markdown_cache)
        return write_pages(inputs.site, renderers, findings, inputs.workers, wanted=inputs.wanted,
                           problems_with_files=True)
