"""Blocks → lines on the GB/T 9704-2012 grid → pages of 22 lines.

WeasyPrint neither justifies Chinese text nor keeps fallback glyphs on a grid (PRINT.md,
traps 2 and 3), so lines are broken here, on the 28-cell grid, with 避头尾 (no closing
punctuation at a line start, no opening punctuation at a line end, —— and …… never split),
and every full line gets its own letter-spacing so that it fills the 156 mm block exactly.
Pages are cut here too: every page but the last holds 22 lines, a blank line never opens or
closes a page, and a table that runs onto the next page repeats its header row. A line marked
``keep`` is never the last of a page: a heading stays with two lines of its text, a table row
and a figure with its caption stay whole (that page then ends short). The HTML then only has
to put each line in its slot.

Bold text prints in 黑体 (the office fonts and their stand-ins have no bold face, and WeasyPrint
makes none), so it is measured in 黑体 too. A long Latin run (a web address) breaks after
``/ . - _ ? & =`` or, failing those, anywhere, so no line is squeezed.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyphen

from civicpress.printing.blocks import Blank, Block, Figure, Heading, PageBreak, Paragraph, Run, Table, Title
from civicpress.printing.fonts import FANG, HEI, KAI, XBS, FontBook, Role

PT_PER_MM = 72 / 25.4
BLOCK_W_MM, BLOCK_H_MM = 156.0, 225.0
CHARS, LINES = 28, 22
LINE_PITCH_MM = 10.2272  # 225/22 = 10.22727…, rounded down so that 22 lines fit (PRINT.md trap 1)
BLOCK_W = BLOCK_W_MM * PT_PER_MM  # 442.2 pt
CELL = BLOCK_W / CHARS  # 15.793 pt: one character of 3号 on the grid
# Tables are set in 3号 on the character grid like the text: a long table in 4号 would outweigh
# the text and, at another pitch, break the grid the checker and the reader measure.
BODY_PT, TITLE_PT, COVER_PT, TABLE_PT, PAGE_NO_PT = 16.0, 22.0, 26.0, 16.0, 14.0
CODE_PT = 14.0  # a code line (a command, a configuration): 4号, one grid line, not body text
INDENT = 2 * CELL
TABLE_PAD = CELL / 2  # inside a table cell, left and right: text never touches the rules
FIGURE_MAX_LINES = 12  # a photo takes at most 12 lines (about 123 mm), leaving room for text
LONG_LATIN = 12  # a Latin run this long (a web address) may break inside
WORD_SQUEEZE = 0.25  # pt a character a line may be set tighter to take a Latin word whole
LATIN_BREAKS = "/.-_?&="

NO_START = set("，。、；：？！”’）》」』】〕〉〗｝］％‰,.;:?!)]}·")
NO_END = set("“‘（《「『【〔〈〖｛［([{")
# Full-width punctuation with half its cell blank (GB/T 15834, 《中文排版需求》 3.1.6): of two
# side by side the first is set in half a cell (标点挤压); a closing one may hang at a line end.
CLOSING = set("，。、；：？！”’）》」』】〕〉〗")
OPENING = set("“‘（《「『【〔〈〖")
_UNIT = re.compile(r"——|……|[A-Za-z0-9][A-Za-z0-9.,:/%+\-_?=&#~@]*[A-Za-z0-9%/=]|.", re.S)


@dataclass(frozen=True)
class FigureImage:
    """A photo in its slots: ``src`` a data: URL, position and size in pt within the first slot."""

    src: str
    alt: str
    x: float
    y: float
    width: float
    height: float
    slots: int


@dataclass(frozen=True)
class Cell:
    x: float  # pt from the block's left edge
    width: float
    runs: tuple[Run, ...]
    align: str
    top: bool  # draw the rule above (first line of a row)
    bottom: bool  # draw the rule below (last line of a row)
    header: bool = False


@dataclass(frozen=True)
class Line:
    """One slot of the grid."""

    kind: str  # text, blank, table
    role: str = "fang"  # font role (fonts.ROLES)
    size: float = BODY_PT
    runs: tuple[Run, ...] = ()
    spacing: float = 0.0  # letter-spacing, pt
    indent: float = 0.0  # pt from the left edge (or from the right for align=right)
    align: str = "left"
    css: str = "body"
    cells: tuple[Cell, ...] = ()
    table: int = 0  # which table a table line belongs to (for the repeated header)
    header: bool = False
    anchor: str = ""
    keep: bool = False  # never the last line of a page (kept with the next)
    half: tuple[int, ...] = ()  # characters (index in ``text``) set in half a cell: 标点挤压
    hang: bool = False  # the last character (closing punctuation) hangs in the right margin
    link: str = ""  # a 目录 line: the anchor it links to
    gap: float = 0.0  # a 目录 line: space (pt) before its page number, which ends flush right
    image: FigureImage | None = None  # kind figure: the photo drawn from this slot down

    @property
    def text(self) -> str:
        if self.kind == "table":
            return "".join(r.text for c in self.cells for r in c.runs)
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Page:
    number: int
    lines: tuple[Line, ...]


@dataclass
class Breaker:
    """Breaks runs into grid lines with the widths of the fonts that will print them."""

    fonts: FontBook
    _tables: int = field(default=0)
    _syllables: Any = field(default_factory=lambda: pyphen.Pyphen(lang="en_US"))

    def width(self, role: Role, size: float, text: str, spacing: float) -> float:
        return sum(self.fonts.advance(role, c) * size + spacing for c in text)

    def advance(self, role: Role, char: str, bold: bool) -> float:
        """Width in em of ``char`` as printed: bold text is set in 黑体."""
        return self.fonts.advance(HEI if bold else role, char)

    def lines(
        self,
        runs: tuple[Run, ...],
        role: Role,
        size: float = BODY_PT,
        *,
        css: str = "body",
        indent_first: float = INDENT,
        indent_rest: float = 0.0,
        width: float = BLOCK_W,
        justify: bool = True,
        align: str = "left",
        anchor: str = "",
    ) -> list[Line]:
        """Greedy breaking on the grid; every line but the last is justified to ``width``."""
        base = CELL - size if size == BODY_PT else 0.0
        units = _units(runs)
        if not units:
            return []
        room = [width - indent_first, width - indent_rest]
        units = _split_wide(units, lambda u: self._unit_width(u, role, size, base), room[1])
        widths = [self._unit_width(u, role, size, base) for u in units]
        grid = justify and size == BODY_PT  # text on the grid: compressed punctuation, hanging marks

        def word(unit: list[tuple[str, bool]], room: float, count: int) -> list[list[tuple[str, bool]]]:
            return self._word_at_line_end(unit, room, count, lambda u: self._unit_width(u, role, size, base))

        breaks = _break(units, widths, room, hang=grid, word=word if grid else None)
        out: list[Line] = []
        for number, (start, end, hang) in enumerate(breaks):
            chars = [cb for u in units[start:end] for cb in u]
            while len(chars) > 1 and chars[-1][0] == " " and not hang:
                chars.pop()  # a space at a line's end or start is not printed: the line is justified without it
            while len(chars) > 1 and chars[0][0] == " " and number > 0:
                chars.pop(0)
            inside = chars[:-1] if hang else chars  # a hanging mark is outside the block
            half = _compressed(inside) if grid else ()
            indent = indent_first if number == 0 else indent_rest
            spacing = base
            last = number == len(breaks) - 1
            if justify and (not last or hang) and len(inside) > 1:  # a line with a hanging mark is full
                natural = sum(self.advance(role, c, b) * size for c, b in inside) - len(half) * size / 2
                spacing = (width - indent - natural) / len(inside)
            out.append(
                Line("text", role.name, size, _to_runs(chars), round(spacing, 4), round(indent, 3), align, css,
                     anchor=anchor if number == 0 else "", half=half, hang=hang)
            )
        return out

    def _word_at_line_end(self, unit: list[tuple[str, bool]], room: float, count: int,
                          width: Callable[[list[tuple[str, bool]]], float]) -> list[list[tuple[str, bool]]]:
        """A Latin word that does not fit in the ``room`` left at a line's end (of ``count``
        characters), so that the line keeps its 28 cells instead of spreading 27 ideographs
        (《中文排版需求》 keeps the grid; moving the word whole would leave a gap to spread).

        In order: the word whole, when setting the line at most WORD_SQUEEZE pt a character
        tighter takes it; its first syllables with a hyphen (as Western text breaks a word, en_US
        patterns), leaving at least two letters on each side; else it breaks on the grid without a
        hyphen after as many letters as fit, as a long Latin run does (the word began in the
        line's last cell; Word's 允许西文在单词中间换行 does the same). The pieces replace the word
        ([] when it stays whole, on this line or the next: a number is never cut)."""
        text = "".join(c for c, _ in unit)
        if width(unit) <= room + WORD_SQUEEZE * count:
            return [unit]
        if not any(c.isalpha() for c in text) or len(text) < 4:
            return []
        tight = room + WORD_SQUEEZE * count
        syllables = self._syllables.positions(text) if text.isalnum() else []  # no hyphen in a file name or address
        for cut in sorted(syllables, reverse=True):
            head = [*unit[:cut], ("-", unit[cut - 1][1])]
            if 2 <= cut <= len(text) - 2 and width(head) <= tight:
                return [head, unit[cut:]]
        for cut in range(len(text) - 2, 0, -1):
            if width(unit[:cut]) <= tight:
                return [unit[:cut], unit[cut:]]
        return []

    def _unit_width(self, unit: list[tuple[str, bool]], role: Role, size: float, spacing: float) -> float:
        return sum(self.advance(role, c, b) * size + spacing for c, b in unit)

    def heading(self, runs: tuple[Run, ...], role: Role, css: str, anchor: str) -> list[Line]:
        """A heading's lines, rebalanced so that its last line never holds one or two characters
        alone: the lines are made shorter, a character at a time, until the last one has three."""
        lines = self.lines(runs, role, css=css, anchor=anchor)
        shorter = BLOCK_W
        while len(lines) > 1 and len(lines[-1].text) <= 2 and shorter > BLOCK_W / 2:
            shorter -= CELL
            attempt = self.lines(runs, role, css=css, anchor=anchor, width=shorter, justify=False)
            if len(attempt) == len(lines) and len(attempt[-1].text) > 2:
                return [replace(line, keep=True) for line in attempt]
        return [replace(line, keep=True) for line in lines]

    def figure(self, figure: Figure) -> list[Line]:
        """A photo on whole grid lines, centred, then its caption (楷体, centred), kept together."""
        ratio = figure.height / figure.width if figure.width else 0.75
        pitch = LINE_PITCH_MM * PT_PER_MM
        slots = max(3, min(FIGURE_MAX_LINES, round(BLOCK_W * ratio / pitch)))
        height = slots * pitch - 2.0  # a hair of white above and below, inside the slots
        width = height / ratio
        if width > BLOCK_W:
            width, height = BLOCK_W, BLOCK_W * ratio
        y = (slots * pitch - height) / 2
        src = f"data:{figure.mime};base64,{base64.b64encode(figure.data).decode('ascii')}"
        image = FigureImage(src, figure.caption, (BLOCK_W - width) / 2, y, width, height, slots)
        out = [Line("figure", css="figure", image=image, keep=True)]
        out += [Line("figure", css="figure", keep=True) for _ in range(slots - 1)]
        caption = self.centred(figure.caption, KAI, BODY_PT, "caption") if figure.caption else []
        if not caption:
            out[-1] = replace(out[-1], keep=False)
        return out + [replace(line, keep=index < len(caption) - 1) for index, line in enumerate(caption)]

    def centred(self, text: str, role: Role, size: float, css: str, anchor: str = "") -> list[Line]:
        """A centred title, broken into lines of nearly equal length (排列对称)."""
        runs = (Run(text),)
        full = self.width(role, size, text, 0.0)
        count = max(1, math.ceil(full / BLOCK_W))
        for attempt in range(count, count + 4):
            target = min(BLOCK_W, full / attempt + size * 1.01)
            lines = self.lines(runs, role, size, css=css, indent_first=0.0, width=target, justify=False,
                               align="center", anchor=anchor)
            if len(lines) <= attempt:
                return [replace(line, indent=0.0) for line in lines]
        return self.lines(runs, role, size, css=css, indent_first=0.0, justify=False, align="center", anchor=anchor)

    def column_widths(self, table: Table) -> list[float]:
        """Widths (pt) of a table's columns from their content, filling the block (PDF and Word alike)."""
        columns = max([len(table.header)] + [len(r) for r in table.rows] or [1])
        natural = [0.0] * columns
        for row in ([table.header] if table.header else []) + list(table.rows):
            for index, text in enumerate(row):
                natural[index] = max(natural[index], self.width(FANG, TABLE_PT, text, CELL - TABLE_PT)
                                     + 2 * TABLE_PAD + 1)
        return _column_widths(natural, BLOCK_W)

    def table(self, table: Table) -> list[Line]:
        """A ruled table, 4号 仿宋, one slot per cell line; column widths from the content."""
        self._tables += 1
        ident = self._tables
        columns = max([len(table.header)] + [len(r) for r in table.rows] or [1])
        rows = [tuple(list(r) + [""] * (columns - len(r))) for r in ([table.header] if table.header else [])]
        body = [tuple(list(r) + [""] * (columns - len(r))) for r in table.rows]
        widths = self.column_widths(table)
        xs = [sum(widths[:i]) for i in range(columns)]
        aligns = list(table.align) + [""] * columns
        out: list[Line] = []
        for row_index, row in enumerate(rows + body):
            header = bool(table.header) and row_index == 0
            cell_lines: list[list[tuple[Run, ...]]] = []
            for index, text in enumerate(row):
                broken = self.lines((Run(text, header),), FANG, TABLE_PT, indent_first=0.0,
                                    width=widths[index] - 2 * TABLE_PAD, justify=False)
                cell_lines.append([line.runs for line in broken] or [()])
            height = max(len(c) for c in cell_lines)
            for k in range(height):
                cells = tuple(
                    Cell(
                        xs[i], widths[i], cell_lines[i][k] if k < len(cell_lines[i]) else (),
                        "center" if header else (aligns[i] or _guess_align(row[i])),
                        top=k == 0, bottom=k == height - 1, header=header,
                    )
                    for i in range(columns)
                )
                # a row is never split; the header row stays with the first row under it
                out.append(Line("table", "fang", TABLE_PT, css="tr", cells=cells, table=ident, header=header,
                                keep=k < height - 1 or header))
        return out


def _guess_align(text: str) -> str:
    return "right" if re.fullmatch(r"[\d.,%]+", text.strip() or "x") else "left"


def _column_widths(natural: list[float], total: float) -> list[float]:
    """Fit the columns into ``total``: narrow ones keep their width, wide ones share the rest."""
    if sum(natural) <= total:
        extra = (total - sum(natural)) / len(natural)
        return [w + extra for w in natural]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(natural)) if i not in fixed]
        share = (total - sum(fixed.values())) / max(1, len(free))
        small = [i for i in free if natural[i] <= share]
        if not small:
            break
        for i in small:
            fixed[i] = natural[i]
    return [fixed.get(i, share) for i in range(len(natural))]


def _units(runs: tuple[Run, ...]) -> list[list[tuple[str, bool]]]:
    """Unbreakable pieces: a character, a Latin word or number, —— or ……."""
    chars = [(c, r.bold) for r in runs for c in r.text]
    text = "".join(c for c, _ in chars)
    units: list[list[tuple[str, bool]]] = []
    for match in _UNIT.finditer(text):
        piece = chars[match.start() : match.end()]
        if len(piece) >= LONG_LATIN and piece[0][0].isascii():
            units.extend(_latin_pieces(piece))
        else:
            units.append(piece)
    return units


def _latin_pieces(run: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """A long Latin run cut after each of ``/ . - _ ? & =``: a web address breaks where it reads well."""
    pieces: list[list[tuple[str, bool]]] = [[]]
    for char in run:
        pieces[-1].append(char)
        if char[0] in LATIN_BREAKS:
            pieces.append([])
    return [p for p in pieces if p]


def _split_wide(units: list[list[tuple[str, bool]]], width: Callable[[list[tuple[str, bool]]], float],
                room: float) -> list[list[tuple[str, bool]]]:
    """A Latin piece wider than a line is cut into characters: it breaks anywhere on the grid."""
    out: list[list[tuple[str, bool]]] = []
    for unit in units:
        if len(unit) > 1 and unit[0][0].isascii() and width(unit) > room:
            out.extend([c] for c in unit)
        else:
            out.append(unit)
    return out


def _compressed(chars: list[tuple[str, bool]]) -> tuple[int, ...]:
    """标点挤压: of two punctuation marks side by side, the first takes half a cell (。” ）， 《“)."""
    return tuple(
        i for i in range(len(chars) - 1)
        if (chars[i][0] in CLOSING and chars[i + 1][0] in CLOSING | OPENING)
        or (chars[i][0] in OPENING and chars[i + 1][0] in OPENING)
    )


def _hangs(units: list[list[tuple[str, bool]]], start: int, end: int) -> bool:
    """Whether the closing mark at ``end`` may hang at the end of the line instead of pushing a
    character down (行末点号悬挂): one mark, not followed by another, after a character that may
    end a line. The line keeps its 28 characters in the block."""
    unit = units[end]
    follows = units[end + 1][0][0] if end + 1 < len(units) else ""
    return (end > start and len(unit) == 1 and unit[0][0] in CLOSING and follows not in NO_START
            and units[end - 1][-1][0] not in NO_END)


WordFit = Callable[[list[tuple[str, bool]], float, int], list[list[tuple[str, bool]]]]


def _break(units: list[list[tuple[str, bool]]], widths: list[float], avail: list[float],
           hang: bool = False, word: WordFit | None = None) -> list[tuple[int, int, bool]]:
    """Line ranges over ``units`` (and whether the line's last mark hangs in the margin);
    ``avail[0]`` is the first line's width, ``avail[1]`` the rest. ``word`` fits a Latin word
    that does not fit at a line's end (Breaker._word_at_line_end): ``units`` and ``widths``
    then take its pieces."""
    breaks: list[tuple[int, int, bool]] = []
    start, n = 0, len(units)
    while start < n:
        room = avail[0] if not breaks else avail[1]
        used, end = 0.0, start
        while end < n and used + widths[end] <= room + 0.01:
            used += widths[end]
            end += 1
        hanging = False
        pieces = word(units[end], room - used, sum(len(u) for u in units[start:end])) \
            if word and start < end < n and _is_word(units[end], units[start:end]) else []
        if len(pieces) == 1 and end + 1 < n and units[end + 1][0][0] in NO_START:
            pieces = []  # the word taken whole would push its closing mark to the next line's start
        if pieces:
            whole = widths[end]
            units[end:end + 1] = pieces
            widths[end:end + 1] = [whole] if len(pieces) == 1 else [room - used, whole]  # the first fits
            n = len(units)
            end += 1
        elif end == start:  # one unit wider than the line: it goes alone
            end = start + 1
        elif end < n and hang and _hangs(units, start, end):
            end, hanging = end + 1, True
        elif end < n:
            end = _avoid_bad_break(units, start, end)
            end = _latin_break(units, start, end)
        breaks.append((start, end, hanging))
        start = end
    return breaks


def _is_word(unit: list[tuple[str, bool]], line: list[list[tuple[str, bool]]]) -> bool:
    """A Latin word or number (two characters or more) that may be fitted at the end of ``line``;
    a piece of a long run (a web address, a file name: it ends in ``/ . - _ ?``) only after a line
    of Chinese text, which would otherwise spread: elsewhere such a run breaks at its marks."""
    if len(unit) < 2 or not all(c.isascii() and not c.isspace() for c, _ in unit):
        return False
    return all(c.isalnum() for c, _ in unit) or not any(c.isascii() and not c.isspace() for u in line for c, _ in u)


def _avoid_bad_break(units: list[list[tuple[str, bool]]], start: int, end: int) -> int:
    """Move the break back (推出) until the next line does not start with closing punctuation
    and this one does not end with opening punctuation."""
    b = end
    while b > start + 1 and (units[b][0][0] in NO_START or units[b - 1][-1][0] in NO_END):
        b -= 1
    if units[b][0][0] in NO_START or units[b - 1][-1][0] in NO_END:
        return end  # nothing better within the line
    return b


def _latin_break(units: list[list[tuple[str, bool]]], start: int, end: int) -> int:
    """Inside a web address cut into characters, go back (a few characters at most) to just
    after ``/ . - _ ?`` so the address breaks where it reads well."""
    def latin(i: int) -> bool:
        return len(units[i]) == 1 and units[i][0][0].isascii() and not units[i][0][0].isspace()

    if not (latin(end - 1) and latin(end)):
        return end
    for b in range(end, max(start + 1, end - 8), -1):
        if not latin(b - 1):
            break
        if units[b - 1][-1][0] in LATIN_BREAKS:
            return b
    return end


def _to_runs(chars: list[tuple[str, bool]]) -> tuple[Run, ...]:
    runs: list[Run] = []
    for char, bold in chars:
        if runs and runs[-1].bold == bold:
            runs[-1] = Run(runs[-1].text + char, bold)
        else:
            runs.append(Run(char, bold))
    return tuple(runs)


# ---------------------------------------------------------------- blocks → lines
HEADING_ROLES = {1: HEI, 2: KAI, 3: FANG, 4: FANG}
PARAGRAPH_ROLES = {"body": FANG, "kai": KAI, "hei": HEI}


def block_lines(blocks: list[Block], breaker: Breaker) -> list[Line | PageBreak]:
    """The flow of grid lines (and forced page breaks) of a list of blocks."""
    flow: list[Line | PageBreak] = []
    keep_next = False  # after a heading: its text's first line stays with the second
    for block in blocks:
        start = len(flow)
        if isinstance(block, PageBreak):
            flow.append(block)
        elif isinstance(block, Blank):
            flow.extend(Line("blank", css="blank") for _ in range(block.lines))
        elif isinstance(block, Title):
            title = breaker.centred(block.text, XBS, TITLE_PT, "title", block.anchor)
            if block.subtitle:
                title += breaker.centred(block.subtitle, KAI, BODY_PT, "subtitle")
            if block.byline:
                title += breaker.centred(block.byline, KAI, BODY_PT, "byline")
            flow.extend(replace(line, keep=True) for line in title)
            flow.append(Line("blank", css="blank", keep=True))
        elif isinstance(block, Heading):
            flow.extend(breaker.heading(block.runs, HEADING_ROLES[block.level], f"h{block.level}", block.anchor))
        elif isinstance(block, Figure):
            flow.extend(breaker.figure(block))
        elif isinstance(block, Paragraph):
            role = PARAGRAPH_ROLES.get(block.style, FANG)
            if block.style == "code":  # as written, two characters in; a line too long goes on one more in
                flow.extend(breaker.lines(block.runs, FANG, CODE_PT, css="code", indent_first=INDENT,
                                          indent_rest=INDENT + CELL, justify=False))
            elif block.align == "justify":
                left = block.left_cells * CELL
                flow.extend(breaker.lines(block.runs, role, css=block.style, indent_first=left + INDENT,
                                          indent_rest=left))
            elif block.align == "center":
                flow.extend(breaker.centred(block.text, role, BODY_PT, block.style))
            else:
                indent = block.right_cells * CELL
                lines = breaker.lines(block.runs, role, indent_first=0.0, width=BLOCK_W - indent, justify=False,
                                      align=block.align, css=block.style)
                flow.extend(replace(line, indent=indent) for line in lines)
            if block.with_previous:
                _keep_before(flow, start, block.with_previous)
        elif isinstance(block, Table):
            flow.extend(breaker.table(block))
            flow.append(Line("blank", css="blank"))  # one line between a table and what follows
        if keep_next and len(flow) - start > 1 and isinstance(flow[start], Line):
            flow[start] = replace(flow[start], keep=True)  # type: ignore[arg-type]
        keep_next = isinstance(block, (Heading, Title))
    return flow


def _keep_before(flow: list[Line | PageBreak], start: int, count: int) -> None:
    """Keep the blank lines and ``count`` lines of text before ``flow[start]`` with it."""
    index = start - 1
    while index >= 0 and count > 0:
        line = flow[index]
        if not isinstance(line, Line):
            return
        flow[index] = replace(line, keep=True)
        count -= line.kind != "blank"
        index -= 1


def paginate(flow: Sequence[Line | PageBreak], first_number: int = 1) -> list[Page]:
    """Cut the flow into pages of 22 slots.

    A blank line is dropped where it would open a page or leave the bottom slot empty, so
    every page but the last has text in its first and its 22nd slot. A page never ends on a
    line marked ``keep``: the lines kept together go on to the next page (this page ends
    short). A photo that would not fit is made smaller to end the page (see _figure_fitted).
    A table continued on a new page repeats its header row.
    """
    pages: list[list[Line]] = []
    current: list[Line] = []
    headers: dict[int, list[Line]] = {}
    items = list(flow)

    def close() -> None:
        nonlocal current
        while current and current[-1].kind == "blank":
            current.pop()
        if current:
            pages.append(current)
        current = []

    def start(carried: list[Line]) -> None:
        first = carried[0] if carried else None
        if first is not None and first.kind == "table" and not first.header and first.table in headers:
            current.extend(headers[first.table])
        current.extend(carried)

    index = -1
    while index + 1 < len(items):
        index += 1
        item = items[index]
        if isinstance(item, PageBreak):
            close()
            continue
        if item.image is not None and current:
            smaller = _figure_fitted(items, index, LINES - len(current))
            if smaller:
                items[index:index + item.image.slots] = smaller
                item = smaller[0]
        if item.kind == "table" and item.header:
            headers.setdefault(item.table, []).append(item)
        if item.kind == "blank":
            run = 0
            while index + run < len(items) and isinstance(items[index + run], Line) \
                    and items[index + run].kind == "blank":  # type: ignore[union-attr]
                run += 1
            if not current or (len(current) + run >= LINES and not item.keep):  # a kept blank goes on with its group
                continue
        if len(current) == LINES:
            carried = _kept_tail(current)
            del current[len(current) - len(carried):]
            close()
            start(carried)
        if not current and item.kind == "table" and index > 0 and isinstance(items[index - 1], Line) \
                and items[index - 1].table == item.table:  # type: ignore[union-attr]
            start([item])
            continue
        current.append(item)
    close()
    return [Page(first_number + i, tuple(lines)) for i, lines in enumerate(pages)]


def _figure_fitted(items: list[Line | PageBreak], index: int, free: int) -> list[Line]:
    """The figure starting at ``items[index]`` made smaller to end this page with its caption,
    when it would not fit and two thirds of its lines (at least three) do: a photo moved whole
    to the next page would leave this page short for no reason. Empty when it fits or stays."""
    first = items[index]
    assert isinstance(first, Line) and first.image is not None
    image = first.image
    rest = items[index + image.slots:]
    caption = 0
    while caption < len(rest) and isinstance(rest[caption], Line) and rest[caption].css == "caption":  # type: ignore[union-attr]
        caption += 1
    slots = free - caption
    if image.slots + caption <= free or slots < max(3, math.ceil(image.slots * 2 / 3)):
        return []
    pitch = LINE_PITCH_MM * PT_PER_MM
    scale = min(1.0, (slots * pitch - 2.0) / image.height)
    width, height = image.width * scale, image.height * scale
    fitted = replace(image, x=(BLOCK_W - width) / 2, y=(slots * pitch - height) / 2, width=width, height=height,
                     slots=slots)
    return [replace(first, image=fitted)] + [line for line in items[index + 1:index + slots] if isinstance(line, Line)]


def _kept_tail(page: list[Line]) -> list[Line]:
    """The lines at the end of a full page that must go on with the next line (``keep``);
    none when they would leave fewer than four lines (a group that long is cut, not moved)."""
    end = len(page)
    while end > 0 and page[end - 1].keep:
        end -= 1
    tail = page[end:]
    return tail if end > 0 and len(tail) <= LINES - 4 else []
