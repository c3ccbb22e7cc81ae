"""Markdown for Chinese text: the Python-Markdown instance and civicpress's extensions.

- Heading ids keep Chinese (``一、主要做法`` → ``一主要做法``), not ``_1``.
- A soft line break between two Chinese characters (or Chinese punctuation) is removed,
  since browsers render it as a space; between Chinese and Latin text it stays a space.
- Every link and image goes through a resolver supplied by the caller, which maps
  ``../events/a.md`` and ``images/x.png`` to output URLs and reports missing targets.
- Text Python-Markdown cannot handle in bounded time and stack (lists or quotes nested
  hundreds deep, thousands of ``*`` in a row) is refused with its line before it is parsed.
- A photo alone in its paragraph, with alt text, is a ``<figure>`` whose visible
  ``<figcaption>`` is its title (``![alt](a.jpg "说明")``) or else its alt text; a paragraph
  of photos marked ``{: .gallery}`` (what ``{{ gallery(…) }}`` writes, see ``galleries``) is a
  grid of thumbnails, each linked to its photo.

This module never imports the site model: the resolver is the only link to it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from civicpress.video import VideoBlocks

# (href, is_image) -> the URL to write
LinkResolver = Callable[[str, bool], str]

_WIDE = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019"
)
_SOFT_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[{_WIDE}])")
_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_WIDE_CHAR = re.compile(rf"[{_WIDE}]")
_VERBATIM = {"pre", "code", "script", "style"}

# Python-Markdown parses each level of a nested list or quote, and each pair of emphasis marks,
# by recursion (and again the rest of the text at each level): a few hundred levels exhaust the
# stack, a few thousand take minutes first. Real articles nest a handful of levels.
MAX_NESTING = 32
MAX_RUN = 200  # the same mark (* _ [) this many times in a row, on a line with other text
_CONTAINER_LINE = re.compile(r"^[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)](?:[ \t]|$))", re.M)
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?:[ \t]+|$)|\d{1,9}[.)](?:[ \t]+|$))")
_RUN = re.compile("|".join(rf"{re.escape(mark)}{{{MAX_RUN + 1},}}" for mark in "*_["))
_RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1)*[ \t]*")  # a thematic break: only one mark and spaces
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.M)


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]


class MarkupTooDeep(ValueError):
    """Text nested too deep for Python-Markdown: ``line`` (0-based in the text, None if unknown), why in Chinese."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def too_deep(text: str) -> MarkupTooDeep | None:
    """The first line nested deeper than Python-Markdown can take, or None; linear in the text.

    Lines inside fenced code blocks are not Markdown and do not count. (A fence Python-Markdown
    would not see as one only hides a line from this check: ``render`` still stops at the stack.)
    """
    fenced = _fenced_lines(text) if "```" in text or "~~~" in text else frozenset()
    lines = _LineCounter(text)
    for match in _CONTAINER_LINE.finditer(text):
        number, line = lines.at(match.start())
        if number not in fenced and not _RULE.fullmatch(line) and _depth(line) > MAX_NESTING:
            return MarkupTooDeep(number, f"列表或引用嵌套了 {_depth(line)} 层（最多 {MAX_NESTING} 层）")
    lines = _LineCounter(text)
    for match in _RUN.finditer(text):
        number, line = lines.at(match.start())
        if number not in fenced and not _RULE.fullmatch(line):
            return MarkupTooDeep(number, f"连续写了 {len(match.group(0))} 个 {match.group(0)[0]}（最多 {MAX_RUN} 个）")
    return None


class _LineCounter:
    """The line at a position of ``text``, for positions that only move forward: counted once, not from the start."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.number = 0

    def at(self, position: int) -> tuple[int, str]:
        """(0-based line number, the line without its end) at ``position``."""
        self.number += self.text.count("\n", self.position, position)
        self.position = position
        start = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        return self.number, self.text[start : len(self.text) if end < 0 else end]


def _depth(line: str) -> int:
    """How many lists and quotes a line opens: its markers, and its indentation in steps of four."""
    indent = len(line) - len(line.lstrip(" \t"))
    columns = len(line[:indent].expandtabs(4))
    markers, at = 0, 0
    while match := _CONTAINER.match(line, at):
        if match.end() == at:
            break
        markers += 1
        at = match.end()
    return columns // 4 + markers


def _fenced_lines(text: str) -> frozenset[int]:
    """The 0-based numbers of the lines inside ``` or ~~~ fences (the fence lines included)."""
    inside: set[int] = set()
    opened: tuple[int, str] | None = None
    for match in _FENCE.finditer(text):
        number = text.count("\n", 0, match.start())
        if opened is None:
            opened = (number, match.group(1))
        elif match.group(1) == opened[1]:
            inside.update(range(opened[0], number + 1))
            opened = None
    return frozenset(inside)


class _CjkBreaks(Treeprocessor):
    """Remove a soft break that falls between two wide (CJK) characters.

    The characters on either side may sit in other elements (``中文\n**加粗**``), so each
    break looks past the edge of its own text into the neighbouring text slots.
    """

    def run(self, root: etree.Element) -> None:
        slots = list(_text_slots(root))
        for index, (element, attr) in enumerate(slots):
            text: str | None = getattr(element, attr)
            if not text or "\n" not in text:
                continue

            def join(match: re.Match[str], text: str = text, index: int = index) -> str:
                before = text[: match.start()][-1:] or _last_char(slots[:index])
                after = text[match.end() :][:1] or _first_char(slots[index + 1 :])
                wide = _WIDE_CHAR.match(before) and _WIDE_CHAR.match(after)
                return "" if wide else match.group(0)

            setattr(element, attr, _BREAK.sub(join, text))


def _text_slots(element: etree.Element, verbatim: bool = False) -> Iterator[tuple[etree.Element, str]]:
    """(element, "text"|"tail") in document order, skipping code blocks."""
    inside = verbatim or element.tag in _VERBATIM
    if not inside:
        yield element, "text"
    for child in element:
        yield from _text_slots(child, inside)
        if not inside:
            yield child, "tail"


def _first_char(slots: list[tuple[etree.Element, str]]) -> str:
    for element, attr in slots:
        text: str | None = getattr(element, attr)
        if text:
            return text[0]
    return ""


def _last_char(slots: list[tuple[etree.Element, str]]) -> str:
    for element, attr in reversed(slots):
        text: str | None = getattr(element, attr)
        if text:
            return text[-1]
    return ""


class _Links(Treeprocessor):
    """Send every ``a[href]`` and ``img[src]`` through the current resolver."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.resolve: LinkResolver | None = None

    def run(self, root: etree.Element) -> None:
        if self.resolve is None:
            return
        for element in root.iter():
            if element.tag not in ("a", "img"):
                continue
            attr = "href" if element.tag == "a" else "src"
            value = element.get(attr)
            if value is not None:
                element.set(attr, self.resolve(value, element.tag == "img"))


GALLERY_CLASS = "gallery"


class _Figures(Treeprocessor):
    """Photos with captions: a lone ``<img>`` (or a linked one) becomes a figure; a gallery paragraph a grid."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "p":
                    continue
                made = _gallery(child) if GALLERY_CLASS in (child.get("class") or "").split() else _figure(child)
                if made is not None:
                    made.tail = child.tail
                    parent[index] = made


def _only_child(element: etree.Element) -> etree.Element | None:
    """The one child of ``element`` when it holds nothing else (no text around it)."""
    if len(element) != 1 or (element.text or "").strip() or (element[0].tail or "").strip():
        return None
    return element[0]


def _figure(paragraph: etree.Element) -> etree.Element | None:
    child = _only_child(paragraph)
    image = _only_child(child) if child is not None and child.tag == "a" else child
    if image is None or image.tag != "img":
        return None
    caption = (image.get("title") or image.get("alt") or "").strip()
    if not caption:
        return None
    image.attrib.pop("title", None)  # shown under the photo: not again as a tooltip
    figure = etree.Element("figure", {k: v for k, v in paragraph.attrib.items()})
    assert child is not None
    child.tail = None
    figure.append(child)
    etree.SubElement(figure, "figcaption").text = caption
    return figure


def _gallery(paragraph: etree.Element) -> etree.Element:
    """``<ul class="gallery">``: one item per photo, the thumbnail linked to the photo, its caption under it."""
    grid = etree.Element("ul", {k: v for k, v in paragraph.attrib.items()})
    for image in paragraph.iter("img"):
        caption = (image.attrib.pop("title", None) or "").strip()
        item = etree.SubElement(grid, "li")
        figure = etree.SubElement(item, "figure")
        link = etree.SubElement(figure, "a", {"href": image.get("src", ""), "class": "gallery-link"})
        image.tail = None
        image.set("class", GALLERY_PHOTO)  # images.size_img_tags gives it the thumbnail's sizes
        link.append(image)
        if caption:
            etree.SubElement(figure, "figcaption").text = caption
    return grid


GALLERY_PHOTO = "gallery-photo"


class ChineseExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        self.links = _Links(md)
        # After inline patterns (20), so <strong> and <a> exist; before toc (5).
        md.treeprocessors.register(_CjkBreaks(md), "cjk_breaks", 15)
        md.treeprocessors.register(self.links, "civicpress_links", 14)
        self._register_video(md)

    def _register_video(self, md: markdown.Markdown) -> None:
        """Video files and platform facades (civicpress.video): before links are resolved and images captioned."""
        md.treeprocessors.register(VideoBlocks(md, lambda: self.links.resolve), "civicpress_video", 17)


class _SanitizeRawHtml(Postprocessor):
    """Raw HTML an editor wrote (allowed by the config) loses scripts, handlers and unsafe URLs."""

    def run(self, text: str) -> str:
        stash = self.md.htmlStash
        stash.rawHtmlBlocks = [
            nh3.clean(block) if isinstance(block, str) else block for block in stash.rawHtmlBlocks
        ]
        return text


class FigureExtension(Extension):
    """Captions and galleries (``_Figures``): for the website; the print blocks read images otherwise."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        # After attr_list (8), which gives a gallery paragraph its class; before toc (5).
        md.treeprocessors.register(_Figures(md), "civicpress_figures", 7)


class MarkdownRenderer:
    """One reusable Python-Markdown instance (building one costs more than a page).

    Raw HTML in Markdown is shown as text unless ``allow_html``; then it is sanitized.
    """

    def __init__(self, allow_html: bool = False) -> None:
        self._extension = ChineseExtension()
        self._md = markdown.Markdown(
            extensions=["tables", "footnotes", "attr_list", "toc", "sane_lists", "fenced_code", self._extension,
                        FigureExtension()],
            extension_configs={
                "toc": {"slugify": slugify_unicode, "toc_depth": "2-4"},
                "footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处", "SUPERSCRIPT_TEXT": "{}"},
            },
            output_format="html",
        )
        if allow_html:
            # Before raw_html (30) puts the stashed blocks back into the page.
            self._md.postprocessors.register(_SanitizeRawHtml(self._md), "sanitize_raw_html", 35)
        else:
            self._md.preprocessors.deregister("html_block")
            self._md.inlinePatterns.deregister("html")

    def render(self, text: str, resolve: LinkResolver | None = None) -> Rendered:
        """HTML of ``text``; raises MarkupTooDeep for text nested deeper than Python-Markdown can take."""
        problem = too_deep(text)
        if problem is not None:
            raise problem
        self._md.reset()
        self._extension.links.resolve = resolve
        try:
            html = self._md.convert(text)
        except RecursionError:  # a nesting the check above does not know: the stack ran out first
            raise MarkupTooDeep(None, "结构嵌套过深，超出了 Markdown 的处理能力") from None
        finally:
            self._extension.links.resolve = None
        tokens = getattr(self._md, "toc_tokens", [])
        return Rendered(html, tuple(_flatten(tokens)))


def _flatten(tokens: list[dict[str, object]]) -> Iterator[Heading]:
    for token in tokens:
        yield Heading(int(str(token["level"])), str(token["id"]), str(token["name"]))
        children = token.get("children")
        if isinstance(children, list):
            yield from _flatten(children)


# Each bracketed class also excludes the opening mark, so that a scan that fails at one mark
# stops at the next instead of running to the end of the text again: linear on any input.
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # a link's address, which may hold one level of (…)
_PLAIN_RULES = [
    (re.compile(r"^[ \t]{0,3}(#{1,6}|>|[-*+]|\d+[.)])[ \t]+", re.M), ""),  # block markers
    (re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-{3,}.*$", re.M), ""),  # table separator rows
    (re.compile(r"!\[[^\[\]]*\]" + _TARGET), ""),  # images
    (re.compile(r"\[([^\[\]]*)\]" + _TARGET), r"\1"),  # links keep their text
    (re.compile(r"\[\^[^\[\]]+\]:?"), ""),  # footnote marks
    (re.compile(r"\{:?[^{}]*\}"), ""),  # attribute lists
    (re.compile(r"<[^<>]+>"), ""),  # raw HTML tags
    (re.compile(r"(\*\*|__|\*|`)"), ""),  # emphasis and code marks
    (re.compile(r"\|"), " "),
]


def plain_text(text: str) -> str:
    """Markdown reduced to its readable text, for summaries, counts and search."""
    for pattern, replacement in _PLAIN_RULES:
        text = pattern.sub(replacement, text)
    # A soft break never joins two paragraphs (its neighbours are wide characters): once for all.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", _SOFT_BREAK.sub("", text))]
    return "\n".join(p for p in paragraphs if p)
