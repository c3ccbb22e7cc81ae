"""The shape of a cleaned report: title, date, headings, paragraphs, lists and tables.

- Title: the first heading-like line (short, not ending a sentence, not numbered), or the
  heading style a Word file gave it; failing that, the file name, else the first sentence.
- Date: the ``时间:`` line of the header, else a date line under the title, else a date line at
  the end (the signature), else the file's own date.
- Headings: numbered lines (:mod:`civicpress.importer.headings`) that read as headings; a
  numbered line that goes on after a short first sentence is a run-in heading and is split.
  Numbered sentences (1. 2. …) in a row are a list. Inline points (一是……) stay paragraphs,
  unless one paragraph strings several short points together: then they become a list.
- Tables: two or more rows in a row written with ``|`` or tabs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from civicpress.importer.dates import find_date, is_date_line
from civicpress.importer.headings import heading_like, numbering, point
from civicpress.importer.paragraphs import is_table_row
from civicpress.importer.repair_log import Line

TITLE_LIMIT = 50
RUN_IN_LIMIT = 30  # a numbered line's first sentence up to this long is a run-in heading
LIST_ITEM_LIMIT = 120
POINT_ITEM_LIMIT = 40


@dataclass(frozen=True)
class Heading:
    rank: int  # 1 for 一、 … 4 for （1）; a Word or Markdown heading keeps its own level
    text: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int
    point: str = ""  # 一是, 二是 … when the paragraph is an inline point


@dataclass(frozen=True)
class ListBlock:
    items: tuple[str, ...]
    ordered: bool
    line: int


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    line: int


Block = Heading | Paragraph | ListBlock | Table


@dataclass(frozen=True)
class Report:
    title: str
    date: date | None
    date_source: str  # 时间行 / 标题下 / 文末 / 文件名 / 文件日期 / ""
    blocks: tuple[Block, ...]

    def levels(self) -> dict[int, int]:
        """Heading rank → level from the top (1), for the ranks this report uses."""
        ranks = sorted({block.rank for block in self.blocks if isinstance(block, Heading)})
        return {rank: index + 1 for index, rank in enumerate(ranks)}

    def outline(self) -> list[tuple[int, str]]:
        """(level, text) of every heading, and of every inline point under it (one level down)."""
        levels = self.levels()
        found: list[tuple[int, str]] = []
        current = 0
        for block in self.blocks:
            if isinstance(block, Heading):
                current = levels[block.rank]
                found.append((current, block.text))
            elif isinstance(block, Paragraph) and block.point:
                found.append((current + 1, point_summary(block)))
        return found


def point_summary(paragraph: Paragraph) -> str:
    """``一是高定位，精心打造一流的党委班子。发挥…`` → ``一是高定位，精心打造一流的党委班子``."""
    first = re.split(r"[。！？；]", paragraph.text, maxsplit=1)[0]
    return first if len(first) <= 40 else first[:39] + "…"


def parse(
    lines: list[Line],
    header_date: date | None,
    fallback_title: str,
    file_date: tuple[date, str] | None,
    known_title: str = "",
) -> Report:
    """The report in ``lines``. ``known_title``: a title the source declared (front matter)."""
    lines = [line for line in lines if line.text.strip()]
    title, lines = (known_title, lines) if known_title else _title(lines, fallback_title)
    found, source = (header_date, "时间行") if header_date else (None, "")
    if found is None and lines and is_date_line(lines[0].text):
        found, source = find_date(lines[0].text), "标题下"
        lines = lines[1:]
    if found is None:
        for line in lines[-3:]:
            if is_date_line(line.text):
                found, source = find_date(line.text), "文末"
    if found is None and file_date is not None:
        found, source = file_date
    return Report(title, found, source, tuple(_blocks(lines)))


def _title(lines: list[Line], fallback: str) -> tuple[str, list[Line]]:
    for index, line in enumerate(lines[:3]):
        if line.hint == 0 or (line.hint is not None and index == 0):
            return line.text.strip(), lines[:index] + lines[index + 1 :]
        text = line.text.strip()
        if is_date_line(text):
            continue
        if line.hint is None and numbering(text) is None and heading_like(text, TITLE_LIMIT):
            return text, lines[:index] + lines[index + 1 :]
        break
    if fallback:
        return fallback, lines
    first = re.split(r"[。！？]", lines[0].text, maxsplit=1)[0] if lines else ""
    return (first if len(first) <= 30 else first[:29] + "…") or "无标题", lines


def _cells(text: str) -> tuple[str, ...]:
    stripped = text.strip()
    if "|" in stripped:
        stripped = stripped.strip("|")
        return tuple(cell.strip() for cell in stripped.split("|"))
    return tuple(cell.strip() for cell in stripped.split("\t") if cell.strip())


def _separator(text: str) -> bool:
    """A rule under a table's header: ``|---|:--:|``, ``+----+----+``, ``=====``."""
    return bool(re.fullmatch(r"[\s|+:=\-—]*", text)) and bool(re.search(r"[-=—]{3,}", text))


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text.strip()
        # Tables: two rows or more.
        if is_table_row(text) or (_separator(text) and blocks and isinstance(blocks[-1], Table)):
            end = index
            while end < len(lines) and (is_table_row(lines[end].text) or _separator(lines[end].text)):
                end += 1
            rows = [_cells(lines[i].text) for i in range(index, end) if not _separator(lines[i].text)]
            if len(rows) >= 2:
                blocks.append(Table(tuple(rows), line.number))
                index = end
                continue
        if line.hint is not None:
            blocks.append(Heading(max(line.hint, 1), text, line.number))
            index += 1
            continue
        numbered = numbering(text)
        if numbered is not None:
            if heading_like(numbered.rest, TITLE_LIMIT):
                blocks.append(Heading(numbered.rank, numbered.marker + numbered.rest, line.number))
                index += 1
                continue
            if numbered.rank >= 3:
                items: list[str] = []
                end = index
                while end < len(lines):
                    item = numbering(lines[end].text)
                    if item is None or item.rank != numbered.rank or len(item.rest) > LIST_ITEM_LIMIT:
                        break
                    items.append(item.rest)
                    end += 1
                if len(items) >= 2:
                    blocks.append(ListBlock(tuple(items), True, line.number))
                    index = end
                    continue
            run_in = _RUN_IN.match(numbered.rest)
            if run_in and numbered.rank <= 2 and numbered.rest[run_in.end() :].strip():
                blocks.append(Heading(numbered.rank, numbered.marker + run_in.group(1), line.number))
                blocks.append(Paragraph(numbered.rest[run_in.end() :].strip(), line.number))
                index += 1
                continue
        blocks.extend(_paragraph(text, line.number))
        index += 1
    return blocks


_RUN_IN = re.compile(rf"([^。！？：]{{1,{RUN_IN_LIMIT}}})[。：]")
_INLINE_POINT = re.compile(r"(?<=[。；;：:，,])\s*(?=[一二三四五六七八九十]是)|^(?=[一二三四五六七八九十]是)")


def _paragraph(text: str, line: int) -> list[Block]:
    """A paragraph, or an introduction and a list when it strings short points together."""
    starts = [m.start() for m in _INLINE_POINT.finditer(text)]
    if len(starts) >= 2:
        parts = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
        if all(len(part) <= POINT_ITEM_LIMIT for part in parts):
            intro = text[: starts[0]].strip()
            blocks: list[Block] = [Paragraph(intro, line)] if intro else []
            blocks.append(ListBlock(tuple(parts), False, line))
            return blocks
    return [Paragraph(text, line, point(text) or "")]


def split(report: Report) -> tuple[Report | None, list[Report]]:
    """One report per top-level section (titled by its heading without the numbering), and
    the text before the first section (or None). No top-level heading: nothing to split."""
    levels = report.levels()
    preamble: list[Block] = []
    sections: list[tuple[str, list[Block]]] = []
    for block in report.blocks:
        if isinstance(block, Heading) and levels[block.rank] == 1:
            numbered = numbering(block.text)
            sections.append((numbered.rest if numbered else block.text, []))
        elif sections:
            sections[-1][1].append(block)
        else:
            preamble.append(block)
    if not sections:
        return None, [report]
    parts = [Report(title, report.date, report.date_source, tuple(blocks)) for title, blocks in sections]
    intro = Report(report.title, report.date, report.date_source, tuple(preamble)) if preamble else None
    return intro, parts
