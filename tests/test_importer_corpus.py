"""The importer on reports from sites it was not written for: tests/import_corpus/ (see corpus_score).

The figures printed here are the ones in the README; ``python bench/import_corpus.py --failures``
lists what each document still gets wrong.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from corpus_score import Result, figures, load, score
from sitemaker import build_site, make_site

from civicpress.cli import main
from civicpress.importer import import_files, read_inputs

EXPECTATIONS = load()
# Floors under the figures measured when this test was written (bench/import_corpus.py): a
# change that loses ground fails here. Precision has no slack: a removed sentence is lost to
# the editor.
CLEAN_FLOOR = 0.96  # measured: 181/188 (96.3%), the held-out 173–188 included
RECALL_FLOOR = 0.985  # measured: 377/381 (99.0%)
# One must-keep sentence is still lost in the tuned set, to damage the text cannot undo
# (59_opkks: a closing quotation mark and the next character fused by a byte shift). Lowering
# this is the goal; raising it is a regression.
KEEP_MISSES = 1


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return [score(expectation) for expectation in EXPECTATIONS]


def test_corpus_is_real_and_varied() -> None:
    assert len(EXPECTATIONS) >= 188
    assert len({e.site for e in EXPECTATIONS}) >= 180
    held_out = [e for e in EXPECTATIONS if e.held_out]
    assert not held_out or len(held_out) >= 10  # a held-out set is big enough to say something
    assert all(e.url.startswith("http") for e in EXPECTATIONS)


def test_no_body_line_and_no_must_keep_sentence_is_removed(results: list[Result]) -> None:
    # Over the reports tuned on; the held-out ones are measured, not tuned to pass (their figures
    # are printed below and in the README).
    tuned = [r for r in results if not r.expectation.held_out]
    lost = {r.expectation.name: sorted(r.removed - r.chrome) for r in tuned if r.removed - r.chrome}
    assert lost == {}
    missing = [f for r in tuned for f in r.failures if f.startswith("正文缺少")]
    assert len(missing) <= KEEP_MISSES


def test_corpus_score_meets_its_floors(results: list[Result]) -> None:
    tuned = figures([r for r in results if not r.expectation.held_out])
    total = figures(results)
    print()
    print(figures([r for r in results if not r.expectation.held_out]).line("tuned on"))
    print(figures([r for r in results if r.expectation.held_out]).line("held out"))
    print(total.line("all"))
    assert tuned.precision == 1.0
    assert total.recall >= RECALL_FLOOR
    assert total.clean / total.documents >= CLEAN_FLOOR
    assert tuned.keep_total - tuned.keep_passed <= KEEP_MISSES


def test_every_corpus_document_imports_and_builds(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    sources = tmp_path / "sources"
    sources.mkdir()
    names = []
    for expectation in EXPECTATIONS:
        path = sources / expectation.file_name
        path.write_bytes(expectation.text_path.read_bytes())
        names.append(str(path))
    run = import_files(read_inputs(names), site, "achievements")
    assert len([o for item in run.items for o in item.outputs]) == len(EXPECTATIONS)
    build_site(site)


def test_author_and_source_lines_go_to_the_front_matter(tmp_path: Path) -> None:
    expectation = next(e for e in EXPECTATIONS if e.name == "07_004km")
    path = tmp_path / expectation.file_name
    path.write_bytes(expectation.text_path.read_bytes())
    site = make_site(tmp_path / "site", {})
    output = import_files(read_inputs([str(path)]), site, "achievements").items[0].outputs[0]
    assert "date: 2011-12-07\n" in output.text
    assert "  author: 王 承\n" in output.text and "  origin: 淮海街道健康路社区\n" in output.text
    body = output.text.split("\n---\n", 1)[1]
    assert "作者" not in body and "来源" not in body and "第一篇" not in body


# -- compilations ---------------------------------------------------------------------------------

CONTENTS = """社区工作材料汇编
目录
第1篇 红星社区工作总结
第2篇 光明社区经验交流材料
第3篇 东风社区先进事迹材料
第1篇 红星社区工作总结
一、主要做法
红星社区坚持党建引领，组织志愿者服务队12支，全年服务居民8000余人次。
第2篇 光明社区经验交流材料
光明社区推行“居民议事厅”，一年来协商解决停车、加装电梯等难题23件。
第3篇 东风社区先进事迹材料
东风社区党委书记扎根基层二十年，带领社区先后获得省级文明社区等称号。
"""


def test_a_compilation_with_contents_is_seen_and_split_by_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "汇编.txt"
    path.write_text(CONTENTS, encoding="utf-8")
    site = make_site(tmp_path / "site", {})
    assert main(["import", str(path), "--section", "achievements", "--site", str(site), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "这是一份汇编，共 3 篇文章；加上 --split 可按篇拆分为 3 篇文章" in out
    assert "标题：社区工作材料汇编" in out
    run = import_files(read_inputs([str(path)]), site, "achievements", split_sections=True)
    outputs = run.items[0].outputs  # nothing stands before the first article: no overview
    assert [o.title for o in outputs] == ["红星社区工作总结", "光明社区经验交流材料", "东风社区先进事迹材料"]
    assert "全年服务居民8000余人次" in outputs[0].text and "## 一、主要做法" in outputs[0].text
    assert "协商解决停车" in outputs[1].text and "协商解决停车" not in outputs[0].text
    for output in outputs:
        assert "第1篇" not in output.text and "目录" not in output.text
    build_site(site)


def test_a_web_compilation_is_split_into_its_articles(tmp_path: Path) -> None:
    expectation = next(e for e in EXPECTATIONS if e.compilation)
    path = tmp_path / expectation.file_name
    path.write_bytes(expectation.text_path.read_bytes())
    site = make_site(tmp_path / "site", {})
    run = import_files(read_inputs([str(path)]), site, "achievements", split_sections=True)
    titles = [o.title for o in run.items[0].outputs]
    assert titles[-len(expectation.compilation):] == list(expectation.compilation)


def test_a_date_in_the_text_beats_the_file_date(tmp_path: Path) -> None:
    old = datetime.datetime(2020, 1, 1, 12, 0).timestamp()
    dated, undated = (next(e for e in EXPECTATIONS if e.name == name) for name in ("55_cronii", "44_etechhw"))
    paths = []
    for expectation in (dated, undated):
        path = tmp_path / expectation.file_name
        path.write_bytes(expectation.text_path.read_bytes())
        os.utime(path, (old, old))
        paths.append(str(path))
    site = make_site(tmp_path / "site", {})
    items = import_files(read_inputs(paths), site, "achievements").items
    assert "date: 2022-09-27\n" in items[0].outputs[0].text  # 日期:2022-09-27 in the page's header
    assert "date: 2020-01-01\n" in items[1].outputs[0].text  # nothing in the text: the file's own date
