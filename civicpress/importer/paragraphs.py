"""Repair 5: hard-wrapped lines joined back into paragraphs.

How a source marks its paragraphs decides what a line break means:

- blank lines between paragraphs: the lines of one block are one paragraph;
- indented first lines (two spaces or a full-width space): an unindented line continues;
- neither, but lines of (nearly) equal width: a full-width line that ends mid-sentence goes on
  in the next line;
- otherwise each line is a paragraph, unless it stops mid-sentence (after a character or a
  comma), which a paragraph never does.

Headings, a compilation's article lines (第2篇), inline points (一是), table rows and date lines
are never joined. Two Chinese halves
join without a space; two Latin words get one, and a word hyphenated at the break is mended.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from civicpress.importer.dates import is_date_line
from civicpress.importer.headings import ARTICLE, TERMINAL, heading_like, numbering, point
from civicpress.importer.repair_log import Line, RepairLog

_INDENT = ("  ", "\u3000", "\t")
_CLOSERS = "”’」』）)》"


def _width(text: str) -> int:
    return sum(1 if char.isascii() else 2 for char in text.strip())


CELL_LIMIT = 20  # a cell of a two-column or space-aligned table is short; a sentence is not a cell
_SPACE_GAP = re.compile(r"\s{2,}|\u3000+")
_SENTENCE_STOP = re.compile(r"[。！？!?；;]")


def table_cells(text: str) -> tuple[str, ...] | None:
    """The cells of a table row, or None: ``| a | b |`` (two bars or more), ``a | b`` (two short
    cells), cells between tabs, or short cells aligned with runs of spaces (``理发    24``)."""
    stripped = text.strip()
    if "|" in stripped:
        cells = tuple(cell.strip() for cell in stripped.strip("|").split("|"))
        if stripped.count("|") >= 2 or _short_cells(cells, stripped):
            return cells
        return None
    if "\t" in stripped:
        found = tuple(cell.strip() for cell in stripped.split("\t") if cell.strip())
        return found if len(found) >= 2 else None
    parts = tuple(part for part in _SPACE_GAP.split(stripped) if part)
    return parts if _short_cells(parts, stripped) else None


def _short_cells(cells: tuple[str, ...], text: str) -> bool:
    return len(cells) >= 2 and all(0 < len(cell) <= CELL_LIMIT for cell in cells) and not _SENTENCE_STOP.search(text)


def is_table_row(text: str) -> bool:
    return table_cells(text) is not None


_SUBTITLE = re.compile(r"^\s*(?:——|--)\s*\S.{0,40}$")  # ——基于上海市X区的调查与思考: a subtitle


def _structural(line: Line) -> bool:
    text = line.text
    return (
        line.hint is not None
        or numbering(text) is not None
        or ARTICLE.match(text) is not None
        or point(text) is not None
        or is_table_row(text)
        or is_date_line(text)
        or _SUBTITLE.match(text) is not None
    )


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return not stripped or stripped[-1] in TERMINAL + "：:"


WIDER_SHARE = 0.2  # hard-wrapped text has few lines wider than its width (a title, a table)


def _wrap_width(lines: list[Line]) -> int | None:
    widths = [_width(line.text) for line in lines if _width(line.text) >= 20]
    if len(widths) < 3:
        return None
    counts = Counter(widths)
    best, best_count = 0, 0
    for width in sorted(counts):
        near = sum(n for w, n in counts.items() if width - 3 <= w <= width)
        if near >= best_count:
            best, best_count = width, near
    if sum(1 for w in widths if w > best + 3) > WIDER_SHARE * len(widths):
        return None  # many lines wider than the width: one-line paragraphs, headings of one width
    return best if best_count >= max(3, 0.4 * len(widths)) else None


def join_text(first: str, second: str) -> str:
    first, second = first.rstrip(), second.strip()
    if not first or not second:
        return first + second
    if first.endswith("-") and len(first) > 1 and first[-2].isascii() and first[-2].isalpha() and second[0].islower():
        return first[:-1] + second
    if first[-1].isascii() and first[-1].isalnum() and second[0].isascii() and second[0].isalnum():
        return first + " " + second
    return first + second


def rejoin(lines: list[Line], log: RepairLog) -> list[Line]:
    content = [line for line in lines if line.text.strip()]
    if not content:
        return []
    inner = lines[lines.index(content[0]) : len(lines) - lines[::-1].index(content[-1])]
    blanks = len(inner) - len(content)  # blank lines between paragraphs (not the file's last newline)
    blank_mode = blanks >= max(1, len(content) // 4)
    indented = sum(1 for line in content if line.text.startswith(_INDENT))
    indent_mode = indented >= max(2, len(content) // 4)
    width = _wrap_width(content)
    first = content[0]

    def joins(previous: Line, current: Line) -> bool:
        if previous.number == first.number or _structural(previous) or _structural(current):
            return False
        if "".join(current.text.split()) == "".join(first.text.split()):
            return False  # the first line (the title) said again is a line of its own
        if any(previous.number < number < current.number for number in log.breaks):
            return False  # a removed metadata or chrome line stood between them
        if indent_mode:
            return not current.text.startswith(_INDENT)
        if blank_mode:
            return True
        if width is not None and _width(previous.text) >= width - 3:
            return not _ends_sentence(previous.text)
        return not _ends_sentence(previous.text) and not heading_like(previous.text, 25)

    out: list[Line] = []
    previous_blank = True
    for line in lines:
        if not line.text.strip():
            previous_blank = True
            continue
        if out and not previous_blank and joins(out[-1], line):
            out[-1] = replace(out[-1], text=join_text(out[-1].text, line.text))
            log.count("rejoin")
        else:
            out.append(replace(line, text=line.text.strip()))
        previous_blank = False
    return out
