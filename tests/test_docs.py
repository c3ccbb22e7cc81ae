"""docs/: the handbook is a civicpress site, built with ``python build.py --site docs``.

Its chapters (editors: writing, photos, data, printing, privacy; the IT volunteer: install,
init, deploy, upgrade) are pages of the built site, the theme reference is one of them, and
the 操作手册 PDF made from them by the print pipeline passes the GB/T 9704 checker.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from printcheck import check_every_page, printed_numbers
from sitemaker import MACHINE_FONT_WARNING

from civicpress.errors import Findings
from civicpress.options import BuildOptions
from civicpress.pipeline import load
from civicpress.printing.blocks import Heading, Paragraph
from civicpress.printing.fonts import FANG, FontBook
from civicpress.printing.pdf import weasyprint_problem

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHECKER = ROOT.parent / "shared" / "tools" / "gbt9704_check.py"
HANDBOOK = "print/cao-zuo-shou-ce.pdf"

CHAPTERS = {
    "editors/writing.md": "写文章",
    "editors/photos.md": "照片和图片",
    "editors/data.md": "数据",
    "editors/printing.md": "交流材料和打印",
    "editors/privacy.md": "个人信息和审核",
    "admin/install.md": "安装",
    "admin/init.md": "建立新网站",
    "admin/deploy.md": "发布网站",
    "admin/upgrade.md": "升级",
}


@pytest.fixture(scope="module")
def built_docs(copy_site: Callable[[Path], Path]) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A copy of docs/ built by the command the README gives (never the checkout itself)."""
    site = copy_site(DOCS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--site", str(site)], cwd=site.parent, env=env,
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    return site, run


def page_text(path: Path) -> str:
    tree = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    main = tree.find(".//main")
    return " ".join("".join((main if main is not None else tree).itertext()).split())


def test_the_docs_build_as_a_site_without_problems(built_docs: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    run = built_docs[1]
    assert run.returncode == 0, run.stderr
    about_the_site = MACHINE_FONT_WARNING.sub("", run.stderr)
    assert "警告" not in about_the_site and "错误" not in about_the_site, run.stderr
    assert f"完成：{len(CHAPTERS) + 1} 篇文章" in run.stdout  # the chapters and the theme reference


@pytest.mark.parametrize("source", sorted(CHAPTERS))
def test_every_chapter_is_a_page_with_its_title(
    built_docs: tuple[Path, subprocess.CompletedProcess[str]], source: str
) -> None:
    site, _ = built_docs
    page = site / "output" / source.removesuffix(".md") / "index.html"
    assert page.is_file(), f"{source} 没有生成网页"
    assert CHAPTERS[source] in page_text(page)


def test_the_hosting_chapter_covers_every_way_to_host(
    built_docs: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    text = page_text(built_docs[0] / "output" / "admin" / "deploy" / "index.html")
    for needed in ("python build.py deploy", "Nginx", "error_page 404 /404.html", "gzip on", "Cache-Control",
                   "阿里云 OSS", "腾讯云 COS", "Gitee Pages", "GitHub Pages", "放在子目录", "ICP 备案", "公安联网备案"):
        assert needed in text, f"“发布网站”一章缺少 {needed}"


def test_the_theme_reference_is_a_page_linked_from_the_navigation(
    built_docs: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out = built_docs[0] / "output"
    text = page_text(out / "theme" / "index.html")
    assert "{{ 变量 }}" in text  # the template syntax shown as written, not evaluated
    assert "base.html" in text
    home = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="(\./)?theme/(index\.html)?"', home), "首页的导航栏没有链接“主题模板参考”"


def test_data_expressions_are_shown_as_written(built_docs: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    text = page_text(built_docs[0] / "output" / "editors" / "data" / "index.html")
    assert "{{ data.stats.party_members.total }}" in text
    assert "{% raw %}…{% endraw %}" in text


@pytest.mark.skipif(bool(weasyprint_problem()), reason="WeasyPrint cannot run here")
@pytest.mark.skipif(FontBook().face(FANG) is None, reason="print fonts not installed")
@pytest.mark.skipif(not CHECKER.exists(), reason="../shared/tools/gbt9704_check.py not found")
def test_the_handbook_pdf_passes_the_gbt9704_checker(
    built_docs: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    pdf = built_docs[0] / "output" / HANDBOOK
    assert pdf.is_file(), built_docs[1].stderr
    # the cover is unnumbered and the text starts at "— 1 —": checked apart, as every material with a cover
    assert check_every_page(pdf, tmp_path) == []
    assert len(printed_numbers(pdf.read_bytes())) > 10  # every chapter is in it, not only the cover


def test_the_handbook_holds_every_chapter_and_its_commands(tmp_path: Path) -> None:
    """The 操作手册 material names every chapter, and a fenced command block is printed, not dropped."""
    loaded = load(BuildOptions(site_dir=DOCS, out_dir=tmp_path / "output"), Findings())  # reads only
    handbook = next(job for job in loaded.materials if job.name == "cao-zuo-shou-ce")
    lines = [block.text.strip() for block in handbook.blocks if isinstance(block, Heading | Paragraph)]
    headings = [re.sub("^[一二三四五六七八九十]+、", "", block.text)
                for block in handbook.blocks if isinstance(block, Heading) and block.level == 1]
    assert headings == list(CHAPTERS.values())  # each chapter is a 一、 heading of its own, in order
    assert "python build.py new events \"重阳节敬老活动\"" in lines  # a fenced code block of the writing chapter
    assert "error_page 404 /404.html;" in lines  # and of the hosting chapter
