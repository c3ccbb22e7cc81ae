"""HTML pages: articles, plain pages, section lists with pagination, tags, home and 404.

Rendering one page is a pure function of the page, the site model and the templates, so the
pages can be spread over processes and cached later. Problems found while rendering (a link
to a missing file, say) are returned with the page, never printed.

What one page may cost is bounded (``PageLimits``): a page that takes longer than 10 seconds
to render is stopped, and a page larger than 10 MB is not published; either is an error at
the page's file, and the other pages are made as usual.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import posixpath
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from civicpress.content import INDEX_FILE
from civicpress.errors import Finding, Findings, Location, SiteError
from civicpress.images import ImageInfo, alt_texts, no_alt_warning, size_img_tags
from civicpress.markup import Heading, MarkdownRenderer, MarkupTooDeep
from civicpress.model import Intro, OutputFile, Page, Section, Site, Term
from civicpress.rebuild.memos import MarkdownCache
from civicpress.templating import Renderer
from civicpress.urls import output_path, relative_url, root_url


@dataclass(frozen=True)
class Paginator:
    number: int
    total: int
    pages: tuple[Page, ...]
    url: str
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class PageLimits:
    """What rendering one page may cost; beyond either, the page is an error at its file."""

    seconds: float = 10.0
    bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class Tools:
    """What rendering needs besides the site: the template and Markdown renderers, the images."""

    renderer: Renderer
    markdown: MarkdownRenderer
    images: Mapping[str, ImageInfo] = field(default_factory=dict)  # output path -> size, srcset
    # Run on each page in the worker process that rendered it (the pipeline checks and stages it
    # there, so that only a small record travels back); None: the pages travel back whole.
    finish: Callable[[OutputFile], OutputFile] | None = None
    markdown_cache: MarkdownCache | None = None  # rendered Markdown of earlier builds, by content hash
    limits: PageLimits = PageLimits()


def _sized(file: OutputFile, site: Site, tools: Tools) -> OutputFile:
    """The page with width/height, srcset and lazy loading on its images (civicpress.images)."""
    if not tools.images:
        return file
    html = size_img_tags(file.data.decode(), file.path, site.config.base_url, tools.images)
    return replace(file, data=html.encode())


PARALLEL_MIN_PAGES = 200  # below this, starting worker processes costs more than it saves
SPAN = 50  # pages rendered in one go (one watch thread, one trip to a worker process)

SLOW_HINT = "通常是文章过长或结构过于复杂（如成千上万个脚注或链接）。请删去重复的内容，或把文章拆成几篇。"
LARGE_HINT = "通常是同一个链接、图片或数据表达式重复了成千上万次。请删去重复的内容，或把文章拆成几篇。"
DEEP_HINT = "请减少列表和引用的层数，删去连成一串的 * _ [ 符号；要原样显示这些符号，在每个前面加 \\。"

# Which outputs to make (by output path); the others are kept from the previous build.
Wanted = Callable[[str], bool]

# The site and tools of a forked worker process: set once in the child, never in the parent.
_WORKER: tuple[Site, Tools] | None = None


def write_pages(
    site: Site,
    tools: Tools,
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
    pages = sum(1 for job in jobs if job[0] == "page")
    if _can_fork(workers) and pages >= (PARALLEL_MIN_PAGES if min_pages is None else min_pages):
        files: Iterable[OutputFile] = _render_in_workers(site, tools, findings, workers, jobs)
    else:
        files = _render_here(site, tools, findings, jobs)
    for file in files:
        if not problems_with_files:
            findings.extend(file.problems)
        yield file


def _render_here(site: Site, tools: Tools, findings: Findings, jobs: list[Job]) -> Iterator[OutputFile]:
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


def _render_job(job: Job, site: Site, tools: Tools, watch: PageWatch) -> tuple[OutputFile | None, list[Finding]]:
    """One file within the limits, with its warnings attached; or None and the errors that stopped it."""
    try:
        with watch.page():
            output = _sized(_attach(*_job(job, site, tools)()), site, tools)
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


def _over_limit(job: Job, site: Site, code: str, message: str, hint: str) -> Finding:
    """A page over a limit, reported at the first line of the text it was made from (where there is one)."""
    kind = job[0]
    source: Page | Intro | None = None
    if kind == "page":
        source = site.pages[job[1]]
    elif kind == "section":
        source = site.sections[job[1]].intro
    elif kind == "home":
        source = site.home_intro
    where = Location(source.source, source.body_line) if source else None
    return Finding(code, message if source else f"{message}（{_job_path(job, site)}）", where, hint)


def _job_path(job: Job, site: Site) -> str:
    kind = job[0]
    if kind == "page":
        return site.pages[job[1]].output
    if kind == "section":
        return output_path(_paginator(site.sections[job[1]], job[2]).url)
    if kind == "term":
        return output_path(site.tags[job[1]].url)
    return {"tags": "tags/index.html", "home": "index.html", "404": "404.html"}[kind]


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


# One HTML file to render, by kind and indexes into the site (small, so it travels to a worker):
# ("page", n) site.pages[n]; ("section", s, k) page k of site.sections[s]; ("tags",); ("term", t);
# ("home",); ("404",).
Job = tuple[Any, ...]


def _jobs(site: Site, wanted: Wanted | None) -> list[Job]:
    """The files to render, in the order they are published: pages, section lists, tags, home, 404."""
    def want(path: str) -> bool:
        return wanted is None or wanted(path)

    jobs: list[Job] = [("page", n) for n, page in enumerate(site.pages) if want(page.output)]
    for s, section in enumerate(site.sections):
        for paginator in paginate(section):
            if want(output_path(paginator.url)):
                jobs.append(("section", s, paginator.number))
    if want("tags/index.html"):
        jobs.append(("tags",))
    jobs.extend(("term", t) for t, term in enumerate(site.tags) if want(output_path(term.url)))
    jobs.extend((kind,) for kind, path in (("home", "index.html"), ("404", "404.html")) if want(path))
    return jobs


def _job(job: Job, site: Site, tools: Tools) -> Callable[[], tuple[OutputFile, list[Finding]]]:
    kind = job[0]
    if kind == "page":
        return lambda: render_page(site.pages[job[1]], site, tools)
    if kind == "section":
        section = site.sections[job[1]]
        return lambda: render_section(section, _paginator(section, job[2]), site, tools)
    if kind == "term":
        return lambda: render_term(site.tags[job[1]], site, tools)
    renders = {"tags": render_tags, "home": render_home, "404": render_404}
    return lambda: renders[kind](site, tools)


def _paginator(section: Section, number: int) -> Paginator:
    for paginator in paginate(section):
        if paginator.number == number:
            return paginator
    raise LookupError(number)


def _can_fork(workers: int) -> bool:
    """Fork only where it exists and no other thread (the dev server's) could hold a lock."""
    return (
        workers > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def _render_in_workers(
    site: Site, tools: Tools, findings: Findings, workers: int, jobs: list[Job]
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


def _start_worker(site: Site, tools: Tools) -> None:
    global _WORKER
    _WORKER = (site, tools)


def _render_span(jobs: tuple[Job, ...]) -> list[tuple[OutputFile | None, list[Finding]]]:
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


def _attach(output: OutputFile, problems: list[Finding]) -> OutputFile:
    """The file with its warnings and the pages whose text it shows (read by its templates)."""
    return replace(output, problems=tuple(problems), reads=output.reads or ())


def _context(site: Site, page_url: str, title: str, description: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "site": site,
        "config": site.config,
        "data": site.data,
        "page_url": page_url,
        "title": title,
        "description": description or site.config.description,
        **extra,
    }


def render_page(page: Page, site: Site, tools: Tools) -> tuple[OutputFile, list[Finding]]:
    problems: list[Finding] = []
    html, toc = markdown_html(page.body, page.source, page.body_line, page.url, site, tools, problems)
    section = _section_of(site, page.section)
    newer, older = site.neighbours.get(page.url, (None, None))
    context = _context(
        site,
        page.url,
        page.title,
        page.summary,
        page=page,
        section=section,
        content=html,
        toc=toc,
        tags=[term for term in site.tags if term.name in page.tags],
        newer=newer,
        older=older,
    )
    template = "article.html" if page.section else "page.html"
    rendered = _search_body(tools.renderer.render(template, context))
    return OutputFile(page.output, rendered.encode(), reads=_reads(tools, page.source)), problems


def _reads(tools: Tools, own: str = "") -> tuple[str, ...]:
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
    section: Section, paginator: Paginator, site: Site, tools: Tools
) -> tuple[OutputFile, list[Finding]]:
    problems: list[Finding] = []
    intro = _intro_html(section.intro, paginator.url, site, tools, problems)
    title = section.title if paginator.number == 1 else f"{section.title}（第 {paginator.number} 页）"
    context = _context(
        site, paginator.url, title, section.description, section=section, paginator=paginator, intro_html=intro
    )
    html = tools.renderer.render("section.html", context)
    return OutputFile(output_path(paginator.url), html.encode(), reads=_reads(tools)), problems


def render_tags(site: Site, tools: Tools) -> tuple[OutputFile, list[Finding]]:
    context = _context(site, "/tags/", "全部标签")
    html = tools.renderer.render("tags.html", context)
    return OutputFile("tags/index.html", html.encode(), reads=_reads(tools)), []


def render_term(term: Term, site: Site, tools: Tools) -> tuple[OutputFile, list[Finding]]:
    context = _context(site, term.url, f"标签：{term.name}", term=term)
    html = tools.renderer.render("tag.html", context)
    return OutputFile(output_path(term.url), html.encode(), reads=_reads(tools)), []


def render_home(site: Site, tools: Tools) -> tuple[OutputFile, list[Finding]]:
    problems: list[Finding] = []
    intro = _intro_html(site.home_intro, "/", site, tools, problems)
    title = site.home_intro.title if site.home_intro and site.home_intro.title else site.config.title
    context = _context(site, "/", title, intro_html=intro)
    html = tools.renderer.render("home.html", context)
    return OutputFile("index.html", html.encode(), reads=_reads(tools)), problems


def render_404(site: Site, tools: Tools) -> tuple[OutputFile, list[Finding]]:
    # Served at any address, so its links are root-relative, never relative.
    context = _context(site, "/404.html", "页面不存在", root_links=True)
    html = tools.renderer.render("404.html", context)
    return OutputFile("404.html", html.encode(), reads=_reads(tools)), []


def paginate(section: Section) -> Iterator[Paginator]:
    per_page = section.per_page
    total = max(1, math.ceil(len(section.pages) / per_page))

    def page_url(number: int) -> str:
        return section.url if number == 1 else f"{section.url}page/{number}/"

    for number in range(1, total + 1):
        yield Paginator(
            number=number,
            total=total,
            pages=section.pages[(number - 1) * per_page : number * per_page],
            url=page_url(number),
            prev_url=page_url(number - 1) if number > 1 else None,
            next_url=page_url(number + 1) if number < total else None,
        )


def _section_of(site: Site, key: str) -> Section | None:
    for section in site.sections:
        if section.key == key:
            return section
    return None


def _intro_html(intro: Intro | None, page_url: str, site: Site, tools: Tools, problems: list[Finding]) -> Markup:
    if intro is None or not intro.body.strip():
        return Markup("")
    html, _ = markdown_html(intro.body, intro.source, intro.body_line, page_url, site, tools, problems)
    return html


def markdown_html(
    body: str,
    source: str,
    body_line: int,
    page_url: str,
    site: Site,
    tools: Tools,
    problems: list[Finding],
) -> tuple[Markup, tuple[Heading, ...]]:
    """Markdown → HTML for the page at ``page_url``, with links resolved and checked."""
    cache = tools.markdown_cache
    for attempt in ("cache", "render") if cache else ("render",):
        found: list[Finding] = []  # the resolver's reports: kept only from the attempt that counts
        resolver = LinkResolver(site, source, body, body_line, page_url, found)
        links: list[tuple[str, bool, str]] = []  # (href the editor wrote, is an image, URL in the page)

        def resolve(
            href: str, is_image: bool, resolver: LinkResolver = resolver, links: list[tuple[str, bool, str]] = links
        ) -> str:
            url = resolver(href, is_image)
            links.append((href, is_image, url))
            return url

        if attempt == "cache":
            assert cache is not None
            rendered = cache.get(body, page_url, resolve)
            if rendered is None:
                continue
        else:
            try:
                rendered = tools.markdown.render(body, resolve)
            except MarkupTooDeep as exc:
                line = body_line if exc.line is None else body_line + exc.line
                message = f"正文无法按 Markdown 排版：{exc.reason}"
                raise SiteError.single("markdown-too-deep", message, Location(source, line), DEEP_HINT) from None
            if cache is not None:
                cache.put(body, page_url, rendered, links)
        problems.extend(found)
        images = [(url, href) for href, is_image, url in links if is_image]
        problems.extend(_images_without_alt(rendered.html, images, source, body, body_line))
        return Markup(rendered.html), rendered.toc
    raise AssertionError("unreachable: the last attempt renders")


def _images_without_alt(
    html: str, images: list[tuple[str, str]], source: str, body: str, body_line: int
) -> list[Finding]:
    """A warning at the line of each image written without alt text, in Markdown or as HTML."""
    found = []
    markdown_images = iter(images)
    pending = next(markdown_images, None)
    seen: dict[str, int] = {}
    for src, alt in alt_texts(html):
        if pending and pending[0] == src:  # the next Markdown image; else one written as HTML
            href, lines = pending[1], _lines_with_link(body, pending[1])
            pending = next(markdown_images, None)
        else:
            href, lines = src, _lines_with_text(body, src)
        occurrence = seen[href] = seen.get(href, -1) + 1
        if not alt:
            line = body_line + lines[min(occurrence, len(lines) - 1)] if lines else None
            found.append(no_alt_warning(source, line, href))
    return found


class LinkResolver:
    """Maps the links an editor writes to the URLs of the built site.

    ``../events/a.md`` → the article's URL; ``images/x.png`` → the copied file's URL (next to
    the article or in a shared folder of content/). A target that does not exist, or a path
    that leaves content/, is reported with the line where it is written.
    """

    def __init__(
        self, site: Site, source: str, body: str, body_line: int, page_url: str, problems: list[Finding]
    ) -> None:
        self.site = site
        self.source = source
        self.body = body
        self.body_line = body_line
        self.page_url = page_url
        self.problems = problems
        self.base = posixpath.dirname(source.split("/", 1)[1]) if "/" in source else ""
        self.pages: Mapping[str, Page] = site.by_rel
        self._reported: dict[str, int] = {}

    def __call__(self, href: str, is_image: bool) -> str:
        parts = urlsplit(href)
        if _unsafe_scheme(parts.scheme.lower(), href, is_image):
            self._report("unsafe-link", f"不允许的链接 {href[:40]}", href,
                         "链接只能是网址（http/https）、邮件地址或站内文件；javascript: 等会执行代码的链接不能发布。")
            return "#"
        if parts.scheme or parts.netloc or href.startswith(("#", "//")) or not (parts.path or parts.fragment):
            return href
        path = unquote(parts.path)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if path.startswith("/"):  # a site path written by hand
            return self._link(path) + fragment
        target = posixpath.normpath(posixpath.join(self.base, path))
        if target.startswith("../") or target == "..":
            self._report("path-escapes", f"链接 {href} 指向网站 content 文件夹之外", href,
                         "链接只能指向 content/ 里的文章和图片。")
            return href
        if target in self.pages:
            return self._link(self.pages[target].url) + fragment
        listing = self._listing(target)
        if listing is not None:
            return self._link(listing) + fragment
        if target in self.site.assets:
            return self._link(self.site.assets[target]) + fragment
        if target in self.site.unpublished:
            why = self.site.unpublished[target]
            self._report("link-unpublished", f"链接 {href} 指向的文章{why}，不会发布", href,
                         "发布那篇文章，或删去这个链接。")
            return href
        if is_image:
            self._report("missing-image", f"图片 {href} 不存在", href,
                         "检查文件名（含扩展名和大小写），图片应放在文章旁边或 content/ 的共用图片文件夹中。")
        else:
            self._report("broken-link", f"链接 {href} 指向的文件不存在", href,
                         "链接其他文章请写相对路径，如 ../events/yang-ge.md，检查文件名和目录。")
        return href

    def _listing(self, target: str) -> str | None:
        """The home page or a section list, linked as ``_index.md``, ``../news/`` or ``../news``."""
        folder = target.removesuffix("/_index.md").removesuffix(INDEX_FILE).rstrip("/")
        if folder in ("", "."):
            return "/"
        for section in self.site.sections:
            if folder == section.key:
                return section.url
        return None

    def _link(self, site_path: str) -> str:
        config = self.site.config
        if config.relative_urls:
            return relative_url(self.page_url, site_path)
        return root_url(config.base_url, site_path)

    def _report(self, code: str, message: str, href: str, hint: str) -> None:
        # The n-th report of one href belongs to its n-th occurrence in the text.
        occurrence = self._reported.get(href, 0)
        self._reported[href] = occurrence + 1
        lines = _lines_with_link(self.body, href)
        line = self.body_line + lines[min(occurrence, len(lines) - 1)] if lines else None
        self.problems.append(Finding(code, message, Location(self.source, line), hint))


def _unsafe_scheme(scheme: str, href: str, is_image: bool) -> bool:
    """Schemes that run code in the reader's browser; data: only for images."""
    if scheme in ("javascript", "vbscript", "file"):
        return True
    return scheme == "data" and not (is_image and href.lower().startswith("data:image/") and "svg" not in href[:20])


def _lines_with_text(body: str, text: str) -> list[int]:
    """0-based body lines where ``text`` appears (an image written as raw HTML)."""
    return [number for number, line in enumerate(body.split("\n")) if text and text in line]


def _lines_with_link(body: str, href: str) -> list[int]:
    """0-based body lines where ``href`` is written as a link target: ``](href``, ``]: href``, ``<href>``."""
    target = re.compile(r"(\]\(\s*<?|\]:\s*<?|<)" + re.escape(href) + r"(?=[\s)>\"']|$)")
    return [number for number, text in enumerate(body.split("\n")) if target.search(text)]
