"""The body-rendering stage: the Markdown of an article or intro → HTML, with its links resolved.

It stands between the model and the writers. Given one text of the site (a page's body, a
section's or the home page's ``_index.md``) and the address it will be shown at, ``render_body``
returns a ``RenderedBody``: the HTML, the headings for a table of contents, and the problems
found, each at its file and line. Links the editor wrote (``../events/a.md``, ``images/x.png``,
``/news/``) become the built site's addresses; a link to a missing or unpublished file, a path
that leaves content/, a ``javascript:`` link and an image without alt text are problems.

A text nested too deep for Markdown cannot be rendered at all: that raises SiteError.

It knows nothing of templates or writers: a writer puts ``html`` and ``toc`` into its page.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from civicpress.attachment_links import Attachment, attachments_block, kind_of, label_links
from civicpress.content import INDEX_FILE
from civicpress.errors import Finding, Location, SiteError
from civicpress.images import alt_texts, no_alt_warning
from civicpress.markup import Heading, MarkdownRenderer, MarkupTooDeep, Rendered
from civicpress.model import Intro, Page, Site
from civicpress.urls import relative_url, root_url
from civicpress.video import add_posters, is_video, poster_candidates

DEEP_HINT = "请减少列表和引用的层数，删去连成一串的 * _ [ 符号；要原样显示这些符号，在每个前面加 \\。"

# A link as rendered: (href the editor wrote, is an image, URL written into the page).
Link = tuple[str, bool, str]


@dataclass(frozen=True)
class RenderedBody:
    """One text rendered: HTML to place in a page, its headings, and what is wrong with it (file:line)."""

    html: Markup
    toc: tuple[Heading, ...]
    problems: tuple[Finding, ...]


NO_BODY = RenderedBody(Markup(""), (), ())


class MarkdownMemo(Protocol):
    """Renderings of earlier builds, by text and address (markup's MarkdownCache, wherever it lives)."""

    def get(self, text: str, page_url: str, check: Callable[[str, bool], str]) -> Rendered | None: ...

    def put(self, text: str, page_url: str, rendered: Rendered, links: list[Link]) -> None: ...


def render_body(
    text: Page | Intro | None,
    page_url: str,
    site: Site,
    markdown: MarkdownRenderer,
    memo: MarkdownMemo | None = None,
) -> RenderedBody:
    """``text``'s body as HTML for the page at ``page_url``, its links resolved against ``site`` and checked.

    A rendering in ``memo`` is taken when every link it made still resolves to the same address;
    otherwise the text is rendered and remembered. Raises SiteError when it is nested too deep.
    """
    if text is None or not text.body.strip():
        return NO_BODY
    remembered = _remembered(text, page_url, site, memo) if memo is not None else None
    rendered, resolver = remembered or _rendered(text, page_url, site, markdown, memo)
    images = [(url, href) for href, is_image, url in resolver.links if is_image]
    problems = [*resolver.problems, *_images_without_alt(rendered.html, images, text)]
    html = add_posters(label_links(rendered.html, _linked_attachments(resolver)), _posters(resolver))
    if isinstance(text, Page) and text.front.attachments:
        listed, missing = _listed_attachments(text, resolver)
        html += attachments_block(listed)
        problems += missing
    return RenderedBody(Markup(html), rendered.toc, tuple(problems))


def _linked_attachments(resolver: SiteLinkResolver) -> dict[str, Attachment]:
    """The attachments the text links (by the address written into the page), with their kind and size."""
    found = {}
    for href, is_image, url in resolver.links:
        kind = "" if is_image else kind_of(href)
        size = resolver.size_of(href) if kind else None
        if size is not None:
            found[url] = Attachment(0, "", url, kind, size)
    return found


def _posters(resolver: SiteLinkResolver) -> dict[str, str]:
    """The poster of each video file the text shows (by its address in the page): a picture of its name beside it."""
    found = {}
    for href, is_image, url in resolver.links:
        poster = resolver.poster_of(href) if not is_image and is_video(href) else None
        if poster is not None:
            found[url] = poster
    return found


def _listed_attachments(page: Page, resolver: SiteLinkResolver) -> tuple[list[Attachment], list[Finding]]:
    """The front matter's ``attachments:``, numbered, as the 附件 block shows them; a missing file is an error."""
    listed: list[Attachment] = []
    missing: list[Finding] = []
    for item in page.front.attachments:
        size = resolver.size_of(item.file)
        if size is None:
            missing.append(Finding(
                "missing-attachment", f"附件 {item.file} 不存在", page.location("attachments"),
                "附件的路径相对于文章所在的文件夹（如 files/居民公约.docx），检查文件名、扩展名和大小写。",
            ))
            continue
        url = resolver.file_url(item.file)
        title = item.title or posixpath.basename(item.file)
        listed.append(Attachment(len(listed) + 1, title, url, kind_of(item.file), size))
    return listed, missing


def _remembered(
    text: Page | Intro, page_url: str, site: Site, memo: MarkdownMemo
) -> tuple[Rendered, SiteLinkResolver] | None:
    """The memo's rendering, with a resolver that re-resolved its links (and so holds their problems)."""
    resolver = SiteLinkResolver(site, text, page_url)
    rendered = memo.get(text.body, page_url, resolver)
    return None if rendered is None else (rendered, resolver)


def _rendered(
    text: Page | Intro, page_url: str, site: Site, markdown: MarkdownRenderer, memo: MarkdownMemo | None
) -> tuple[Rendered, SiteLinkResolver]:
    # A fresh resolver: the reports of a memo's rejected rendering must not count twice.
    resolver = SiteLinkResolver(site, text, page_url)
    try:
        rendered = markdown.render(text.body, resolver)
    except MarkupTooDeep as exc:
        line = text.body_line if exc.line is None else text.body_line + exc.line
        message = f"正文无法按 Markdown 排版：{exc.reason}"
        raise SiteError.single("markdown-too-deep", message, Location(text.source, line), DEEP_HINT) from None
    if memo is not None:
        memo.put(text.body, page_url, rendered, resolver.links)
    return rendered, resolver


def _images_without_alt(html: str, images: list[tuple[str, str]], text: Page | Intro) -> list[Finding]:
    """A warning at the line of each image written without alt text, in Markdown or as HTML.

    ``images`` are the Markdown images in order, as (URL in the page, href written).
    """
    found = []
    markdown_images = iter(images)
    pending = next(markdown_images, None)
    seen: dict[str, int] = {}
    for src, alt in alt_texts(html):
        if pending and pending[0] == src:  # the next Markdown image; else one written as HTML
            href, lines = pending[1], _lines_with_link(text.body, pending[1])
            pending = next(markdown_images, None)
        else:
            href, lines = src, _lines_with_text(text.body, src)
        occurrence = seen[href] = seen.get(href, -1) + 1
        if not alt:
            line = text.body_line + lines[min(occurrence, len(lines) - 1)] if lines else None
            found.append(no_alt_warning(text.source, line, href))
    return found


class SiteLinkResolver:
    """Maps the links an editor writes in one text to the URLs of the built site (a markup link resolver).

    ``../events/a.md`` → the article's URL; ``images/x.png`` → the copied file's URL (next to
    the article or in a shared folder of content/). A target that does not exist, or a path
    that leaves content/, is reported with the line where it is written. Every link asked
    about is kept in ``links``, so that a memo can check them again in a later build.
    """

    def __init__(self, site: Site, text: Page | Intro, page_url: str) -> None:
        self.site = site
        self.source = text.source
        self.body = text.body
        self.body_line = text.body_line
        self.page_url = page_url
        self.problems: list[Finding] = []
        self.links: list[Link] = []
        self.base = posixpath.dirname(self.source.split("/", 1)[1]) if "/" in self.source else ""
        self.pages: Mapping[str, Page] = site.by_rel
        self._reported: dict[str, int] = {}

    def __call__(self, href: str, is_image: bool) -> str:
        url = self._resolve(href, is_image)
        self.links.append((href, is_image, url))
        return url

    def _resolve(self, href: str, is_image: bool) -> str:
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
        if is_video(href) and not is_image:
            self._report("missing-video", f"视频 {href} 不存在", href,
                         "检查文件名（含扩展名和大小写）；视频文件应放在文章旁边，如 videos/huiyan.mp4。")
        elif kind_of(href) and not is_image:
            self._report("broken-link", f"附件 {href} 不存在", href,
                         "附件的路径相对于文章所在的文件夹（如 files/居民公约.docx），检查文件名、扩展名和大小写。")
        elif is_image:
            self._report("missing-image", f"图片 {href} 不存在", href,
                         "检查文件名（含扩展名和大小写），图片应放在文章旁边或 content/ 的共用图片文件夹中。")
        else:
            self._report("broken-link", f"链接 {href} 指向的文件不存在", href,
                         "链接其他文章请写相对路径，如 ../events/yang-ge.md，检查文件名和目录。")
        return href

    def _target(self, href: str) -> str:
        """The path inside content/ that a relative ``href`` of this text names."""
        return posixpath.normpath(posixpath.join(self.base, unquote(urlsplit(href).path)))

    def size_of(self, href: str) -> int | None:
        """The bytes of the published attachment ``href`` names, None when there is none."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or parts.path.startswith("/"):
            return None
        return self.site.asset_sizes.get(self._target(href))

    def poster_of(self, href: str) -> str | None:
        """The address of the picture beside the video file ``href`` names and of its name, None without one."""
        if href.startswith("/") or urlsplit(href).scheme:
            return None
        assets = self.site.assets
        poster = next((p for p in poster_candidates(self._target(href)) if p in assets), None)
        return None if poster is None else self._link(assets[poster])

    def file_url(self, href: str) -> str:
        """The address of the published file ``href`` names (``size_of`` found it)."""
        return self._link(self.site.assets[self._target(href)])

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
