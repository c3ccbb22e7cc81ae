"""urls: slugs (pinyin and Unicode), permalinks, relative and root URLs."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicpress.urls import absolute_url, expand_permalink, output_path, relative_url, root_url, slugify

CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("重庆银行", "chong-qing-yin-hang"),  # 重 read chong in the phrase 重庆, not zhong
        ("长大", "zhang-da"),  # 长 read zhang here, not chang
        ("银行行长", "yin-hang-hang-zhang"),
        ("社区", "she-qu"),
        ("社区2022年度Report", "she-qu-2022-nian-du-report"),
        ("第3届 CBA 联赛", "di-3-jie-cba-lian-sai"),
        ("你好，世界！", "ni-hao-shi-jie"),
        ("《关于开展“两学一做”的通知》", "guan-yu-kai-zhan-liang-xue-yi-zuo-de-tong-zhi"),
        ("Hello World_2024", "hello-world-2024"),
        ("  --Spaces  & Symbols!!  ", "spaces-symbols"),
        ("ＡＢＣ１２３", "abc123"),  # full-width Latin and digits are folded (NFKC)
        ("", ""),
        ("！？。", ""),
    ],
)
def test_slugify_pinyin(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert slugify(text, "pinyin") == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("重庆银行", "重庆银行"),
        ("你好，世界！", "你好-世界"),
        ("社区2022年度Report", "社区2022年度report"),
        ("一、主要 做法", "一-主要-做法"),
        ("Hello World", "hello-world"),
    ],
)
def test_slugify_unicode_keeps_chinese(text: str, slug: str) -> None:
    assert slugify(text, "unicode") == slug


_SLUG_FORM = re.compile(r"^(?:[^\W_]+(?:-[^\W_]+)*)?$")


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=30), st.sampled_from(["pinyin", "unicode"]))
def test_slugify_is_a_clean_idempotent_url_segment(text: str, style: str) -> None:
    slug = slugify(text, style)
    assert _SLUG_FORM.match(slug), slug  # words joined by single hyphens, nothing else
    assert slug == slug.lower()
    assert slugify(slug, style) == slug


@pytest.mark.parametrize(
    ("pattern", "date", "expected"),
    [
        ("/:section/:slug/", datetime(2022, 9, 1, tzinfo=CST), "/events/yang-ge/"),
        ("/:section/:year/:slug/", datetime(2022, 9, 1, tzinfo=CST), "/events/2022/yang-ge/"),
        ("/:section/:year/:month/:slug/", datetime(2022, 9, 1, tzinfo=CST), "/events/2022/09/yang-ge/"),
        ("/:section/:year/:month/:day/:slug/", datetime(2022, 9, 1, tzinfo=CST), "/events/2022/09/01/yang-ge/"),
        ("/:year/:month/:day/:slug", datetime(2024, 12, 31, tzinfo=CST), "/2024/12/31/yang-ge/"),
        ("/:section/:year/:slug/", None, "/events/yang-ge/"),  # no date: the empty part collapses
        ("/archive/:slug/", None, "/archive/yang-ge/"),
    ],
)
def test_expand_permalink(pattern: str, date: datetime | None, expected: str) -> None:
    assert expand_permalink(pattern, section="events", slug="yang-ge", date=date) == expected


@pytest.mark.parametrize(
    ("site_path", "output"),
    [
        ("/", "index.html"),
        ("/events/2022/yang-ge/", "events/2022/yang-ge/index.html"),
        ("/atom.xml", "atom.xml"),
        ("/events/images/a.png", "events/images/a.png"),
    ],
)
def test_output_path(site_path: str, output: str) -> None:
    assert output_path(site_path) == output


@pytest.mark.parametrize(
    ("from_path", "to_path", "with_files", "without_files"),
    [
        ("/", "/", "index.html", "./"),
        ("/", "/events/", "events/index.html", "events/"),
        ("/", "/style.css", "style.css", "style.css"),
        ("/news/a/", "/events/", "../../events/index.html", "../../events/"),
        ("/news/a/", "/news/a/", "index.html", "./"),
        ("/news/a/", "/news/", "../index.html", "../"),
        ("/news/a/", "/", "../../index.html", "../../"),
        ("/news/a/", "/style.css", "../../style.css", "../../style.css"),
        ("/events/2022/yang-ge/", "/events/2021/b/", "../../2021/b/index.html", "../../2021/b/"),
        ("/events/2022/yang-ge/", "/events/images/p.png", "../../images/p.png", "../../images/p.png"),
        ("/news/page/2/", "/news/", "../../index.html", "../../"),
        ("/news/page/2/", "/news/page/3/", "../3/index.html", "../3/"),
        ("/404.html", "/", "index.html", "./"),
        ("/404.html", "/tags/", "tags/index.html", "tags/"),
    ],
)
def test_relative_url(from_path: str, to_path: str, with_files: str, without_files: str) -> None:
    assert relative_url(from_path, to_path) == with_files
    assert relative_url(from_path, to_path, file_urls=True) == with_files
    assert relative_url(from_path, to_path, file_urls=False) == without_files


def test_relative_url_takes_paths_so_hash_and_percent_in_names_are_encoded() -> None:
    """Fragments are the caller's business: a '#' or '%' in a file name is part of the path."""
    assert relative_url("/news/a/", "/news/图#1.png") == "../%E5%9B%BE%231.png"
    assert relative_url("/news/a/", "/news/100%.png") == "../100%25.png"
    assert root_url("https://example.cn/sq/", "/a#b.png") == "/sq/a%23b.png"


def test_relative_url_percent_encodes_chinese_paths() -> None:
    url = relative_url("/news/a/", "/活动/图片 1.png")
    assert url == "../../%E6%B4%BB%E5%8A%A8/%E5%9B%BE%E7%89%87%201.png"
    assert relative_url("/", "/社区/") == "%E7%A4%BE%E5%8C%BA/index.html"


@pytest.mark.parametrize(
    ("base_url", "to_path", "expected"),
    [
        ("https://example.cn/sq/", "/events/", "/sq/events/"),
        ("https://example.cn/sq/", "/", "/sq/"),
        ("https://example.cn/sq", "/style.css", "/sq/style.css"),
        ("https://example.cn/a/b/", "/tags/", "/a/b/tags/"),
        ("https://example.cn/", "/events/", "/events/"),
        ("http://example.cn", "/", "/"),
        ("", "/events/", "/events/"),
        ("https://example.cn/sq/", "/活动/", "/sq/%E6%B4%BB%E5%8A%A8/"),
    ],
)
def test_root_url_respects_base_url_sub_path(base_url: str, to_path: str, expected: str) -> None:
    assert root_url(base_url, to_path) == expected


@pytest.mark.parametrize(
    ("base_url", "to_path", "expected"),
    [
        ("https://example.cn/sq/", "/events/", "https://example.cn/sq/events/"),
        ("https://example.cn/sq/", "/", "https://example.cn/sq/"),
        ("https://example.cn", "/atom.xml", "https://example.cn/atom.xml"),
        ("https://example.cn/", "/活动/", "https://example.cn/%E6%B4%BB%E5%8A%A8/"),
    ],
)
def test_absolute_url(base_url: str, to_path: str, expected: str) -> None:
    assert absolute_url(base_url, to_path) == expected
