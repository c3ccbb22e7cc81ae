"""The material as a Word file (python-docx), for offices that edit it further in Word or WPS.

Same page set-up as the PDF (A4; margins 37/35/28/26 mm), the document grid of 22 lines ×
28 characters (``w:docGrid``: python-docx has no API for it, so it is written as OOXML),
fonts by their Chinese names (``w:eastAsia``), page numbers "— N —" as a PAGE field in
4号 宋体, odd pages right and even pages left. Unlike the PDF, the text is left in whole
paragraphs: Word or WPS breaks the lines on its grid, with its own 避头尾, so the file stays
editable.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from civicpress.printing.blocks import Blank, Heading, PageBreak, Paragraph, Run, Table, Title
from civicpress.printing.document import COVER_TOC_SLOTS, Laid
from civicpress.printing.fonts import FANG, HEI, KAI, SONG, XBS, Role
from civicpress.printing.layout import BODY_PT, CELL, COVER_PT, LINES, TABLE_PT, TITLE_PT
from civicpress.printing.material import cn_date

LINE_PITCH_TWIPS = 579  # 225 mm / 22 = 28.95 pt
CHAR_SPACING_TWIPS = -5  # 1/20 pt
FOOTER_MM = 24.9  # footer distance from the page's bottom edge: the dash's top 7 mm under the block
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def render_docx(laid: Laid) -> bytes:
    job = laid.job
    doc: Any = Document()
    _page_setup(doc)
    _defaults(doc)
    body_started = False
    if job.cover:
        _cover(doc, laid)
        body_started = True
    if laid.toc and job.toc and not job.cover:
        _toc(doc, laid)
        body_started = True
    if body_started:
        _page_break(doc)
    for block in job.blocks:
        if isinstance(block, PageBreak):
            _page_break(doc)
        elif isinstance(block, Blank):
            for _ in range(block.lines):
                _para(doc, (), FANG, BODY_PT, "left", indent=False)
        elif isinstance(block, Title):
            title = _para(doc, (Run(block.text),), XBS, TITLE_PT, "center", indent=False, bold=False)
            _snap(title, False)  # 2号 on one grid line: snapped, a tall font would take two
            if block.subtitle:
                _para(doc, (Run(block.subtitle),), KAI, BODY_PT, "center", indent=False)
            if block.byline:
                _para(doc, (Run(block.byline),), KAI, BODY_PT, "center", indent=False)
            _para(doc, (), FANG, BODY_PT, "left", indent=False)
        elif isinstance(block, Heading):
            role = {1: HEI, 2: KAI}.get(block.level, FANG)
            _para(doc, block.runs, role, BODY_PT, "justify", bold=block.level == 3, keep=True)
        elif isinstance(block, Paragraph):
            role = {"hei": HEI, "kai": KAI}.get(block.style, FANG)
            if block.align == "justify":
                _para(doc, block.runs, role, BODY_PT, "justify")
            else:
                p = _para(doc, block.runs, role, BODY_PT, block.align, indent=False)
                if block.right_cells:
                    p.paragraph_format.right_indent = Pt(block.right_cells * CELL)
        elif isinstance(block, Table):
            _table(doc, block)
    # python-docx starts with an empty paragraph; drop it
    first = doc.paragraphs[0]
    if not first.text and first._p.getparent() is not None and len(doc.paragraphs) > 1:
        first._p.getparent().remove(first._p)
    out = io.BytesIO()
    _fixed_properties(doc, laid)
    doc.save(out)
    return _zip_fixed_times(out.getvalue())


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_MM)
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    # A grid of lines only: with a character grid LibreOffice gives every 16 pt character two
    # cells of 15.8 pt. 28 characters a line come from the character spacing of Normal.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    sect.append(grid)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(footer: Any, align: Any) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(14)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    _snap(p, False)
    _text_run(p, "— ", SONG, 14)
    run = _text_run(p, "", SONG, 14)
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "1"), ("end", "")):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run = _text_run(p, text, SONG, 14)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            if kind == "end":
                run = _text_run(p, "", SONG, 14)
            run._r.append(char)
    _text_run(p, " —", SONG, 14)


def _defaults(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.size = Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    _fonts(rpr, FANG)
    spacing = OxmlElement("w:spacing")  # 16 pt − 0.25 pt: 28 characters fit in 156 mm, justified
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    rpr.append(spacing)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
    fmt.widow_control = False


def _fonts(rpr: Any, role: Role) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    name = role.families[0]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _text_run(p: Any, text: str, role: Role, size: float, bold: bool = False) -> Any:
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    _fonts(run._r.get_or_add_rPr(), role)
    return run


def _snap(p: Any, on: bool) -> None:
    ppr = p._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "1" if on else "0")
    ppr.append(snap)


def _para(
    doc: Any, runs: tuple[Run, ...], role: Role, size: float, align: str, *,
    indent: bool = True, bold: bool = False, keep: bool = False,
) -> Any:
    p = doc.add_paragraph()
    p.alignment = ALIGN[align]
    fmt = p.paragraph_format
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
    fmt.widow_control = False
    if indent:
        fmt.first_line_indent = Pt(2 * CELL)
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
    if keep:
        fmt.keep_with_next = False  # a heading may end a page: every page keeps its 22 lines
    for run in runs:
        _text_run(p, run.text, role, size, bold or run.bold)
    if not runs:
        _text_run(p, "", role, size)
    return p


def _page_break(doc: Any) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Twips(LINE_PITCH_TWIPS)
    p.add_run().add_break(WD_BREAK.PAGE)
    # the break's own paragraph would take a line at the top of the next page: hide its mark
    rpr = p._p.get_or_add_pPr()
    mark = OxmlElement("w:rPr")
    vanish = OxmlElement("w:vanish")
    mark.append(vanish)
    rpr.append(mark)


def _cover(doc: Any, laid: Laid) -> None:
    """The cover on the grid, as in the PDF: 22 lines, the 目录 (if any) under the title."""
    job = laid.job
    top = (job.marking, HEI, "left") if job.marking else (job.organization, KAI, "center")
    bottom = ([job.organization] if job.marking else []) + ([cn_date(job.date)] if job.date else [])
    slots: list[tuple[str, Role, float, str]] = [("", FANG, BODY_PT, "left")] * LINES
    slots[0] = (top[0], top[1], BODY_PT, top[2])
    slots[3 if laid.toc else 6] = (job.title, XBS, COVER_PT, "center")
    if job.subtitle:
        slots[5 if laid.toc else 8] = (job.subtitle, KAI, BODY_PT, "center")
    if laid.toc:
        slots[7] = ("目　录", HEI, BODY_PT, "center")
    for index, text in enumerate(reversed(bottom or [job.organization])):
        slots[LINES - 1 - index] = (text, KAI, BODY_PT, "center")
    entries = list(laid.toc[:COVER_TOC_SLOTS])
    for index, (text, role, size, align) in enumerate(slots):
        if 9 <= index < 9 + len(entries):
            _toc_entry(doc, entries[index - 9])
            continue
        p = _para(doc, (Run(text),) if text else (), role, size, align, indent=False)
        if size > BODY_PT:
            _snap(p, False)
    for entry in laid.toc[COVER_TOC_SLOTS:]:
        _toc_entry(doc, entry)


def _toc_entry(doc: Any, entry: Any) -> None:
    p = _para(doc, (Run(entry.label),), FANG, BODY_PT, "left", indent=False)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    _text_run(p, f"\t{entry.page}", FANG, BODY_PT)


def _toc(doc: Any, laid: Laid) -> None:
    _para(doc, (Run("目　录"),), XBS, TITLE_PT, "center", indent=False)
    _para(doc, (), FANG, BODY_PT, "left", indent=False)
    for entry in laid.toc:
        _toc_entry(doc, entry)


def _table(doc: Any, table: Table) -> None:
    columns = max([len(table.header)] + [len(r) for r in table.rows] or [1])
    rows = ([table.header] if table.header else []) + list(table.rows)
    t = doc.add_table(rows=len(rows), cols=columns)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        header = bool(table.header) and r == 0
        row = t.rows[r]
        tr_pr = row._tr.get_or_add_trPr()
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(LINE_PITCH_TWIPS))
        height.set(qn("w:hRule"), "atLeast")
        tr_pr.append(height)
        if header:
            tbl_header = OxmlElement("w:tblHeader")
            tr_pr.append(tbl_header)
        for c in range(columns):
            cell = row.cells[c]
            text = values[c] if c < len(values) else ""
            p = cell.paragraphs[0]
            align = "center" if header else ((table.align[c] if c < len(table.align) else "") or "left")
            p.alignment = ALIGN[align]
            fmt = p.paragraph_format
            fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
            _text_run(p, text, HEI if header else FANG, TABLE_PT)


def _fixed_properties(doc: Any, laid: Laid) -> None:
    """Core properties from the material, never from the clock (two builds, same bytes)."""
    from datetime import datetime, timezone

    job = laid.job
    props = doc.core_properties
    stamp = (job.date or datetime(2000, 1, 1, tzinfo=timezone.utc)).replace(tzinfo=None)
    props.title = job.title
    props.author = job.organization
    props.last_modified_by = job.organization
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.comments = "civicpress"


def _zip_fixed_times(data: bytes) -> bytes:
    """Rewrite the package with a fixed timestamp on every member and a fixed order."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
