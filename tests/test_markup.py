"""markup: Markdown for Chinese text: heading ids, soft breaks, links, plain text."""

from __future__ import annotations

import pytest

from civicpress.markup import Heading, MarkdownRenderer, plain_text


@pytest.fixture(scope="module")
def md() -> MarkdownRenderer:
    return MarkdownRenderer()


def html(md: MarkdownRenderer, text: str) -> str:
    return md.render(text).html


# ---------------------------------------------------------------- headings


def test_heading_ids_keep_chinese(md: MarkdownRenderer) -> None:
    rendered = md.render("## 一、主要做法\n\n正文\n\n### （一）强化党建引领\n\n### 2. Hello World\n")
    assert '<h2 id="一主要做法">一、主要做法</h2>' in rendered.html
    assert '<h3 id="一强化党建引领">（一）强化党建引领</h3>' in rendered.html
    assert '<h3 id="2-hello-world">2. Hello World</h3>' in rendered.html
    assert rendered.toc == (
        Heading(2, "一主要做法", "一、主要做法"),
        Heading(3, "一强化党建引领", "（一）强化党建引领"),
        Heading(3, "2-hello-world", "2. Hello World"),
    )


def test_repeated_headings_get_distinct_ids(md: MarkdownRenderer) -> None:
    rendered = md.render("## 工作成效\n\n## 工作成效\n")
    assert [h.id for h in rendered.toc] == ["工作成效", "工作成效_1"]


def test_toc_is_flat_in_document_order_and_limited_to_levels_2_to_4(md: MarkdownRenderer) -> None:
    rendered = md.render("# 大标题\n\n## 一\n\n### 一.1\n\n#### 一.1.1\n\n##### 太深\n\n## 二\n")
    assert [(h.level, h.text) for h in rendered.toc] == [(2, "一"), (3, "一.1"), (4, "一.1.1"), (2, "二")]


def test_renderer_is_reusable_without_state_leaking(md: MarkdownRenderer) -> None:
    first = md.render("## 标题\n\n正文[^1]\n\n[^1]: 注释一")
    second = md.render("## 标题\n\n正文[^1]\n\n[^1]: 注释二")
    assert [h.id for h in second.toc] == ["标题"]  # not 标题_1: ids start afresh
    assert first.html.replace("注释一", "注释二") == second.html
    assert md.render("没有标题").toc == ()


# ---------------------------------------------------------------- soft breaks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一行\n第二行", "<p>第一行第二行</p>"),
        ("社区党委，\n“两学一做”", "<p>社区党委，“两学一做”</p>"),  # wide punctuation counts as Chinese
        ("中文 \n 中文", "<p>中文中文</p>"),  # spaces around the break go too
        ("第一行\n第二行\n第三行", "<p>第一行第二行第三行</p>"),
        ("中文\nEnglish", "<p>中文\nEnglish</p>"),  # a space between Chinese and Latin is wanted
        ("English\n中文", "<p>English\n中文</p>"),
        ("2022\n年", "<p>2022\n年</p>"),
        ("中文  \n中文", "<p>中文<br>\n中文</p>"),  # a hard break (two spaces) stays
        ("中文\n**加粗**", "<p>中文<strong>加粗</strong></p>"),  # across an inline boundary
        ("**加粗**\n中文", "<p><strong>加粗</strong>中文</p>"),
        ("*强调*\n*强调*", "<p><em>强调</em><em>强调</em></p>"),  # the break alone between two tags
        ("**一是**\n**二是**", "<p><strong>一是</strong><strong>二是</strong></p>"),
        ("**加粗。**后文", "<p><strong>加粗。</strong>后文</p>"),  # CJK punctuation before closing **
        ("第一段\n\n第二段", "<p>第一段</p>\n<p>第二段</p>"),
    ],
    ids=[
        "chinese", "wide-punctuation", "spaces", "three-lines", "chinese-latin", "latin-chinese", "digits",
        "hard-break", "before-strong", "after-strong", "between-em", "between-strong", "punctuation-in-strong",
        "paragraphs",
    ],
)
def test_soft_breaks(md: MarkdownRenderer, text: str, expected: str) -> None:
    assert html(md, text) == expected


def test_soft_break_kept_inside_code(md: MarkdownRenderer) -> None:
    assert html(md, "    中文\n    中文\n") == "<pre><code>中文\n中文\n</code></pre>"
    assert "中文\n中文" in html(md, "`中文\n中文`")
    assert "中文\n中文" in html(md, "```\n中文\n中文\n```")


def test_soft_break_in_list_items(md: MarkdownRenderer) -> None:
    assert html(md, "- 第一行\n  第二行\n- 其他") == "<ul>\n<li>第一行第二行</li>\n<li>其他</li>\n</ul>"


# ---------------------------------------------------------------- extensions


def test_tables(md: MarkdownRenderer) -> None:
    out = html(md, "| 项目 | 数量 |\n|---|---:|\n| 党员 | 56 |\n")
    assert "<table>" in out
    assert "<th>项目</th>" in out
    assert '<td style="text-align: right;">56</td>' in out


def test_footnotes(md: MarkdownRenderer) -> None:
    out = html(md, "社区共有党员 56 名[^1]。\n\n[^1]: 数据截至 2022 年底。\n")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in out
    assert '<li id="fn:1">' in out
    assert "数据截至 2022 年底。" in out


def test_attr_list(md: MarkdownRenderer) -> None:
    out = html(md, "## 工作成效 {: #results .highlight }\n\n重要段落\n{: .note }\n")
    assert '<h2 class="highlight" id="results">工作成效</h2>' in out
    assert '<p class="note">重要段落</p>' in out


def test_attr_list_heading_id_in_toc(md: MarkdownRenderer) -> None:
    rendered = md.render("## 工作成效 {#results}\n")
    assert rendered.toc == (Heading(2, "results", "工作成效"),)


def test_sane_lists(md: MarkdownRenderer) -> None:
    out = html(md, "1. 一\n2. 二\n\n- 甲\n- 乙\n")
    assert "<ol>" in out and "<ul>" in out


def test_raw_html_and_escaping(md: MarkdownRenderer) -> None:
    assert html(md, "a < b & c") == "<p>a &lt; b &amp; c</p>"


# ---------------------------------------------------------------- links


def test_resolver_gets_every_link_and_image(md: MarkdownRenderer) -> None:
    calls: list[tuple[str, bool]] = []

    def resolve(href: str, is_image: bool) -> str:
        calls.append((href, is_image))
        return f"/resolved/{len(calls)}"

    text = (
        "见[另一篇](../events/b.md)和![照片](images/p.png)。\n\n"
        "[外部](https://www.gov.cn/) <https://example.cn/> [锚点](#一主要做法)\n\n"
        "[引用式][ref] ![引用图][img]\n\n"
        "- [列表里的链接](a.md)\n\n"
        "| 表格 |\n|---|\n| [表格里的链接](t.md) |\n\n"
        "[ref]: ../news/c.md\n[img]: 图片/照片%201.jpg\n"
    )
    out = md.render(text, resolve).html
    assert calls == [
        ("../events/b.md", False),
        ("images/p.png", True),
        ("https://www.gov.cn/", False),
        ("https://example.cn/", False),
        ("#一主要做法", False),
        ("../news/c.md", False),
        ("图片/照片%201.jpg", True),
        ("a.md", False),
        ("t.md", False),
    ]
    for number in range(1, len(calls) + 1):
        assert f"/resolved/{number}\"" in out
    assert "../events/b.md" not in out


def test_resolver_sees_footnote_links(md: MarkdownRenderer) -> None:
    calls: list[str] = []
    md.render("文字[^1]\n\n[^1]: 注。", lambda href, image: calls.append(href) or href)
    assert "#fn:1" in calls


def test_no_resolver_leaves_links(md: MarkdownRenderer) -> None:
    assert html(md, "[x](a.md)") == '<p><a href="a.md">x</a></p>'


def test_resolver_is_not_kept_after_a_render(md: MarkdownRenderer) -> None:
    md.render("[x](a.md)", lambda href, image: "/changed/")
    assert html(md, "[x](a.md)") == '<p><a href="a.md">x</a></p>'


# ---------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**加粗**与*斜体*和`代码`", "加粗与斜体和代码"),
        ("见[另一篇](../events/b.md)和![照片](images/p.png)。", "见另一篇和。"),
        ("社区党员 56 名[^1]。", "社区党员 56 名。"),
        ("重要段落{: .note }", "重要段落"),
        ("<span>标签</span>内容", "标签内容"),
        ("第一行\n第二行", "第一行第二行"),
        ("Hello\nworld", "Hello world"),
        ("| 项目 | 数量 |\n|---|---|\n| 党员 | 56 |", "项目 数量\n党员 56"),
        ("## 一、主要做法", "一、主要做法"),
        ("> 引用的话", "引用的话"),
        ("- 甲\n- 乙", "甲乙"),
    ],
)
def test_plain_text_strips_markup(text: str, expected: str) -> None:
    assert plain_text(text) == expected


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("第一段。\n\n第二段。", ["第一段。", "第二段。"]),
        ("导语。\n\n## 一、主要做法\n\n正文。", ["导语。", "一、主要做法", "正文。"]),
        ("导语。\n\n- 第一项\n- 第二项", ["导语。", "第一项第二项"]),
        ("导语。\n\n> 引用", ["导语。", "引用"]),
        ("导语。\n\n1. 第一", ["导语。", "第一"]),
    ],
    ids=["paragraphs", "heading", "list", "quote", "ordered-list"],
)
def test_plain_text_keeps_blocks_apart(text: str, lines: list[str]) -> None:
    """Each paragraph, heading, list or quote is its own line: a summary must not run into a heading."""
    assert plain_text(text).split("\n") == lines


def test_fenced_code_and_chinese_footnote_backlinks() -> None:
    html = MarkdownRenderer().render("正文[^1]\n\n```\n代码\n代码\n```\n\n[^1]: 注释。").html
    assert "<pre><code>代码\n代码\n</code></pre>" in html
    assert 'title="返回正文第 1 处"' in html


def test_raw_html_is_text_unless_allowed() -> None:
    text = '正文<script>alert(1)</script>\n\n<div onclick="steal()">块</div>'
    html = MarkdownRenderer().render(text).html
    assert "<script>" not in html and "<div" not in html
    assert "&lt;script&gt;" in html


def test_allowed_raw_html_is_sanitized() -> None:
    text = '<div class="note" onclick="steal()">块<script>alert(1)</script><img src=x onerror=alert(1)></div>'
    html = MarkdownRenderer(allow_html=True).render(text).html
    assert "<div" in html
    for bad in ("onclick", "<script", "onerror"):
        assert bad not in html
