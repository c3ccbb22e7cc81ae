"""Reading what editors import: text in any of the usual encodings, Markdown, Word files.

- ``.txt`` (and anything else): UTF-8 with or without BOM, UTF-16 with or without BOM, GBK
  or GB18030, detected from the bytes.
- ``.md``: the same, and its own front matter (title, date) and ``#`` headings are used.
- ``.docx``: paragraphs with their heading styles (Title, Heading 1–6, 标题 1–6) and tables,
  in document order; a line break inside a paragraph (text pasted from a web page) is mended.
  Its pictures are kept with the line they stood at and their alt text, or the caption line
  under them (``图1 …``, then not a paragraph of its own); what else it embeds (charts, text
  boxes, embedded sheets …) is listed for the repair log (``docx_images``).

Every source becomes a list of :class:`~civicpress.importer.repair_log.Line`; problems raise
a SiteError that names the file.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from civicpress.errors import Location, SiteError
from civicpress.importer.dates import date_in_name, find_date
from civicpress.importer.docx_images import Picture, Unsupported, caption, embedded
from civicpress.importer.paragraphs import join_text
from civicpress.importer.repair_log import Line
from civicpress.sources import check_size, decode, load_yaml

TEXT_SUFFIXES = (".txt", ".text", "")
MARKDOWN_SUFFIXES = (".md", ".markdown")
DOCX_SUFFIXES = (".docx",)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


@dataclass(frozen=True)
class SourcePicture:
    """A picture of a Word file: the line (paragraph) it stood at, its bytes and suffix, its alt text."""

    line: int
    data: bytes
    suffix: str
    alt: str


@dataclass(frozen=True)
class SourceObject:
    """Something a Word file embeds that is not imported: where, why (Chinese), and the text around it."""

    line: int
    reason: str
    text: str


@dataclass
class _WordParts:
    """What reading a Word file's body gives besides its lines."""

    pictures: list[SourcePicture]
    unsupported: list[SourceObject]


@dataclass(frozen=True)
class Source:
    name: str  # as the editor named it (the file name, or 标准输入)
    lines: tuple[Line, ...]
    kind: str  # "text", "markdown" or "docx"
    encoding: str
    title: str = ""  # from a Markdown file's front matter
    date: datetime.date | None = None  # from a Markdown file's front matter
    file_date: tuple[datetime.date, str] | None = None  # (date, how it was found) from the file itself
    pictures: tuple[SourcePicture, ...] = ()  # a Word file's pictures, in order
    unsupported: tuple[SourceObject, ...] = ()  # what else a Word file embeds, which the article cannot carry

    @property
    def stem(self) -> str:
        return PurePath(self.name).stem


def read_source(name: str, data: bytes, modified: date | None = None) -> Source:
    """Turn the bytes of one imported file into lines. ``modified``: the file's own date."""
    location = Location(name)
    check_size(len(data), location)
    file_date: tuple[date, str] | None = None
    in_name = date_in_name(PurePath(name).stem)
    if in_name is not None:
        file_date = (in_name, "文件名")
    elif modified is not None:
        file_date = (modified, "文件日期")
    suffix = PurePath(name).suffix.lower()
    if suffix in DOCX_SUFFIXES:
        parts = _WordParts([], [])
        lines = tuple(_docx_lines(data, location, parts))
        return Source(name, lines, "docx", "docx", file_date=file_date, pictures=tuple(parts.pictures),
                      unsupported=tuple(parts.unsupported))
    if suffix == ".doc":
        raise SiteError.single(
            "import-doc", "不能读取旧版 Word 文件（.doc）", location, "请在 Word 或 WPS 中“另存为”.docx 格式后再导入。"
        )
    text, encoding = decode_text(data, location)
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown(name, text, encoding, location, file_date)
    lines = tuple(Line(number, line) for number, line in enumerate(text.split("\n"), start=1))
    return Source(name, lines, "text", encoding, file_date=file_date)


def decode_text(data: bytes, location: Location) -> tuple[str, str]:
    """UTF-16 without a BOM is recognised by its zero bytes; the rest as civicpress reads files."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = data[:4096]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise SiteError.single(
                "encoding", "文件编码无法识别（像是二进制文件）", location, "请导入 .txt、.md 或 .docx 文件。"
            ) from None
        return text.replace("\r\n", "\n").replace("\r", "\n"), "utf-16"
    decoded = decode(data, location)
    if "\x00" in decoded.text:
        raise SiteError.single("encoding", "文件像是二进制文件，不是文本", location, "请导入 .txt、.md 或 .docx 文件。")
    return decoded.text, decoded.encoding


def _markdown(
    name: str, text: str, encoding: str, location: Location, file_date: tuple[date, str] | None
) -> Source:
    title, found, offset = "", None, 0
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            front = load_yaml("\n".join(lines[1:end]), location, line_offset=1).value
            if isinstance(front, dict):
                title = str(front.get("title") or "").strip()
                found = find_date(str(front.get("date") or ""))
            offset = end + 1
    out: list[Line] = []
    for number, line in enumerate(lines[offset:], start=offset + 1):
        heading = _MD_HEADING.match(line)
        if heading:
            out.append(Line(number, heading.group(2), len(heading.group(1)) - 1))
        else:
            out.append(Line(number, line))
    return Source(name, tuple(out), "markdown", encoding, title=title, date=found, file_date=file_date)


def _docx_lines(data: bytes, location: Location, parts: _WordParts) -> list[Line]:
    import docx  # python-docx: only when a Word file is imported
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SiteError.single(
            "import-docx", f"Word 文件无法读取（{exc}）", location, "请确认文件没有损坏，或在 Word/WPS 中另存为后再试。"
        ) from None
    lines: list[Line] = []
    number = 0
    items = list(document.iter_inner_content())
    consumed: set[int] = set()  # caption paragraphs, which went into their picture's alt text
    for index, item in enumerate(items):
        if isinstance(item, Paragraph):
            number += 1
            if index in consumed:
                continue
            hint = _style_level(item.style.name if item.style is not None else "")
            text = functools.reduce(join_text, item.text.split("\n"))  # a line break inside a paragraph
            following = items[index + 1] if index + 1 < len(items) else None
            # the paragraph below may be a caption, unless it holds pictures of its own
            below = following.text if isinstance(following, Paragraph) and not embedded(following._p, document.part) \
                else ""
            text, used_below = _take_embedded(embedded(item._p, document.part), number, text, below, parts)
            if used_below:
                consumed.add(index + 1)
            lines.append(Line(number, text, hint))
        elif isinstance(item, Table):
            for row in item.rows:
                number += 1
                cells = [" ".join(cell.text.split()).replace("|", "｜") for cell in row.cells]
                row_text = "| " + " | ".join(cells) + " |"
                _take_embedded(embedded(row._tr, document.part), number, row_text, "", parts)
                lines.append(Line(number, row_text))
        lines.append(Line(number, ""))  # paragraphs are separated as by a blank line
    return lines


def _take_embedded(found: list[Picture | Unsupported], number: int, text: str, below: str,
                   parts: _WordParts) -> tuple[str, bool]:
    """Note the pictures and objects of line ``number``; (its text, whether the line below was their caption).

    A caption is the picture's own paragraph's text (``图1 …`` beside the picture) or the
    paragraph right under theirs; it becomes their alt text.
    """
    pictures = [item for item in found if isinstance(item, Picture)]
    parts.unsupported += [SourceObject(number, item.reason, text) for item in found if isinstance(item, Unsupported)]
    if not pictures:
        return text, False
    own = caption(text) if text.strip() else None
    below_caption = caption(below) if own is None else None
    words = own if own is not None else below_caption
    for item in pictures:
        alt = words if words is not None and (len(pictures) == 1 or not item.alt) else item.alt
        parts.pictures.append(SourcePicture(number, item.data, item.suffix, alt))
    return ("" if own is not None else text), below_caption is not None


def _style_level(style: str) -> int | None:
    if style.lower() in ("title", "标题"):
        return 0
    match = _HEADING_STYLE.match(style.strip())
    return int(match.group(1)) if match else None
