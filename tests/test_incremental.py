"""Incremental builds: whatever the previous build left, the output is the output of a fresh build.

Each case builds a site, changes one thing as an editor would, builds again with the cache
(``.civicpress-cache/``) and compares the output folder, file by file, with a build of the
changed site from scratch (``cache=False``, a new folder). The cases also check that the
incremental build did only the work the change calls for.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sitemaker import NOW, article, make_site

from civicpress.config import load_config
from civicpress.errors import Findings, Location
from civicpress.pipeline import BuildOptions, build
from civicpress.rebuild.session import BuildSession
from civicpress.templating import THEME_DIR


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def times(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def body(n: int) -> str:
    return f"第{n}段正文，记录社区的工作。这是第二句话。\n\n![活动照片](../img/a.png)\n"


def png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png("red")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    files: dict[str, str | bytes] = {
        "content/img/a.png": PNG,
        "content/_data/stats.yaml": "volunteers: 120\n",
        "content/news/_index.md": "---\ntitle: 社区动态\n---\n社区的新闻。\n",
        "content/about.md": article("关于我们", None, "志愿者 {{ data.stats.volunteers }} 人。"),
    }
    for n in range(8):
        section = ("news", "events")[n % 2]
        files[f"content/{section}/a{n}.md"] = article(
            f"第{n}篇文章", f"2022-09-{n + 10}", body(n) + ("\n见[另一篇](a0.md)。" if n == 2 else ""),
            tags=["志愿服务", f"标签{n % 3}"], slug=f"a{n}",
        )
    files["content/events/old.md"] = article("那一年唯一的活动", "2020-05-01", "二〇二〇年的活动。", slug="old")
    return make_site(tmp_path, files, config={"sections": SECTIONS})


# The events are archived by year (/events/2022/…): the year lists come and go with the dates.
SECTIONS = [{"key": "news", "title": "社区动态"},
            {"key": "events", "title": "活动纪实", "permalink": "/:section/:year/:slug/", "by_year": True}]


def options(site: Path, out: Path, **changes: object) -> BuildOptions:
    return replace(BuildOptions(site_dir=site, out_dir=out, now=NOW, workers=1), **changes)  # type: ignore[arg-type]


def fresh(site: Path, tmp_path: Path, name: str, **changes: object) -> dict[str, bytes]:
    out = tmp_path / f"fresh-{name}"
    build(options(site, out, cache=False, **changes))
    return tree(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def own_template(site: Path) -> None:
    """The site's own article template: the theme's, with a line added."""
    theme = (THEME_DIR / "templates/article.html").read_text(encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text(theme.replace("</article>", "<p>本站模板</p></article>"),
                                                 encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "body appended": lambda s: edit(s / "content/news/a0.md", "这是第二句话。", "这是第二句话。\n\n补充说明一条。"),
    "first sentence": lambda s: edit(s / "content/news/a0.md", "第0段正文", "第零段正文"),
    "title": lambda s: edit(s / "content/events/a1.md", "第1篇文章", "第一篇文章"),
    "tags": lambda s: edit(s / "content/events/a3.md", "标签0", "新标签"),
    "new article": lambda s: (s / "content/news/z.md").write_text(article("新文章", "2022-10-01", "新的正文。"),
                                                                  encoding="utf-8"),
    "deleted article": lambda s: (s / "content/events/a5.md").unlink(),
    "draft": lambda s: edit(s / "content/events/a7.md", "title:", "draft: true\ntitle:"),
    "data": lambda s: edit(s / "content/_data/stats.yaml", "120", "135"),
    "intro": lambda s: edit(s / "content/news/_index.md", "社区的新闻", "社区的最新消息"),
    "config": lambda s: edit(s / "site_config.yaml", "title: 永丰社区", "title: 永丰社区居委会"),
    "template": lambda s: own_template(s),
    "image": lambda s: (s / "content/img/a.png").write_bytes(png("blue")),
    "linked page renamed": lambda s: edit(s / "content/news/a0.md", "slug: a0", "slug: a-zero"),
    "date to another year": lambda s: edit(s / "content/events/a1.md", "2022-09-11", "2021-03-01"),
    "last of its year moved": lambda s: edit(s / "content/events/old.md", "2020-05-01", "2022-05-01"),
    "last of its year deleted": lambda s: (s / "content/events/old.md").unlink(),
    "new article in a new year": lambda s: (s / "content/events/y.md").write_text(
        article("更早的活动", "2019-06-01", "二〇一九年。"), encoding="utf-8"),
}


@pytest.mark.parametrize("change", list(EDITS))
def test_incremental_build_equals_fresh_build(site: Path, tmp_path: Path, change: str) -> None:
    out = tmp_path / "output"
    first = build(options(site, out))
    assert first.rendered == first.files  # the search bundle is not counted: Pagefind writes it
    EDITS[change](site)
    os.utime(site / "site_config.yaml")  # the edit's time differs from the build's, even on coarse clocks
    second = build(options(site, out))
    assert not second.unchanged
    assert tree(out) == fresh(site, tmp_path, "after")
    assert build(options(site, out)).unchanged  # and then nothing left to do


def test_body_edit_makes_only_that_page_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(options(site, out))
    before = times(out)
    edit(site / "content/news/a0.md", "这是第二句话。", "这是第二句话。\n\n补充说明一条。")
    result = build(options(site, out))
    after = times(out)
    changed = sorted(p for p in after if before.get(p) != after[p] and not p.startswith("pagefind/"))
    assert changed == ["news/a0/index.html"]  # the lists show its summary, which did not change
    assert result.written == 1
    assert result.rendered < result.files / 2  # the other articles and the lists were not made again


def test_summary_edit_makes_the_lists_showing_it_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(options(site, out))
    before = times(out)
    EDITS["first sentence"](site)
    build(options(site, out))
    after = times(out)
    changed = {p for p in after if before.get(p) != after[p] and not p.startswith("pagefind/")}
    assert {"news/a0/index.html", "news/index.html", "atom.xml"} <= changed  # the list and feed show it
    assert "events/2022/a1/index.html" not in changed


def test_year_lists_follow_the_dates_of_their_articles(site: Path, tmp_path: Path) -> None:
    """A year list appears with its first article and goes with its last; the 按年份 counts follow."""
    out = tmp_path / "output"
    build(options(site, out))
    assert sorted(p.name for p in (out / "events").iterdir() if p.name.isdigit()) == ["2020", "2022"]
    EDITS["date to another year"](site)
    EDITS["last of its year moved"](site)
    build(options(site, out))
    assert sorted(p.name for p in (out / "events").iterdir() if p.name.isdigit()) == ["2021", "2022"]
    assert "第1篇文章" in (out / "events/2021/index.html").read_text(encoding="utf-8")
    listed = (out / "events/2022/index.html").read_text(encoding="utf-8")
    assert "第1篇文章" not in listed and "那一年唯一的活动" in listed
    assert "2022 年<span class=\"count\">（4 篇）" in (out / "events/index.html").read_text(encoding="utf-8")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/events/2021/</loc>" in sitemap and "/events/2020/</loc>" not in sitemap


def test_a_summary_edit_makes_the_year_list_showing_it_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(options(site, out))
    before = times(out)
    edit(site / "content/events/a1.md", "第1段正文", "第一段正文")
    build(options(site, out))
    after = times(out)
    changed = {p for p in after if before.get(p) != after[p] and not p.startswith("pagefind/")}
    assert {"events/2022/a1/index.html", "events/index.html", "events/2022/index.html"} <= changed
    assert "events/2020/index.html" not in changed  # it does not show that article


def test_nothing_changed_reads_nothing_and_keeps_every_file(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    first = build(options(site, out))
    before = times(out)
    again = build(options(site, out))
    assert again.unchanged and (again.files, again.bytes, again.pages) == (first.files, first.bytes, first.pages)
    assert times(out) == before


def test_output_changed_by_hand_is_made_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(options(site, out))
    expected = tree(out)
    (out / "news/a0/index.html").unlink()
    (out / "index.html").write_text("被改动", encoding="utf-8")
    result = build(options(site, out))
    assert not result.unchanged
    assert tree(out) == expected


def test_time_passing_publishes_a_scheduled_page(site: Path, tmp_path: Path) -> None:
    (site / "content/news/later.md").write_text(article("预告", (NOW + timedelta(days=2)).strftime("%Y-%m-%d")),
                                                encoding="utf-8")
    out = tmp_path / "output"
    build(options(site, out))
    assert not (out / "news/later/index.html").exists()
    assert build(options(site, out)).unchanged
    later = NOW + timedelta(days=3)
    result = build(options(site, out, now=later))
    assert not result.unchanged
    assert (out / "news/later/index.html").exists()
    assert tree(out) == fresh(site, tmp_path, "later", now=later)


def test_a_failed_incremental_build_leaves_the_output_as_it_was(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(options(site, out))
    expected = tree(out)
    edit(site / "content/news/a0.md", "这是第二句话。", "这是第二句话。见[丢失的文章](nowhere.md)。")
    with pytest.raises(Exception) as failure:
        build(options(site, out))
    assert "nowhere.md" in str(failure.value.args) or "broken-link" in repr(failure.value.args)
    assert tree(out) == expected
    edit(site / "content/news/a0.md", "见[丢失的文章](nowhere.md)。", "")
    build(options(site, out))
    assert tree(out) == fresh(site, tmp_path, "repaired")


def test_warnings_of_kept_pages_are_reported_again(site: Path, tmp_path: Path) -> None:
    edit(site / "content/events/a1.md", "![活动照片]", "![]")  # an image without alt text: a warning
    out = tmp_path / "output"
    expected = [("image-alt", Location("content/events/a1.md", 11))]  # the line of ![]
    first = build(options(site, out))
    assert [(w.code, w.location) for w in first.warnings] == expected
    EDITS["body appended"](site)
    second = build(options(site, out))
    assert second.rendered < second.files / 2  # a1 was kept from the first build, not made again
    assert second.warnings == first.warnings
    third = build(options(site, out))
    assert third.unchanged and third.warnings == first.warnings


def test_damaged_cache_means_a_full_build(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    build(options(site, out))
    for path in (site / ".civicpress-cache").glob("*.json"):
        path.write_text("{不是 JSON", encoding="utf-8")
    result = build(options(site, out))
    assert not result.unchanged and result.rendered == result.files
    assert tree(out) == fresh(site, tmp_path, "damaged")


# ---------------------------------------------------------------- serve: builds of one process


@pytest.mark.parametrize("change", list(EDITS))
def test_session_build_equals_fresh_build(site: Path, tmp_path: Path, change: str) -> None:
    """``serve`` keeps what it read in memory and indexes after the reload; the output is the same."""
    out = tmp_path / "output"
    session = BuildSession()
    session.build(options(site, out))
    EDITS[change](site)
    os.utime(site / "site_config.yaml")
    session.build(options(site, out))
    session.after()
    assert tree(out) == fresh(site, tmp_path, "after")
    assert build(options(site, out)).unchanged  # the state it saved serves the next build.py


def test_session_reads_only_the_changed_file(site: Path, tmp_path: Path) -> None:
    """The session's documents after an edit: the edited file's is new, every other one is the object read before."""
    out = tmp_path / "output"
    session = BuildSession()

    def documents() -> dict[str, object]:  # what the session holds now: nothing changed since its build
        content = session.reads.read_content(site, load_config(site), Findings())
        return {document.rel: document for document in content.documents}

    session.build(options(site, out))
    session.after()
    before = documents()
    EDITS["body appended"](site)
    result = session.build(options(site, out))
    after = documents()
    assert before.keys() == after.keys() and len(before) == 11
    assert [rel for rel in before if before[rel] is not after[rel]] == ["news/a0.md"]
    assert result.written == 1


def test_a_file_deleted_and_put_back_with_its_old_stamp_is_read_again(site: Path, tmp_path: Path) -> None:
    """``serve`` forgets a deleted file: another text put back under its name is read, even with the same
    size and modification time (a backup restored, a file moved away and another moved in)."""
    out = tmp_path / "output"
    session = BuildSession()
    session.build(options(site, out))
    path = site / "content/news/a4.md"  # no other article links it
    text, stamp = path.read_text(encoding="utf-8"), path.stat()
    path.unlink()
    session.build(options(site, out))
    assert not (out / "news/a4").exists()
    other = text.replace("第4段正文", "第5段正文")
    assert len(other.encode()) == len(text.encode())
    path.write_text(other, encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    session.build(options(site, out))
    session.after()
    assert "第5段正文" in (out / "news/a4/index.html").read_text(encoding="utf-8")
    assert tree(out) == fresh(site, tmp_path, "after")


def test_session_updates_the_search_index_after_the_reload(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    session = BuildSession()
    session.build(options(site, out))
    session.after()
    index = {p: b for p, b in tree(out).items() if p.startswith("pagefind/")}
    EDITS["body appended"](site)
    session.build(options(site, out))
    assert {p: b for p, b in tree(out).items() if p.startswith("pagefind/")} == index  # not yet
    assert (out / "news/a0/index.html").read_text(encoding="utf-8").count("补充说明一条") == 1  # the page is
    session.after()
    assert tree(out) == fresh(site, tmp_path, "after")


def test_a_build_before_the_index_work_of_the_last_one_still_ends_equal(site: Path, tmp_path: Path) -> None:
    """Saves in quick succession: the index work of an older build, run late, changes nothing."""
    out = tmp_path / "output"
    session = BuildSession()
    session.build(options(site, out))
    session.after()
    EDITS["body appended"](site)
    session.build(options(site, out))
    late = session._pending  # the first edit's after-work, as the search thread may still hold it
    EDITS["title"](site)
    session.build(options(site, out))
    assert late is not None
    late()  # a newer build exists: it must neither publish an index nor save its state
    session.after()
    assert tree(out) == fresh(site, tmp_path, "after")
    assert build(options(site, out)).unchanged


def test_worker_processes_report_personal_data_as_one_process_does(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rendering_processes: Callable[[], list[int]]
) -> None:
    """A phone number in a template reaches every article: reported once, at the first, however many workers."""
    from civicpress.errors import BuildFailed
    from civicpress.writers import pages

    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGES", 1)
    theme = (THEME_DIR / "templates/article.html").read_text(encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text(theme.replace("</article>", "<p>值班 13912345678</p></article>"),
                                                 encoding="utf-8")
    reports = []
    for workers in (1, 2):
        with pytest.raises(BuildFailed) as failure:
            build(options(site, tmp_path / f"out-{workers}", workers=workers, cache=False))
        reports.append([f.format() for f in failure.value.findings])
        assert len(set(rendering_processes()) - {os.getpid()}) == (0 if workers == 1 else 2)
    assert reports[0] == reports[1]
    assert sum("手机号" in line for line in reports[0]) == 1



def test_rendered_markdown_is_reused_when_only_the_site_changed(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new site title makes every page again, but no article's Markdown is converted again."""
    from civicpress.markup import MarkdownRenderer

    out = tmp_path / "output"
    build(options(site, out))
    converted: list[str] = []
    real = MarkdownRenderer.render

    def counted(self: MarkdownRenderer, text: str, resolve: object = None) -> object:
        converted.append(text)
        return real(self, text, resolve)  # type: ignore[arg-type]

    monkeypatch.setattr(MarkdownRenderer, "render", counted)
    EDITS["config"](site)
    result = build(options(site, out))
    assert result.rendered > 9 and converted == []
    assert tree(out) == fresh(site, tmp_path, "after")
    EDITS["linked page renamed"](site)  # a2 links to a0, whose address changed: a2 is converted again
    build(options(site, out))
    assert any("另一篇" in text for text in converted)
    assert tree(out) == fresh(site, tmp_path, "renamed")


def test_output_is_the_same_with_one_or_two_worker_processes(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rendering_processes: Callable[[], list[int]]
) -> None:
    """Workers render, check and stage pages and lists themselves: the published tree is the same."""
    from civicpress.writers import pages

    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGES", 1)
    trees, renderers = [], []
    for workers in (1, 2):
        out = tmp_path / f"out-{workers}"
        result = build(options(site, out, workers=workers, cache=False))
        trees.append(tree(out))
        renderers.append(rendering_processes())
    assert renderers[0] == [os.getpid()] * result.pages
    assert len(renderers[1]) == result.pages
    assert len(set(renderers[1])) == 2 and os.getpid() not in renderers[1]  # the two workers did render
    assert trees[0] == trees[1]


# ---------------------------------------------------------------- what the build runs with: fonts, libraries

ROOT = Path(__file__).resolve().parent.parent
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")  # what fontconfig sees on a machine without the print fonts
MATERIAL = (
    "---\ntitle: 测试交流材料\ndate: 2022-09-19\n---\n"
    "社区有志愿者{{ data.stats.volunteers }}人。\n\n## 一、坚持党建引领\n\n一是高定位。\n"
)
DONE = re.compile(r"共 (\d+) 个文件.*重新生成 (\d+) 个")


def cli_build(site: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python build.py build`` in its own process, as an editor runs it (``env``: changed variables)."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), "PYTHONIOENCODING": "utf-8", **env}
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site), "--out", str(out)],
                         capture_output=True, text=True, encoding="utf-8", env=environ, timeout=300)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    return run


def font_config(folder: Path, *font_dirs: Path) -> str:
    """A fontconfig file that shows only ``font_dirs`` (its own cache, in ``folder``)."""
    folder.mkdir()
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs if d.is_dir())
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{dirs}'
                    f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    return str(conf)


def installed_print_font() -> Path | None:
    """The folder of an installed stand-in for 仿宋 (FandolFang, as scripts/install-fonts.sh installs it)."""
    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(["fc-list", "-f", "%{file}\n", ":family=FandolFang"], capture_output=True, text=True,
                            check=False).stdout.split()
    return Path(listed[0]).parent if listed else None


def pdf_fonts(data: bytes) -> set[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return {char["fontname"] for page in pdf.pages for char in page.chars}


def test_installing_the_print_fonts_makes_the_pdfs_again(site: Path, tmp_path: Path) -> None:
    """Fonts are an input: after they are installed, the build does not say 没有变化 and keep fallback PDFs."""
    from civicpress.printing.pdf import weasyprint_problem

    fonts = installed_print_font()
    if fonts is None or weasyprint_problem():
        pytest.skip("needs fontconfig, WeasyPrint and FandolFang (sudo bash scripts/install-fonts.sh)")
    (site / "content/materials").mkdir()
    (site / "content/materials/cailiao.md").write_text(MATERIAL, encoding="utf-8")
    without = font_config(tmp_path / "without", DEJAVU)
    with_fonts = font_config(tmp_path / "with", DEJAVU, fonts)
    out = tmp_path / "output"
    cli_build(site, out, FONTCONFIG_FILE=without)
    before = tree(out)
    assert "没有变化" in cli_build(site, out, FONTCONFIG_FILE=without).stdout
    installed = cli_build(site, out, FONTCONFIG_FILE=with_fonts)  # the editor installs the fonts
    assert "没有变化" not in installed.stdout
    after = tree(out)
    assert after["print/cailiao.pdf"] != before["print/cailiao.pdf"]
    assert not any("Fandol" in name for name in pdf_fonts(before["print/cailiao.pdf"]))
    assert any("FandolFang" in name for name in pdf_fonts(after["print/cailiao.pdf"]))
    assert {p for p in after if after[p] != before.get(p)} <= {p for p in after if p.startswith("print/")}
    assert "没有变化" in cli_build(site, out, FONTCONFIG_FILE=with_fonts).stdout
    cli_build(site, tmp_path / "fresh", FONTCONFIG_FILE=with_fonts)
    assert tree(tmp_path / "fresh") == after


def printed(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The materials WeasyPrint printed since the log was last cleared (civicpress.printing logs each PDF)."""
    names = [m.group(1) for r in caplog.records if (m := re.match(r"print/(\S+)\.pdf:", r.getMessage()))]
    caplog.clear()
    return names


def test_a_material_is_printed_again_only_when_what_it_shows_changed(
    site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """A save of an article reuses the PDFs (a second each): only a material whose content, figures or fonts changed."""
    from civicpress.printing.pdf import weasyprint_problem

    if weasyprint_problem():
        pytest.skip("needs WeasyPrint")
    caplog.set_level("INFO", logger="civicpress.printing")
    (site / "content/materials").mkdir()
    (site / "content/materials/cailiao.md").write_text(MATERIAL, encoding="utf-8")
    (site / "content/materials/qita.md").write_text(MATERIAL.replace("{{ data.stats.volunteers }}", "八十"),
                                                    encoding="utf-8")
    out = tmp_path / "output"
    build(options(site, out))
    assert sorted(printed(caplog)) == ["cailiao", "qita"]
    EDITS["body appended"](site)
    assert build(options(site, out)).rendered and printed(caplog) == []  # the articles' save prints nothing
    EDITS["data"](site)  # the figure cailiao shows
    build(options(site, out))
    assert printed(caplog) == ["cailiao"]
    session = BuildSession()  # serve: its first build takes over the state build.py left
    session.build(options(site, out))
    assert printed(caplog) == []
    edit(site / "content/materials/qita.md", "一是高定位", "一是高站位")
    session.build(options(site, out))
    session.after()
    assert printed(caplog) == ["qita"]
    (out / "print/qita.docx").unlink()  # deleted by hand: made again
    build(options(site, out))
    assert "qita" in printed(caplog) and (out / "print/qita.docx").is_file()
    assert tree(out) == fresh(site, tmp_path, "after")


@pytest.mark.parametrize("library", ["Markdown", "segno", "pagefind_bin_extended"])
def test_a_new_version_of_a_library_makes_everything_again(site: Path, tmp_path: Path, library: str) -> None:
    """A library that shapes the output was upgraded (a newer dist-info comes first on the path)."""
    out = tmp_path / "output"
    cli_build(site, out)
    assert "没有变化" in cli_build(site, out).stdout
    upgraded = tmp_path / "upgraded" / f"{library}-99.0.dist-info"
    upgraded.mkdir(parents=True)
    (upgraded / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {library}\nVersion: 99.0\n", encoding="utf-8")
    entry_points = importlib.metadata.distribution(library).read_text("entry_points.txt")
    if entry_points:  # Markdown finds its extensions through them
        (upgraded / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(upgraded.parent), os.environ.get("PYTHONPATH")) if p)
    cached = site / ".civicpress-cache/markdown"
    before = {p.name for p in cached.rglob("*.json")}
    run = cli_build(site, out, PYTHONPATH=path)
    done = DONE.search(run.stdout)
    assert done is not None, run.stdout
    assert done.group(1) == done.group(2)  # every file made again
    articles = len(list((site / "content").rglob("*.md"))) - 1  # not the section's _index.md
    assert len({p.name for p in cached.rglob("*.json")} - before) >= articles  # the Markdown too, not its cache
    assert "没有变化" in cli_build(site, out, PYTHONPATH=path).stdout


def test_session_builds_start_from_a_ready_copy_without_touching_the_live_files(site: Path, tmp_path: Path) -> None:
    """``serve`` links the next build's tree between saves; the build writes its changes as new files."""
    out = tmp_path / "output"
    session = BuildSession()
    session.build(options(site, out))
    session.after()
    assert (tmp_path / ".output.next").is_dir()  # made after the reload, for the next save
    held = tmp_path / "held.html"
    os.link(out / "news/a0/index.html", held)  # the live page, as a web server holding it open sees it
    before = held.read_bytes()
    EDITS["body appended"](site)
    EDITS["deleted article"](site)
    session.build(options(site, out))
    assert not (tmp_path / ".output.next").exists()  # taken by the build
    assert held.read_bytes() == before  # written as a new file, not through the link
    session.after()
    assert tree(out) == fresh(site, tmp_path, "after")
    # The tree the index replaced, brought up to date, is the next build's start.
    assert (tmp_path / ".output.next").is_dir() and session.ready is not None
    EDITS["title"](site)
    EDITS["new article"](site)
    session.build(options(site, out))
    session.after()
    assert tree(out) == fresh(site, tmp_path, "again")
    session.close(out)  # the preview stops: its ready copy goes, in the background
    deadline = time.monotonic() + 20
    while any(p.name.startswith(".output.") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output")) == []
    assert build(options(site, out)).unchanged
