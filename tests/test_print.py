"""Exchange materials: heading numbers, the grid line breaker, pages, materials, PDF and Word.

The PDF tests render small materials with WeasyPrint and measure them with pdfplumber the way
``../shared/tools/gbt9704_check.py`` does: margins, 28 characters on every full line, 22 lines
on every page but the last, the page number "— N —" 7 mm under the block on the outer side.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from printcheck import check_every_page, checker
from sitemaker import NOW, article, build_site, codes, load, make_site

from civicpress.config import load_config
from civicpress.content import read_content
from civicpress.editions import Edition
from civicpress.errors import Findings
from civicpress.model import assemble_site
from civicpress.options import INTERNAL, PUBLIC
from civicpress.pipeline import BuildOptions, build
from civicpress.printing import missing_glyphs, write_print
from civicpress.printing.blocks import (
    Heading,
    MarkdownReader,
    Paragraph,
    Run,
    Table,
    chinese_number,
    hand_number,
    number_headings,
    parse_chinese_number,
)
from civicpress.printing.document import lay_out, render_html
from civicpress.printing.fonts import FANG, FontBook, FontFile
from civicpress.printing.layout import (
    BLOCK_W,
    CELL,
    LINES,
    NO_END,
    NO_START,
    Breaker,
    Line,
    block_lines,
    paginate,
)
from civicpress.printing.material import PrintJob, load_jobs
from civicpress.printing.pdf import weasyprint_problem

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT.parent / "shared" / "tools" / "gbt9704_check.py"
MM = 25.4 / 72

needs_pdf = pytest.mark.skipif(bool(weasyprint_problem()), reason="WeasyPrint cannot run here")
needs_fonts = pytest.mark.skipif(FontBook().face(FANG) is None, reason="print fonts not installed")


def no_fonts(family: str, bold: bool) -> FontFile | None:
    """A font lookup that finds nothing: widths are 1 em for Chinese, ½ em for the rest."""
    return None


# ---------------------------------------------------------------- heading numbers
def test_chinese_numbers_round_trip() -> None:
    for n, text in [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (101, "一百零一")]:
        assert chinese_number(n) == text
        assert parse_chinese_number(text) == n


@pytest.mark.parametrize(
    ("text", "expected"),
    [("一、坚持", (1, 1)), ("（三）整合资源", (2, 3)), ("(二)资源", (2, 2)), ("2.创新", (3, 2)),
     ("（4）提高", (4, 4)), ("2022年工作", None), ("一是高定位", None)],
)
def test_hand_typed_numbers_are_recognised(text: str, expected: tuple[int, int] | None) -> None:
    assert hand_number(text) == expected


def heading_texts(markdown: str) -> list[str]:
    blocks = number_headings(MarkdownReader().blocks(markdown))
    return [b.text for b in blocks if isinstance(b, Heading)]


def test_headings_are_numbered_by_level() -> None:
    text = "## 做法\n\n### 班子\n\n### 队伍\n\n#### 细则\n\n##### 一条\n\n## 成效\n\n### 环境\n"
    expected = ["一、做法", "（一）班子", "（二）队伍", "1.细则", "（1）一条", "二、成效", "（一）环境"]
    assert heading_texts(text) == expected


def test_typed_numbers_are_not_doubled_and_counters_follow_them() -> None:
    text = "## 一、坚持党建\n\n## 二、丰富文化\n\n## 服务群众\n\n### （一）环境\n\n### 就业\n"
    assert heading_texts(text) == ["一、坚持党建", "二、丰富文化", "三、服务群众", "（一）环境", "（二）就业"]


def test_inline_points_stay_in_their_paragraph() -> None:
    blocks = MarkdownReader().blocks("一是高定位，打造班子。\n二是高起点。\n\n**三是**高要求。")
    assert [type(b) for b in blocks] == [Paragraph, Paragraph]
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "一是高定位，打造班子。二是高起点。"
    assert isinstance(blocks[1], Paragraph) and blocks[1].runs[0] == Run("三是", True)


# ---------------------------------------------------------------- line breaking
def breaker() -> Breaker:
    return Breaker(FontBook(no_fonts))


def text_lines(text: str) -> list[Line]:
    return breaker().lines((Run(text),), FANG)


def cells(line: Line) -> float:
    """Width in grid cells, as printed (letter-spacing after each character; a hanging mark is outside)."""
    inside = line.text[:-1] if line.hang else line.text
    return (line.indent + sum(1.0 * 16 + line.spacing for _ in inside)) / CELL


def test_full_lines_hold_28_cells_and_the_first_is_indented() -> None:
    lines = text_lines("社" * 100)
    assert [len(line.text) for line in lines] == [26, 28, 28, 18]
    assert lines[0].indent == pytest.approx(2 * CELL, abs=1e-3)
    for line in lines[:-1]:
        assert cells(line) == pytest.approx(28, abs=1e-3)
    assert lines[-1].spacing == pytest.approx(CELL - 16, abs=1e-3)  # the last line is not spread


@pytest.mark.parametrize("position", range(24, 30))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(position: int) -> None:
    for mark in "，。”）》、":
        text = "文" * position + mark + "明" * 60
        lines = text_lines(text)
        assert "".join(line.text for line in lines) == text
        for line in lines[1:]:
            assert line.text[0] not in NO_START, (mark, position)
        for line in lines[:-1]:
            assert line.text[-1] not in NO_END
            assert cells(line) == pytest.approx(28, abs=1e-3)  # a push spreads the line to the full width
    text = "文" * 25 + "“引号”" + "明" * 40
    assert all(line.text[-1] != "“" for line in text_lines(text)[:-1])


def test_dashes_ellipses_and_numbers_are_not_split() -> None:
    for position in range(22, 28):
        text = "文" * position + "——" + "明" * 10 + "……" + "字" * 10 + "2022" + "年" * 30
        lines = text_lines(text)
        for a, b in itertools.pairwise(lines):
            assert not (a.text.endswith("—") and b.text.startswith("—"))
            assert not (a.text.endswith("…") and b.text.startswith("…"))
            assert not (a.text[-1].isdigit() and b.text[0].isdigit())


def test_pages_have_22_lines_and_no_blank_at_their_edges() -> None:
    flow: list[Any] = []
    for index in range(10):
        flow += text_lines("文" * 150)
        flow += [Line("blank", css="blank")] * (2 if index % 2 else 1)
    pages = paginate(flow)
    for page in pages[:-1]:
        assert len(page.lines) == LINES
        assert page.lines[0].kind == "text" and page.lines[-1].kind == "text"
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))


def test_a_table_repeats_its_header_on_the_next_page() -> None:
    b = breaker()
    flow: list[Any] = text_lines("文" * 500)  # 18 lines
    flow += b.table(Table(("荣誉", "年份"), tuple((f"荣誉{i}", "2022") for i in range(10))))
    pages = paginate(flow)
    assert len(pages) == 2
    second = pages[1].lines
    assert second[0].header and second[0].cells[0].runs[0].text == "荣誉"
    assert all(line.kind == "table" for line in second)
    assert sum(1 for p in pages for line in p.lines if line.kind == "table" and not line.header) == 10


# ---------------------------------------------------------------- materials
MATERIAL = """---
title: 测试交流材料
date: 2022-09-19
organization: 测试社区党委
{extra}---
社区有离退休党员{{{{ data.stats.retired }}}}人。

## 一、坚持党建引领

一是高定位。{body}

## 丰富文化生活

二是丰富活动。{body}
"""


def material(extra: str = "", body: str = "") -> str:
    return MATERIAL.format(extra=extra, body=body)


def make(tmp_path: Path, files: dict[str, str], config: dict[str, Any] | None = None) -> Path:
    base = {"content/_data/stats.yaml": "retired: 151\n", "content/_data/honors.yaml":
            "- {title: 省文明社区, level: 省级, year: 2022, issuer: 省文明委}\n"}
    return make_site(tmp_path, {**base, **files}, config)


def jobs_of(site_dir: Path) -> tuple[tuple[PrintJob, ...], Findings]:
    site, findings = load(site_dir)
    from civicpress.config import load_config
    from civicpress.content import read_content

    content = read_content(site_dir, load_config(site_dir), Findings())
    return load_jobs(content.materials, site, Edition.of(site.config), findings), findings


def test_a_material_uses_the_sites_data_expressions(tmp_path: Path) -> None:
    site = make(tmp_path, {"content/materials/jiaoliu.md": material()})
    jobs, findings = jobs_of(site)
    assert not findings.errors
    (job,) = jobs
    texts = [b.text for b in job.blocks if isinstance(b, (Paragraph, Heading))]
    assert "社区有离退休党员151人。" in texts
    assert "二、丰富文化生活" in texts  # numbered after the typed 一、
    assert texts[-1] == "2022年9月19日"


def test_material_problems_name_file_and_line(tmp_path: Path) -> None:
    site = make(tmp_path, {"content/materials/a.md": material("colour: red\n"),
                           "content/materials/b.md": material().replace("data.stats.retired", "data.stats.nope")})
    _, findings = jobs_of(site)
    by_code = {f.code: f for f in findings.errors}
    assert by_code["front-matter-unknown-key"].location is not None
    assert str(by_code["front-matter-unknown-key"].location) == "content/materials/a.md:5"
    assert str(by_code["undefined-data"].location) == "content/materials/b.md:6"


def test_materials_are_not_an_unknown_section(tmp_path: Path) -> None:
    site = make(tmp_path, {"content/materials/a.md": material()})
    _, findings = load(site)
    assert "unknown-section" not in codes(findings)


def test_parts_and_the_booklet(tmp_path: Path) -> None:
    booklet = {"booklet": {"title": "参观材料", "materials": ["a", "zz"], "parts": [
        "honours", {"stats": "主要数据", "rows": ["离退休党员：{{ data.stats.retired }}人"]}]}}
    site = make(tmp_path, {"content/materials/a.md": material("parts: [body, honours]\n")}, {"print": booklet})
    jobs, findings = jobs_of(site)
    assert codes(findings) == ["unknown-material"]
    site = make(tmp_path, {"content/materials/a.md": material("parts: [body, honours]\n")},
                {"print": {"booklet": {**booklet["booklet"], "materials": ["a"]}}})
    jobs, findings = jobs_of(site)
    assert not findings.items
    material_job, booklet_job = jobs
    tables = [b for b in material_job.blocks if isinstance(b, Table)]
    assert tables[0].rows == (("省文明社区", "省级", "2022", "省文明委"),)
    assert any(isinstance(b, Heading) and b.text == "三、所获荣誉" for b in material_job.blocks)
    stats = [b for b in booklet_job.blocks if isinstance(b, Table)][-1]
    assert stats.rows == (("离退休党员", "151人"),)
    assert booklet_job.cover and booklet_job.toc


SEEN = "{{ site.title }}·{{ site.organization }}·{{ private('黄某某') }}·{{ internal }}·{{ data.stats.retired }}"


@pytest.mark.parametrize(("edition", "expected"), [
    (PUBLIC, "永丰社区·永丰社区党委·黄某·False·151"), (INTERNAL, "永丰社区·永丰社区党委·黄某某·True·151")
])
def test_articles_materials_and_the_booklet_see_the_same_expression_context(
    tmp_path: Path, edition: str, expected: str
) -> None:
    rows = {"stats": "主要数据", "rows": [f"所见：{SEEN}"]}
    booklet = {"booklet": {"title": "参观材料", "materials": ["a"], "parts": [rows]}}
    site_dir = make(tmp_path, {
        "content/materials/a.md": f"---\ntitle: 材料\ndate: 2022-09-19\n---\n{SEEN}\n\n{{{{ page.title }}}}\n",
        "content/news/a.md": article("文章", body=f"{SEEN}\n\n{{{{ page.title }}}}"),
    }, {"print": booklet})
    findings = Findings()
    config = load_config(site_dir)
    content = read_content(site_dir, config, findings)
    chosen = Edition.of(config, edition)
    site = assemble_site(config, content, findings, now=NOW, edition=chosen)
    material_job, booklet_job = load_jobs(content.materials, site, chosen, findings)
    assert not findings.items, [f.format() for f in findings.items]
    assert site.pages[0].body.split() == [expected, "文章"]
    paragraphs = [b.text for b in material_job.blocks if isinstance(b, Paragraph)]
    assert paragraphs[:2] == [expected, "材料"]
    assert [b for b in booklet_job.blocks if isinstance(b, Table)][-1].rows == (("所见", expected),)


@needs_fonts
def test_a_character_missing_from_the_print_font_is_an_error_with_its_line(tmp_path: Path) -> None:
    site = make(tmp_path, {"content/materials/a.md": material(body="\n\n志愿者王堃、李喆参加了活动。")})
    jobs, _findings = jobs_of(site)
    problems = missing_glyphs(jobs[0], FontBook())
    assert {p.code for p in problems} == {"missing-glyph"}
    assert {str(p.location) for p in problems} == {"content/materials/a.md:12"}
    assert all(p.is_error for p in problems)
    assert {p.message.split("“")[1][0] for p in problems} == {"堃", "喆"}


@needs_fonts
def test_the_build_fails_on_a_missing_glyph_unless_told_to_warn(tmp_path: Path) -> None:
    from civicpress.errors import BuildFailed

    site = make(tmp_path, {"content/materials/a.md": material(body="王堃。")})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert "missing-glyph" in codes(failed.value)
    site = make(tmp_path, {"content/materials/a.md": material(body="王堃。")}, {"print": {"missing_glyphs": "warning"}})
    result = build_site(site)
    assert "missing-glyph" in [w.code for w in result.warnings]


# ---------------------------------------------------------------- PDF, measured
def pdf_lines(pdf_bytes: bytes) -> Iterator[tuple[int, float, list[dict[str, Any]]]]:
    """(page number, page height, lines as lists of chars) — chars grouped by baseline."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c["text"].strip()]
            chars.sort(key=lambda c: (round(c["top"], 0), c["x0"]))
            lines: list[list[dict[str, Any]]] = []
            for char in chars:
                if lines and abs(lines[-1][0]["top"] - char["top"]) < 2:
                    lines[-1].append(char)
                else:
                    lines.append([char])
            yield number, float(page.height), [sorted(line, key=lambda c: c["x0"]) for line in lines]


def render(job: PrintJob) -> bytes:
    fonts = FontBook()
    site_files = [f for f in write_print([job], _site_stub(), Findings(), fonts) if f.path.endswith(".pdf")]
    return site_files[0].data


def _site_stub() -> Any:
    class Printing:
        missing_glyphs = "error"

    class Config:
        printing = Printing()

    class Stub:
        config = Config()

    return Stub()


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    tmp = tmp_path_factory.mktemp("pdf")
    body = "社区党委坚持“民思我想、民求我应”的工作理念，先后组建了6支志愿者服务队。" * 12
    site = make(tmp, {"content/materials/a.md": material(body=body)})
    jobs, _ = jobs_of(site)
    return render(jobs[0])


def centre_mm(line: list[dict[str, Any]], page_height: float) -> float:
    """Centre of the ideographic em box (baseline − 0.38 em), mm from the page top."""
    char = line[0]
    return (page_height - char["matrix"][5]) * MM - 0.38 * char["size"] * MM


@needs_pdf
@needs_fonts
def test_pdf_page_grid_margins_and_lines(small_pdf: bytes) -> None:
    pitch = 225 / 22
    pages = list(pdf_lines(small_pdf))
    assert len(pages) >= 2
    for number, height, lines in pages:
        footer, text = lines[-1], lines[:-1]
        # 天头 37 mm: every line sits in the middle of its slot of a grid starting at 37 mm
        slots = [(centre_mm(ln, height) - 37) / pitch - 0.5 for ln in text]
        for slot in slots:
            assert slot == pytest.approx(round(slot), abs=0.5 / pitch)
        assert round(slots[0]) == 0
        if number < len(pages):  # 22 lines on every page but the last (fewer when a heading moved on)
            assert 19 <= round(slots[-1]) <= 21, number
        # 订口 28 mm, block 156 mm: full lines start at 28 (after the indent) and end at 184
        # a closing mark hanging in the right margin is not part of the line (layout: _hangs)
        body = [ln[:-1] if ln[-1]["text"] in NO_START and ln[-1]["x0"] * MM >= 183.5 else ln
                for ln in text if round(ln[0]["size"]) == 16]
        full = [ln for ln in body if ln[-1]["x1"] * MM > 183]
        assert full, number
        for ln in full:
            indent = round((ln[0]["x0"] * MM - 28) / (156 / 28))
            assert ln[0]["x0"] * MM == pytest.approx(28 + indent * 156 / 28, abs=0.3)
            assert ln[-1]["x1"] * MM == pytest.approx(184, abs=0.5), "".join(c["text"] for c in ln)
            if all(not c["text"].isascii() for c in ln):
                assert len(ln) + indent in (28, 27)  # 27 only after a 避头尾 push
        # page number "— N —", 4号, 7 mm under the block, odd pages right, even left, one character in
        assert "".join(c["text"] for c in footer).replace(" ", "") == f"—{number}—"
        assert footer[0]["size"] == pytest.approx(14, abs=0.1)
        dash_top = (height - footer[0]["matrix"][5]) * MM - 0.33 * 14 * MM
        assert dash_top - 262 == pytest.approx(7, abs=1)
        if number % 2:
            assert 184 - footer[-1]["x1"] * MM == pytest.approx(4.94, abs=1)
        else:
            assert footer[0]["x0"] * MM - 28 == pytest.approx(4.94, abs=1)
    counts = [len(ln) + round((ln[0]["x0"] * MM - 28) / (156 / 28))
              for _, _, lines in pages for ln in lines if ln[-1]["x1"] * MM > 183 and round(ln[0]["size"]) == 16
              and all(not c["text"].isascii() for c in ln)]
    assert counts.count(28) >= 5


@needs_pdf
@needs_fonts
def test_no_line_of_the_pdf_breaks_the_punctuation_rules(small_pdf: bytes) -> None:
    for _, _, lines in pdf_lines(small_pdf):
        for ln in lines:
            assert ln[0]["text"] not in NO_START
            assert ln[-1]["text"] not in NO_END


@needs_pdf
@needs_fonts
def test_pdf_is_reproducible(tmp_path: Path, small_pdf: bytes) -> None:
    body = "社区党委坚持“民思我想、民求我应”的工作理念，先后组建了6支志愿者服务队。" * 12
    site = make(tmp_path, {"content/materials/a.md": material(body=body)})
    jobs, _ = jobs_of(site)
    assert render(jobs[0]) == small_pdf


@needs_pdf
@needs_fonts
def test_pdfs_of_one_run_are_the_same_as_alone(tmp_path: Path, small_pdf: bytes) -> None:
    """The documents of one run share WeasyPrint's font configuration: no PDF may depend on another."""
    body = "社区党委坚持“民思我想、民求我应”的工作理念，先后组建了6支志愿者服务队。" * 12
    site = make(tmp_path, {"content/materials/a.md": material(body=body),
                           "content/materials/0.md": material("cover: true\ntoc: true\n", body="王" * 300)})
    jobs, _ = jobs_of(site)
    assert [j.name for j in jobs] == ["0", "a"]  # a comes second, after another document
    pdfs = {f.path: f.data for f in write_print(jobs, _site_stub(), Findings(), FontBook()) if f.path.endswith(".pdf")}
    assert pdfs["print/a.pdf"] == small_pdf


@needs_pdf
def test_rendering_leaves_the_garbage_collector_as_it_was() -> None:
    import gc

    from civicpress.printing.pdf import PdfRenderer

    renderer = PdfRenderer()
    html = "<p>文</p>"
    assert gc.isenabled()
    renderer.render(html, "标题", "", None)
    assert gc.isenabled()
    gc.disable()
    try:
        renderer.render(html, "标题", "", None)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(TypeError):
        renderer.render(None, "标题", "", None)  # type: ignore[arg-type]
    assert gc.isenabled()


@needs_pdf
@needs_fonts
@pytest.mark.skipif(not CHECKER.exists(), reason="../shared/tools/gbt9704_check.py not found")
def test_sample_material_passes_the_gbt9704_checker(tmp_path: Path, sample_site: Path) -> None:
    out = tmp_path / "out"
    build(BuildOptions(site_dir=sample_site, out_dir=out, print_only=True))
    assert not (out / "index.html").exists()  # print only
    for name in ("wenming-shequ", "canguan-cailiao"):
        pdf = out / "print" / f"{name}.pdf"
        assert (out / "print" / f"{name}.html").exists() and (out / "print" / f"{name}.docx").exists()
        # Headings kept with their text leave some pages short (PRINT.md, trap 4); the booklet's
        # cover and 目录 carry no number (printcheck.check_every_page)
        assert check_every_page(pdf, tmp_path) == []
    # 标点挤压 and hanging closing marks: full lines hold 28 characters, not 27 spread (was 99 of 120)
    summary = checker(out / "print" / "wenming-shequ.pdf", "--allow-short-pages").stdout.splitlines()[-1]
    full, total = map(int, re.search(r"(\d+)/(\d+) full lines = 28 chars", summary).groups())  # type: ignore[union-attr]
    assert full >= 0.95 * total, summary


# ---------------------------------------------------------------- HTML, Word, pipeline
def test_print_html_puts_each_line_in_its_slot(tmp_path: Path) -> None:
    site = make(tmp_path, {"content/materials/a.md": material(body="文" * 200)})
    jobs, _ = jobs_of(site)
    fonts = FontBook(no_fonts)
    laid = lay_out(jobs[0], fonts)
    html = render_html(laid, fonts)
    assert "size: A4" in html and "margin: 37mm 26mm 35mm 28mm" in html
    assert '"仿宋_GB2312"' in html and html.index('"仿宋_GB2312"') < html.index('"FandolFang"')
    assert html.count('<section class="page"') == len(laid.pages)
    assert "line-height: 10.2272mm" in html
    # Measured styles are classes, one per distinct style, defined after print.css (see LineStyles).
    assert "style=" not in html.split("</style>")[1]
    used = {c for c in re.findall(r'class="ln [\w-]+ (s\d+)"', html)}
    assert len(used) < len(re.findall(r'class="ln [\w-]+ s\d+"', html))  # lines share classes
    css = html.split("<style>")[1].split("</style>")[0]
    assert all(css.count(f".{c} {{ letter-spacing:") == 1 for c in used)
    assert css.index(".ln {") < css.index(".s1 {")


def test_docx_has_the_page_set_up_fonts_and_grid(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    from civicpress.printing.docx import render_docx

    site = make(tmp_path, {"content/materials/a.md": material("cover: true\ntoc: true\n", body="文" * 200)})
    jobs, _ = jobs_of(site)
    data = render_docx(lay_out(jobs[0], FontBook(no_fonts)))
    assert render_docx(lay_out(jobs[0], FontBook(no_fonts))) == data  # reproducible
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert 36 <= section.top_margin.mm <= 37 and round(section.left_margin.mm) == 28
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579" and grid.get(qn("w:type")) == "lines"
    fonts = {r._r.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for r in p.runs if r._r.rPr is not None}
    assert {"仿宋_GB2312", "黑体", "方正小标宋简体"} <= fonts
    footer = doc.sections[-1].footer.paragraphs[0]._p.xml  # the text's section (the cover has none)
    assert "PAGE" in footer and "—" in footer
    assert doc.settings.odd_and_even_pages_header_footer
    assert any("目　录" in p.text for p in doc.paragraphs)


def test_without_weasyprint_the_html_is_still_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import civicpress.printing as printing

    monkeypatch.setattr(printing, "weasyprint_problem", lambda: "没有安装 WeasyPrint")
    site = make(tmp_path, {"content/materials/a.md": material()})
    result = build_site(site)
    out = site.parent / "output" / "print"
    assert (out / "a.html").exists() and not (out / "a.pdf").exists()
    assert "pdf-unavailable" in [w.code for w in result.warnings]


def test_print_only_replaces_only_the_print_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import civicpress.printing as printing

    monkeypatch.setattr(printing, "weasyprint_problem", lambda: "没有安装 WeasyPrint")
    site = make(tmp_path, {"content/materials/a.md": material(), "content/news/x.md": "---\ntitle: 新闻\n"
                           "date: 2022-01-01\n---\n正文\n"})
    out = tmp_path / "out"
    build(BuildOptions(site_dir=site, out_dir=out))
    (out / "print" / "stale.html").write_text("x", encoding="utf-8")
    before = (out / "index.html").read_bytes()
    build(BuildOptions(site_dir=site, out_dir=out, print_only=True))
    assert (out / "index.html").read_bytes() == before
    assert (out / "print" / "a.html").exists() and not (out / "print" / "stale.html").exists()


def test_cli_print_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import civicpress.printing as printing
    from civicpress.cli import main

    monkeypatch.setattr(printing, "weasyprint_problem", lambda: "没有安装 WeasyPrint")
    site = make(tmp_path, {"content/materials/a.md": material()})
    assert main(["print", "--site", str(site), "--out", str(tmp_path / "o"), "-q"]) == 0
    assert (tmp_path / "o" / "print" / "a.html").exists()


def test_full_line_width_matches_the_block() -> None:
    assert pytest.approx(CELL) == BLOCK_W / 28
    assert pytest.approx(156) == BLOCK_W * MM


def test_block_lines_of_a_title_are_centred() -> None:
    from civicpress.printing.blocks import Title

    flow = block_lines([Title("文明社区交流材料", byline="中共永丰社区委员会")], breaker())
    assert [line.css for line in flow if isinstance(line, Line)] == ["title", "byline", "blank"]
    assert all(line.align == "center" for line in flow[:2] if isinstance(line, Line))


@needs_pdf
def test_the_qr_code_is_printed_in_the_top_margin_with_its_quiet_zone(tmp_path: Path) -> None:
    site = make(tmp_path, {"content/materials/a.md": material(extra="qr: true\n")})
    jobs, findings = jobs_of(site)
    assert not findings.errors and jobs[0].qr.endswith("print/a.html")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(render(jobs[0]))) as pdf:
        page = pdf.pages[0]
        ink = [e for e in page.lines + page.rects if e.get("stroking_color") in ((0,), (0, 0, 0), [0], [0, 0, 0])]
        white = [r for r in page.rects if r.get("non_stroking_color") in ((1,), (1, 1, 1), [1], [1, 1, 1])]
    assert len(ink) > 100  # the modules of a version-3 code, drawn row by row
    left, right = min(e["x0"] for e in ink) * MM, max(e["x1"] for e in ink) * MM
    top, bottom = min(e["top"] for e in ink) * MM, max(e["bottom"] for e in ink) * MM
    assert 15 < right - left < 26 and abs((right - left) - (bottom - top)) < 1  # square, inside its 26 mm box
    assert right <= 210 - 26 + 0.5  # within the text block's right edge
    (zone,) = [r for r in white if abs(r["width"] * MM - 26) < 0.5]  # the light quiet zone around the ink
    module = (right - left) / 29  # version 3: 29 modules
    z_left, z_right, z_top, z_bottom = zone["x0"] * MM, zone["x1"] * MM, zone["top"] * MM, zone["bottom"] * MM
    for gap in (left - z_left, z_right - right):
        assert gap == pytest.approx(4 * module, abs=0.1)  # a quiet zone of 4 modules on every side …
    for gap in (top - z_top, z_bottom - bottom):  # … (rows are strokes: measured at their centre line)
        assert gap == pytest.approx(4.5 * module, abs=0.1)
    assert z_top >= 10 and z_bottom < 37  # code and quiet zone inside what printers print, above the block



def test_a_fenced_code_block_is_printed_line_by_line() -> None:
    """A command or a configuration in a material (the handbook's) is printed as written, one line each."""
    text = '运行：\n\n```\npython build.py new events "标题"\nlocation / { a < b & c; }\n```\n\n'
    blocks = MarkdownReader().blocks(text + "完。\n\n    indented one\n    indented two\n")
    assert [(b.text, b.style) for b in blocks if isinstance(b, Paragraph)] == [
        ("运行：", "body"),
        ('python build.py new events "标题"', "code"),
        ("location / { a < b & c; }", "code"),
        ("完。", "body"),
        ("indented one", "code"),
        ("indented two", "code"),
    ]


def test_inline_code_is_printed_as_typed() -> None:
    """`sudo nginx -t && reload` in a sentence: the ampersands and brackets, not their HTML escapes."""
    [paragraph] = MarkdownReader().blocks("运行 `sudo nginx -t && echo <好>` 检查，A & B。\n")
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == "运行 sudo nginx -t && echo <好> 检查，A & B。"
