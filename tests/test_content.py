"""content: reading content/, front matter fields, dates, data files."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import pytest
from sitemaker import article, make_site

from civicpress.config import load_config
from civicpress.content import Content, Document, parse_date, read_content, utc_offset
from civicpress.errors import Findings, Location, SiteError

CST = timezone(timedelta(hours=8))


def read(tmp_path: Path, files: dict[str, str | bytes], config: dict | None = None) -> tuple[Content, Findings]:
    site = make_site(tmp_path, files, config)
    findings = Findings()
    return read_content(site, load_config(site), findings), findings


def only_doc(tmp_path: Path, text: str | bytes, rel: str = "news/a.md") -> Document:
    content, findings = read(tmp_path, {f"content/{rel}": text})
    assert findings.errors == []
    (document,) = content.documents
    return document


def errors_of(tmp_path: Path, text: str | bytes, rel: str = "news/a.md") -> list[tuple[str, Location | None]]:
    content, findings = read(tmp_path, {f"content/{rel}": text})
    assert content.documents == ()  # a file with errors is not handed on
    return [(f.code, f.location) for f in findings.errors]


# ---------------------------------------------------------------- front matter


def test_front_matter_fields_are_typed(tmp_path: Path) -> None:
    text = """\
---
title: 永丰社区召开党员大会
date: 2022-09-19 14:30
summary: 会议总结了上半年工作。
tags: [党建引领, 志愿服务, 2022]
cover: images/cover.jpg
draft: false
publish_date: 2022-09-20
expiry_date: 2030-01-01
slug: dang-yuan-da-hui
weight: 2
extra:
  主持人: 王芳
  参会人数: 120
  电话: [010, 0571]
---
正文第一段。
"""
    document = only_doc(tmp_path, text)
    front = document.front
    assert front.title == "永丰社区召开党员大会"
    assert front.date == datetime(2022, 9, 19, 14, 30, tzinfo=CST)
    assert front.summary == "会议总结了上半年工作。"
    assert front.tags == ("党建引领", "志愿服务", "2022")
    assert front.cover == "images/cover.jpg"
    assert front.draft is False
    assert front.publish_date == datetime(2022, 9, 20, tzinfo=CST)
    assert front.expiry_date == datetime(2030, 1, 1, tzinfo=CST)
    assert front.slug == "dang-yuan-da-hui"
    assert front.weight == 2
    assert isinstance(front.extra, MappingProxyType)
    assert front.extra["主持人"] == "王芳"
    assert front.extra["参会人数"] == 120
    assert front.extra["电话"] == ("010", "0571")
    assert document.source == "content/news/a.md"
    assert document.rel == "news/a.md"
    assert document.section == "news"
    assert document.is_index is False
    assert document.body == "正文第一段。\n"
    assert document.body_line == 17
    assert document.field_lines["title"] == 2
    assert document.field_lines["extra"] == 12
    assert document.location(1) == Location("content/news/a.md", 17)
    assert document.location(3) == Location("content/news/a.md", 19)
    assert document.field_location("weight") == Location("content/news/a.md", 11)
    assert document.encoding == "utf-8"


def test_numbers_typed_as_text_fields_become_text(tmp_path: Path) -> None:
    front = only_doc(tmp_path, "---\ntitle: 2022\ndate: 2022-09-19\nsummary: 1.10\n---\n").front
    assert front.title == "2022"
    assert front.summary == "1.10"


def test_section_fields(tmp_path: Path) -> None:
    event = only_doc(tmp_path / "a", article("秧歌", location="社区礼堂"), "events/a.md")
    assert event.front.location == "社区礼堂"
    honor = only_doc(tmp_path / "b", article("文明社区", level="省级", awarded_by="省文明委"), "honors/a.md")
    assert honor.front.level == "省级"
    assert honor.front.awarded_by == "省文明委"


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        ("news/a.md", "---\ntitle: t\ndate: 2022-09-19\nlocation: 礼堂\n---\n", 4),
        ("events/a.md", "---\ntitle: t\ndate: 2022-09-19\nlevel: 省级\n---\n", 4),
        ("news/a.md", "---\ntitle: t\ndate: 2022-09-19\ntitel: x\n---\n", 4),
    ],
)
def test_unknown_or_other_sections_field_is_an_error(tmp_path: Path, rel: str, text: str, line: int) -> None:
    content, findings = read(tmp_path, {f"content/{rel}": text})
    (finding,) = findings.errors
    assert finding.code == "front-matter-unknown-key"
    assert finding.location == Location(f"content/{rel}", line)
    assert content.documents == ()


def test_unknown_key_hint_suggests_close_match(tmp_path: Path) -> None:
    _, findings = read(tmp_path, {"content/news/a.md": "---\ntitle: t\ndate: 2022-09-19\nsumary: x\n---\n"})
    assert "summary" in findings.errors[0].hint


def test_bad_honor_level(tmp_path: Path) -> None:
    assert errors_of(tmp_path, article("t", level="省部级"), "honors/a.md") == [
        ("bad-field", Location("content/honors/a.md", 4))
    ]


def test_missing_title_and_date(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "---\ndate: 2022-09-19\n---\n正文\n") == [
        ("missing-title", Location("content/news/a.md", 2))
    ]
    assert [code for code, _ in errors_of(tmp_path / "b", "---\ntitle: 标题\n---\n正文\n")] == ["missing-date"]
    assert [code for code, _ in errors_of(tmp_path / "c", "---\nsummary: x\n---\n")] == [
        "missing-title",
        "missing-date",
    ]
    assert errors_of(tmp_path / "d", '---\ntitle: "  "\ndate: 2022-09-19\n---\n') == [
        ("missing-title", Location("content/news/a.md", 2))
    ]


def test_date_optional_outside_sections_and_title_optional_in_index(tmp_path: Path) -> None:
    content, findings = read(
        tmp_path,
        {
            "content/about.md": "---\ntitle: 关于我们\n---\n正文\n",
            "content/_index.md": "---\n---\n首页简介\n",
            "content/news/_index.md": "---\ntitle: 动态\n---\n栏目简介\n",
        },
    )
    assert findings.items == []
    by_rel = {d.rel: d for d in content.documents}
    assert by_rel["about.md"].section == ""
    assert by_rel["about.md"].front.date is None
    assert by_rel["_index.md"].is_index
    assert by_rel["_index.md"].front.title == ""
    assert by_rel["news/_index.md"].is_index
    assert by_rel["news/_index.md"].section == "news"


@pytest.mark.parametrize(
    ("date", "line"),
    [
        ("2022年13月19日", 3),
        ("2022年2月30日", 3),
        ("2022/9/19/1", 3),
        ("2022-9/19", 3),  # one date, one kind of separator
        ("2022.09.19 25:00", 3),
        ("2022年9月19日 14时61分", 3),
        ("2024-13-01", 3),
        ("2022-02-30", 3),
        ("2022-09-19 25:00", 3),
        ("19/09/2022", 3),
        ("'2022-09'", 3),
        ("[2022-09-19]", 3),
    ],
)
def test_bad_dates_name_the_line_of_the_date(tmp_path: Path, date: str, line: int) -> None:
    text = f"---\ntitle: 标题\ndate: {date}\n---\n正文\n"
    assert errors_of(tmp_path, text) == [("bad-date", Location("content/news/a.md", line))]


def test_bad_date_line_further_down(tmp_path: Path) -> None:
    text = "---\ntitle: 标题\n\nsummary: 摘要\ndate: 2022-9-19\npublish_date: 2022年10月32日\n---\n"
    assert errors_of(tmp_path, text) == [("bad-date", Location("content/news/a.md", 6))]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2022-09-19", datetime(2022, 9, 19, tzinfo=CST)),
        ("2022-9-1", datetime(2022, 9, 1, tzinfo=CST)),
        ("2022-09-19 14:30", datetime(2022, 9, 19, 14, 30, tzinfo=CST)),
        ("2022-09-19 8:05:09", datetime(2022, 9, 19, 8, 5, 9, tzinfo=CST)),
        ("2022-09-19T14:30:00+08:00", datetime(2022, 9, 19, 14, 30, tzinfo=CST)),
        ("2022-09-19T14:30:00+0800", datetime(2022, 9, 19, 14, 30, tzinfo=CST)),
        ("2022-09-19T06:30:00Z", datetime(2022, 9, 19, 6, 30, tzinfo=timezone.utc)),
        ("2022-09-19T06:30:00-05:00", datetime(2022, 9, 19, 6, 30, tzinfo=timezone(timedelta(hours=-5)))),
        # As editors type them (WPS, WeChat, a form printed on paper):
        ("2024年7月1日", datetime(2024, 7, 1, tzinfo=CST)),
        ("2024 年 7 月 1 日", datetime(2024, 7, 1, tzinfo=CST)),
        ("2024年07月01号", datetime(2024, 7, 1, tzinfo=CST)),
        ("2024年7月1日 14:30", datetime(2024, 7, 1, 14, 30, tzinfo=CST)),
        ("2024年7月1日14:30", datetime(2024, 7, 1, 14, 30, tzinfo=CST)),
        ("2024年7月1日 14时30分", datetime(2024, 7, 1, 14, 30, tzinfo=CST)),
        ("2024年7月1日下午2点", datetime(2024, 7, 1, 14, 0, tzinfo=CST)),
        ("2024年7月1日上午9点30分", datetime(2024, 7, 1, 9, 30, tzinfo=CST)),
        ("2024/7/1", datetime(2024, 7, 1, tzinfo=CST)),
        ("2024/07/01 8:05", datetime(2024, 7, 1, 8, 5, tzinfo=CST)),
        ("2024.7.1", datetime(2024, 7, 1, tzinfo=CST)),
        ("2024.7.1 14:30:15", datetime(2024, 7, 1, 14, 30, 15, tzinfo=CST)),
        ("２０２４年７月１日", datetime(2024, 7, 1, tzinfo=CST)),  # full-width digits of a Chinese input method
        ("2024／7／1　14：30", datetime(2024, 7, 1, 14, 30, tzinfo=CST)),
    ],
)
def test_accepted_dates(tmp_path: Path, typed: str, expected: datetime) -> None:
    document = only_doc(tmp_path, f"---\ntitle: 标题\ndate: {typed}\n---\n")
    assert document.front.date == expected
    # Whatever offset the editor wrote, the date is shown and filed in the site's timezone.
    assert document.front.date.utcoffset() == CST.utcoffset(None)


def test_date_without_offset_is_in_the_site_timezone(tmp_path: Path) -> None:
    content, _ = read(tmp_path, {"content/news/a.md": article("t", "2022-09-19 14:30")}, {"timezone": "-03:00"})
    assert content.documents[0].front.date == datetime(2022, 9, 19, 14, 30, tzinfo=timezone(timedelta(hours=-3)))


@pytest.mark.parametrize("typed", ["2022-09-19T10:00+24:00", "2022-09-19 10:00 +99:99", "2022-09-19T10:00-25:00"])
def test_impossible_utc_offset_is_a_bad_date_not_a_crash(typed: str) -> None:
    assert parse_date(typed, CST) is None


def test_impossible_utc_offset_in_a_file_is_reported(tmp_path: Path) -> None:
    text = "---\ntitle: 标题\ndate: 2022-09-19T10:00+24:00\n---\n"
    assert errors_of(tmp_path, text) == [("bad-date", Location("content/news/a.md", 3))]


def test_parse_date_rejects_non_text() -> None:
    assert parse_date(20220919, CST) is None
    assert parse_date(None, CST) is None


def test_utc_offset() -> None:
    assert utc_offset("+08:00") == CST
    assert utc_offset("-03:30") == timezone(-timedelta(hours=3, minutes=30))


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("[党建引领, 志愿服务]", ("党建引领", "志愿服务")),
        ("\n  - 党建引领\n  - 志愿服务", ("党建引领", "志愿服务")),
        ("党建引领, 志愿服务", ("党建引领", "志愿服务")),
        ("党建引领，志愿服务、文明实践", ("党建引领", "志愿服务", "文明实践")),  # Chinese comma and 顿号
        ("单个标签", ("单个标签",)),
        ("[a, b, a, ' b ']", ("a", "b")),  # duplicates dropped, order kept
        ("[2022, 党建]", ("2022", "党建")),
        ("[]", ()),
    ],
)
def test_tags_as_list_or_comma_string(tmp_path: Path, tags: str, expected: tuple[str, ...]) -> None:
    document = only_doc(tmp_path, f"---\ntitle: 标题\ndate: 2022-09-19\ntags: {tags}\n---\n")
    assert document.front.tags == expected


def test_tags_must_be_text(tmp_path: Path) -> None:
    text = "---\ntitle: 标题\ndate: 2022-09-19\ntags:\n  名称: 党建\n---\n"
    assert errors_of(tmp_path, text) == [("bad-field", Location("content/news/a.md", 4))]


@pytest.mark.parametrize("value", ["yes", "no", "on", "1", "'true'", "草稿"])
def test_draft_must_be_a_boolean(tmp_path: Path, value: str) -> None:
    text = f"---\ntitle: 标题\ndate: 2022-09-19\ndraft: {value}\n---\n"
    assert errors_of(tmp_path, text) == [("bad-field", Location("content/news/a.md", 4))]


def test_draft_true(tmp_path: Path) -> None:
    assert only_doc(tmp_path, article("t", draft=True)).front.draft is True


@pytest.mark.parametrize(("value", "ok"), [("3", True), ("-1", True), ("1.5", False), ("true", False), ("高", False)])
def test_weight_must_be_an_integer(tmp_path: Path, value: str, ok: bool) -> None:
    text = f"---\ntitle: 标题\ndate: 2022-09-19\nweight: {value}\n---\n"
    if ok:
        assert only_doc(tmp_path, text).front.weight == int(value)
    else:
        assert errors_of(tmp_path, text) == [("bad-field", Location("content/news/a.md", 4))]


def test_text_field_with_a_mapping_is_an_error(tmp_path: Path) -> None:
    text = "---\ntitle: 标题\ndate: 2022-09-19\nsummary: {a: b}\n---\n"
    assert errors_of(tmp_path, text) == [("bad-field", Location("content/news/a.md", 4))]


def test_all_problems_of_a_file_together(tmp_path: Path) -> None:
    text = "---\ntitle: 标题\ndate: 2022-13-19\ndraft: yes\nlocation: x\n---\n"
    assert sorted(errors_of(tmp_path, text)) == sorted(
        [
            ("bad-date", Location("content/news/a.md", 3)),
            ("bad-field", Location("content/news/a.md", 4)),
            ("front-matter-unknown-key", Location("content/news/a.md", 5)),
        ]
    )


def test_problems_of_many_files_are_collected(tmp_path: Path) -> None:
    content, findings = read(
        tmp_path,
        {
            "content/news/a.md": article("好的"),
            "content/news/b.md": "---\ntitle: b\ndate: 2022年\n---\n",
            "content/events/c.md": "没有文件头\n",
        },
    )
    assert [d.rel for d in content.documents] == ["news/a.md"]
    assert sorted(f.location.path for f in findings.errors if f.location) == [
        "content/events/c.md",
        "content/news/b.md",
    ]


def test_front_matter_missing(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "title: 标题\n正文\n") == [("front-matter-missing", Location("content/news/a.md", 1))]
    assert errors_of(tmp_path / "b", "\n---\ntitle: t\n---\n") == [
        ("front-matter-missing", Location("content/news/a.md", 1))
    ]


def test_front_matter_unclosed(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "---\ntitle: 标题\ndate: 2022-09-19\n正文\n") == [
        ("front-matter-unclosed", Location("content/news/a.md", 1))
    ]


def test_front_matter_not_a_mapping(tmp_path: Path) -> None:
    assert [code for code, _ in errors_of(tmp_path, "---\n- a\n- b\n---\n")] == ["front-matter-type"]


def test_yaml_error_in_front_matter_names_file_line(tmp_path: Path) -> None:
    text = "---\ntitle: 标题\ndate: 2022-09-19\nsummary: 会议: 总结\n---\n"
    assert errors_of(tmp_path, text) == [("yaml-syntax", Location("content/news/a.md", 4))]


def test_unknown_section_folder(tmp_path: Path) -> None:
    _, findings = read(tmp_path, {"content/activities/a.md": article("t")})
    assert [f.code for f in findings.errors] == ["unknown-section"]
    assert findings.errors[0].location.path == "content/activities/a.md"  # type: ignore[union-attr]


def test_missing_content_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    (site / "content").rmdir()
    with pytest.raises(SiteError) as caught:
        read_content(site, load_config(site), Findings())
    assert caught.value.findings[0].code == "content-missing"


# ---------------------------------------------------------------- encodings of files


@pytest.mark.parametrize(
    ("data", "encoding", "warned"),
    [
        ("\ufeff---\r\ntitle: 社区活动\r\ndate: 2022-09-19\r\n---\r\n正文\r\n".encode(), "utf-8", False),
        ("---\r\ntitle: 社区活动\r\ndate: 2022-09-19\r\n---\r\n正文\r\n".encode("gbk"), "gb18030", True),
        ("---\ntitle: 社区活动\ndate: 2022-09-19\n---\n正文\n".encode("utf-16"), "utf-16", True),
    ],
    ids=["utf8-bom-crlf", "gbk-crlf", "utf16"],
)
def test_files_in_editor_encodings(tmp_path: Path, data: bytes, encoding: str, warned: bool) -> None:
    content, findings = read(tmp_path, {"content/news/a.md": data})
    (document,) = content.documents
    assert document.front.title == "社区活动"
    assert document.body == "正文\n"
    assert document.body_line == 5
    assert document.field_lines["date"] == 3
    assert document.encoding == encoding
    assert findings.errors == []
    assert [f.code for f in findings.warnings] == (["encoding-not-utf8"] if warned else [])


def test_undecodable_file_is_reported(tmp_path: Path) -> None:
    content, findings = read(tmp_path, {"content/news/a.md": b"---\ntitle: caf\xe9 au lait\n---\n"})
    assert content.documents == ()
    assert [(f.code, f.location) for f in findings.errors] == [("encoding", Location("content/news/a.md", 2))]


# ---------------------------------------------------------------- which files are read


def test_editor_temp_and_hidden_files_are_skipped(tmp_path: Path) -> None:
    content, findings = read(
        tmp_path,
        {
            "content/news/a.md": article("a"),
            "content/news/~$a.md": b"\x00\x01 Word lock file",
            "content/news/.a.md": "junk",
            "content/news/.a.md.swp": b"\x00",
            "content/news/a.md~": "backup",
            "content/news/a.md.tmp": "tmp",
            "content/.git/config": "x",
            "content/news/.hidden/b.md": "junk",
            "content/news/images/.DS_Store": b"\x00",
            "content/news/images/p.png": b"\x89PNG",
        },
    )
    assert findings.items == []
    assert [d.rel for d in content.documents] == ["news/a.md"]
    assert content.assets == ("news/images/p.png",)


def test_markdown_suffixes_and_assets(tmp_path: Path) -> None:
    content, _ = read(
        tmp_path,
        {
            "content/news/a.md": article("a"),
            "content/news/b.markdown": article("b"),
            "content/news/files/通知.pdf": b"%PDF",
            "content/images/logo.png": b"\x89PNG",
        },
    )
    assert [d.rel for d in content.documents] == ["news/a.md", "news/b.markdown"]
    assert content.assets == ("images/logo.png", "news/files/通知.pdf")


def test_walk_is_sorted(tmp_path: Path) -> None:
    names = ["c.md", "a.md", "b.md", "重庆.md"]
    content, _ = read(tmp_path, {f"content/news/{n}": article(n) for n in names})
    assert [d.rel for d in content.documents] == sorted(f"news/{n}" for n in names)


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(article("外部文件"), encoding="utf-8")
    (outside / "secret.png").write_bytes(b"\x89PNG")
    (outside / "folder").mkdir()
    (outside / "folder" / "b.md").write_text(article("外部文件夹"), encoding="utf-8")
    site = make_site(tmp_path, {"content/news/a.md": article("a")})
    os.symlink(outside / "secret.md", site / "content/news/linked.md")
    os.symlink(outside / "secret.png", site / "content/news/linked.png")
    os.symlink(outside / "folder", site / "content/news/linked-folder")
    findings = Findings()
    content = read_content(site, load_config(site), findings)
    assert [d.rel for d in content.documents] == ["news/a.md"]
    assert content.assets == ()


def test_symlinked_data_files_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("password: hunter2\n", encoding="utf-8")
    site = make_site(tmp_path, {"content/_data/stats.yaml": "x: 1\n"})
    os.symlink(outside, site / "content/_data/secrets.yaml")
    findings = Findings()
    content = read_content(site, load_config(site), findings)
    assert set(content.data) == {"stats"}


# ---------------------------------------------------------------- data files


def test_data_files_by_stem_frozen(tmp_path: Path) -> None:
    content, findings = read(
        tmp_path,
        {
            "content/_data/stats.yaml": "党员:\n  在职: 56\n  退休: 30\n区号: 0571\n比例: 0.5\n",
            "content/_data/timeline.yml": "- 年份: 2020\n  事件: 成立\n- 年份: 2022\n  事件: 获奖\n",
            "content/_data/README.txt": "not data",
            "content/_data/notes.md": "---\ntitle: 不是文章\n---\n",
        },
    )
    assert findings.items == []
    assert set(content.data) == {"stats", "timeline"}
    stats = content.data["stats"]
    assert stats["党员"]["在职"] == 56
    assert stats["区号"] == "0571"
    assert stats["比例"] == 0.5
    assert isinstance(content.data, MappingProxyType)
    assert isinstance(stats, MappingProxyType)
    assert isinstance(stats["党员"], MappingProxyType)
    timeline = content.data["timeline"]
    assert isinstance(timeline, tuple)
    assert timeline[1]["事件"] == "获奖"
    with pytest.raises(TypeError):
        stats["新"] = 1
    with pytest.raises(TypeError):
        stats["党员"]["在职"] = 1
    with pytest.raises(AttributeError):
        timeline.append(1)  # type: ignore[attr-defined]
    # data files are neither documents nor assets
    assert content.documents == ()
    assert content.assets == ()


@pytest.mark.parametrize("name", ["bad-name.yaml", "2022.yaml", "统计.yaml", "my stats.yaml"])
def test_data_file_with_a_bad_name(tmp_path: Path, name: str) -> None:
    content, findings = read(tmp_path, {f"content/_data/{name}": "x: 1\n", "content/_data/ok.yaml": "y: 2\n"})
    assert [(f.code, f.location) for f in findings.errors] == [
        ("data-bad-name", Location(f"content/_data/{name}"))
    ]
    assert set(content.data) == {"ok"}


def test_data_file_yaml_error_and_encoding(tmp_path: Path) -> None:
    content, findings = read(
        tmp_path,
        {
            "content/_data/broken.yaml": "a: 1\nb: c: d\nc: 3\n",
            "content/_data/gbk.yaml": "名称: 永丰社区\n".encode("gbk"),
        },
    )
    assert [(f.code, f.location) for f in findings.errors] == [
        ("yaml-syntax", Location("content/_data/broken.yaml", 2))
    ]
    assert [(f.code, f.location) for f in findings.warnings] == [
        ("encoding-not-utf8", Location("content/_data/gbk.yaml"))
    ]
    assert content.data["gbk"]["名称"] == "永丰社区"
