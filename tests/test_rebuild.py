"""rebuild/: the memos around the pure stages, and the "nothing changed" shortcut of the command line.

The memos are tested on real files: what they hand back for an unchanged file is the very
object read before (nothing read again), what they hand back for a changed one equals what the
pure stage reads, and the problems of a file kept are reported again, as a fresh read would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sitemaker import NOW, article, make_site

from civicpress.config import load_config
from civicpress.content import Content, read_content
from civicpress.errors import Findings
from civicpress.model import Site, assemble_site
from civicpress.rebuild.memos import PageMemo, ReadMemo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, {
        "content/news/a.md": article("甲", "2022-09-10", "第一篇。志愿者 {{ data.stats.volunteers }} 人。"),
        "content/news/b.md": article("乙", "2022-09-11", "第二篇。"),
        "content/news/c.md": article("丙", "2022-09-12", "第三篇，记事本保存。").encode("gbk"),  # warned
        "content/_data/stats.yaml": "volunteers: 120\n",
    })


def touch_later(path: Path) -> None:
    """A new modification time, as an editor's save gives, even on a file system with a coarse clock."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    touch_later(path)


def documents(content: Content) -> dict[str, object]:
    return {document.rel: document for document in content.documents}


def read_twice(site: Path, change: str) -> tuple[Content, Content, Findings]:
    """A memo's reading before and after ``change``; the findings of the second reading."""
    memo = ReadMemo()
    first = memo.read_content(site, load_config(site), Findings())
    if change == "article":
        append(site / "content/news/b.md", "补充一句。\n")
    elif change == "data":
        (site / "content/_data/stats.yaml").write_text("volunteers: 135\n", encoding="utf-8")
        touch_later(site / "content/_data/stats.yaml")
    elif change == "settings":
        config = site / "site_config.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace("永丰社区", "永丰社区居委会", 1), encoding="utf-8")
    findings = Findings()
    return first, memo.read_content(site, load_config(site), findings), findings


def test_an_edited_article_is_read_again_and_the_others_are_kept(site: Path) -> None:
    before, after, findings = read_twice(site, "article")
    old, new = documents(before), documents(after)
    assert [rel for rel in old if old[rel] is not new[rel]] == ["news/b.md"]
    assert "补充一句。" in after.documents[1].body
    assert after.data is before.data
    fresh = Findings()
    assert after == read_content(site, load_config(site), fresh)  # what the pure stage reads
    assert findings.items == fresh.items  # the GBK file's warning, although it was not read again
    assert [f.code for f in findings.items] == ["encoding-not-utf8"]


def test_a_changed_data_file_is_read_again_and_the_articles_are_kept(site: Path) -> None:
    before, after, _ = read_twice(site, "data")
    assert after.data is not before.data and after.data["stats"]["volunteers"] == 135
    assert all(a is b for a, b in zip(before.documents, after.documents, strict=True))


def test_new_settings_read_every_file_again(site: Path) -> None:
    """The settings decide what a file may hold (its section, the timezone of its dates)."""
    before, after, _ = read_twice(site, "settings")
    assert all(a is not b for a, b in zip(before.documents, after.documents, strict=True))
    assert after.documents == before.documents  # read again, and nothing in them changed


def assemble(site_dir: Path, reads: ReadMemo, pages: PageMemo) -> tuple[Site, Findings]:
    findings = Findings()
    config = load_config(site_dir)
    content = reads.read_content(site_dir, config, findings)
    return assemble_site(config, content, findings, now=NOW, make=pages.make_page), findings


def test_pages_of_unchanged_documents_are_kept_and_new_data_makes_every_page_again(site: Path) -> None:
    reads, pages = ReadMemo(), PageMemo()
    first, _ = assemble(site, reads, pages)
    append(site / "content/news/b.md", "补充一句。\n")
    second, findings = assemble(site, reads, pages)
    assert [p.rel for p, q in zip(first.pages, second.pages, strict=True) if p is not q] == ["news/b.md"]
    assert [f.code for f in findings.items] == ["encoding-not-utf8"]
    (site / "content/_data/stats.yaml").write_text("volunteers: 135\n", encoding="utf-8")
    touch_later(site / "content/_data/stats.yaml")
    third, _ = assemble(site, reads, pages)
    assert all(p is not q for p, q in zip(second.pages, third.pages, strict=True))
    assert "志愿者 135 人" in third.by_rel["news/a.md"].body
    fresh = Findings()
    config = load_config(site)
    assert third.pages == assemble_site(config, read_content(site, config, fresh), fresh, now=NOW).pages


def test_a_build_with_nothing_changed_loads_only_the_shortcut(tmp_path: Path) -> None:
    """The command line's shortcut imports options and rebuild.state (and what they need), nothing heavy.

    ``python -X importtime`` lists every module the real process imported.
    """
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(SOURCE_DATE_EPOCH=str(int(NOW.timestamp())), PYTHONIOENCODING="utf-8")
    command = [sys.executable, "-X", "importtime", str(ROOT / "build.py"), "build", "--site", str(site)]
    first = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert first.returncode == 0, first.stderr
    assert "civicpress.pipeline" in first.stderr  # the list is real: a first build loads everything
    again = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert again.returncode == 0 and "没有变化" in again.stdout, again.stdout + again.stderr
    loaded = set(re.findall(r"\|\s+([\w.]+)$", again.stderr, re.MULTILINE))
    assert {name for name in loaded if name.split(".")[0] == "civicpress"} == {
        "civicpress", "civicpress.cli", "civicpress.errors", "civicpress.options", "civicpress.sitefolder",
        "civicpress.environment", "civicpress.rebuild", "civicpress.rebuild.state", "civicpress.rebuild.unchanged",
    }
    assert not loaded & {"jinja2", "markdown", "yaml", "PIL"}
