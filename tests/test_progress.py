"""The build's progress: each phase named with a count that matches what was written.

The real command runs on a real site (``init``'s example, which has a material): once with its
output going to a file (plain lines), once on a pseudo-terminal (a moving line, then the same
finished lines). The counts are checked against the files in the output folder and against
the build's own summary line.
"""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from civicpress.progress import CHECK, PAGES, PHASES, PRINT, PUBLISH, READ, SEARCH, PhaseReport

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "SOURCE_DATE_EPOCH": "1735689600"}
SUMMARY = re.compile(r"完成：(\d+) 篇文章，\S+ 中共 (\d+) 个文件（[\d.]+ MB），重新生成 (\d+) 个，写入 (\d+) 个")


def phase_counts(text: str) -> dict[str, int]:
    """The finished line of every phase: 名称：N …"""
    found: dict[str, int] = {}
    for line in text.splitlines():
        line = line.rsplit("\r", 1)[-1].replace("\x1b[K", "")
        m = re.match(r"^(\S+?)：(?:写入 )?(\d+) ", line)
        if m and m.group(1) in PHASES:
            found[m.group(1)] = int(m.group(2))
    return found


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    subprocess.run([sys.executable, "-m", "civicpress", "init", "新社区"], cwd=root, env=ENV, check=True,
                   capture_output=True, timeout=120)
    return root / "新社区"


def build(site: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([sys.executable, "build.py"], cwd=site, env=ENV, capture_output=True, text=True,
                         encoding="utf-8", timeout=300)
    assert run.returncode == 0, run.stderr
    return run


def files_under(out: Path, keep: str = "", skip: str = "pagefind/") -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file()
            and p.relative_to(out).as_posix().startswith(keep) and not p.relative_to(out).as_posix().startswith(skip)]


def test_every_phase_is_named_with_the_count_of_what_was_written(example: Path) -> None:
    run = build(example)
    summary = SUMMARY.search(run.stdout)
    assert summary is not None, run.stdout
    pages, files, rendered, written = map(int, summary.groups())
    counts = phase_counts(run.stderr)
    assert list(counts) == list(PHASES), run.stderr  # every phase, in the order the build runs them
    out = example / "output"
    assert counts[READ] == pages
    assert counts[PRINT] == len(files_under(out, keep="print/")) == 3  # the example's material: HTML, PDF, Word
    assert counts[PAGES] == len(files_under(out)) - counts[PRINT]
    assert counts[PAGES] + counts[PRINT] == rendered
    indexed = [p for p in out.rglob("*.html") if b"data-pagefind-body" in p.read_bytes()]
    assert counts[SEARCH] == len(indexed) > 0
    assert counts[CHECK] == files == len(files_under(out))
    assert counts[PUBLISH] == written == files  # a first build writes every file
    assert "\r" not in run.stderr  # not a terminal: plain lines only

    article = next((example / "content" / "news").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    again = build(example)
    summary = SUMMARY.search(again.stdout)
    assert summary is not None, again.stdout
    _, files, rendered, written = map(int, summary.groups())
    counts = phase_counts(again.stderr)
    assert counts[PAGES] + counts.get(PRINT, 0) == rendered < files  # only what the edit touched
    assert counts[PUBLISH] == written >= 1
    assert counts[CHECK] == files


def test_on_a_terminal_the_line_moves_and_the_same_phases_remain(example: Path) -> None:
    (example / "content" / "about.md").write_text("---\ntitle: 关于我们\n---\n社区简介。\n", encoding="utf-8")
    main, child = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "build.py", "--no-cache"], cwd=example, env=ENV,
                                stdout=subprocess.PIPE, stderr=child)
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout, _ = proc.communicate(timeout=300)
    finally:
        os.close(main)
    assert proc.returncode == 0
    screen = b"".join(chunks).decode("utf-8")
    assert "\r\x1b[K" in screen  # the line is redrawn in place
    assert list(phase_counts(screen)) == list(PHASES)
    assert screen.endswith("\n")  # no half-drawn line is left behind
    assert "完成：" in stdout.decode("utf-8")


def test_the_report_names_only_finished_phases_when_not_a_terminal() -> None:
    stream = io.StringIO()
    report = PhaseReport(stream, live=False)
    report.phase(READ, 2)
    for path in ("style.css", "index.html", "news/a/index.html", "print/a.html", "print/a.pdf"):
        report.made(path, 3)
    report.phase(SEARCH, 1)
    report.phase(CHECK, 5)
    report.phase(PUBLISH, 4)
    report.done()
    assert stream.getvalue().splitlines() == [
        "读取：2 篇文章", "生成网页：3 个文件", "交流材料：2 个文件（打印网页、PDF、Word）", "搜索索引：1 篇文章",
        "检查：5 个文件（链接、个人信息）", "发布：写入 4 个文件",
    ]


def test_a_build_that_made_no_page_still_names_the_pages_phase() -> None:
    stream = io.StringIO()
    report = PhaseReport(stream, live=False)
    for name, count in ((READ, 1), (SEARCH, 0), (CHECK, 9), (PUBLISH, 0)):
        report.phase(name, count)
    assert stream.getvalue().splitlines()[1] == "生成网页：0 个文件"
    assert "交流材料" not in stream.getvalue()  # no material was made again: nothing to say
