"""The material as a Word file (python-docx), for offices that edit it further in Word or WPS.

Same page set-up as the PDF (A4; margins 37/35/28/26 mm, the top 36.5 mm: see WORD_TOP_MM) and
22 lines × 28 characters: a line grid (``w:docGrid w:type="lines"``, 579 twips; python-docx has
no API for it, so it is written as OOXML) and every run condensed by 0.25 pt, which Word, WPS
and LibreOffice all lay out as 28 characters a line (see CONDENSE_TWIPS). Fonts by their
Chinese names (``w:eastAsia``), with fallbacks in the font table (仿宋_GB2312 → 仿宋 → FangSong:
a Windows PC has 仿宋, not 仿宋_GB2312). Headings use the styles 标题 1–4 (Heading 1–4) with
their outline levels and are kept with the next paragraph, so Word's navigation pane and its
contents field (a real TOC field) work. The cover (and 目录) is a section of its own without
page numbers; the text is the next section, starting on a right-hand page at "— 1 —" (a PAGE
field in 4号 宋体, odd pages right, even pages left). Bold text is set in 黑体, as in the PDF.
Unlike the PDF, the text is left in whole paragraphs: Word or WPS breaks the lines on its grid,
with its own 避头尾, so the file stays editable.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips

from civicpress.printing.blocks import Blank, Figure, Heading, PageBreak, Paragraph, Run, Table, Title
from civicpress.printing.document import COVER_TOC_SLOTS, Laid, TocEntry
from civicpress.printing.fonts import FANG, HEI, KAI, SONG, XBS, FontBook, Role
from civicpress.printing.layout import BODY_PT, CELL, CODE_PT, COVER_PT, LINES, TABLE_PT, TITLE_PT, Breaker
from civicpress.printing.material import cn_date

LINE_PITCH_TWIPS = 579  # 225 mm / 22 = 28.95 pt
# 28 characters a line without a character grid: every run is condensed by a quarter point, so a
# 16 pt character advances 15.75 pt; 28 of them (441 pt) fit the 442.2 pt line, 29 (456.75) do not.
# Word's character grid (docGrid linesAndChars, charSpace −850: a 15.79 pt pitch) would do it in Word,
# but LibreOffice (7.4, sw fntcache) gives a character wider than its grid cell two cells: 14 a line.
CONDENSE_TWIPS = -5  # w:spacing in twentieths of a point: −0.25 pt
# LibreOffice sets a 16 pt line 0.7 mm lower in its grid line than the PDF does (and a row under a
# table rule 0.2 mm lower still): with the page's top margin at 36.5 mm its grid top measures 37.3–37.5 mm
WORD_TOP_MM = 36.5
FOOTER_MM = 24.9  # footer distance from the page's bottom edge: the dash's top 7 mm under the block
QR_MM = 20  # in the first page's header
# the first page's header starts 12 mm from the top: the QR code's paragraph (20 mm and a line's
# leading) then ends well above the text block (37 mm); at 15 mm LibreOffice pushed the text down 1 mm
QR_HEADER_MM = 12
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
HEADING_ROLES = {1: HEI, 2: KAI, 3: FANG, 4: FANG}
# Fallbacks Word and WPS use when a font is missing (w:altName): office name → Windows name → English.
FONT_FALLBACKS = (
    ("仿宋_GB2312", "仿宋"), ("仿宋", "FangSong"), ("楷体_GB2312", "楷体"), ("楷体", "KaiTi"),
    ("黑体", "SimHei"), ("方正小标宋简体", "宋体"), ("宋体", "SimSun"),
)


def render_docx(laid: Laid, fonts: FontBook | None = None, qr_png: bytes = b"") -> bytes:
    """The .docx of a laid-out job; ``qr_png`` is printed in the first page's header."""
    job = laid.job
    doc: Any = Document()
    _page_setup(doc.sections[0])
    _styles(doc)
    breaker = Breaker(fonts or FontBook())
    if job.cover:
        _cover(doc, laid)
        body = doc.add_section(WD_SECTION.ODD_PAGE)  # the text starts on a right-hand page
        body.start_type = WD_SECTION.ODD_PAGE
        _restart_numbering(body)
    elif laid.toc and job.toc:
        _toc(doc, laid)
        _page_break(doc)
    for block in job.blocks:
        _block(doc, block, breaker)
    first = doc.paragraphs[0]  # python-docx starts with an empty paragraph; drop it
    if not first.text and first._p.getparent() is not None and len(doc.paragraphs) > 1:
        first._p.getparent().remove(first._p)
    doc.settings.odd_and_even_pages_header_footer = True
    if qr_png:
        _qr(doc.sections[0], qr_png)
    _footers(doc)
    _font_table(doc)
    _fixed_properties(doc, laid)
    out = io.BytesIO()
    doc.save(out)
    return _zip_fixed_times(out.getvalue())


def _block(doc: Any, block: object, breaker: Breaker) -> None:
    if isinstance(block, PageBreak):
        _page_break(doc)
    elif isinstance(block, Blank):
        for _ in range(block.lines):
            _para(doc, (), FANG, BODY_PT, "left", indent=False)
    elif isinstance(block, Title):
        title = _para(doc, (Run(block.text),), XBS, TITLE_PT, "center", indent=False, style="Title")
        _snap(title, False)  # 2号 on one grid line: snapped, a tall font would take two
        if block.subtitle:
            _para(doc, (Run(block.subtitle),), KAI, BODY_PT, "center", indent=False, keep=True)
        if block.byline:
            _para(doc, (Run(block.byline),), KAI, BODY_PT, "center", indent=False, keep=True)
        _para(doc, (), FANG, BODY_PT, "left", indent=False, keep=True)
    elif isinstance(block, Heading):
        _para(doc, block.runs, HEADING_ROLES[block.level], BODY_PT, "justify", style=f"Heading {block.level}")
    elif isinstance(block, Paragraph):
        _paragraph(doc, block)
    elif isinstance(block, Table):
        _table(doc, block, breaker)
        _para(doc, (), FANG, BODY_PT, "left", indent=False)  # one line after the table, as in the PDF
    elif isinstance(block, Figure):
        _figure(doc, block, breaker)


def _paragraph(doc: Any, block: Paragraph) -> None:
    role = {"hei": HEI, "kai": KAI}.get(block.style, FANG)
    if block.style == "code":  # as in the PDF: 4号, as written, two characters in
        p = _para(doc, block.runs, FANG, CODE_PT, "left", indent=False)
        p.paragraph_format.left_indent = Pt(2 * CELL)
        return
    if block.align == "justify":
        p = _para(doc, block.runs, role, BODY_PT, "justify")
        if block.left_cells:
            ind = p._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:leftChars"), str(block.left_cells * 100))
            ind.set(qn("w:left"), str(round(block.left_cells * CELL * 20)))
        return
    p = _para(doc, block.runs, role, BODY_PT, block.align, indent=False)
    if block.right_cells:
        p.paragraph_format.right_indent = Pt(block.right_cells * CELL)


# ---------------------------------------------------------------- page set-up, styles, fonts
def _page_setup(section: Any) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(WORD_TOP_MM), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_MM)
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")  # 22 lines; the 28 characters come from the runs' spacing (see above)
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    sect.append(grid)


def _restart_numbering(section: Any) -> None:
    number = OxmlElement("w:pgNumType")
    number.set(qn("w:start"), "1")
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.addprevious(number)


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _fonts(rpr, FANG)
    condense = OxmlElement("w:spacing")
    condense.set(qn("w:val"), str(CONDENSE_TWIPS))
    rpr.append(condense)
    # Chinese text: line breaking by Chinese rules (LibreOffice breaks before “ only in a Chinese locale)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
    fmt.widow_control = False
    wrap = OxmlElement("w:wordWrap")  # 允许西文在单词中间换行: the line keeps its 28 cells, as in the PDF
    wrap.set(qn("w:val"), "0")
    normal.element.get_or_add_pPr().append(wrap)
    for level in range(1, 5):
        style = doc.styles[f"Heading {level}"]
        rpr = style.element.get_or_add_rPr()
        for tag in ("w:b", "w:bCs", "w:i", "w:iCs", "w:color"):
            for old in rpr.findall(qn(tag)):
                rpr.remove(old)
        style.font.size = Pt(BODY_PT)
        _fonts(rpr, HEADING_ROLES[level], theme=False)
        heading = style.paragraph_format
        heading.space_before = heading.space_after = Pt(0)
        heading.line_spacing = Twips(LINE_PITCH_TWIPS)
        heading.keep_with_next = True  # a heading never ends a page
        heading.first_line_indent = Pt(2 * CELL)
        ppr = style.element.get_or_add_pPr()
        for old in ppr.findall(qn("w:outlineLvl")):
            ppr.remove(old)
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level - 1))
        ppr.append(outline)
    title = doc.styles["Title"]
    rpr = title.element.get_or_add_rPr()
    for tag in ("w:color", "w:spacing", "w:kern", "w:b", "w:bCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    ppr = title.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    title.font.size = Pt(TITLE_PT)
    _fonts(rpr, XBS, theme=False)
    title.paragraph_format.keep_with_next = True
    title.paragraph_format.space_before = title.paragraph_format.space_after = Pt(0)
    title.paragraph_format.line_spacing = Twips(LINE_PITCH_TWIPS)  # 2号 in one line: the next stays on the grid
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    ppr.append(outline)


def _fonts(rpr: Any, role: Role, theme: bool = True) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    if not theme:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if fonts.get(qn(attr)) is not None:
                del fonts.attrib[qn(attr)]
    name = role.families[0]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _font_table(doc: Any) -> None:
    """Fallbacks in fontTable.xml: a PC without 仿宋_GB2312 prints with 仿宋 (then FangSong)."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt in FONT_FALLBACKS
    )
    part._blob = re.sub(r"(</w:fonts>)", entries + r"\1", xml, count=1).encode("utf-8")


def _text_run(p: Any, text: str, role: Role, size: float, bold: bool = False) -> Any:
    """A run; bold text is set in 黑体 (no bold face in the 仿宋 fonts: the PDF does the same)."""
    run = p.add_run(text)
    run.font.size = Pt(size)
    _fonts(run._r.get_or_add_rPr(), HEI if bold and role is not HEI else role)
    return run


def _snap(p: Any, on: bool) -> None:
    ppr = p._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "1" if on else "0")
    ppr.append(snap)


def _para(
    doc: Any, runs: tuple[Run, ...], role: Role, size: float, align: str, *,
    indent: bool = True, keep: bool = False, style: str = "",
) -> Any:
    p = doc.add_paragraph(style=style or None)
    p.alignment = ALIGN[align]
    fmt = p.paragraph_format
    if indent:
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
        ind.set(qn("w:firstLine"), str(round(2 * CELL * 20)))
    elif style:
        fmt.first_line_indent = Pt(0)
    if keep:
        fmt.keep_with_next = True
    for run in runs:
        _text_run(p, run.text, role, size, run.bold)
    if not runs:
        _text_run(p, "", role, size)
    return p


def _page_break(doc: Any) -> None:
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)
    # the break's own paragraph would take a line at the top of the next page: hide its mark
    rpr = p._p.get_or_add_pPr()
    mark = OxmlElement("w:rPr")
    mark.append(OxmlElement("w:vanish"))
    rpr.append(mark)


# ---------------------------------------------------------------- page numbers, QR code
def _footers(doc: Any) -> None:
    """Page numbers in the text's section; the cover's section (if any) has none."""
    sections = doc.sections
    for index, section in enumerate(sections):
        numbered = index == len(sections) - 1
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            if numbered:
                _page_number(footer.paragraphs[0], align)
        if numbered and section.different_first_page_header_footer:
            section.first_page_footer.is_linked_to_previous = False
            _page_number(section.first_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)


def _page_number(p: Any, align: Any) -> None:
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
    _field(p, " PAGE ", "1", SONG, 14)
    _text_run(p, " —", SONG, 14)


def _field(p: Any, instruction: str, shown: str, role: Role, size: float) -> None:
    """A field (PAGE) with ``shown`` as its result until Word updates it."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = _text_run(p, shown if kind == "text" else "", role, size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = instruction
            run._r.append(instr)
        elif kind != "text":
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _qr(section: Any, png: bytes) -> None:
    """The QR code at the right of the first page's header, inside the top margin."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(QR_HEADER_MM)
    header = section.first_page_header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    _snap(p, False)
    p.add_run().add_picture(io.BytesIO(png), width=Mm(QR_MM), height=Mm(QR_MM))


# ---------------------------------------------------------------- cover and contents
def _cover(doc: Any, laid: Laid) -> None:
    """The cover on the grid, as in the PDF: 22 lines, the 目录 (a TOC field) under the title."""
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
    room = min(len(laid.toc), COVER_TOC_SLOTS)
    index = 0
    while index < LINES:
        if laid.toc and index == 9:
            _toc_field(doc, laid.toc, job.toc_level)
            index += room
            continue
        text, role, size, align = slots[index]
        p = _para(doc, (Run(text),) if text else (), role, size, align, indent=False)
        if size > BODY_PT:
            _snap(p, False)
        index += 1


def _toc(doc: Any, laid: Laid) -> None:
    _para(doc, (Run("目　录"),), XBS, TITLE_PT, "center", indent=False)
    _para(doc, (), FANG, BODY_PT, "left", indent=False)
    _toc_field(doc, laid.toc, laid.job.toc_level)


def _toc_field(doc: Any, entries: tuple[TocEntry, ...], level: str) -> None:
    """A real contents field: Word rebuilds it (F9) from the headings; until then it shows the
    entries and page numbers of the PDF. The booklet lists its titles, a material its 一、."""
    instruction = ' TOC \\h \\z \\t "Title,1" ' if level == "title" else ' TOC \\o "1-1" \\h \\z '
    for index, entry in enumerate(entries):
        p = _para(doc, (), FANG, BODY_PT, "left", indent=False)
        p._p.remove(p._p.findall(qn("w:r"))[-1])
        p.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if index == 0:
            _field_begin(p, instruction)
        _text_run(p, entry.label, FANG, BODY_PT)
        _text_run(p, f"\t{entry.page}", FANG, BODY_PT)
        if index == len(entries) - 1:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), "end")
            _text_run(p, "", FANG, BODY_PT)._r.append(char)


def _field_begin(p: Any, instruction: str) -> None:
    for kind in ("begin", "instr", "separate"):
        run = _text_run(p, "", FANG, BODY_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = instruction
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            if kind == "begin":
                char.set(qn("w:dirty"), "true")  # Word offers to update the contents on opening
            run._r.append(char)


# ---------------------------------------------------------------- tables and figures
def _table(doc: Any, table: Table, breaker: Breaker) -> None:
    widths = breaker.column_widths(table)  # the PDF's, in pt
    # each row exactly as many grid lines as in the PDF: an "at least" height grows by the rules'
    # width in LibreOffice, and 40 rows drift half a line off the grid
    heights = [line.cells[0].top for line in breaker.table(table)]
    lines_per_row = [len(run) for run in _runs_from(heights)]
    columns = len(widths)
    rows = ([table.header] if table.header else []) + list(table.rows)
    t = doc.add_table(rows=len(rows), cols=columns)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="{round(CELL / 2 * 20)}" w:type="dxa"/>'
                        f'<w:right w:w="{round(CELL / 2 * 20)}" w:type="dxa"/></w:tblCellMar>')
    tbl_pr.append(margins)
    for grid_col, width in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(round(width * 20)))
    for r, values in enumerate(rows):
        header = bool(table.header) and r == 0
        row = t.rows[r]
        tr_pr = row._tr.get_or_add_trPr()
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(LINE_PITCH_TWIPS * lines_per_row[r]))
        height.set(qn("w:hRule"), "exact")
        tr_pr.append(height)
        tr_pr.append(OxmlElement("w:cantSplit"))  # a row is never split across pages
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for c in range(columns):
            cell = row.cells[c]
            cell.width = Pt(widths[c])
            text = values[c] if c < len(values) else ""
            p = cell.paragraphs[0]
            align = "center" if header else ((table.align[c] if c < len(table.align) else "") or "left")
            p.alignment = ALIGN[align]
            p.paragraph_format.keep_with_next = header  # the header row stays with the first row
            _text_run(p, text, HEI if header else FANG, TABLE_PT)


def _runs_from(starts: list[bool]) -> list[list[bool]]:
    """Split a table's lines into its rows: a row begins at each line marked as a row's top."""
    rows: list[list[bool]] = []
    for start in starts:
        if start or not rows:
            rows.append([])
        rows[-1].append(start)
    return rows


def _figure(doc: Any, figure: Figure, breaker: Breaker) -> None:
    """The photo on whole grid lines (exact line spacing of its lines), its caption under it."""
    if not figure.data:
        return
    lines = breaker.figure(figure)
    image = lines[0].image
    assert image is not None
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS * image.slots)
    fmt.keep_with_next = True
    _snap(p, False)
    p.add_run().add_picture(io.BytesIO(figure.data), width=Pt(image.width), height=Pt(image.height))
    if figure.caption:
        _para(doc, (Run(figure.caption),), KAI, BODY_PT, "center", indent=False)


# ---------------------------------------------------------------- reproducible package
def _fixed_properties(doc: Any, laid: Laid) -> None:
    """Core properties from the material, never from the clock (two builds, same bytes)."""
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
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


__all__ = ["CONDENSE_TWIPS", "render_docx"]
