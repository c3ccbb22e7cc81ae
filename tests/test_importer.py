"""The importer end to end: the seed report, our damaged texts, Word files, the CLI, the build."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from sitemaker import build_site, make_site

from civicpress.cli import main
from civicpress.importer import convert, format_run, import_files, read_inputs
from civicpress.importer.article import Article, render
from civicpress.importer.batch import Input
from civicpress.importer.reading import read_source
from civicpress.importer.simplify import convert as t2s
from civicpress.importer.structure import Heading, ListBlock, Paragraph, Table

HERE = Path(__file__).resolve().parent
TEXTS = HERE / "importer_texts"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_522577cf4a7a6c40.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the seed report is not beside the checkout ({SEED})")

PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
BOILERPLATE = (
    "来源于网友上传", "不代表本站观点", "客服老师", "欢迎参考", "时间:", "时间：", "导语", "本文由", "范文网",
)


def _convert(path: Path):  # type: ignore[no-untyped-def]
    source = read_source(path.name, path.read_bytes())
    report, log = convert(source)
    return source, report, log


def _body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def _assert_clean(text: str) -> None:
    body = _body(text)
    assert not PINYIN.search(body), PINYIN.search(body)
    assert t2s(body) == body, "traditional characters left"
    for phrase in BOILERPLATE:
        assert phrase not in body, phrase
    assert "?" not in body


# -- the seed -----------------------------------------------------------------------------------


@needs_seed
def test_seed_becomes_one_clean_article() -> None:
    source, report, log = _convert(SEED)
    assert report.title == "文明社区交流材料"
    assert report.date is not None and report.date.isoformat() == "2022-09-19"
    assert report.date_source == "时间行"
    top = [text for level, text in report.outline() if level == 1]
    assert top == [
        "一、坚持以加强社区党委班子建设为核心，争创一流工作业绩",
        "二、坚持以提高居民素质和居民生活质量为中心，不断丰富社区文化内涵",
        "三、坚持以“民心工程”为重点，着力解决群众关心的热点难点问题",
    ]
    points = [text[:2] for level, text in report.outline() if level == 2]
    assert points == ["一是", "二是", "三是", "一是", "二是", "三是", "四是", "一是", "二是", "三是"]
    assert next(text for level, text in report.outline() if level == 2) == "一是高定位，精心打造一流的党委班子"
    text = render(Article(report.title, report.date, report, source.name), log)
    _assert_clean(text)
    body = _body(text)
    # The byte-shifted run, repaired as far as its bytes allow; its line flagged.
    assert "民困我□”的工作理□，充分发挥党组织的领导核心作用" in body
    assert [flag.line for flag in log.flags] == [4]
    assert "□" in log.flags[0].text and "念" in log.flags[0].reason
    # Redaction marks stay stars; 着 where Simplified writes it.
    assert "被誉为“\\*\\*模式”" in body and "“\\*\\*社区模式”" in body
    assert "着力解决" in body and "坐着轮椅" in body
    assert "《永丰——我的家园》" in body
    assert log.counts["mojibake"] == 1
    assert log.counts["pinyin"] == 197
    assert log.counts["boilerplate"] == 2
    assert log.counts["redaction"] == 3
    assert log.counts["zhe"] == 6
    assert log.counts["traditional"] > 1000
    assert "title: 文明社区交流材料\ndate: 2022-09-19\n" in text
    assert "extra:\n  source: 000_522577cf4a7a6c40.txt\n  imported: true\n" in text


@needs_seed
def test_seed_split_gives_one_article_per_section(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    run = import_files(read_inputs([str(SEED)]), site, "achievements", split_sections=True)
    outputs = run.items[0].outputs
    assert [o.title for o in outputs] == [
        "文明社区交流材料",
        "坚持以加强社区党委班子建设为核心，争创一流工作业绩",
        "坚持以提高居民素质和居民生活质量为中心，不断丰富社区文化内涵",
        "坚持以“民心工程”为重点，着力解决群众关心的热点难点问题",
    ]
    for output in outputs:
        assert "date: 2022-09-19" in output.text
        assert output.destination.path.exists()
    overview = outputs[0].text
    for output in outputs[1:]:
        assert f"]({output.destination.path.name})" in overview
        assert f"]({outputs[0].destination.path.name})的一部分" in output.text
        assert "\n## " not in output.text  # the section heading became the title
    build_site(site)


# -- our own damaged texts ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in TEXTS.glob("*.txt")))
def test_damaged_text_gives_exact_article(name: str) -> None:
    source, report, log = _convert(TEXTS / f"{name}.txt")
    text = render(Article(report.title, report.date, report, source.name), log)
    assert text == (TEXTS / f"{name}.expected.md").read_text(encoding="utf-8")
    _assert_clean(text)


def test_traditional_farm_text() -> None:
    _, report, log = _convert(TEXTS / "xingfuli_traditional.txt")
    assert report.title == "幸福里社区二〇二三年工作总结"
    assert str(report.date) == "2023-12-28"
    assert report.outline() == [
        (1, "一、强化组织建设，夯实治理根基"),
        (2, "（一）健全组织体系"),
        (2, "（二）加强队伍建设"),
        (1, "二、聚焦民生需求，提升服务水平"),
        (1, "三、下一步工作打算"),
        (3, "（1）推进老旧小区改造"),
        (3, "（2）完善议事协商机制"),
    ]
    assert [f.line for f in log.flags] == [4]
    lists = [b for b in report.blocks if isinstance(b, ListBlock)]
    assert [b.ordered for b in lists] == [False, True]
    assert lists[0].items[1] == "二是抓服务，党员认领服务岗位56个；"
    tables = [b for b in report.blocks if isinstance(b, Table)]
    assert tables[0].rows[2] == ("服务时长（小时）", "5600", "7200")
    paragraphs = [b.text for b in report.blocks if isinstance(b, Paragraph)]
    assert "居民脸上洋溢着幸福的笑容" in paragraphs[2]
    assert "居民沉着应对各种困难，有什么意见都可以及时反映到会议上。" in paragraphs
    assert paragraphs[-1] == "感谢全体居民对社区"  # the stub cut off at the end is gone
    assert log.counts["rejoin"] == 1 and log.counts["boilerplate"] == 5


def test_wrapped_gbk_text() -> None:
    source, report, log = _convert(TEXTS / "hongqi_wrapped_gbk.txt")
    assert source.encoding == "gb18030"
    assert (report.title, str(report.date), report.date_source) == ("红旗社区志愿服务情况报告", "2021-06-30", "标题下")
    assert report.outline() == [(1, "（一）队伍建设"), (1, "（二）服务成效"), (2, "1、助老服务"), (2, "2、环境整治")]
    first = report.blocks[0]
    assert isinstance(first, Paragraph) and first.text.endswith("也开通了微信小程序和 Website 服务。")
    assert "坚持工作理念与“有事找志愿者”相结合" in render(Article(report.title, report.date, report, "x"), log)
    assert log.counts["mojibake"] == 1 and log.counts["rejoin"] == 5 and not log.flags
    assert isinstance(report.blocks[-1], Table) and report.blocks[-1].rows[0] == ("服务类别", "次数", "参与人次")


CLEAN = "光明社区工作简报\n时间:2024-03-01\n一、主要工作\n社区开展了“学雷锋”志愿服务活动，参加居民二百余人。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(encoding: str) -> None:
    source = read_source("简报.txt", CLEAN.encode(encoding))
    report, log = convert(source)
    assert report.title == "光明社区工作简报" and str(report.date) == "2024-03-01"
    assert report.outline() == [(1, "一、主要工作")]
    assert log.counts["boilerplate"] == 1  # the 时间 line
    assert log.counts["mojibake"] == log.counts["pinyin"] == log.counts["traditional"] == 0


def test_word_file(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("東風社區(qū)年度總結", level=0)
    document.add_paragraph("2023年12月1日")
    document.add_heading("一、黨建引領", level=1)
    document.add_paragraph("社區(qū)黨委著力推動網格化管理，成效顯著。")
    document.add_heading("（一）組織建設", level=2)
    paragraph = document.add_paragraph("黨員志願者")
    paragraph.add_run().add_break()
    paragraph.add_run("參與服務。")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("項目", "數量"), ("志願者", "120")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "东风.docx"
    document.save(str(path))
    source = read_source(path.name, path.read_bytes())
    report, _log = convert(source)
    assert report.title == "东风社区年度总结"
    assert str(report.date) == "2023-12-01"
    assert report.outline() == [(1, "一、党建引领"), (2, "（一）组织建设")]
    texts = [b.text for b in report.blocks if isinstance(b, Paragraph)]
    assert texts == ["社区党委着力推动网格化管理，成效显著。", "党员志愿者参与服务。"]
    assert next(b for b in report.blocks if isinstance(b, Table)).rows == (("项目", "数量"), ("志愿者", "120"))
    assert isinstance(report.blocks[0], Heading)


def test_markdown_source_keeps_its_markup_but_not_redactions() -> None:
    text = "---\ntitle: 已有文章\ndate: 2022-05-04\n---\n## 一、做法\n\n**社区**党委联系*市民政局和**区。\n"
    source = read_source("a.md", text.encode())
    report, log = convert(source)
    assert report.title == "已有文章" and str(report.date) == "2022-05-04"
    article = render(Article(report.title, report.date, report, "a.md", markdown_source=True), log)
    assert "**社区**党委联系\\*市民政局和\\*\\*区。" in article
    assert log.counts["redaction"] == 2


# -- the built site -----------------------------------------------------------------------------


def test_imported_articles_build_and_show_redaction_stars(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    names = [str(p) for p in sorted(TEXTS.glob("*.txt"))]
    if SEED.exists():
        names.append(str(SEED))
    run = import_files(read_inputs(names), site, "news")
    build_site(site)
    out = tmp_path / "output" / "news"
    xingfuli = run.items[-2 if SEED.exists() else -1].outputs[0].destination.path.stem
    html = (out / xingfuli / "index.html").read_text(encoding="utf-8")
    assert "“**社区”示范点" in html and "来自*市民政局" in html
    assert "<strong>" not in html
    assert "<table>" in html and "<h2" in html


# -- the command line ---------------------------------------------------------------------------


@needs_seed
def test_cli_dry_run_prints_article_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    code = main(["import", str(SEED), "--section", "achievements", "--dry-run", "--site", str(site)])
    out = capsys.readouterr().out
    assert code == 0
    assert "===== 将写入 content/achievements/wen-ming-she-qu-jiao-liu-cai-liao.md =====" in out
    assert "标题：文明社区交流材料" in out and "日期：2022-09-19" in out
    assert re.search(r"删除拼音注音\s+197", out) and re.search(r"乱码修复.*?\s+1\n", out)
    assert "第 4 行" in out and "  一、坚持以加强社区党委班子建设为核心" in out
    assert not (site / "content" / "achievements").exists()


def test_cli_writes_and_a_second_run_skips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    text = str(TEXTS / "hongqi_wrapped_gbk.txt")
    assert main(["import", text, "--section", "news", "--site", str(site)]) == 0
    first = site / "content" / "news" / "hong-qi-she-qu-zhi-yuan-fu-wu-qing-kuang-bao-gao.md"
    before = first.read_bytes()
    assert main(["import", text, "--section", "news", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert first.read_bytes() == before
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name]
    assert "已导入，跳过：content/news/hong-qi-she-qu-zhi-yuan-fu-wu-qing-kuang-bao-gao.md" in out


def test_cli_reads_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CLEAN.encode("gbk"))))
    assert main(["import", "-", "--site", str(site), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "导入：标准输入（GB18030）" in out and "content/news/guang-ming-she-qu-gong-zuo-jian-bao.md" in out


def test_cli_unreadable_input_exits_1_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    binary = tmp_path / "图片.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    broken = tmp_path / "坏的.docx"
    broken.write_bytes(b"not a zip")
    code = main(["import", str(binary), str(broken), str(tmp_path / "没有.txt"), "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert "图片.txt" in err and "坏的.docx" in err and "没有.txt" in err and "找不到这个文件" in err
    assert "Traceback" not in err
    assert not (site / "content" / "news").exists()


def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["import"])
    assert exc.value.code == 2
    site = make_site(tmp_path, {})
    assert main(["import", str(TEXTS / "hongqi_wrapped_gbk.txt"), "--section", "nope", "--site", str(site)]) == 1
    assert "没有名为 nope 的栏目" in capsys.readouterr().err


def test_report_lists_repairs_flags_and_headings(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    inputs = [Input("幸福里.txt", (TEXTS / "xingfuli_traditional.txt").read_bytes())]
    text = format_run(import_files(inputs, site, "news", dry_run=True))
    assert "需要人工核对的行（1 处，行号指原文件）：" in text and "第 4 行：" in text
    assert "    一、强化组织建设，夯实治理根基\n      （一）健全组织体系" in text
    assert text.endswith("将导入 1 篇文章到栏目 news，1 处需要人工核对。（试运行，没有写入任何文件）")
