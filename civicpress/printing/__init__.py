"""Printable exchange materials (交流材料) laid out after GB/T 9704-2012.

    content/materials/*.md ─► material.load_jobs ─► PrintJob (blocks; data expressions evaluated)
                              layout: lines on the 28 × 22 grid, 避头尾, pages
                              document: print HTML ─► pdf: WeasyPrint ─► output/print/<name>.pdf
                              docx: the same material for Word/WPS ─► output/print/<name>.docx

Like every writer, :func:`write_print` yields ``OutputFile`` values and writes nothing itself.
A character the print font lacks (生僻字) is reported with its file and line before anything
is rendered. Where WeasyPrint cannot run, the HTML is still written and a warning says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from civicpress.content import MaterialSource
from civicpress.editions import Edition
from civicpress.errors import Finding, Findings, Location, Severity
from civicpress.graphics import qr_code, qr_png
from civicpress.model import OutputFile, Site
from civicpress.printing.blocks import Heading, Paragraph, Table, Title
from civicpress.printing.document import Laid, lay_out, render_html
from civicpress.printing.fonts import FANG, HEI, KAI, XBS, FontBook, Role
from civicpress.printing.layout import HEADING_ROLES, PARAGRAPH_ROLES
from civicpress.printing.material import PrintJob, load_jobs
from civicpress.printing.pdf import PdfRenderer, weasyprint_problem

log = logging.getLogger(__name__)

PRINT_DIR = "print"
KINDS = ("html", "pdf", "docx")


def print_paths(name: str) -> tuple[str, ...]:
    """The output paths one material may have: its print page, PDF and Word file."""
    return tuple(f"{PRINT_DIR}/{name}.{kind}" for kind in KINDS)


def write_print(
    jobs: Sequence[PrintJob],
    site: Site,
    findings: Findings,
    fonts: FontBook | None = None,
) -> Iterator[OutputFile]:
    """``print/<name>.html``, ``.pdf`` and ``.docx`` of every job."""
    if not jobs:
        return
    fonts = fonts or FontBook()
    severity = Severity.WARNING if site.config.printing.missing_glyphs == "warning" else Severity.ERROR
    blocked: set[str] = set()
    problem = weasyprint_problem()
    if fonts.face(FANG) is None and not problem:
        findings.warn("print-fonts-missing", "没有找到仿宋字体（仿宋_GB2312 或 FandolFang），PDF 将用其他字体排版",
                      None, "运行 python build.py fonts 安装免费替代字体（装在自己的字体文件夹里，不需要管理员权限）。")
    for job in jobs:
        problems = missing_glyphs(job, fonts, severity)
        findings.extend(problems)
        if any(p.is_error for p in problems):
            blocked.add(job.name)
    if problem:
        findings.warn("pdf-unavailable", f"{problem}，只生成了交流材料的打印网页（print/*.html），没有生成 PDF",
                      None, "在网页浏览器中打开 output/print/ 里的网页，选择“打印”即可；"
                      "要生成 PDF，请安装 WeasyPrint（pip install weasyprint）及其所需的系统库。")
    renderer = None
    for job in jobs:
        if job.name in blocked:
            continue
        laid = lay_out(job, fonts)
        html = render_html(laid, fonts, qr_code(job.qr, "扫码阅读网页版") if job.qr else "")
        yield OutputFile(f"{PRINT_DIR}/{job.name}.html", html.encode("utf-8"), reads=())
        if not problem:
            started = time.perf_counter()
            renderer = renderer or PdfRenderer()
            pdf = renderer.render(html, job.title, job.organization, job.date)
            seconds = time.perf_counter() - started
            log.info("print/%s.pdf: %d pages in %.2f s", job.name, len(laid.pages), seconds)
            yield OutputFile(f"{PRINT_DIR}/{job.name}.pdf", pdf, reads=())
        docx = _docx(laid, fonts, findings)
        if docx is not None:
            yield OutputFile(f"{PRINT_DIR}/{job.name}.docx", docx, reads=())


def _docx(laid: Laid, fonts: FontBook, findings: Findings) -> bytes | None:
    try:
        from civicpress.printing.docx import render_docx
    except ImportError:
        findings.warn("docx-unavailable", "没有安装 python-docx，没有生成 Word 文件（print/*.docx）", None,
                      "pip install python-docx")
        return None
    return render_docx(laid, fonts, qr_png(laid.job.qr) if laid.job.qr else b"")


def _texts(job: PrintJob) -> Iterator[tuple[Role, str]]:
    for block in job.blocks:
        if isinstance(block, Title):
            yield XBS, block.text
            yield KAI, block.subtitle + block.byline
        elif isinstance(block, Heading):
            yield HEADING_ROLES[block.level], block.text
        elif isinstance(block, Paragraph):
            yield PARAGRAPH_ROLES.get(block.style, FANG), block.text
        elif isinstance(block, Table):
            yield FANG, "".join(block.header) + "".join("".join(r) for r in block.rows)
    if job.marking:
        yield HEI, job.marking
    if job.cover:
        yield XBS, job.title
        yield KAI, job.organization + job.subtitle


def missing_glyphs(job: PrintJob, fonts: FontBook, severity: Severity = Severity.ERROR) -> list[Finding]:
    """Every character the font that prints it lacks, with the file and line where it is written."""
    found: dict[tuple[str, Location], Finding] = {}
    for role, text in _texts(job):
        face = fonts.face(role)
        if face is None:
            continue
        for char in fonts.missing(role, text):
            where = _locate(job, char)
            if (char, where) in found:
                continue
            found[(char, where)] = Finding(
                "missing-glyph",
                f"打印字体 {face.file.family}（代替{role.label}）中没有“{char}”字（U+{ord(char):04X}），"
                "PDF 中这个字会换成别的字体或印成空白",
                where,
                "这多半是人名、地名中的生僻字。请安装含有这个字的正式字体（如 方正仿宋_GBK），"
                "或在 site_config.yaml 中写 print: {missing_glyphs: warning}，接受用 Noto Serif CJK SC 印这个字。",
                severity,
            )
    return list(found.values())


def _locate(job: PrintJob, char: str) -> Location:
    for source in job.sources:
        index = source.text.find(char)
        if index >= 0:
            return source.location.at(source.first_line + source.text.count("\n", 0, index))
    return job.location


def load_print_jobs(
    materials: Sequence[MaterialSource], site: Site, edition: Edition, findings: Findings,
    site_dir: Path | None = None,
) -> tuple[PrintJob, ...]:
    """The materials and booklet of this edition, read and checked (before anything is written);
    photos are read from ``site_dir``."""
    return load_jobs(materials, site, edition, findings, site_dir)


__all__ = ["PRINT_DIR", "PrintJob", "load_print_jobs", "missing_glyphs", "print_paths", "write_print"]
