"""A material's text as print blocks: the title block, numbered headings, paragraphs, tables.

Markdown is parsed with Python-Markdown and civicpress's Chinese extension (so a soft line
break between Chinese characters disappears exactly as on the website); the element tree is
then read into the few kinds of block an official document has.

Headings map to the four levels of GB/T 9704-2012 and are numbered automatically::

    # or ##   一、     黑体
    ###       （一）   楷体
    ####      1.       仿宋
    #####     （1）    仿宋

Lists are numbered by depth, （1） then ① then a., bullets as ●, each depth two characters
further in, so that a list item never looks like a ``1.`` heading. Footnotes become 注 at the
end of the material (``Read.notes``), their marks ① … in the text. Images become figures with
their captions. Whatever has no printed form (raw HTML) is returned as ``Unsupported``, for
the build to stop with the file and line.

A heading that already starts with a number of any of these forms (an editor typed
``## 一、坚持……``) is not numbered again; the counters continue from the typed number.
"""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown.treeprocessors import Treeprocessor

from civicpress.markup import ChineseExtension


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Heading:
    level: int  # 1..4: 一、 （一） 1. （1）
    runs: tuple[Run, ...]
    anchor: str = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: str = "body"  # body, kai (楷体), hei (黑体)
    align: str = "justify"  # justify (indented two characters), left, center, right
    right_cells: int = 0  # right-aligned text: characters left empty at the right
    left_cells: int = 0  # every line this many characters in (nested list items)
    with_previous: int = 0  # lines of text before it kept on its page (the date: never alone on a page)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...] = ()  # per column: left, center, right


@dataclass(frozen=True)
class Title:
    """A part's title: 2号 小标宋, centred; a subtitle and byline under it in 楷体."""

    text: str
    subtitle: str = ""
    byline: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class Figure:
    """A photo or drawing with its caption; ``data`` is filled in once the file is read."""

    src: str  # as written in the Markdown
    caption: str
    data: bytes = b""  # the image, cleaned of metadata (EXIF, GPS)
    width: int = 0  # pixels
    height: int = 0
    mime: str = "image/jpeg"


@dataclass(frozen=True)
class Unsupported:
    """Something in the text that has no printed form: the build stops, naming it."""

    what: str  # 原始 HTML …
    snippet: str  # as written, to find its line


@dataclass(frozen=True)
class Read:
    """A Markdown text as print blocks, its footnotes as 注 paragraphs, what cannot be printed."""

    blocks: list[Block]
    notes: list[Paragraph]
    unsupported: list[Unsupported]


@dataclass(frozen=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Title | Figure | Blank | PageBreak


# ---------------------------------------------------------------- Markdown → blocks
class _Capture(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self.root = root


class _CaptureExtension(markdown.extensions.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        self.capture = _Capture(md)
        md.treeprocessors.register(self.capture, "civicpress_print_capture", 0)


@dataclass
class MarkdownReader:
    """One Python-Markdown instance for print, reused across materials."""

    _capture: _CaptureExtension = field(default_factory=_CaptureExtension)
    _md: markdown.Markdown | None = None

    def blocks(self, text: str) -> list[Block]:
        return self.read(text).blocks

    def read(self, text: str) -> Read:
        if self._md is None:
            self._md = markdown.Markdown(
                extensions=["tables", "footnotes", "sane_lists", "attr_list", "fenced_code", ChineseExtension(),
                            self._capture],
                extension_configs={"footnotes": {"SUPERSCRIPT_TEXT": "{}"}},
                output_format="html",
            )
        self._md.reset()
        self._md.convert(text)
        root = self._capture.capture.root
        blocks: list[Block] = []
        notes: list[Paragraph] = []
        for element in root:
            if element.tag == "div" and "footnote" in (element.get("class") or ""):
                notes.extend(_notes(element))
                continue
            code = self._stashed_code(element)
            if code is not None:
                _code_blocks(code, blocks)
            else:
                _element_blocks(element, blocks)
        # raw HTML cannot be printed; a fenced code block is stashed as HTML too, and printed above
        raw = [str(b) for b in self._md.htmlStash.rawHtmlBlocks if not str(b).startswith("<pre")]
        unsupported = [Unsupported("HTML 代码", snippet.strip()) for snippet in dict.fromkeys(raw) if snippet.strip()]
        return Read(blocks, notes, unsupported)

    def _stashed_code(self, element: etree.Element) -> str | None:
        """The text of a fenced code block: fenced_code keeps it as raw HTML, a placeholder in the tree."""
        assert self._md is not None
        if element.tag != "p" or len(element) or not _RAW_STASH.fullmatch((element.text or "").strip()):
            return None
        index = int(re.sub(r"\D", "", element.text or "") or -1)
        stash = self._md.htmlStash.rawHtmlBlocks
        html = str(stash[index]) if 0 <= index < len(stash) else ""
        if not html.startswith("<pre"):
            return None
        return htmllib.unescape(re.sub(r"<[^>]*>", "", html))


_STASH = re.compile("\x02[^\x03]*\x03|qq\\d+zz|zz\\d+qq")  # raw HTML, footnote back-link placeholders
_RAW_STASH = re.compile("\x02[^\x03]*\x03")  # a raw HTML block's placeholder alone
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲"  # FandolFang has ① to ⑲ (not ⑳)


def note_mark(n: int) -> str:
    """① … ⑲ for the first notes (as offices mark them), （20） after that."""
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"（{n}）"


def _notes(div: etree.Element) -> list[Paragraph]:
    """The footnotes as 注 paragraphs: "注：①……" then "②……", in the order of their marks."""
    notes: list[Paragraph] = []
    items = [li for ol in div.iter("ol") for li in ol if li.tag == "li"]
    for index, item in enumerate(items, start=1):
        runs: tuple[Run, ...] = ()
        for child in item:
            if child.tag == "p":
                runs += _runs(child)
        lead = ("注：" if index == 1 else "") + note_mark(index)
        notes.append(Paragraph((Run(lead), *runs)))
    return notes


LIST_MARKS = ("（{n}）", "{c}", "{a}.")


def list_mark(ordered: bool, depth: int, n: int) -> str:
    """（1） at the first depth, ① at the second, a. below; ● for unordered items."""
    if not ordered:
        return "●"
    pattern = LIST_MARKS[min(depth, len(LIST_MARKS)) - 1]
    return pattern.format(n=n, c=note_mark(n), a=chr(ord("a") + (n - 1) % 26))


def _list_blocks(element: etree.Element, out: list[Block], depth: int) -> None:
    number = int(element.get("start", "1") or 1)
    for item in element:
        if item.tag != "li":
            continue
        inner = [child for child in item if child.tag in ("p", "ul", "ol")]
        runs = _runs(item, skip=("ul", "ol", "p"))
        if not runs and inner and inner[0].tag == "p":
            runs = _runs(inner[0])
            inner = inner[1:]
        mark = list_mark(element.tag == "ol", depth, number)
        if runs:
            out.append(Paragraph((Run(mark), *runs), left_cells=2 * (depth - 1)))
        for child in inner:
            if child.tag in ("ul", "ol"):
                _list_blocks(child, out, depth + 1)
            else:
                child_runs = _runs(child)
                if child_runs:
                    out.append(Paragraph(child_runs, left_cells=2 * (depth - 1)))
        number += 1


def _element_blocks(element: etree.Element, out: list[Block], depth: int = 0) -> None:
    tag = element.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        level = max(1, min(4, int(tag[1]) - 1))
        runs = _runs(element)
        if runs:
            out.append(Heading(level, runs))
    elif tag == "p":
        for image in element.iter("img"):  # a photo: a figure of its own, its alt text the caption
            out.append(Figure(image.get("src", ""), (image.get("alt") or image.get("title") or "").strip()))
        runs = _runs(element)
        if runs:
            out.append(Paragraph(runs))
    elif tag in ("ul", "ol"):
        _list_blocks(element, out, depth + 1)
    elif tag == "table":
        header: tuple[str, ...] = ()
        rows: list[tuple[str, ...]] = []
        align: tuple[str, ...] = ()
        for row in element.iter("tr"):
            cells = [c for c in row if c.tag in ("th", "td")]
            texts = tuple(_plain(c) for c in cells)
            if all(c.tag == "th" for c in cells) and not header and not rows:
                header = texts
                align = tuple(_align(c) for c in cells)
            else:
                rows.append(texts)
                if not align:
                    align = tuple(_align(c) for c in cells)
        out.append(Table(header, tuple(rows), align))
    elif tag in ("blockquote", "div"):
        for child in element:
            _element_blocks(child, out)
    elif tag == "pre":
        _code_blocks("".join(element.itertext()), out)


def _code_blocks(code: str, out: list[Block]) -> None:
    """A code block (a command, a configuration): one line per line, as it is written, its own
    indentation kept (YAML depends on it). It is not Chinese body text: it prints in 4号, two
    characters in (layout: CODE_PT), so that a line may begin with ``}`` or ``.`` as the code
    does; 避头尾 applies to the 3号 text, and moving a brace would change what is copied."""
    for line in code.expandtabs(4).splitlines():
        if line.strip():
            out.append(Paragraph((Run(line.rstrip()),), style="code", align="left"))


def _align(cell: etree.Element) -> str:
    style = cell.get("style") or cell.get("align") or ""
    for value in ("right", "center", "left"):
        if value in style:
            return value
    return ""


def _runs(element: etree.Element, bold: bool = False, skip: tuple[str, ...] = ()) -> tuple[Run, ...]:
    runs: list[Run] = []

    def walk(node: etree.Element, strong: bool) -> None:
        if node.text:  # inline code comes HTML-escaped from Python-Markdown (code_escape): printed as typed
            runs.append(Run(htmllib.unescape(node.text) if node.tag == "code" else node.text, strong))
        for child in node:
            if child.tag in skip or child.tag in ("img", "script", "style"):
                pass
            elif child.tag == "sup" and child.get("id", "").startswith("fnref"):  # a footnote's mark
                link = child.find("a")
                number = link.text if link is not None and link.text else "0"
                runs.append(Run(note_mark(int(number)) if number.isdigit() else number, strong))
            elif child.tag == "br":
                runs.append(Run("", strong))
            else:
                walk(child, strong or child.tag in ("strong", "b"))
            if child.tail:
                runs.append(Run(child.tail, strong))

    walk(element, bold)
    merged: list[Run] = []
    for run in runs:
        text = _STASH.sub("", run.text).replace("\n", "")
        if not text:
            continue
        if merged and merged[-1].bold == run.bold:
            merged[-1] = Run(merged[-1].text + text, run.bold)
        else:
            merged.append(Run(text, run.bold))
    if merged:  # no spaces at the edges of a paragraph
        merged[0] = Run(merged[0].text.lstrip(), merged[0].bold)
        merged[-1] = Run(merged[-1].text.rstrip(), merged[-1].bold)
    return tuple(r for r in merged if r.text)


def _plain(element: etree.Element) -> str:
    return "".join(r.text for r in _runs(element))


# ---------------------------------------------------------------- heading numbers
CHINESE_DIGITS = "零一二三四五六七八九"
_CN = "[一二三四五六七八九十百零〇]+"
HAND_NUMBERED = [
    re.compile(rf"^({_CN})、"),  # 一、
    re.compile(rf"^[（(]({_CN})[）)]"),  # （一）
    re.compile(r"^(\d+)[.．、](?!\d)"),  # 1.
    re.compile(r"^[（(](\d+)[）)]"),  # （1）
]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (1 to 999)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return CHINESE_DIGITS[tens] + "十" + (CHINESE_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + CHINESE_DIGITS[rest] if rest < 10 else chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return CHINESE_DIGITS[hundreds] + "百" + tail


def parse_chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20; 0 when the text is not a number."""
    value = current = 0
    for char in text:
        if char in "十百":
            unit = 10 if char == "十" else 100
            value += (current or 1) * unit
            current = 0
        elif char in CHINESE_DIGITS or char == "〇":
            current = 0 if char == "〇" else CHINESE_DIGITS.index(char)
        else:
            return 0
    return value + current


def heading_number(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def hand_number(text: str) -> tuple[int, int] | None:
    """(level, number) of a number the editor typed at the start of a heading, else None."""
    for index, pattern in enumerate(HAND_NUMBERED):
        match = pattern.match(text)
        if match:
            raw = match.group(1)
            number = int(raw) if raw.isdigit() else parse_chinese_number(raw)
            return index + 1, number
    return None


def number_headings(blocks: list[Block]) -> list[Block]:
    """Number every heading by its level; a typed number is kept and sets the counter."""
    counters = [0, 0, 0, 0, 0]
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Title):
            counters = [0, 0, 0, 0, 0]
        if not isinstance(block, Heading):
            out.append(block)
            continue
        typed = hand_number(block.text.lstrip())
        if typed is not None:
            level, number = typed
            counters[level] = number
            for deeper in range(level + 1, 5):
                counters[deeper] = 0
            out.append(Heading(level, block.runs, block.anchor))
            continue
        level = block.level
        counters[level] += 1
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        runs = (Run(heading_number(level, counters[level]), block.runs[0].bold if block.runs else False), *block.runs)
        out.append(Heading(level, runs, block.anchor))
    return out
