"""The site as data: pages, sections, tags and data, assembled from what ``content`` read.

``assemble_site`` decides what is published (drafts, future and expired pages), where each
page lives (slugs, permalinks; two pages on one URL is an error naming both files), the order
of pages in a section, and what the templates need (summaries, counts, prev/next, tags).
It evaluates the data expressions in article text, so the Markdown it hands on is final.
"""

from __future__ import annotations

import functools
import math
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from civicpress.config import DataPageConfig, SiteConfig
from civicpress.content import Content, Document, FrontMatter
from civicpress.editions import Edition, is_draft
from civicpress.errors import Finding, Findings, Location, warning
from civicpress.expressions import expand, expression_context, make_environment
from civicpress.galleries import Captions, gallery_function
from civicpress.markup import plain_text
from civicpress.options import INTERNAL, PUBLIC
from civicpress.photo_formats import published_path
from civicpress.sitefolder import CONFIG_FILE
from civicpress.urls import escapes, expand_permalink, output_path, slug_problem, slugify
from civicpress.video import is_video, poster_candidates, video_markdown

READING_SPEED = 400  # Chinese characters per minute
TAGS_PATH = "/tags/"
# The top-level names the writers publish besides pages, sections and content files: the home
# page, the feed, search, print, tags and the theme's static files. A page there would overwrite
# one of them, or need a folder where one is a file. (tests/test_hostile_input.py compares this
# with what a real build publishes.)
RESERVED_NAMES = (
    "index.html", "404.html", "atom.xml", "sitemap.xml", "robots.txt", "search", "pagefind", "print", "tags",
    "style.css", "site.js", "search.js", "photos.js", "t2s.js", "favicon.ico", "favicon.svg",
)  # fmt: skip
ADDRESS_HINT = "请在文件头写 slug: 另一个网址名，或修改文件名。"

_SENTENCE_END = re.compile(r"[。！？!?]['”’」』）)]*")
# What the length of a text counts: each Chinese character and each run of Latin letters or digits.
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: a path inside the output folder and its bytes."""

    path: str
    data: bytes
    problems: tuple[Finding, ...] = ()  # warnings found while making it
    # Pages whose body-derived fields (summary, length…) went into it, besides its own page;
    # None when the writer does not track them (the file is then made again every build).
    reads: tuple[str, ...] | None = None
    # Set when a worker process has already checked and staged the file (``data`` is then empty,
    # civicpress.outputs). Writers never set it.
    checked: CheckedFile | None = None


@dataclass(frozen=True)
class CheckedFile:
    """What checking and staging one output file found (in the parent or in a worker process)."""

    digest: str
    size: int
    staged: bool  # its bytes were written to the staging folder (else the same bytes are live)
    indexed: bool  # the search index reads it
    checks: Mapping[str, Any]  # each check's record of it (civicpress.checks.protocol), as JSON


# Page fields that change with every edit of an article's text. A template that shows them for
# other pages (a list with summaries) depends on those pages' text: the renderer records whose
# it read, so that an incremental build makes the list again only when they change.
BODY_FIELDS = frozenset({"body", "summary", "chars", "reading_minutes"})


@dataclass(frozen=True)
class Page:
    source: str  # content/events/a.md
    rel: str  # events/a.md
    section: str  # "" for a plain page
    title: str
    date: datetime | None
    url: str  # site path: /events/a/
    output: str  # events/a/index.html
    slug: str
    body: str  # Markdown with data expressions evaluated
    body_line: int  # file line of the body's first line
    summary: str
    chars: int
    reading_minutes: int
    tags: tuple[str, ...]
    weight: int
    draft: bool
    front: FrontMatter
    field_lines: Mapping[str, int]
    cover: str = ""  # site path of the cover image, "" when there is none
    stamp: float = 0.0  # the date as a POSIX timestamp, for sorting (0 without a date)

    def location(self, field_name: str | None = None) -> Location:
        """This page's file, at the line of a front-matter field when one is named."""
        return Location(self.source, self.field_lines.get(field_name) if field_name else None)

    @property
    def extra(self) -> Mapping[str, Any]:
        return self.front.extra


@dataclass(frozen=True)
class Intro:
    """An ``_index.md``: the text above a section's list or on the home page."""

    source: str
    title: str
    body: str
    body_line: int


@dataclass(frozen=True)
class YearList:
    """One year of a section archived by year (``by_year: true``): its list at /KEY/YEAR/."""

    year: int
    url: str
    pages: tuple[Page, ...]  # newest first: an archive is read by date, so pins do not apply


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url: str
    description: str
    pages: tuple[Page, ...]
    per_page: int
    intro: Intro | None = None
    years: tuple[YearList, ...] = ()  # newest year first; () unless the section is archived by year


@dataclass(frozen=True)
class Term:
    name: str
    slug: str
    url: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class DataPage:
    """A page drawn from data (``data_pages`` in site_config.yaml): one record, or a whole data file."""

    title: str
    url: str
    output: str
    template: str
    data: Any  # the record (a frozen mapping), or the whole data for a one-page entry
    description: str = ""
    slug: str = ""  # "" for a whole-data page

    @property
    def per_record(self) -> bool:
        return bool(self.slug)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    pages: tuple[Page, ...]  # every published page: articles then plain pages, stable order
    sections: tuple[Section, ...]
    tags: tuple[Term, ...]
    data: Mapping[str, Any]
    assets: Mapping[str, str]  # path inside content/ -> site path
    home_intro: Intro | None
    build_date: datetime
    unpublished: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # rel -> why
    neighbours: Mapping[str, tuple[Page | None, Page | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )  # url -> (newer, older) within the section
    by_rel: Mapping[str, Page] = field(default_factory=lambda: MappingProxyType({}))  # path in content/ -> page
    awaiting_review: tuple[str, ...] = ()  # content files waiting for review (Edition.pending), published or not
    held_back: tuple[str, ...] = ()  # content files this edition leaves out until they are approved
    drafts: tuple[str, ...] = ()  # content files left out as drafts (draft: true, status: 草稿)
    data_pages: tuple[DataPage, ...] = ()
    asset_sizes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))  # published attachments' bytes
    edition: str = PUBLIC  # "internal": the edition handed over in person, marked 内部资料 on every page

    @property
    def internal(self) -> bool:
        """The internal edition: its pages say so and ask search engines not to index them."""
        return self.edition == INTERNAL

    def articles(self) -> list[Page]:
        """Every section page, newest first."""
        return list(self._articles)

    @functools.cached_property
    def _articles(self) -> tuple[Page, ...]:
        return tuple(sorted((p for p in self.pages if p.section), key=_newest_first))

    @functools.cached_property
    def plain_pages(self) -> tuple[Page, ...]:
        """The pages outside the sections (about us…), for the navigation: every page shows them."""
        return tuple(p for p in self.pages if not p.section)

    def record_page(self, record: Any) -> DataPage | None:
        """The page of one data record, when ``data_pages`` gives its list a page per record."""
        return next((p for p in self.data_pages if p.slug and p.data is record), None)

    def related(self, page: Page, limit: int = 4) -> list[Page]:
        """Other articles sharing tags with ``page``: most shared tags first, then newest.

        Each tag is a bit set over the tagged articles, newest first; the number of tags an
        article shares is counted for all articles at once with bitwise adders, so a page costs
        a few dozen operations on integers whatever the size of the site.
        """
        order, bits = self._tag_bits
        terms = [name for name in page.tags if name in bits]
        if len(set(terms)) > 7:  # beyond what three counter bits hold: count one by one
            return self._related_by_counting(page, limit)
        ones = twos = fours = 0  # bit-sliced counters: shared = 4·fours + 2·twos + ones
        for name in dict.fromkeys(terms):
            carry = ones & bits[name]
            ones ^= bits[name]
            fours |= twos & carry
            twos ^= carry
        own = self._tag_position.get(page.url)
        if own is not None:
            ones &= ~(1 << own)
            twos &= ~(1 << own)
            fours &= ~(1 << own)
        found: list[Page] = []
        for shared in range(min(len(set(terms)), 7), 0, -1):
            exact = _select(fours, shared & 4) & _select(twos, shared & 2) & _select(ones, shared & 1)
            exact &= ones | twos | fours
            while exact and len(found) < limit:
                lowest = exact & -exact
                found.append(order[lowest.bit_length() - 1])
                exact ^= lowest
        return found

    def _related_by_counting(self, page: Page, limit: int) -> list[Page]:
        shared: dict[str, int] = {}
        by_url: dict[str, Page] = {}
        for term in self.tags:
            if term.name in page.tags:
                for other in term.pages:
                    if other.section and other.url != page.url:
                        shared[other.url] = shared.get(other.url, 0) + 1
                        by_url[other.url] = other
        ranked = sorted(shared, key=lambda url: (-shared[url], *_newest_first(by_url[url])))
        return [by_url[url] for url in ranked[:limit]]

    @functools.cached_property
    def _tag_bits(self) -> tuple[list[Page], dict[str, int]]:
        """The tagged articles newest first, and per tag the bit set of its articles in that order."""
        order = sorted({p.url: p for t in self.tags for p in t.pages if p.section}.values(), key=_newest_first)
        position = {p.url: number for number, p in enumerate(order)}
        bits = {t.name: sum(1 << position[p.url] for p in t.pages if p.section) for t in self.tags}
        return order, bits

    @functools.cached_property
    def _tag_position(self) -> dict[str, int]:
        return {p.url: number for number, p in enumerate(self._tag_bits[0])}


def _select(counter: int, wanted: int) -> int:
    """The articles whose counter bit is set (``wanted``) or clear (not ``wanted``); -1 is every bit."""
    return counter if wanted else ~counter


@dataclass(frozen=True, eq=False)
class PageInputs:
    """What a page is made from besides its own document: the same for every page of one build.

    Compared by identity: whoever keeps pages between builds (``rebuild.memos``) decides which
    of these make the same pages (the data as read, by identity; the rest by value).
    """

    config: SiteConfig
    edition: Edition
    read_data: Mapping[str, Any]  # the data as content read it
    assets: tuple[str, ...]
    data: Mapping[str, Any]  # this edition's view of it: what the pages' expressions see
    env: Any  # the sandbox the pages' expressions run in
    captions: Captions = field(default_factory=lambda: MappingProxyType({}))  # the galleries' photo captions

    @classmethod
    def of(cls, config: SiteConfig, content: Content, edition: Edition) -> PageInputs:
        return cls(config, edition, content.data, content.assets, edition.redact_data(content.data), make_environment(),
                   content.captions)


def make_page(document: Document, inputs: PageInputs, findings: Findings) -> Page | Intro:
    """One published document as its page, or as its section's (or the home page's) introduction.

    A pure function of the document and the inputs: its problems go to ``findings``.
    """
    edition = inputs.edition
    body = edition.redact(_expand(inputs, document, findings))
    if document.is_index:
        return Intro(document.source, edition.redact(document.front.title), body, document.body_line)
    return _page(inputs.config, document, body, _cover(document, inputs.assets, findings), edition)


# The per-document step of assemble_site: make_page, or a wrapper that hands back the page an
# earlier build made of the same document and inputs (``rebuild.memos.PageMemo``).
MakePage = Callable[[Document, PageInputs, Findings], Page | Intro]


def assemble_site(
    config: SiteConfig,
    content: Content,
    findings: Findings,
    *,
    now: datetime,
    include_drafts: bool = False,
    edition: Edition | None = None,
    make: MakePage = make_page,
) -> Site:
    """Build the site model for one edition (public by default).

    Problems go to ``findings``, in the order of the documents; the model holds what is valid.
    """
    edition = edition or Edition.of(config)
    inputs = PageInputs.of(config, content, edition)
    data = inputs.data
    pages: list[Page] = []
    intros: dict[str, Intro] = {}
    unpublished: dict[str, str] = {}
    held_back: list[str] = []
    drafts: list[str] = []
    for document in content.documents:
        reason = _unpublished_reason(document.front, now, include_drafts)
        withheld = "" if reason else edition.withheld(document.front, include_drafts)
        if reason or withheld:
            unpublished[document.rel] = reason or withheld
            if reason == DRAFT_REASON:
                drafts.append(document.source)
            if withheld and edition.awaits_approval(document.front):
                held_back.append(document.source)
                if not document.front.status:
                    findings.add(_unapproved(document))
            continue
        made = make(document, inputs, findings)
        if isinstance(made, Intro):
            intros[document.section] = made
        else:
            pages.append(made)
    _check_unique_urls(pages, findings)
    taken = _taken_outputs(config, content.assets)
    archived = {s.key: s.title for s in config.sections if s.by_year}
    pages = [page for page in pages if _place_free(page, taken, archived, findings)]
    withheld_files = _withheld_files(content, unpublished, [*pages, *intros.values()])
    sections = tuple(_section(config, key, pages, intros.get(key.key)) for key in config.sections)
    ordered = [p for s in sections for p in s.pages] + sorted(
        (p for p in pages if not p.section), key=lambda p: p.rel
    )
    dates = [p.date for p in pages if p.date]
    data_pages = _data_pages(config, data, ordered, sections, taken, findings)
    return Site(
        config=config,
        pages=tuple(ordered),
        sections=sections,
        tags=_tags(config, ordered),
        data=data,
        assets=MappingProxyType(
            {rel: "/" + published_path(rel) for rel in content.assets if rel not in withheld_files}
        ),
        home_intro=intros.get(""),
        build_date=max(dates) if dates else datetime(1970, 1, 1, tzinfo=timezone.utc),
        unpublished=MappingProxyType(unpublished),
        neighbours=MappingProxyType(_neighbours(sections)),
        by_rel=MappingProxyType({page.rel: page for page in ordered}),
        awaiting_review=tuple(d.source for d in content.documents if edition.pending(d.front)),
        held_back=tuple(held_back),
        drafts=tuple(drafts),
        data_pages=data_pages,
        asset_sizes=MappingProxyType({rel: n for rel, n in content.sizes.items() if rel not in withheld_files}),
        edition=edition.name,
    )


def _withheld_files(content: Content, unpublished: Mapping[str, str], published: list[Page | Intro]) -> set[str]:
    """The files of content/ that only pages left out of this edition link: not published either.

    An attachment or image beside a draft or an internal page (a list of households, a photo taken
    at a home visit) is as private as the page, unless a published page links it too. A file no
    page links (a logo a template shows) is published as before.
    """
    assets = frozenset(content.assets)
    candidates: set[str] = set()
    for document in content.documents:
        if document.rel in unpublished:
            candidates |= linked_files(document.rel, document.body, document.front.cover, assets,
                                       _attachment_files(document.front))
    if not candidates:
        return candidates
    names = {posixpath.basename(rel) for rel in candidates}
    names |= {quote(name) for name in names}
    for made in published:
        front = made.front if isinstance(made, Page) else None
        if any(name in made.body for name in names) or (front and (front.cover or front.attachments)):
            rel = made.source.removeprefix(CONTENT_PREFIX)
            cover, attached = (front.cover, _attachment_files(front)) if front else ("", ())
            candidates -= linked_files(rel, made.body, cover, assets, attached)
    return candidates


CONTENT_PREFIX = "content/"
# Where Markdown and raw HTML name a file: [text](target "title"), ![alt](<with space.png>),
# [id]: target, src="…" and href="…". It may find more than Python-Markdown links (a target inside
# a code block): for a page left out that only holds more files back, for a published one only
# publishes them.
_LINK_TARGETS = re.compile(
    r"\]\(\s*(?:<([^>\n]*)>|([^)\s]+))"
    r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^>\s]+)"
    r"|\b(?:src|href)\s*=\s*[\"']([^\"'\n]+)",
    re.MULTILINE | re.IGNORECASE,
)


def _attachment_files(front: FrontMatter) -> tuple[str, ...]:
    return tuple(attachment.file for attachment in front.attachments)


def linked_files(rel: str, body: str, cover: str, assets: frozenset[str], attached: tuple[str, ...] = ()) -> set[str]:
    """The files of ``assets`` (paths inside content/) that the page at ``rel`` links, shows as its cover or
    lists as its attachments (``attached``, as written in its front matter)."""
    targets = [cover, *attached] if cover else list(attached)
    targets += [next(g for g in match.groups() if g is not None) for match in _LINK_TARGETS.finditer(body)]
    base = posixpath.dirname(rel)
    found = set()
    for target in targets:
        parts = urlsplit(target.strip())
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        path = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, path))
        if path in assets:
            found.add(path)
            found.update(poster for poster in poster_candidates(path) if is_video(path) and poster in assets)
    return found


def _unapproved(document: Document) -> Finding:
    """The warning for a page without ``status`` on a site that requires approval: it is held back."""
    line = document.field_lines.get("title") or 1
    return warning(
        "approval-missing",
        "文件头没有审核状态 status：site_config.yaml 要求审核（require_approval: true），公开版不发布这篇文章",
        Location(document.source, line),
        "审核通过后在文件头加一行 status: 已审（可同时写 reviewer 和 reviewed）；尚待审核的写 status: 待审。",
    )


DRAFT_REASON = "是草稿（draft: true 或 status: 草稿）"


def _unpublished_reason(front: FrontMatter, now: datetime, include_drafts: bool) -> str:
    if front.expiry_date and front.expiry_date <= now:
        return "已过期（expiry_date）"
    if include_drafts:
        return ""
    if is_draft(front):
        return DRAFT_REASON
    publish = front.publish_date or front.date
    if publish and publish > now:
        return "发布日期未到"
    return ""


def _expand(inputs: PageInputs, document: Document, findings: Findings) -> str:
    """The document's body with its data expressions evaluated; a failure goes to ``findings``.

    Besides what every text sees, an article may show the photos of a folder: ``gallery(…)``.
    """
    front = document.front
    page = {"title": front.title, "date": front.date, "tags": front.tags, "extra": front.extra}
    context = expression_context(inputs.data, inputs.config, inputs.edition, page)
    context["video"] = video_markdown  # articles only: a printed material cannot play one
    context["gallery"] = gallery_function(document.rel, inputs.assets, inputs.captions)
    body, problem = expand(inputs.env, document.body, context, document.location(), document.body_line)
    if problem:
        findings.add(problem)
    return body


def _cover(document: Document, assets: tuple[str, ...], findings: Findings) -> str:
    """The cover image's site path; it is written relative to the article, like Markdown images."""
    cover = document.front.cover
    if not cover:
        return ""
    base = posixpath.dirname(document.rel)
    target = posixpath.normpath(posixpath.join(base, cover))
    if target in assets:
        return "/" + published_path(target)
    findings.error(
        "missing-image",
        f"封面图片 {cover} 不存在",
        document.field_location("cover"),
        "封面图片的路径相对于文章所在的文件夹，如 images/cover.jpg。",
    )
    return ""


def _page(config: SiteConfig, document: Document, body: str, cover: str, edition: Edition) -> Page:
    front = document.front
    stem = document.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = front.slug or slugify(stem, config.slug_style) or slugify(front.title, config.slug_style)
    section = config.section(document.section)
    if section is None:
        url = "/" + slug + "/"
    else:
        url = expand_permalink(section.permalink, section=section.key, slug=slug, date=front.date)
    text = plain_text(body)
    chars = len(_NOT_HAN.sub("", text)) + sum(1 for _ in _LATIN_RUN.finditer(text))
    return Page(
        source=document.source,
        rel=document.rel,
        section=document.section,
        title=edition.redact(front.title),
        date=front.date,
        url=url,
        output=output_path(url),
        slug=slug,
        body=body,
        body_line=document.body_line,
        summary=edition.redact(front.summary) or cut_summary(text, config.summary_length),
        chars=chars,
        reading_minutes=max(1, math.ceil(chars / READING_SPEED)),
        tags=front.tags,
        weight=front.weight,
        draft=front.draft,
        front=front,
        field_lines=document.field_lines,
        cover=cover,
        stamp=front.date.timestamp() if front.date else 0.0,
    )


def cut_summary(text: str, limit: int) -> str:
    """The longest run of whole sentences within ``limit`` characters, from the first paragraph.

    A first sentence longer than the limit is cut and ends with an ellipsis.
    """
    first = text.split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = 0
    for match in _SENTENCE_END.finditer(first):
        if match.end() > limit:
            break
        cut = match.end()
    return first[:cut] if cut else first[: limit - 1] + "…"


def _check_unique_urls(pages: list[Page], findings: Findings) -> None:
    owners: dict[str, Page] = {}
    for page in sorted(pages, key=lambda p: p.source):
        other = owners.get(page.output)
        if other is None:
            owners[page.output] = page
            continue
        findings.error(
            "duplicate-url",
            f"{other.source} 和 {page.source} 的网址相同：{page.url}",
            page.location("slug"),
            "请在其中一篇的文件头加 slug: 另一个网址名，或修改文件名。",
        )


def _taken_outputs(config: SiteConfig, assets: tuple[str, ...]) -> dict[str, str]:
    """Output paths that no page may take, as a page's file or as a folder on its way: what is there."""
    taken = {name: f"网站自带的 {name}" for name in RESERVED_NAMES}
    taken.update((published_path(rel), f"content/{rel}") for rel in assets)
    taken.update((f"{s.key}/index.html", f"栏目“{s.title}”的列表") for s in config.sections)
    return taken


def _year_list_clash(page: Page, archived: Mapping[str, str]) -> str:
    """The year list a page's address would overwrite (/events/2025/ of a section archived by year), or "".

    ``archived``: the title of each section archived by year, by its key.
    """
    match = _YEAR_OUTPUT.fullmatch(page.output)
    if match and match.group(1) in archived:
        return f"栏目“{archived[match.group(1)]}”的 {match.group(2)} 年列表"
    return ""


_YEAR_OUTPUT = re.compile(r"([^/]+)/(\d{4})/index\.html")


def _collision(output: str, taken: Mapping[str, str]) -> str:
    """What already is at ``output`` (or at a folder the page needs on its way there); "" when nothing is."""
    parts = output.split("/")
    if parts[0] in RESERVED_NAMES:
        return taken[parts[0]]
    for end in range(1, len(parts) + 1):
        owner = taken.get("/".join(parts[:end]))
        if owner:
            return owner
    return ""


def _place_free(page: Page, taken: Mapping[str, str], archived: Mapping[str, str], findings: Findings) -> bool:
    """Whether ``page`` can be published where its address puts it; else an error at its slug (or file)."""
    if escapes(page.output):  # only a section's permalink can do this: slugs are checked when read
        findings.error("bad-url", f"{page.source} 的网址 {page.url} 不在网站之内", Location(CONFIG_FILE),
                       "栏目的 permalink 以 / 开头，不要写 .. 或连续的 /，如 /:section/:year/:slug/。")
        return False
    owner = _collision(page.output, taken) or _year_list_clash(page, archived)
    if owner:
        findings.error("reserved-url", f"{page.source} 的网址 {page.url} 与{owner}冲突，两者会写到同一处",
                       page.location("slug"), ADDRESS_HINT)
        return False
    return True


def _sort_key(page: Page) -> tuple[bool, int, float, str]:
    """Weighted pages first (ascending weight), then newest first, then by file."""
    return (page.weight == 0, page.weight, -page.stamp, page.source)


def _newest_first(page: Page) -> tuple[float, str]:
    return (-page.stamp, page.source)


def _section(config: SiteConfig, section: Any, pages: list[Page], intro: Intro | None) -> Section:
    members = sorted((p for p in pages if p.section == section.key), key=_sort_key)
    url = f"/{section.key}/"
    return Section(
        key=section.key,
        title=section.title,
        url=url,
        description=section.description,
        pages=tuple(members),
        per_page=section.paginate or config.pagination,
        intro=intro,
        years=_years(url, members) if section.by_year else (),
    )


def _years(section_url: str, members: list[Page]) -> tuple[YearList, ...]:
    """The section's pages by year of their date, newest year first (pages without a date are in none)."""
    by_year: dict[int, list[Page]] = {}
    for page in sorted(members, key=_newest_first):
        if page.date is not None:
            by_year.setdefault(page.date.year, []).append(page)
    newest = sorted(by_year, reverse=True)
    return tuple(YearList(year, f"{section_url}{year}/", tuple(by_year[year])) for year in newest)


def _tags(config: SiteConfig, pages: list[Page]) -> tuple[Term, ...]:
    members: dict[str, list[Page]] = {}
    for page in pages:
        for tag in page.tags:
            members.setdefault(tag, []).append(page)
    terms = []
    taken: set[str] = set()
    for name in sorted(members, key=lambda n: (slugify(n, config.slug_style), n)):
        base = slugify(name, config.slug_style) or "tag"
        slug, number = base, 1
        while slug in taken:  # homophones share a pinyin slug: 党建 / 当见
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        terms.append(Term(name, slug, f"{TAGS_PATH}{slug}/", tuple(sorted(members[name], key=_newest_first))))
    return tuple(terms)


def _neighbours(sections: tuple[Section, ...]) -> dict[str, tuple[Page | None, Page | None]]:
    result: dict[str, tuple[Page | None, Page | None]] = {}
    for section in sections:
        chain = section.pages
        for index, page in enumerate(chain):
            newer = chain[index - 1] if index > 0 else None
            older = chain[index + 1] if index + 1 < len(chain) else None
            result[page.url] = (newer, older)
    return result


def _data_pages(
    config: SiteConfig, data: Mapping[str, Any], pages: list[Page], sections: tuple[Section, ...],
    outputs: Mapping[str, str], findings: Findings,
) -> tuple[DataPage, ...]:
    """The pages of ``data_pages``, in the configured order; a URL already taken is an error."""
    taken = {p.url: p.source for p in pages} | {s.url: f"栏目“{s.title}”" for s in sections}
    taken |= {"/": "首页", TAGS_PATH: "标签页"}
    result: list[DataPage] = []
    for entry in config.data_pages:
        where = Location(CONFIG_FILE, entry.line)
        value = _data_at(data, entry.data)
        if value is None:
            findings.error("data-page-missing", f"data_pages 中的数据 {entry.data} 不存在", where,
                           "数据文件放在 content/_data/ 中，如 honors 即 content/_data/honors.yaml。")
            continue
        if entry.per_record:
            made = _record_pages(config, entry, value, where, findings)
        else:
            made = [DataPage(entry.title, entry.url, output_path(entry.url), entry.template, value, entry.description)]
        for page in made:
            if escapes(page.output):
                findings.error("bad-url", f"{entry.data} 的页面“{page.title}”的网址 {page.url} 不在网站之内", where,
                               "data_pages 的 url 以 / 开头和结尾，不要写 .. 或连续的 /，如 /honors/:slug/。")
                continue
            owner = taken.get(page.url)
            reserved = "" if owner else _collision(page.output, outputs)
            if owner or reserved:
                findings.error("duplicate-url" if owner else "reserved-url",
                               f"{entry.data} 的页面“{page.title}”和 {owner or reserved} 的网址相同：{page.url}",
                               where, "给这条记录加一行 slug: 另一个网址名，或修改 data_pages 中的 url。")
                continue
            taken[page.url] = f"{entry.data} 的“{page.title}”"
            result.append(page)
    return tuple(result)


def _data_at(data: Mapping[str, Any], path: str) -> Any:
    """``organisation.volunteer_teams`` → that list inside ``data``; None when it is not there."""
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _record_pages(
    config: SiteConfig, entry: DataPageConfig, records: Any, where: Location, findings: Findings
) -> list[DataPage]:
    if not isinstance(records, tuple) or not all(isinstance(r, Mapping) for r in records):
        findings.error("data-page-not-list", f"{entry.data} 不是记录列表，不能每条记录一页", where,
                       "每条一页时，数据应是以“- ”开头的列表，每项写“键: 值”；否则请去掉 url 中的 :slug。")
        return []
    made = []
    for number, record in enumerate(records, start=1):
        title = record.get(entry.title)
        if title is None or str(title).strip() == "":
            findings.error("data-page-no-title", f"{entry.data} 第 {number} 条记录缺少 {entry.title}，无法作页面标题",
                           where, f"给这条记录加上 {entry.title}: …，或在 data_pages 中用 title: 指定作标题的字段。")
            continue
        slug = str(record.get("slug") or "") or slugify(str(title), config.slug_style)
        problem = slug_problem(slug)
        if problem:
            findings.error("bad-slug", f"{entry.data} 第 {number} 条记录的网址名 slug {slug!r} 不能用：{problem}",
                           where, "slug 只写一个名字，用字母、数字、汉字和短横线，如 slug: wen-ming-she-qu。")
            continue
        url = entry.url.replace(":slug", slug)
        description = str(record.get(entry.description) or "") if entry.description else ""
        made.append(DataPage(str(title), url, output_path(url), entry.template, record, description, slug))
    return made
