"""rendering: the body-rendering stage (Markdown + link resolution → HTML, table of contents, problems).

Each test loads a small real site (config → content → model, from files on disk) and renders
one text of it as the pages writer does: an article, a section's intro, the home page's intro.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitemaker import article, load, make_site

from civicpress.errors import Location, SiteError
from civicpress.markup import MarkdownRenderer, Rendered
from civicpress.model import Page, Site
from civicpress.rebuild.memos import MarkdownCache
from civicpress.rendering import RenderedBody, render_body


def page_of(site: Site, source: str) -> Page:
    return next(page for page in site.pages if page.source == source)


def problems(body: RenderedBody) -> list[tuple[str, Location | None]]:
    return [(f.code, f.location) for f in body.problems]


def test_links_of_an_article_become_site_urls_with_a_toc(tmp_path: Path) -> None:
    body = "## 一、做法\n\n见[乙](b.md#di-er)和[栏目](../events/)。\n\n## 二、成效\n\n![标志](../images/logo.png)"
    site_dir = make_site(tmp_path, {
        "content/news/a.md": article("甲", body=body),
        "content/news/b.md": article("乙"),
        "content/images/logo.png": b"\x89PNG\r\n\x1a\n",
    })
    site, _ = load(site_dir)
    page = page_of(site, "content/news/a.md")
    rendered = render_body(page, page.url, site, MarkdownRenderer())
    assert '<a href="../b/index.html#di-er">乙</a>' in rendered.html
    assert '<a href="../../events/index.html">栏目</a>' in rendered.html
    assert '<img alt="标志" src="../../images/logo.png">' in rendered.html
    assert [(h.level, h.id, h.text) for h in rendered.toc] == [(2, "一做法", "一、做法"), (2, "二成效", "二、成效")]
    assert rendered.problems == ()


def test_a_broken_link_in_an_article_is_a_problem_at_its_line(tmp_path: Path) -> None:
    body = (
        "第一段。\n\n见[另一篇](../events/nope.md)。\n\n![照片](images/nope.png)\n\n"
        "[草稿](draft.md)\n\n[外面](../../x.md)"
    )
    site_dir = make_site(
        tmp_path,
        {"content/news/a.md": article("甲", body=body), "content/news/draft.md": article("草稿", draft=True)},
    )
    site, _ = load(site_dir)
    page = page_of(site, "content/news/a.md")
    rendered = render_body(page, page.url, site, MarkdownRenderer())
    # The body starts on line 5 of content/news/a.md.
    assert problems(rendered) == [
        ("broken-link", Location("content/news/a.md", 7)),
        ("missing-image", Location("content/news/a.md", 9)),
        ("link-unpublished", Location("content/news/a.md", 11)),
        ("path-escapes", Location("content/news/a.md", 13)),
    ]
    assert all(f.is_error for f in rendered.problems)
    assert 'href="../events/nope.md"' in rendered.html  # left as written: the editor sees what is wrong


def test_a_broken_link_in_a_section_intro_is_a_problem_at_the_intro_line(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {
        "content/news/_index.md": "---\ntitle: 社区动态\n---\n栏目简介。\n\n[旧闻](old.md)\n",
        "content/news/a.md": article("甲"),
    })
    site, _ = load(site_dir)
    intro = next(section.intro for section in site.sections if section.key == "news")
    rendered = render_body(intro, "/news/", site, MarkdownRenderer())
    assert problems(rendered) == [("broken-link", Location("content/news/_index.md", 6))]
    assert "<p>栏目简介。</p>" in rendered.html


def test_a_broken_link_in_the_home_intro_is_a_problem_at_its_line(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {
        "content/_index.md": "---\ntitle: 欢迎\n---\n[动态](news/) [不存在](nope.md)\n",
        "content/news/a.md": article("甲"),
    })
    site, _ = load(site_dir)
    rendered = render_body(site.home_intro, "/", site, MarkdownRenderer())
    assert problems(rendered) == [("broken-link", Location("content/_index.md", 4))]
    assert '<a href="news/index.html">动态</a>' in rendered.html


def test_no_intro_or_an_empty_one_renders_nothing(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path, {"content/news/_index.md": "---\ntitle: 社区动态\n---\n\n", "content/news/a.md": article("甲")}
    )
    site, _ = load(site_dir)
    intro = next(section.intro for section in site.sections if section.key == "news")
    for text in (None, intro):
        rendered = render_body(text, "/news/", site, MarkdownRenderer())
        assert (rendered.html, rendered.toc, rendered.problems) == ("", (), ())


def test_the_same_broken_link_twice_is_reported_on_both_lines(tmp_path: Path) -> None:
    body = "[通知](hui-yi-tong-zhi.md)\n\n[坏](tong-zhi.md)\n\n[又坏](tong-zhi.md)"
    site_dir = make_site(
        tmp_path, {"content/news/a.md": article("甲", body=body), "content/news/hui-yi-tong-zhi.md": article("乙")}
    )
    site, _ = load(site_dir)
    page = page_of(site, "content/news/a.md")
    rendered = render_body(page, page.url, site, MarkdownRenderer())
    assert problems(rendered) == [
        ("broken-link", Location("content/news/a.md", 7)), ("broken-link", Location("content/news/a.md", 9))
    ]


def test_script_links_are_refused(tmp_path: Path) -> None:
    body = "[点我](javascript:alert(1))\n\n[再点](JavaScript:alert(2))\n\n![图](data:text/html,<script>x</script>)"
    site_dir = make_site(tmp_path, {"content/news/a.md": article("甲", body=body)})
    site, _ = load(site_dir)
    page = page_of(site, "content/news/a.md")
    rendered = render_body(page, page.url, site, MarkdownRenderer())
    assert [(f.code, f.location.line if f.location else None) for f in rendered.problems] == [
        ("unsafe-link", 5), ("unsafe-link", 7), ("unsafe-link", 9)
    ]
    assert "javascript:" not in rendered.html.lower()


def test_images_without_alt_text_are_warnings_at_their_lines(tmp_path: Path) -> None:
    body = '![](../images/logo.png)\n\n![标志](../images/logo.png)\n\n<img src="../images/logo.png">'
    site_dir = make_site(
        tmp_path,
        {"content/news/a.md": article("甲", body=body), "content/images/logo.png": b"\x89PNG\r\n\x1a\n"},
        {"allow_html": True},
    )
    site, _ = load(site_dir)
    page = page_of(site, "content/news/a.md")
    rendered = render_body(page, page.url, site, MarkdownRenderer(allow_html=True))
    assert problems(rendered) == [("image-alt", Location("content/news/a.md", 5)),
                                  ("image-alt", Location("content/news/a.md", 9))]
    assert not any(f.is_error for f in rendered.problems)


class NoMarkdown(MarkdownRenderer):
    """A renderer that must not be asked: the text is in the memo."""

    def render(self, text: str, resolve: Callable[[str, bool], str] | None = None) -> Rendered:
        raise AssertionError("rendered again")


def test_a_remembered_rendering_is_not_used_once_its_link_target_is_gone(tmp_path: Path) -> None:
    """The memo's rendering checks its links again; a problem is then reported once, not per attempt."""
    files = {"content/news/a.md": article("甲", body="[乙](b.md)\n\n[乙](b.md)"), "content/news/b.md": article("乙")}
    memo = MarkdownCache(tmp_path / "memo", allow_html=False)
    site, _ = load(make_site(tmp_path / "before", files))
    page = page_of(site, "content/news/a.md")
    first = render_body(page, page.url, site, MarkdownRenderer(), memo)
    assert first.problems == () and '<a href="../b/index.html">乙</a>' in first.html
    assert render_body(page, page.url, site, NoMarkdown(), memo) == first  # from the memo, not rendered again

    del files["content/news/b.md"]
    site, _ = load(make_site(tmp_path / "after", files))
    page = page_of(site, "content/news/a.md")
    after = render_body(page, page.url, site, MarkdownRenderer(), memo)
    assert problems(after) == [
        ("broken-link", Location("content/news/a.md", 5)), ("broken-link", Location("content/news/a.md", 7))
    ]
    assert 'href="b.md"' in after.html


def test_a_body_nested_too_deep_stops_with_its_line(tmp_path: Path) -> None:
    body = "第一段。\n\n" + "> " * 100 + "引用"
    site_dir = make_site(tmp_path, {"content/news/a.md": article("甲", body=body)})
    site, _ = load(site_dir)
    page = page_of(site, "content/news/a.md")
    with pytest.raises(SiteError) as caught:
        render_body(page, page.url, site, MarkdownRenderer())
    assert [(f.code, f.location) for f in caught.value.findings] == [
        ("markdown-too-deep", Location("content/news/a.md", 7))
    ]
