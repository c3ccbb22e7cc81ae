"""config: site_config.yaml schema, defaults and validation."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from sitemaker import make_site

from civicpress.config import DEFAULT_PERMALINK, Footer, SectionConfig, load_config
from civicpress.errors import Finding, Location, SiteError
from civicpress.sitefolder import CONFIG_FILE

CONFIG = Location(CONFIG_FILE)


def write_config(tmp_path: Path, text: str) -> Path:
    return make_site(tmp_path, {CONFIG_FILE: text})


def config_errors(tmp_path: Path, text: str) -> list[Finding]:
    with pytest.raises(SiteError) as caught:
        load_config(write_config(tmp_path, text))
    return list(caught.value.findings)


def test_defaults(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "title: 永丰社区\n"))
    assert config.title == "永丰社区"
    assert config.sections == ()
    assert config.organization == ""
    assert config.description == ""
    assert config.base_url == ""
    assert config.language == "zh-CN"
    assert config.timezone == "+08:00"
    assert config.slug_style == "pinyin"
    assert config.relative_urls is True
    assert config.pagination == 10
    assert config.summary_length == 120
    assert config.feed_limit == 20
    assert config.footer == Footer()
    assert dict(config.extra) == {}


def test_every_field(tmp_path: Path) -> None:
    text = """\
title: 永丰社区
organization: 中共永丰社区委员会
description: 工作成效与活动纪实
base_url: https://yongfeng.example.cn/sq
language: zh-Hans
timezone: "+09:30"
slug_style: unicode
relative_urls: false
pagination: 5
summary_length: 80
feed_limit: 3
sections:
  - key: events
    title: 活动纪实
    permalink: /:section/:year/:month/:slug/
    description: 社区文化活动
    paginate: 4
  - key: news_2
    title: 社区动态
footer:
  icp: 京ICP备00000000号-1
  police: 京公网安备00000000000000号
  contact: 电话 010-12345678
  address: 永丰巷 1 号
  copyright: © 永丰社区
extra:
  电话: 010-12345678
  区号: 0571
  links: [a, b]
  nested: {k: v}
"""
    config = load_config(write_config(tmp_path, text))
    assert config.title == "永丰社区"
    assert config.organization == "中共永丰社区委员会"
    assert config.description == "工作成效与活动纪实"
    assert config.base_url == "https://yongfeng.example.cn/sq/"  # a trailing slash is added
    assert config.language == "zh-Hans"
    assert config.timezone == "+09:30"
    assert config.slug_style == "unicode"
    assert config.relative_urls is False
    assert config.pagination == 5
    assert config.summary_length == 80
    assert config.feed_limit == 3
    assert config.sections == (
        SectionConfig("events", "活动纪实", "/:section/:year/:month/:slug/", "社区文化活动", 4),
        SectionConfig("news_2", "社区动态", DEFAULT_PERMALINK, "", None),
    )
    assert config.section("events") is config.sections[0]
    assert config.section("missing") is None
    assert config.footer == Footer(
        icp="京ICP备00000000号-1",
        police="京公网安备00000000000000号",
        contact="电话 010-12345678",
        address="永丰巷 1 号",
        copyright="© 永丰社区",
    )
    assert config.extra["电话"] == "010-12345678"
    assert config.extra["区号"] == "0571"


def test_extra_is_frozen(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "title: t\nextra:\n  links: [a, b]\n  nested: {k: v}\n"))
    assert isinstance(config.extra, MappingProxyType)
    assert config.extra["links"] == ("a", "b")
    assert isinstance(config.extra["nested"], MappingProxyType)
    with pytest.raises(TypeError):
        config.extra["new"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        config.extra["nested"]["k"] = "w"


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "title: t\n"))
    with pytest.raises(AttributeError):
        config.title = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "key", "line", "hint_word"),
    [
        ("title: t\ntitel: x\n", "titel", 2, "title"),
        ("title: t\n\nbaseurl: https://x.cn/\n", "baseurl", 3, "base_url"),
        ("title: t\npaginaton: 3\n", "paginaton", 2, "pagination"),
        ("title: t\nsections:\n  - key: news\n    title: 动态\n    permalnk: /:slug/\n", "permalnk", 5, "permalink"),
        ("title: t\nfooter:\n  icq: 京ICP备\n", "icq", 3, "icp"),
    ],
)
def test_unknown_key_names_line_and_close_match(
    tmp_path: Path, text: str, key: str, line: int, hint_word: str
) -> None:
    (finding,) = config_errors(tmp_path, text)
    assert finding.code == "config-unknown-key"
    assert finding.location == CONFIG.at(line)
    assert key in finding.message
    assert hint_word in finding.hint


def test_unknown_key_without_close_match_lists_the_known_keys(tmp_path: Path) -> None:
    (finding,) = config_errors(tmp_path, "title: t\n网站名称: x\n")
    assert finding.code == "config-unknown-key"
    assert "base_url" in finding.hint and "pagination" in finding.hint


@pytest.mark.parametrize(
    ("line_text", "key"),
    [
        ("base_url: example.cn", "base_url"),
        ("base_url: ftp://example.cn/", "base_url"),
        ("base_url: https://", "base_url"),
        ("pagination: 0", "pagination"),
        ("pagination: -1", "pagination"),
        ("pagination: 2.5", "pagination"),
        ("pagination: true", "pagination"),
        ("pagination: ten", "pagination"),
        ("slug_style: foo", "slug_style"),
        ("relative_urls: yes", "relative_urls"),  # yes stays text: only true/false are booleans
        ("timezone: Asia/Shanghai", "timezone"),
        ("timezone: '+8'", "timezone"),
        ("summary_length: 0", "summary_length"),
        ("feed_limit: many", "feed_limit"),
        ("description: [a, b]", "description"),
        ("sections: news", "sections"),
        ("footer: 京ICP备", "footer"),
        ("extra: [a]", "extra"),
    ],
)
def test_bad_value(tmp_path: Path, line_text: str, key: str) -> None:
    findings = config_errors(tmp_path, f"title: 永丰社区\n{line_text}\n")
    finding = findings[0]
    assert finding.code == "config-bad-value"
    assert {f.location for f in findings} == {CONFIG.at(2)}
    assert key in finding.message
    assert finding.hint


@pytest.mark.parametrize(
    ("section_text", "code"),
    [
        ("key: Events\n    title: 活动", "config-bad-value"),  # upper case
        ("key: 活动\n    title: 活动", "config-bad-value"),
        ("key: events\n    title: 活动\n    permalink: events/:slug/", "config-bad-value"),  # no leading /
        ("key: events\n    title: 活动\n    permalink: /:section/:year/", "config-bad-value"),  # no :slug
        ("key: events\n    title: 活动\n    paginate: 0", "config-bad-value"),
    ],
)
def test_bad_section_values(tmp_path: Path, section_text: str, code: str) -> None:
    findings = config_errors(tmp_path, f"title: t\nsections:\n  - {section_text}\n")
    assert [f.code for f in findings] == [code]


def test_sections_need_key_and_title(tmp_path: Path) -> None:
    text = "title: t\nsections:\n  - title: 无键\n  - key: events\n  - 活动纪实\n"
    findings = config_errors(tmp_path, text)
    assert [(f.code, f.location) for f in findings] == [
        ("config-missing-key", CONFIG.at(3)),
        ("config-missing-key", CONFIG.at(4)),
        ("config-type", CONFIG.at(5)),
    ]
    assert "key" in findings[0].message
    assert "title" in findings[1].message


def test_duplicate_section(tmp_path: Path) -> None:
    text = "title: t\nsections:\n  - key: news\n    title: 新闻\n  - key: news\n    title: 动态\n"
    (finding,) = config_errors(tmp_path, text)
    assert finding.code == "config-duplicate-section"
    assert finding.location == CONFIG.at(5)
    assert "news" in finding.message


def test_missing_title(tmp_path: Path) -> None:
    (finding,) = config_errors(tmp_path, "organization: 永丰社区党委\n")
    assert finding.code == "config-missing-key"
    assert "title" in finding.message


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = """\
titel: 永丰社区
base_url: example.cn
pagination: 0
slug_style: foo
sections:
  - key: news
    title: 新闻
  - key: news
    title: 动态
  - title: 无键
footer:
  icq: 1
"""
    findings = config_errors(tmp_path, text)
    assert sorted((f.code, f.location.line if f.location else None) for f in findings) == sorted(
        [
            ("config-unknown-key", 1),
            ("config-bad-value", 2),
            ("config-bad-value", 3),
            ("config-bad-value", 4),
            ("config-duplicate-section", 8),
            ("config-missing-key", 10),
            ("config-unknown-key", 12),
            ("config-missing-key", 1),  # no title at all
        ]
    )


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert caught.value.findings[0].code == "config-missing"


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    (finding,) = config_errors(tmp_path, "- title: t\n")
    assert finding.code == "config-type"
    assert finding.location == CONFIG.at(1)


def test_yaml_error_in_config(tmp_path: Path) -> None:
    (finding,) = config_errors(tmp_path, "title: t\ndescription: 社区: 工作\n")
    assert finding.code == "yaml-syntax"
    assert finding.location == CONFIG.at(2)


@pytest.mark.parametrize(
    "data",
    [
        "\ufefftitle: 永丰社区\r\nbase_url: https://x.cn/\r\n".encode(),
        "title: 永丰社区\r\nbase_url: https://x.cn/\r\n".encode("gbk"),
    ],
    ids=["utf8-bom-crlf", "gbk"],
)
def test_config_in_editor_encodings(tmp_path: Path, data: bytes) -> None:
    config = load_config(make_site(tmp_path, {CONFIG_FILE: data}))
    assert config.title == "永丰社区"
    assert config.base_url == "https://x.cn/"


def test_unquoted_timezone_and_values_stay_as_typed(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "title: 0571\ntimezone: +08:00\n"))
    assert config.timezone == "+08:00"
    assert config.title == "0571"
