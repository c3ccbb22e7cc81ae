"""writers: pages, feed, sitemap, robots and static files of small sites, rendered without a disk."""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from posixpath import join, normpath
from typing import Any
from urllib.parse import unquote

import pytest
from PIL import Image
from sitemaker import BASE_URL, article, load, make_site

from civicpress.errors import Findings, Location
from civicpress.markup import MarkdownRenderer
from civicpress.templating import THEME_DIR, Renderer
from civicpress.writers.feeds import write_feed
from civicpress.writers.pages import PageRenderers, paginate, write_pages
from civicpress.writers.protocol import BuildInputs, Made
from civicpress.writers.registry import WRITERS
from civicpress.writers.static_files import write_static

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def png(colour: str) -> bytes:
    """A real one-pixel PNG: published images are decoded and cleaned, so they must be images."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1), colour).save(out, "PNG")
    return out.getvalue()


PHOTO, LOGO = png("red"), png("blue")


class Built:
    """Every output file of a site, as the writers return them."""

    def __init__(self, site_dir: Path, **load_options: Any) -> None:
        self.site_dir = site_dir
        self.site, self.findings = load(site_dir, **load_options)
        assert self.findings.errors == [], [f.format() for f in self.findings.errors]
        inputs = BuildInputs(self.site, site_dir, Renderer(site_dir), MarkdownRenderer())
        self.files: dict[str, bytes] = {}
        made = Made()
        for writer in WRITERS:  # the registry, in its order: the pages see the published images
            for file in writer.write(inputs, made, self.findings):
                assert file.path not in self.files, f"written twice: {file.path}"
                self.files[file.path] = file.data

    def html(self, path: str) -> str:
        return self.files[path].decode()

    def hrefs(self, path: str) -> list[str]:
        return re.findall(r'(?:href|src)="([^"]*)"', self.html(path))

    def link(self, path: str, rel: str) -> str | None:
        match = re.search(rf'<a href="([^"]*)" rel="{rel}">', self.html(path))
        return match.group(1) if match else None

    @property
    def errors(self) -> list[tuple[str, Location | None]]:
        return [(f.code, f.location) for f in self.findings.errors]


def small_site_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"content/news/n{i:02d}.md": article(
            f"新闻{i:02d}", f"2022-01-{i + 1:02d}", tags=["党建"] if i % 5 == 0 else []
        )
        for i in range(25)
    }
    files.update(
        {
            "content/_index.md": "---\ntitle: 欢迎来到永丰社区\n---\n社区**简介**。\n",
            "content/events/_index.md": "---\ntitle: 活动\n---\n活动栏目简介。\n",
            "content/events/a.md": article(
                "重阳节活动",
                "2022-10-04",
                body=(
                    "见[去年的活动](../events/b.md)和[第二节](b.md#di-er-jie)。\n\n"
                    "![活动照片](images/照片 1.png)\n\n"
                    "![社区标志](../images/logo.png) [社区动态](/news/) [政府网](https://www.gov.cn/)\n\n"
                    "[关于我们](../about.md) [重庆银行](重庆银行.md) [本页](#top)"
                ),
                tags=["志愿服务", "党建"],
            ),
            "content/events/b.md": article("去年的重阳节", "2021-10-14"),
            "content/events/重庆银行.md": article("重庆银行进社区", "2020-05-01"),
            "content/events/images/照片 1.png": PHOTO,
            "content/images/logo.png": LOGO,
            "content/about.md": article("关于我们", None, body="[活动](events/a.md)"),
            "static/style.css": "body { color: red; }\n",
            "static/js/site.js": "console.log(1)\n",
        }
    )
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(make_site(tmp_path_factory.mktemp("small"), small_site_files()))


# ---------------------------------------------------------------- which pages


def test_pages_of_a_small_site(built: Built) -> None:
    html = {path for path in built.files if path.endswith(".html")}
    expected = {
        "index.html",
        "404.html",
        "search/index.html",
        "about/index.html",
        "news/index.html",
        "news/page/2/index.html",
        "news/page/3/index.html",
        "events/index.html",
        "honors/index.html",
        "achievements/index.html",
        "events/2022/a/index.html",
        "events/2021/b/index.html",
        "events/2020/chong-qing-yin-hang/index.html",
        "tags/index.html",
        "tags/dang-jian/index.html",
        "tags/zhi-yuan-fu-wu/index.html",
    } | {f"news/n{i:02d}/index.html" for i in range(25)}
    assert html == expected
    assert {"atom.xml", "sitemap.xml", "robots.txt", "style.css", "favicon.svg", "js/site.js"} <= set(built.files)
    assert built.findings.items == []


def test_every_internal_link_points_at_a_written_file(built: Built) -> None:
    for path in built.files:
        if not path.endswith(".html") or path == "404.html":
            continue
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        for href in built.hrefs(path):
            if href.startswith(("https://", "http://", "#")):
                continue
            target = href.split("#", 1)[0]
            resolved = normpath(join(folder, unquote(target)))
            assert resolved in built.files, f"{path}: {href} → {resolved}"


# ---------------------------------------------------------------- pagination


def test_section_pagination(built: Built) -> None:
    news = next(s for s in built.site.sections if s.key == "news")
    paginators = list(paginate(news))
    assert [(p.number, p.total, p.url, p.prev_url, p.next_url) for p in paginators] == [
        (1, 3, "/news/", None, "/news/page/2/"),
        (2, 3, "/news/page/2/", "/news/", "/news/page/3/"),
        (3, 3, "/news/page/3/", "/news/page/2/", None),
    ]
    assert [len(p.pages) for p in paginators] == [10, 10, 5]
    assert "news/page/4/index.html" not in built.files


def test_list_pages_have_the_right_articles_and_prev_next(built: Built) -> None:
    def titles(path: str) -> list[str]:
        return re.findall(r">(新闻\d\d)</a>", built.html(path))

    assert titles("news/index.html") == [f"新闻{i:02d}" for i in range(24, 14, -1)]
    assert titles("news/page/2/index.html") == [f"新闻{i:02d}" for i in range(14, 4, -1)]
    assert titles("news/page/3/index.html") == [f"新闻{i:02d}" for i in range(4, -1, -1)]

    assert built.link("news/index.html", "prev") is None
    assert built.link("news/index.html", "next") == "page/2/index.html"
    assert built.link("news/page/2/index.html", "prev") == "../../index.html"
    assert built.link("news/page/2/index.html", "next") == "../3/index.html"
    assert built.link("news/page/3/index.html", "prev") == "../2/index.html"
    assert built.link("news/page/3/index.html", "next") is None
    assert "共 25 条，第 2/3 页" in built.html("news/page/2/index.html")
    assert "<title>社区动态（第 2 页） - 永丰社区</title>" in built.html("news/page/2/index.html")


def test_empty_section_and_single_page_section(built: Built) -> None:
    assert "暂无内容" in built.html("honors/index.html")
    events = built.html("events/index.html")
    assert 'rel="next"' not in events and "共 1 页" not in events  # no pager for one page
    assert "活动栏目简介。" in events


def test_section_pagination_override(tmp_path: Path) -> None:
    sections = [{"key": "news", "title": "动态", "paginate": 2}]
    files = {f"content/news/{i}.md": article(str(i), f"2022-01-0{i}") for i in range(1, 6)}
    built = Built(make_site(tmp_path, files, {"sections": sections, "pagination": 10}))
    assert {p for p in built.files if p.startswith("news/page/")} == {
        "news/page/2/index.html",
        "news/page/3/index.html",
    }


# ---------------------------------------------------------------- article pages


def test_article_page(built: Built) -> None:
    page = built.html("events/2022/a/index.html")
    assert '<h1 data-pagefind-weight="10">重阳节活动</h1>' in page  # the title weighs most in search
    assert "<title>重阳节活动 - 永丰社区</title>" in page
    assert '<time datetime="2022-10-04T00:00:00+08:00">2022年10月4日</time>' in page
    assert '<a href="../../index.html">活动纪实</a>' in page
    assert '<a href="../../../tags/zhi-yuan-fu-wu/index.html">志愿服务</a>' in page
    assert '<a href="../../../tags/dang-jian/index.html">党建</a>' in page
    assert f'<link rel="canonical" href="{BASE_URL}events/2022/a/">' in page
    assert '<link rel="stylesheet" href="../../../style.css">' in page
    assert built.link("events/2022/a/index.html", "prev") is None  # the newest event
    assert built.link("events/2022/a/index.html", "next") == "../../2021/b/index.html"
    assert built.link("events/2021/b/index.html", "prev") == "../../2022/a/index.html"
    assert built.link("events/2021/b/index.html", "next") == "../../2020/chong-qing-yin-hang/index.html"


def test_markdown_links_are_resolved_to_relative_urls(built: Built) -> None:
    page = built.html("events/2022/a/index.html")
    assert '<a href="../../2021/b/index.html">去年的活动</a>' in page  # [x](../events/b.md)
    assert '<a href="../../2021/b/index.html#di-er-jie">第二节</a>' in page
    assert '<a href="../../../news/index.html">社区动态</a>' in page  # a site path written by hand
    assert '<a href="https://www.gov.cn/">政府网</a>' in page
    assert '<a href="../../../about/index.html">关于我们</a>' in page
    assert '<a href="../../2020/chong-qing-yin-hang/index.html">重庆银行</a>' in page
    assert '<a href="#top">本页</a>' in page
    assert '<a href="../events/2022/a/index.html">活动</a>' in built.html("about/index.html")


def test_images_next_to_the_article_are_copied_and_linked(built: Built) -> None:
    page = built.html("events/2022/a/index.html")
    # sized by the published images, as every build does (the static writer runs first)
    assert '<img alt="活动照片" src="../../images/%E7%85%A7%E7%89%87%201.png" width="1" height="1"' in page
    assert built.files["events/images/照片 1.png"] == PHOTO  # a PNG without metadata keeps its bytes
    assert '<img alt="社区标志" src="../../../images/logo.png" width="1" height="1"' in page
    assert built.files["images/logo.png"] == LOGO


def test_problems_of_articles_and_intros_reach_the_findings_with_their_lines(tmp_path: Path) -> None:
    """The pages writer reports what the body-rendering stage found (tests/test_rendering.py has the cases)."""
    site_dir = make_site(tmp_path, {
        "content/_index.md": "---\ntitle: 欢迎\n---\n[坏](nope.md)\n",
        "content/news/_index.md": "---\ntitle: 社区动态\n---\n简介。\n\n![图](nope.png)\n",
        "content/news/a.md": article("甲", body="第一段。\n\n[坏](../events/nope.md)"),
    })
    site, findings = load(site_dir)
    list(write_pages(site, PageRenderers(Renderer(site_dir), MarkdownRenderer()), findings))
    assert sorted((f.code, f.location) for f in findings.errors) == [
        ("broken-link", Location("content/_index.md", 4)),
        ("broken-link", Location("content/news/a.md", 7)),
        ("missing-image", Location("content/news/_index.md", 6)),
    ]


def test_root_relative_links_when_relative_urls_is_off(tmp_path: Path) -> None:
    files = {
        "content/news/a.md": article("甲", body="[乙](b.md)"),
        "content/news/b.md": article("乙"),
    }
    built = Built(make_site(tmp_path, files, {"relative_urls": False}))
    page = built.html("news/a/index.html")
    assert '<a href="/sq/news/b/">乙</a>' in page
    assert '<link rel="stylesheet" href="/sq/style.css">' in page


def test_autoescaped_title(tmp_path: Path) -> None:
    built = Built(make_site(tmp_path, {"content/news/a.md": article("<script>alert(1)</script>")}))
    page = built.html("news/a/index.html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_chinese_heading_ids_and_toc(tmp_path: Path) -> None:
    body = "## 一、主要做法\n\n甲\n\n## 二、工作成效\n\n乙\n\n## 三、下一步打算\n\n丙"
    built = Built(make_site(tmp_path, {"content/news/a.md": article("总结", body=body)}))
    page = built.html("news/a/index.html")
    assert '<h2 id="一主要做法">一、主要做法</h2>' in page
    assert '<a href="#二工作成效">二、工作成效</a>' in page


# ---------------------------------------------------------------- tags, home, 404


def test_tags_index_and_tag_pages(built: Built) -> None:
    index = built.html("tags/index.html")
    assert '<a href="dang-jian/index.html">党建</a> <span>（6）</span>' in index
    assert '<a href="zhi-yuan-fu-wu/index.html">志愿服务</a> <span>（1）</span>' in index
    tag = built.html("tags/dang-jian/index.html")
    assert "<h1>标签：党建</h1>" in tag
    links = re.findall(r'<span class="item-head"><a href="([^"]*)">([^<]*)</a>', tag)
    assert links[0] == ("../../events/2022/a/index.html", "重阳节活动")  # newest first
    assert [title for _, title in links[1:]] == ["新闻20", "新闻15", "新闻10", "新闻05", "新闻00"]


def test_home_page(built: Built) -> None:
    home = built.html("index.html")
    assert "<title>永丰社区</title>" in home
    assert '<h1 class="visually-hidden">欢迎来到永丰社区</h1>' in home  # the masthead shows the name
    assert "社区<strong>简介</strong>。" in home
    # the first section beside 图片新闻: six of its newest
    assert re.findall(r">(新闻\d\d)</a>", home) == ["新闻24", "新闻23", "新闻22", "新闻21", "新闻20", "新闻19"]
    assert '<a href="events/2022/a/index.html">重阳节活动</a>' in home
    assert 'id="s-honors"' not in home  # empty sections are not listed


def test_404_links_are_root_relative(built: Built) -> None:
    hrefs = built.hrefs("404.html")
    assert "/sq/" in hrefs and "/sq/style.css" in hrefs and "/sq/news/" in hrefs
    for href in hrefs:
        assert href.startswith(("/sq/", "#", "https://")), href


def test_404_without_base_url(tmp_path: Path) -> None:
    built = Built(make_site(tmp_path, {}, {"base_url": None}))
    hrefs = built.hrefs("404.html")
    assert "/" in hrefs and "/style.css" in hrefs
    assert all(h.startswith(("/", "#")) for h in hrefs)


# ---------------------------------------------------------------- feed, sitemap, robots


def test_atom_feed(built: Built) -> None:
    root = ET.fromstring(built.files["atom.xml"])
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "永丰社区"
    assert root.findtext(f"{ATOM}id") == BASE_URL
    self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == [f"{BASE_URL}atom.xml"]
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 20  # feed_limit
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["重阳节活动"] + [f"新闻{i:02d}" for i in range(24, 5, -1)]
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True)
    assert root.findtext(f"{ATOM}updated") == "2022-10-04T00:00:00+08:00"
    for entry in entries:
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith(BASE_URL)
        assert entry.findtext(f"{ATOM}id") == link.get("href")
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"{BASE_URL}events/2022/a/"  # type: ignore[union-attr]
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} == {"志愿服务", "党建"}
    assert first.findtext(f"{ATOM}summary")


def test_feed_limit(tmp_path: Path) -> None:
    files = {f"content/news/{i}.md": article(str(i), f"2022-01-0{i}") for i in range(1, 8)}
    built = Built(make_site(tmp_path, files, {"feed_limit": 3}))
    entries = ET.fromstring(built.files["atom.xml"]).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["7", "6", "5"]


def test_sitemap_lists_every_page_with_absolute_urls(built: Built) -> None:
    root = ET.fromstring(built.files["sitemap.xml"])
    locs = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs))
    assert all(loc and loc.startswith(BASE_URL) for loc in locs)
    pages = {
        path.removesuffix("index.html")
        for path in built.files
        if path.endswith(".html") and path not in ("404.html", "search/index.html") and "/page/" not in path
    }
    assert {loc.removeprefix(BASE_URL) for loc in locs if loc} == pages
    lastmods = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root.findall(f"{SITEMAP}url")
    }
    assert lastmods[f"{BASE_URL}events/2022/a/"] == "2022-10-04"


def test_robots_txt(built: Built) -> None:
    robots = built.files["robots.txt"].decode()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots


def test_no_base_url_skips_feed_and_sitemap_with_a_warning(tmp_path: Path) -> None:
    built = Built(make_site(tmp_path, {"content/news/a.md": article("甲")}, {"base_url": None}))
    assert "atom.xml" not in built.files
    assert "sitemap.xml" not in built.files
    assert "Sitemap:" not in built.files["robots.txt"].decode()
    assert [f.code for f in built.findings.warnings] == ["feed-no-base-url"]
    assert built.findings.errors == []
    page = built.html("news/a/index.html")
    assert 'rel="canonical"' not in page


def test_feed_writer_alone_without_base_url(tmp_path: Path) -> None:
    site, _ = load(make_site(tmp_path, {}, {"base_url": None}))
    findings = Findings()
    assert list(write_feed(site, findings)) == []
    assert findings.warnings[0].code == "feed-no-base-url"


# ---------------------------------------------------------------- static files


def test_site_static_overrides_the_theme(built: Built) -> None:
    assert built.files["style.css"] == b"body { color: red; }\n"
    assert built.files["favicon.svg"] == (THEME_DIR / "static" / "favicon.svg").read_bytes()
    assert built.files["js/site.js"] == b"console.log(1)\n"


def test_theme_static_without_site_static(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {})
    site, _ = load(site_dir)
    files = {f.path: f.data for f in write_static(site, site_dir)}
    assert files["style.css"] == (THEME_DIR / "static" / "style.css").read_bytes()


def test_static_skips_hidden_files(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {"static/.DS_Store": b"\x00", "static/.git/x": "x", "static/ok.txt": "ok"})
    site, _ = load(site_dir)
    paths = {f.path for f in write_static(site, site_dir)}
    assert "ok.txt" in paths
    assert not any(p.startswith(".") or "/." in p for p in paths)


# ---------------------------------------------------------------- purity


def test_writers_are_deterministic(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, small_site_files())
    assert Built(site_dir).files == Built(site_dir).files


def test_links_to_section_lists_and_home(tmp_path: Path) -> None:
    """An editor links a list page as _index.md or as its folder."""
    body = "[首页](../_index.md)、[动态](_index.md)、[活动](../events/)、[活动二](../events)、[文章](a.md#一主要做法)"
    built = Built(make_site(tmp_path, {"content/news/a.md": article("甲", body=body)}))
    page = built.html("news/a/index.html")
    assert '<a href="../../index.html">首页</a>' in page
    assert '<a href="../index.html">动态</a>' in page
    assert '<a href="../../events/index.html">活动</a>' in page
    assert '<a href="../../events/index.html">活动二</a>' in page
    assert '<a href="index.html#一主要做法">文章</a>' in page


def test_pages_rendered_by_worker_processes_are_identical(
    tmp_path: Path, rendering_processes: Callable[[], list[int]]
) -> None:
    """Spreading the pages over processes changes nothing: same files, same bytes, same problems."""
    import multiprocessing

    from civicpress.writers.pages import _can_fork

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this system: pages are always rendered in one process")
    assert _can_fork(2), "the test must run the parallel path"
    files = {f"content/news/a{i:02d}.md": article(f"第{i}篇", tags=["甲", f"乙{i % 3}"]) for i in range(30)}
    files["content/news/broken.md"] = article("坏链接", body="[x](nope.md)")
    site_dir = make_site(tmp_path, files)

    def run(workers: int) -> tuple[list[tuple[str, bytes]], list[object]]:
        site, findings = load(site_dir)
        tools = PageRenderers(Renderer(site_dir), MarkdownRenderer())
        out = [(f.path, f.data) for f in write_pages(site, tools, findings, workers=workers, min_pages=1)]
        return out, [(f.code, f.location) for f in findings.items]

    serial = run(1)
    assert rendering_processes() == [os.getpid()] * len(files)  # each article once, here
    parallel = run(2)
    workers = rendering_processes()
    assert len(workers) == len(files)
    assert len(set(workers)) == 2 and os.getpid() not in workers  # two other processes shared them
    assert parallel == serial
    assert ("broken-link", Location("content/news/broken.md", 5)) in parallel[1]
