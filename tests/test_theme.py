"""The default theme on the built sample site and on small sites: structure, metadata, portability, no other host.

The browser checks (Nu, axe, Lighthouse) run in ../shared/tools/webcheck; these are the parts of them that
a test can hold without a browser, plus the theme's own promises (charts from data, the honours wall,
QR codes, the large-text switch and the print stylesheet). tests/test_theme_browser.py drives a browser.
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
from sitemaker import article, build_site, make_site

from civicpress.pipeline import BuildOptions, build
from civicpress.templating import THEME_DIR

ROOT = Path(__file__).resolve().parent.parent
SITE_HOST = "https://yongfeng.example.cn/"  # the sample site's base_url
# Every address of another host the output may hold, and why. Links only: nothing is ever requested.
ALLOWED_URLS = {
    "https://beian.miit.gov.cn/": "ICP 备案号 links to the ministry's record search (required by law)",
    "https://beian.mps.gov.cn/": "公安备案号 links to the police record search (required by law)",
    "http://www.w3.org/2000/svg": "SVG namespace of the QR code and chart files, an identifier",
    "http://www.w3.org/2005/Atom": "Atom namespace in atom.xml, an identifier",
    "http://www.sitemaps.org/schemas/sitemap/0.9": "sitemap namespace in sitemap.xml, an identifier",
    # A video facade (civicpress.video) links the video's page and names its player in data-embed: site.js
    # loads the player only when the reader taps (tests/test_video_browser.py watches the requests).
    "https://www.bilibili.com/video/": "the sample event's video facade: the video's page, followed on a tap",
    "https://player.bilibili.com/player.html?": "the sample event's video facade: the player, loaded after a tap",
}
TEXT_FILES = (".html", ".css", ".js", ".xml", ".txt", ".svg", ".json")
# Not pages of the website: the printable materials (their own A4 layout) and the search library's files.
NOT_SITE_PAGES = ("print/", "pagefind/")
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
SVG = "{http://www.w3.org/2000/svg}"  # html5lib puts inline SVG in its namespace


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("theme") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


def pages(out: Path) -> list[str]:
    found = (p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    return sorted(p for p in found if not p.startswith(NOT_SITE_PAGES))


@cache
def _parse(path: Path, mtime: float) -> Element:
    tree: Element = html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    return tree


def parse(path: Path) -> Element:
    return _parse(path, path.stat().st_mtime)


def meta(tree: Element, key: str, value: str) -> str | None:
    for node in tree.iter("meta"):
        if node.get(key) == value:
            return node.get("content")
    return None


def page_url(rel: str) -> str:
    """The site path of an output file: about/index.html → /about/."""
    return "/" + rel.removesuffix("index.html") if rel.endswith("index.html") else "/" + rel


# ---------------------------------------------------------------- every page of the sample site


def test_the_sample_site_has_the_theme_pages(sample: Path) -> None:
    for path in ["index.html", "stats/index.html", "organisation/index.html", "timeline/index.html",
                 "honors/index.html", "about/index.html", "honors/sheng-wen-ming-she-qu-biao-bing/index.html",
                 "organisation/zhu-lao-fu-wu-dui/index.html", "site.js", "style.css"]:
        assert (sample / path).is_file(), path


def test_every_page_has_one_h1_landmarks_lang_and_metadata(sample: Path) -> None:
    problems = []
    for rel in pages(sample):
        tree = parse(sample / rel)
        html = tree if tree.tag == "html" else tree.find("html")
        checks = {
            "one h1": len(list(tree.iter("h1"))) == 1,
            "lang": html is not None and html.get("lang") == "zh-CN",
            "header": len(list(tree.iter("header"))) >= 1,
            "nav": tree.find(".//nav[@aria-label='主导航']") is not None,
            "one main": len(list(tree.iter("main"))) == 1,
            "footer": tree.find(".//footer[@class='site-footer']") is not None,
            "description": bool(meta(tree, "name", "description")),
            "viewport": bool(meta(tree, "name", "viewport")),
            "og": all(meta(tree, "property", f"og:{k}") for k in ("title", "type", "description", "site_name")),
        }
        problems += [f"{rel}: {name}" for name, ok in checks.items() if not ok]
    assert not problems


def test_canonical_and_og_url_are_the_page_address(sample: Path) -> None:
    for rel in pages(sample):
        if rel == "404.html":
            continue
        tree = parse(sample / rel)
        canonical = [n.get("href") for n in tree.iter("link") if n.get("rel") == "canonical"]
        expected = SITE_HOST.rstrip("/") + page_url(rel)
        assert canonical == [expected], rel
        assert meta(tree, "property", "og:url") == expected, rel


def test_articles_are_og_articles_with_a_description_from_the_summary(sample: Path) -> None:
    tree = parse(sample / "events/2021/family-games/index.html")
    assert meta(tree, "property", "og:type") == "article"
    summary = "社区在新建成的室外活动休闲广场举办家庭趣味运动会，居民家庭祖孙三代同场竞技。"
    assert meta(tree, "name", "description") == summary
    assert meta(tree, "property", "og:description") == summary
    assert meta(tree, "property", "article:published_time") == "2021-09-25T00:00:00+08:00"


def external_urls(text: str) -> set[str]:
    return set(re.findall(r"""https?://[^\s"'<>)\\]+""", text))


def test_no_address_of_another_host_in_any_file(sample: Path) -> None:
    strays: dict[str, set[str]] = {}
    for path in sorted(sample.rglob("*")):
        rel = path.relative_to(sample).as_posix()
        # pagefind/: the search library's code mentions its project pages in comments and strings, never requests
        if path.suffix not in TEXT_FILES or rel.startswith("pagefind/"):
            continue
        for found in external_urls(path.read_text(encoding="utf-8")):
            allowed = found.startswith(SITE_HOST) or any(found.startswith(url) for url in ALLOWED_URLS)
            if not allowed:
                strays.setdefault(rel, set()).add(found)
    assert not strays


def request_urls(tree: Element) -> list[str]:
    """The addresses a browser fetches when it opens the page (not the ones it follows on a click)."""
    found = [n.get("src", "") for n in tree.iter() if n.tag in ("img", "script", "source", "iframe", "video", "audio")]
    found += [n.get("href", "") for n in tree.iter("link") if n.get("rel") in ("stylesheet", "icon", "preload")]
    found += [part.split()[0] for n in tree.iter() for part in (n.get("srcset") or "").split(",") if part.strip()]
    return [u for u in found if u]


def test_nothing_is_requested_from_another_host_or_by_absolute_path(sample: Path) -> None:
    for rel in pages(sample):
        if rel == "404.html":
            continue  # served at any address: its links are root-relative by design
        for address in request_urls(parse(sample / rel)):
            parts = urlsplit(address)
            assert not parts.scheme and not parts.netloc and not address.startswith("/"), (rel, address)
    css = (sample / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "@font-face" not in css and "url(" not in css


def test_every_link_opens_from_disk(sample: Path) -> None:
    """Relative links that end in a file: the folder works from a USB stick (file://) and from any sub-path."""
    broken = []
    for rel in pages(sample):
        if rel == "404.html":
            continue
        tree = parse(sample / rel)
        links = [n.get("href") for n in tree.iter() if n.tag in ("a", "link")] + request_urls(tree)
        for href in filter(None, links):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) if parts.path \
                else rel
            if not (sample / target).is_file():
                broken.append((rel, href))
            elif parts.fragment and target.endswith(".html"):
                ids = {n.get("id") for n in parse(sample / target).iter() if n.get("id")}
                if unquote(parts.fragment) not in ids:
                    broken.append((rel, href))
    assert not broken


def test_scripts_are_files_and_no_handler_is_inline(sample: Path) -> None:
    for rel in pages(sample):
        text = (sample / rel).read_text(encoding="utf-8")
        assert not re.search(r"<[^>]+\son[a-z]+=", text), rel
        assert "javascript:" not in text, rel
        scripts = [s.get("src") for s in parse(sample / rel).iter("script")]
        assert all(scripts), f"{rel}: an inline script"
        expected = "/site.js" if rel == "404.html" else posixpath.relpath("site.js", posixpath.dirname(rel) or ".")
        if rel == "search/index.html":  # plus Pagefind's UI and the page's own starter
            expected_search = ["../site.js", "../pagefind/0/pagefind-ui.js", "../t2s.js", "../search.js"]
            assert scripts == expected_search, rel
            continue
        assert scripts == [expected], rel


def test_the_text_size_and_contrast_switches_wait_for_javascript(sample: Path) -> None:
    tree = parse(sample / "index.html")
    bar = tree.find(".//div[@class='a11y-tools']")
    assert bar is not None  # they need site.js: shown only once it marks the page (html.js), before the first paint
    assert re.search(r"\.a11y-tools \{ display: none;", CSS) and "html.js .a11y-tools { display: block; }" in CSS
    steps = [(b.get("data-text-size"), texts(b)) for b in bar.iter("button") if b.get("data-text-size")]
    assert steps == [("0", "标准"), ("1", "大字"), ("2", "特大字")]
    contrast_button = bar.find(".//button[@id='contrast-toggle']")
    assert contrast_button is not None and contrast_button.get("aria-pressed") == "false"
    head = tree.find(".//head")
    assert head is not None and head.find("script[@src='site.js']") is not None  # before the first paint
    js = (sample / "site.js").read_text(encoding="utf-8")
    assert "localStorage" in js and "large-text" in js and "high-contrast" in js and "aria-pressed" in js


# ---------------------------------------------------------------- pages of the sample site


def texts(node: Element | None) -> str:
    return "".join(node.itertext()) if node is not None else ""


def test_home_shows_figures_events_honours_and_achievements(sample: Path) -> None:
    tree = parse(sample / "index.html")
    figures = [texts(li) for li in tree.iterfind(".//ul[@class='figures']/li")]
    assert figures[0] == "491人党员总数"
    assert len(figures) == 6
    headings = [texts(h) for h in tree.iter("h2")]
    assert headings[:4] == ["图片新闻", "通知公告", "社区简介", "社区概况"]
    assert {"活动纪实", "社区动态", "荣誉墙", "工作成效"} <= set(headings)
    assert len(list(tree.iterfind(".//ul[@class='honour-list']/li"))) == 6


def test_article_page_has_toc_qr_code_print_button_related_and_neighbours(sample: Path) -> None:
    rel = "events/2021/family-games/index.html"
    tree = parse(sample / rel)
    assert tree.find(".//nav[@class='toc']") is not None
    qr = tree.find(f".//{SVG}svg[@class='qr']")
    assert qr is not None and qr.get("role") == "img"
    assert texts(tree.find(".//p[@class='print-url']")) == f"本文网址：{SITE_HOST}events/2021/family-games/"
    button = tree.find(".//button[@class='print-button']")
    assert button is not None and texts(button) == "打印本页" and button.get("hidden") is not None
    related = [a.get("href") for a in tree.iterfind(".//section[@class='related']//a")]
    assert related and all(h and h.endswith("index.html") for h in related)
    assert tree.find(".//nav[@class='prev-next']") is not None
    crumbs = [texts(a) for a in tree.iterfind(".//nav[@class='crumbs']//a")]
    assert crumbs == ["首页", "活动纪实"]


def test_related_articles_share_tags(sample: Path) -> None:
    tree = parse(sample / "events/2021/family-games/index.html")  # tags 家庭文明, 社区文化
    titles = [texts(a) for a in tree.iterfind(".//section[@class='related']//a")]
    assert "讲好家庭故事 传递幸福力量——社区举办幸福家庭演讲会" in titles  # shares both tags
    assert len(titles) <= 4


def test_statistics_page_draws_charts_with_tables(sample: Path) -> None:
    tree = parse(sample / "stats/index.html")
    charts = list(tree.iterfind(f".//{SVG}svg[@role='img']"))
    assert len(charts) == 2
    assert all(c.find(f"{SVG}title") is not None and c.get("aria-label") for c in charts)
    tables = list(tree.iterfind(".//section[@class='chart-block']//table"))
    assert len(tables) == 2
    assert [texts(td) for td in tables[0].iterfind("tfoot//td")] == ["491"]
    assert not list(tree.iterfind(".//script[@src='chart.js']"))


def test_sections_and_data_pages_are_in_the_navigation(sample: Path) -> None:
    nav = parse(sample / "index.html").find(".//nav[@aria-label='主导航']")
    items = [texts(a) for a in nav.iter("a")] if nav is not None else []
    assert items[:12] == ["首页", "通知公告", "党务公开", "居务公开", "工作成效", "活动纪实", "荣誉表彰", "社区动态",
                          "办事指南", "数据统计", "组织机构", "大事记"]
    assert "关于我们" in items and "标签" in items


def test_footer_has_the_record_numbers(sample: Path) -> None:
    footer = parse(sample / "index.html").find(".//footer[@class='site-footer']")
    links = {texts(a): a.get("href") for a in footer.iter("a")} if footer is not None else {}
    assert links["示例ICP备00000000号-1"] == "https://beian.miit.gov.cn/"
    assert links["示例公网安备00000000000000号"] == "https://beian.mps.gov.cn/#/query/webSearch?code=00000000000000"


# ---------------------------------------------------------------- small sites

STATS = """\
as_of: "2022-09-19"
party_members: {total: 491}
members_by_branch:
  - {branch: 第一党支部, members: 112}
  - {branch: 第二党支部, members: 104}
reemployment_by_year:
  - {year: 2021, placed: 131}
  - {year: 2022, placed: 98}
labels:
  members_by_branch.members: {label: 党员人数, unit: 人}
"""
STATS_PAGE = {"data": "stats", "url": "/stats/", "template": "stats.html", "title": "数据统计"}


def build_small(tmp_path: Path, files: dict[str, str], config: dict[str, Any] | None = None) -> Path:
    site = make_site(tmp_path, files, config)
    build_site(site)
    return site.parent / "output"


def charts_of(out: Path) -> list[str]:
    html = (out / "stats/index.html").read_text(encoding="utf-8")
    return re.findall(r"<svg class=\"chart.*?</svg>", html, re.S)


def test_charts_are_drawn_from_the_data(tmp_path: Path) -> None:
    before = charts_of(build_small(tmp_path / "a", {"content/_data/stats.yaml": STATS}, {"data_pages": [STATS_PAGE]}))
    changed = STATS.replace("members: 104", "members: 56")
    after = charts_of(build_small(tmp_path / "b", {"content/_data/stats.yaml": changed}, {"data_pages": [STATS_PAGE]}))
    assert len(before) == len(after) == 2
    assert before[1] == after[1]  # the line chart's data did not change
    assert before[0] != after[0]
    assert "第二党支部 56人" in after[0] and "第二党支部 104人" in before[0]


def test_a_statistics_file_with_other_keys_still_builds(tmp_path: Path) -> None:
    out = build_small(tmp_path, {"content/_data/stats.yaml": "visitors: 12\n"}, {"data_pages": [STATS_PAGE]})
    html = (out / "stats/index.html").read_text(encoding="utf-8")
    assert '<svg class="chart' not in html and "<h1>数据统计</h1>" in html
    assert '<ul class="figures">' in (out / "index.html").read_text(encoding="utf-8")


HONOURS = """\
- {title: 区级甲, level: 区级, year: 2022}
- {title: 省级甲, level: 省级, year: 2022}
- {title: 街道级甲, level: 街道级, year: 2020}
- {title: 省级乙, level: 省级, year: 2021}
- {title: 国家级甲, level: 国家级, year: 2019}
- {title: 省级丙, level: 省级, year: 2022}
- {title: 无级别, year: 2017}
"""


def test_the_honours_wall_groups_by_level_then_year(tmp_path: Path) -> None:
    files = {"content/_data/honors.yaml": HONOURS, "content/honors/a.md": article("荣誉报道")}
    tree = parse(build_small(tmp_path, files) / "honors/index.html")
    levels = list(tree.iterfind(".//section[@class='honour-level']"))
    assert [texts(s.find("h3")) for s in levels] == [
        "国家级荣誉（1 项）", "省级荣誉（3 项）", "区级荣誉（1 项）", "街道级荣誉（1 项）", "其他荣誉（1 项）"]
    provincial = levels[1]
    assert [texts(h) for h in provincial.iter("h4")] == ["2022年", "2021年"]
    rows = [[texts(a).strip() for a in row.iterfind(".//strong")] for row in provincial.iterfind("div")]
    assert rows == [["省级甲", "省级丙"], ["省级乙"]]
    summary = texts(tree.find(".//p[@class='wall-summary']"))
    assert summary == "共 7 项荣誉：国家级 1 项、省级 3 项、区级 1 项、街道级 1 项、其他 1 项。"
    assert [texts(h) for h in tree.iter("h2")] == ["荣誉墙", "荣誉报道"]


def test_honours_link_to_their_own_pages(tmp_path: Path) -> None:
    entry = {"data": "honors", "url": "/honors/:slug/", "template": "honor.html", "title": "title"}
    files = {"content/_data/honors.yaml": HONOURS, "content/honors/a.md": article("荣誉报道")}
    out = build_small(tmp_path, files, {"data_pages": [entry]})
    wall = parse(out / "honors/index.html")
    links = {texts(a): a.get("href") for a in wall.iterfind(".//li[@class]//a")}
    assert links["国家级甲"] == "guo-jia-ji-jia/index.html"
    home = parse(out / "index.html")
    assert [texts(a) for a in home.iterfind(".//ul[@class='honour-list']//a")][:2] == ["区级甲", "省级甲"]


def test_without_base_url_no_canonical_og_url_or_qr_code(tmp_path: Path) -> None:
    out = build_small(tmp_path, {"content/news/a.md": article("甲")}, {"base_url": None})
    tree = parse(out / "news/a/index.html")
    assert not [n for n in tree.iter("link") if n.get("rel") == "canonical"]
    assert meta(tree, "property", "og:url") is None
    assert tree.find(f".//{SVG}svg[@class='qr']") is None
    placeholder = tree.find(".//p[@class='print-url']")
    assert placeholder is not None and placeholder.get("hidden") is not None  # site.js fills in the address
    html = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert not external_urls(html) - {"https://beian.miit.gov.cn/"}


def test_root_relative_urls_when_relative_urls_is_off(tmp_path: Path) -> None:
    out = build_small(tmp_path, {"content/news/a.md": article("甲")}, {"relative_urls": False})
    tree = parse(out / "news/a/index.html")
    assert {u for u in request_urls(tree)} == {"/sq/favicon.svg", "/sq/style.css", "/sq/site.js"}


# ---------------------------------------------------------------- the stylesheet


def colours(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", block))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


CSS = (THEME_DIR / "static" / "style.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["normal", "large-text", "high-contrast"])
def test_text_colours_pass_aa_in_every_mode(mode: str) -> None:
    palette = colours(CSS.split("html.large-text {", 1)[0])
    if mode != "normal":
        palette |= colours(CSS.split(f"html.{mode} {{", 1)[1].split("}", 1)[0])
    if mode == "high-contrast":  # white and yellow on black, far above AA
        assert all(contrast(palette[fore], palette["paper"]) >= 15 for fore in ("ink", "muted", "link", "red"))
        return
    pairs = [("ink", "paper"), ("muted", "paper"), ("link", "paper"), ("red", "paper"), ("ink", "tint"),
             ("muted", "tint"), ("link", "tint"), ("muted", "panel")]
    for fore, back in pairs:
        assert contrast(palette[fore], palette[back]) >= 4.5, (mode, fore, back)
    assert contrast("#ffffff", palette["red"]) >= 4.5  # header text
    assert contrast("#ffffff", palette["red-dark"]) >= 4.5  # navigation text


def test_print_stylesheet_is_a4_without_navigation_and_prints_the_address() -> None:
    assert re.search(r"@page\s*{\s*size:\s*A4", CSS)
    printed = CSS.split("@media print", 1)[1]
    hidden = printed.split("display: none", 1)[0]
    for selector in (".site-nav", ".a11y-tools", ".site-search", ".site-footer", ".prev-next", ".crumbs"):
        assert selector in hidden
    assert re.search(r"\.print-url\s*{\s*display:\s*block", printed)


def test_chinese_text_is_never_justified_and_fonts_are_local() -> None:
    assert not re.search(r"text-align:\s*justify|text-justify", CSS)
    assert "PingFang SC" in CSS and "Microsoft YaHei" in CSS and "Noto Sans CJK SC" in CSS

