"""Attachments as readers see them (issue 13): a link to a document shows its kind and size, and the
front matter's ``attachments:`` list becomes a numbered 附件 block at the end of the article.

Every attachment is a real file (python-docx, openpyxl, WeasyPrint) in a small site built through
the whole pipeline; the sizes shown are computed from the files' real byte counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitemaker import article, build_site, make_site
from test_attachments import PHONE, docx, pdf, xlsx

from civicpress.attachment_links import kind_of, size_text
from civicpress.cli import main
from civicpress.errors import BuildFailed, Location


def page_of(out: Path, rel: str = "news/a/index.html") -> str:
    return (out / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 字节"), (1023, "1023 字节"), (1024, "1 KB"), (1535, "1 KB"), (1536, "2 KB"), (36 * 1024 + 100, "36 KB"),
     (1024 * 1024 - 1, "1.0 MB"), (1024 * 1024, "1.0 MB"), (int(1.25 * 1024 * 1024), "1.3 MB"),
     (25 * 1024 * 1024 + 1, "25 MB")],
)
def test_sizes_are_in_units_a_reader_knows(size: int, text: str) -> None:
    assert size_text(size) == text


def test_kinds_by_suffix_whatever_the_case_and_query() -> None:
    assert kind_of("files/居民公约.DOCX") == "Word"
    assert kind_of("a.pdf#page=2") == "PDF"
    assert kind_of("%E5%90%8D%E5%8D%95.xlsx") == "Excel"
    assert kind_of("通知.wps") == "WPS 文字"
    assert kind_of("photo.jpg") == ""
    assert kind_of("../news/a.md") == ""


def test_a_link_to_a_document_shows_its_kind_and_real_size(tmp_path: Path) -> None:
    word = docx("居民公约全文。" * 40)
    sheet = xlsx({"名单": [["项目", "数量"], ["绿化", 12]]})
    body = "请下载[居民公约.docx](files/居民公约.docx)和[统计表](files/统计.xlsx)，再看[另一篇](b.md)。"
    site = make_site(tmp_path, {
        "content/news/a.md": article("居民公约修订", body=body),
        "content/news/b.md": article("另一篇"),
        "content/news/files/居民公约.docx": word,
        "content/news/files/统计.xlsx": sheet,
    })
    build_site(site, tmp_path / "out")
    page = page_of(tmp_path / "out")
    assert f'居民公约.docx</a><span class="attachment-info">（Word，{size_text(len(word))}）</span>' in page
    assert f'统计表</a><span class="attachment-info">（Excel，{size_text(len(sheet))}）</span>' in page
    assert page.count('class="attachment"') == 2  # the link to an article is left as it is
    assert (tmp_path / "out/news/files/居民公约.docx").read_bytes() == word


def test_front_matter_attachments_make_a_numbered_block_at_the_end(tmp_path: Path) -> None:
    rules = pdf("居民公约")
    form = docx("报名表")
    site = make_site(tmp_path, {
        "content/news/a.md": article(
            "关于修订居民公约的通知", body="现将有关事项通知如下。",
            attachments=["files/居民公约.pdf", {"file": "files/baoming.docx", "title": "志愿者报名表"}],
        ),
        "content/news/files/居民公约.pdf": rules,
        "content/news/files/baoming.docx": form,
    })
    build_site(site, tmp_path / "out")
    page = page_of(tmp_path / "out")
    block = page[page.index('<section class="attachments"'):]
    items = re.findall(r'<li><span class="attachment-number">(附件\d)</span> <a class="attachment" href="([^"]+)">'
                       r'([^<]+)</a><span class="attachment-info">([^<]+)</span></li>', block)
    assert items == [
        ("附件1", "../files/%E5%B1%85%E6%B0%91%E5%85%AC%E7%BA%A6.pdf", "居民公约.pdf",
         f"（PDF，{size_text(len(rules))}）"),
        ("附件2", "../files/baoming.docx", "志愿者报名表", f"（Word，{size_text(len(form))}）"),
    ]
    assert page.index("现将有关事项通知如下") < page.index('<h2 id="attachments-title">附件</h2>')
    assert (tmp_path / "out/news/files/baoming.docx").read_bytes() == form


def test_a_missing_attachment_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = article("通知", body="正文第一行。\n请看[报名表](files/报名表.docx)。", attachments=["files/没有.pdf"])
    site = make_site(tmp_path, {"content/news/a.md": text})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    found = {(f.code, f.location, f.message) for f in caught.value.findings}
    lines = text.split("\n")
    key_line = next(n for n, line in enumerate(lines, 1) if line.startswith("attachments:"))
    link_line = next(n for n, line in enumerate(lines, 1) if "报名表" in line)
    assert ("missing-attachment", Location("content/news/a.md", key_line), "附件 files/没有.pdf 不存在") in found
    assert ("broken-link", Location("content/news/a.md", link_line), "附件 files/报名表.docx 不存在") in found


def test_a_missing_attachment_stops_the_command_with_a_chinese_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("通知", attachments=["没有.pdf"])})
    code = main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert "content/news/a.md:4" in err and "附件 没有.pdf 不存在" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "message"),
    [("[1, 2]", "写法不对"), ("[photo.jpg]", "不是附件常用的格式"), ("[https://example.cn/a.pdf]", "不是网站里的文件"),
     ("{file: a.pdf, name: x}", "写法不对")],
)
def test_a_bad_attachments_field_names_its_line(tmp_path: Path, value: str, message: str) -> None:
    text = f"---\ntitle: 通知\ndate: 2024-01-02\nattachments: {value}\n---\n正文。\n"
    site = make_site(tmp_path, {"content/news/a.md": text})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    [finding] = [f for f in caught.value.findings if f.code == "bad-field"]
    assert finding.location == Location("content/news/a.md", 4)
    assert message in finding.message and finding.hint


def test_front_matter_attachments_are_scanned_for_personal_data(tmp_path: Path) -> None:
    names = docx("困难家庭名单", table=[["姓名", "电话"], ["张三", PHONE]])
    site = make_site(tmp_path, {
        "content/news/a.md": article("帮扶通知", body="名单见附件。", attachments=["files/名单.docx"]),
        "content/news/files/名单.docx": names,
    })
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    [found] = [f for f in caught.value.findings if "files/名单.docx" in f.location.path]
    assert found.location.path == "content/news/files/名单.docx"
    assert PHONE not in found.message


def test_an_attachment_only_a_draft_lists_is_not_published(tmp_path: Path) -> None:
    names = docx("入户走访记录")
    site = make_site(tmp_path, {
        "content/news/draft.md": article("走访记录", draft=True, attachments=["files/走访.docx"]),
        "content/news/a.md": article("公开的文章", attachments=["files/公约.docx"]),
        "content/news/files/走访.docx": names,
        "content/news/files/公约.docx": docx("公约"),
    })
    build_site(site, tmp_path / "out")
    assert not (tmp_path / "out/news/files/走访.docx").exists()
    assert (tmp_path / "out/news/files/公约.docx").exists()


def test_a_replaced_attachment_shows_its_new_size_in_the_next_build(tmp_path: Path) -> None:
    small = "项目,数量\n绿化,12\n".encode()
    large = "项目,数量\n".encode() + "".join(f"第{n}项,{n % 97}\n" for n in range(3000)).encode()
    site = make_site(tmp_path, {
        "content/news/a.md": article("通知", body="见[统计](files/统计.csv)。", attachments=["files/统计.csv"]),
        "content/news/files/统计.csv": small,
    })
    out = tmp_path / "out"
    build_site(site, out)
    assert page_of(out).count(f"（CSV 表格，{size_text(len(small))}）") == 2
    (site / "content/news/files/统计.csv").write_bytes(large)
    build_site(site, out)  # an incremental build: the article's text did not change, its attachment did
    assert size_text(len(small)) != size_text(len(large))
    assert page_of(out).count(f"（CSV 表格，{size_text(len(large))}）") == 2


def test_an_introduction_cannot_list_attachments(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "content/news/_index.md": "---\ntitle: 社区动态\nattachments: [files/a.pdf]\n---\n介绍。\n",
        "content/news/files/a.pdf": pdf("公约"),
    })
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    [finding] = [f for f in caught.value.findings if f.code == "attachments-in-index"]
    assert finding.location == Location("content/news/_index.md", 3)
    assert "[居民公约](files/居民公约.pdf)" in finding.hint
