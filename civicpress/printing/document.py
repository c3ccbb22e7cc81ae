"""A print job laid out: cover, 目录 and body pages, and the print HTML made from them.

The HTML is print-ready in a browser (``@page`` A4 with the standard's margins) and is what
WeasyPrint renders to PDF. Every line sits in its own slot (``.ln``), so the layout does not
depend on the browser's line breaking.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from civicpress.printing.blocks import PageBreak, Run
from civicpress.printing.fonts import FANG, HEI, KAI, ROLES, XBS, FontBook
from civicpress.printing.layout import (
    BLOCK_W,
    BODY_PT,
    CELL,
    COVER_PT,
    LINE_PITCH_MM,
    LINES,
    TABLE_PAD,
    TABLE_PT,
    TITLE_PT,
    Breaker,
    Line,
    Page,
    block_lines,
    paginate,
)
from civicpress.printing.material import PrintJob, cn_date

PRINT_THEME = Path(__file__).resolve().parent.parent / "theme" / "print"
PAGE_NUMBER_TOP_MM = 4.45  # padding above the page number: puts the dash's top 7 mm below the block


@dataclass(frozen=True)
class TocEntry:
    label: str
    page: int
    anchor: str = ""  # the id of the line the entry links to
    level: int = 1  # 1: a material or part (its title), 2: a 一、 heading


@dataclass(frozen=True)
class Laid:
    """A job on its pages. The ``front`` pages (cover, 目录, the blank back of the cover) carry
    no number (``Page.number`` 0); the text starts at "— 1 —" (``body_start``) on a right-hand page."""

    job: PrintJob
    pages: tuple[Page, ...]
    toc: tuple[TocEntry, ...]
    body_start: int
    front: int = 0


def lay_out(job: PrintJob, fonts: FontBook) -> Laid:
    """Cover (with the 目录 when there is one), then the text from the next page on.

    The 目录 sits on the cover, between the title and the issuing organisation, so the cover
    stays one full page on the grid; a 目录 longer than the space there goes on to pages of
    its own. Its length is known before the pages are numbered: entries are laid out first.
    """
    breaker = Breaker(fonts)
    flow = block_lines(list(job.blocks), breaker)
    labels = _toc_labels(job, flow) if job.toc else []
    body = paginate(flow, first_number=1)
    where = {line.anchor: page.number for page in body for line in page.lines if line.anchor}
    entries = tuple(TocEntry(label, where.get(anchor, 1), anchor) for label, anchor in labels)
    toc = toc_lines(entries, breaker, heading=False)
    room = COVER_TOC_SLOTS
    front: list[Page] = []
    if job.cover:
        front.append(Page(0, tuple(cover_page(job, breaker, toc[:room]))))
        if len(toc) > room:
            front.extend(replace(page, number=0) for page in paginate(toc[room:]))
        if len(front) % 2:  # the back of the cover stays blank: the text starts on a right-hand page
            front.append(Page(0, (Line("blank", css="blank"),)))
    return Laid(job, (*front, *body), entries, 1, len(front))


def _toc_labels(job: PrintJob, flow: Sequence[Line | PageBreak]) -> list[tuple[str, str]]:
    labels: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in flow:
        if not isinstance(line, Line) or not line.anchor or line.anchor in seen:
            continue
        wanted = line.anchor.startswith("t") if job.toc_level == "title" else line.anchor.startswith("h")
        if wanted:
            seen.add(line.anchor)
            texts = [ln.text for ln in flow if isinstance(ln, Line) and ln.anchor == line.anchor]
            label = _full_text(flow, line.anchor) or "".join(texts)
            labels.append((label, line.anchor))
    return labels


def _full_text(flow: Sequence[Line | PageBreak], anchor: str) -> str:
    """The whole text of the block whose first line carries ``anchor`` (titles span lines)."""
    out: list[str] = []
    collecting = False
    for item in flow:
        if not isinstance(item, Line):
            if collecting:
                break
            continue
        if item.anchor == anchor:
            collecting = True
            out.append(item.text)
            css = item.css
            continue
        if collecting:
            if item.kind == "text" and item.css == css and not item.anchor:
                out.append(item.text)
            else:
                break
    return "".join(out)


COVER_TOC_SLOTS = 10  # 目录 lines on the cover: slots 11 to 20


def cover_page(job: PrintJob, breaker: Breaker, toc: Sequence[Line] = ()) -> list[Line]:
    """A cover on the grid: text in the first and the 22nd slot, the title a third down,
    or, with a 目录, the title higher and the 目录 under it."""
    top = (job.marking, "marking") if job.marking else (job.organization, "byline")
    bottom_texts = ([job.organization] if job.marking else []) + ([cn_date(job.date)] if job.date else [])
    if not bottom_texts:
        bottom_texts = [job.organization or job.title]
    slots: list[Line] = [Line("blank", css="blank") for _ in range(LINES)]
    if top[1] == "marking":
        slots[0] = breaker.lines((Run(top[0]),), HEI, css="marking", indent_first=0.0, justify=False)[0]
    else:
        slots[0] = breaker.centred(top[0], KAI, BODY_PT, "byline")[0]
    title = breaker.centred(job.title, XBS, COVER_PT, "cover-title")
    row = 3 if toc else 6
    for line in title[:4 if not toc else 2]:
        slots[row] = line
        row += 1
    if job.subtitle:
        for line in breaker.centred(job.subtitle, KAI, BODY_PT, "subtitle")[:2]:
            row += 1
            slots[row] = line
    if toc:
        slots[7] = breaker.centred("目　录", HEI, BODY_PT, "marking")[0]
        for index, line in enumerate(toc[:COVER_TOC_SLOTS]):
            slots[9 + index] = line
    for index, text in enumerate(reversed(bottom_texts)):
        slots[LINES - 1 - index] = breaker.centred(text, KAI, BODY_PT, "byline")[0]
    return slots


def _toc_label_lines(label: str, breaker: Breaker) -> list[Line]:
    return breaker.lines((Run(label),), FANG, css="toc", indent_first=0.0, width=BLOCK_W - 4 * CELL)


def toc_lines(entries: tuple[TocEntry, ...], breaker: Breaker, heading: bool = True) -> list[Line]:
    """目录: each entry with a dotted leader and its page number at the right."""
    lines: list[Line] = []
    if heading:
        lines += [*breaker.centred("目　录", XBS, TITLE_PT, "title"), Line("blank", css="blank")]
    for entry in entries:
        label_lines = [replace(line, link=entry.anchor) for line in _toc_label_lines(entry.label, breaker)]
        last = label_lines[-1]
        number = str(entry.page)
        # Label and dot leaders on the character grid, the page number flush right: the space
        # left over (less than a character) goes before the number, not into the pitch.
        base = CELL - BODY_PT
        used = breaker.width(FANG, BODY_PT, last.text, base) + breaker.width(FANG, BODY_PT, number, base)
        leader = max(1, int((BLOCK_W - used) // CELL))
        runs = (*last.runs, Run("…" * leader), Run(number))
        gap = BLOCK_W - used - leader * CELL
        lines.extend(label_lines[:-1])
        lines.append(replace(last, runs=runs, spacing=round(base, 4), gap=round(gap, 3)))
    return lines


# ---------------------------------------------------------------- HTML
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(PRINT_THEME)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def css_for(fonts: FontBook) -> str:
    """The print stylesheet with the font stacks and the measured offsets filled in."""
    shift = 0.0
    face = fonts.face(XBS)
    if face is not None:
        shift = -face.centre_shift
    return _environment().get_template("print.css").render(
        fonts={name: Markup(role.css()) for name, role in ROLES.items()},
        pitch=f"{LINE_PITCH_MM:.4f}",
        page_number_top=f"{PAGE_NUMBER_TOP_MM:.2f}",
        title_shift=f"{shift:.4f}",
    )


class LineStyles:
    """The measured styles of the lines (letter-spacing, indent, cell positions), as classes.

    A document has a few dozen distinct ones for hundreds of lines. Written as ``style``
    attributes, every line is a style of its own to WeasyPrint, which then computes all the
    properties of the line and of the text in it again; as classes, lines that look alike share
    one computed style (a quarter less PDF time for a 29-page material, the same PDF bytes).
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def __call__(self, declarations: str) -> str:
        """The class name for ``declarations`` (``s1``, ``s2`` … in order of first use)."""
        return self._names.setdefault(declarations, f"s{len(self._names) + 1}")

    def css(self) -> str:
        return "".join(f".{name} {{ {declarations} }}\n" for declarations, name in self._names.items())


def render_html(laid: Laid, fonts: FontBook, qr_svg: str = "") -> str:
    job = laid.job
    styles = LineStyles()
    pages = []
    labels = {entry.anchor: entry.label for entry in laid.toc} | _bookmark_labels(laid)
    for index, page in enumerate(laid.pages):
        body = "\n".join(line_html(line, styles, labels) for line in page.lines)
        qr = Markup(qr_svg) if qr_svg and page is laid.pages[0] else ""
        pages.append({"number": page.number, "index": index + 1, "html": Markup(body), "qr": qr})
    # The line classes come last: they override the padding of .ln (same specificity).
    return _environment().get_template("material.html").render(
        title=job.title,
        author=job.organization,
        date=job.date.strftime("%Y-%m-%d") if job.date else "",
        css=Markup(css_for(fonts) + styles.css()),
        pages=pages,
    )


def _bookmark_labels(laid: Laid) -> dict[str, str]:
    """The whole text of every anchored line's block (a title may take two lines): the PDF's bookmarks."""
    flow = [line for page in laid.pages for line in page.lines]
    return {line.anchor: _full_text(flow, line.anchor) for line in flow if line.anchor}


def _runs_html(runs: tuple[Run, ...]) -> str:
    return "".join(f"<b>{html.escape(r.text)}</b>" if r.bold else html.escape(r.text) for r in runs)


def _text_html(line: Line, styles: LineStyles) -> str:
    """A line's text with its compressed punctuation (``Line.half``) in spans of less spacing."""
    squeezed = styles(f"letter-spacing:{line.spacing - line.size / 2:.4f}pt")
    out: list[str] = []
    index = 0
    for run in line.runs:
        pieces: list[str] = []
        for char in run.text:
            escaped = html.escape(char)
            pieces.append(f'<span class="{squeezed}">{escaped}</span>' if index in line.half else escaped)
            index += 1
        text = "".join(pieces)
        out.append(f"<b>{text}</b>" if run.bold else text)
    return "".join(out)


def _figure_html(line: Line, styles: LineStyles) -> str:
    image = line.image
    if image is None:
        return '<div class="ln figure"></div>'
    box = styles(f"left:{image.x:.3f}pt;top:{image.y:.3f}pt;width:{image.width:.3f}pt;height:{image.height:.3f}pt")
    return (f'<div class="ln figure"><img class="photo {box}" src="{html.escape(image.src)}" '
            f'alt="{html.escape(image.alt)}"></div>')


HEADING_LEVELS = {"cover-title": 1, "title": 1, "h1": 2, "h2": 3, "h3": 4, "h4": 5}


BOOKMARK_LEVELS = {"title": 1, "h1": 2}  # every material and part, then its 一、 headings


def line_html(line: Line, styles: LineStyles, labels: dict[str, str] | None = None) -> str:
    """One slot; its measured style becomes a class of ``styles``. An anchored title or 一、
    heading becomes a PDF bookmark (``labels``: its whole text); a 目录 line links to its entry."""
    if line.kind == "blank":
        return '<div class="ln blank"></div>'
    if line.kind == "figure":
        return _figure_html(line, styles)
    if line.kind == "table":
        cells = []
        for cell in line.cells:
            edges = " top" if cell.top else ""
            edges += " bottom" if cell.bottom else ""
            frame = styles(f"left:{cell.x:.3f}pt;width:{cell.width:.3f}pt")
            cells.append(f'<span class="tc{edges} {frame}"></span>')
            align = cell.align or "left"
            head = " th" if cell.header else ""
            text = styles(
                f"left:{cell.x + TABLE_PAD:.3f}pt;width:{cell.width - 2 * TABLE_PAD:.3f}pt;text-align:{align};"
                f"letter-spacing:{CELL - TABLE_PT:.4f}pt"
            )
            cells.append(f'<span class="tt{head} {text}"><span>{_runs_html(cell.runs)}</span></span>')
        return f'<div class="ln tr">{"".join(cells)}</div>'
    style = [f"letter-spacing:{line.spacing:.4f}pt"]
    if line.align == "center":
        style.append("text-align:center")
    elif line.align == "right":
        style.append(f"text-align:right;padding-right:{line.indent:.3f}pt")
    elif line.indent:
        style.append(f"padding-left:{line.indent:.3f}pt")
    anchor = f' id="{line.anchor}"' if line.anchor else ""
    level = BOOKMARK_LEVELS.get(line.css) if line.anchor and labels is not None else None
    if level:
        anchor += f' data-bookmark="{html.escape(labels.get(line.anchor, line.text) if labels else line.text)}"'
        anchor += f' data-bookmark-level="{level}"'
    # Lines are <div>s on the grid; assistive technology still learns which ones are headings.
    heading = HEADING_LEVELS.get(line.css)
    role = f' role="heading" aria-level="{heading}"' if heading else ""
    classes = f"ln {line.css} {styles(';'.join(style))}"
    text = _text_html(line, styles) if line.half else _runs_html(line.runs)
    if line.gap:  # a 目录 line: the page number flush right
        last = line.runs[-1]
        text = (_runs_html(line.runs[:-1])
                + f'<span class="{styles(f"margin-left:{line.gap:.3f}pt")}">{_runs_html((last,))}</span>')
    if line.link:
        text = f'<a href="#{html.escape(line.link)}">{text}</a>'
    return f'<div class="{classes}"{anchor}{role}><span>{text}</span></div>'


__all__ = ["Laid", "LineStyles", "lay_out", "line_html", "render_html"]
