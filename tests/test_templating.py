"""templating: the Jinja environment, every filter's and global's example, errors with file and line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup
from sitemaker import BASE_URL, make_site

from civicpress.config import SectionConfig, SiteConfig
from civicpress.errors import Location, SiteError
from civicpress.templating import FILTERS, GLOBALS, THEME_DIR, Example, Renderer, cn_date

CONFIG = SiteConfig(
    title="永丰社区",
    sections=(SectionConfig("events", "活动纪实"),),
    base_url=BASE_URL,  # https://example.cn/sq/
    relative_urls=True,
)


@pytest.fixture(scope="module")
def theme() -> Renderer:
    return Renderer(None)


def render_string(renderer: Renderer, template: str, context: dict[str, Any]) -> str:
    return renderer.env.from_string(template).render(context)


TABLE = [("filter", name, example) for name, (_, example) in FILTERS.items()] + [
    ("global", name, example) for name, (_, example) in GLOBALS.items()
]


@pytest.mark.parametrize(("kind", "name", "example"), TABLE, ids=[f"{k}:{n}" for k, n, _ in TABLE])
def test_every_filter_and_global_runs_its_example(theme: Renderer, kind: str, name: str, example: Example) -> None:
    assert isinstance(example, Example)
    assert example.expected, f"{kind} {name} has an example without an expected output"
    assert name in example.template, f"the example of {kind} {name} does not use it"
    context = {"config": CONFIG, **(example.context or {})}
    assert render_string(theme, example.template, context) == example.expected


def test_table_entries_are_registered(theme: Renderer) -> None:
    for name, (function, _) in FILTERS.items():
        assert theme.env.filters[name] is function
    for name, (function, _) in GLOBALS.items():
        assert theme.env.globals[name] is function


def test_the_table_is_not_empty() -> None:
    assert {"cn_date", "thousands"} <= set(FILTERS)
    assert {"url", "abs_url"} <= set(GLOBALS)


# ---------------------------------------------------------------- filters and globals beyond the examples


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "2022年9月19日"),
        ("short", "2022-09-19"),
        ("iso", "2022-09-19T14:30:00+08:00"),
        ("month", "2022年9月"),
        ("weekday", "2022年9月19日 星期一"),
    ],
)
def test_cn_date_styles(style: str, expected: str) -> None:
    assert cn_date(datetime(2022, 9, 19, 14, 30, tzinfo=timezone(timedelta(hours=8))), style) == expected


def test_cn_date_weekday_sunday_and_none() -> None:
    assert cn_date(datetime(2022, 9, 25), "weekday") == "2022年9月25日 星期日"
    assert cn_date(None) == ""


@pytest.mark.parametrize(
    ("page_url", "target", "relative", "root_links", "expected"),
    [
        ("/news/a/", "/events/", True, False, "../../events/index.html"),
        ("/", "/style.css", True, False, "style.css"),
        ("/news/a/", "/活动/", True, False, "../../%E6%B4%BB%E5%8A%A8/index.html"),
        ("/news/a/", "/events/", False, False, "/sq/events/"),  # relative_urls: false → root-relative
        ("/404.html", "/events/", True, True, "/sq/events/"),  # the 404 page is served anywhere
    ],
)
def test_url_global(
    theme: Renderer, page_url: str, target: str, relative: bool, root_links: bool, expected: str
) -> None:
    config = SiteConfig(title="t", sections=(), base_url=CONFIG.base_url, relative_urls=relative)
    context = {"config": config, "page_url": page_url, "root_links": root_links}
    assert render_string(theme, "{{ url(target) }}", {**context, "target": target}) == expected


def test_abs_url_global(theme: Renderer) -> None:
    out = render_string(theme, "{{ abs_url('/活动/a/') }}", {"config": CONFIG, "page_url": "/"})
    assert out == "https://example.cn/sq/%E6%B4%BB%E5%8A%A8/a/"


# ---------------------------------------------------------------- the environment


def test_autoescape_is_on(theme: Renderer) -> None:
    out = render_string(theme, "<h1>{{ title }}</h1>", {"title": "<script>alert('x')</script>"})
    assert out == "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"


def test_autoescape_in_theme_templates(tmp_path: Path) -> None:
    renderer = Renderer(make_site(tmp_path, {"templates/t.html": "{{ page_title }}|{{ safe_html }}"}))
    out = renderer.render("t.html", {"page_title": "<b>标题</b> & 更多", "safe_html": Markup("<p>正文</p>")})
    assert out == "&lt;b&gt;标题&lt;/b&gt; &amp; 更多|<p>正文</p>"


def test_strict_undefined(tmp_path: Path) -> None:
    renderer = Renderer(make_site(tmp_path, {"templates/t.html": "第一行\n\n{{ titel }}\n"}))
    with pytest.raises(SiteError) as caught:
        renderer.render("t.html", {"title": "x"})
    (finding,) = caught.value.findings
    assert finding.code == "template-error"
    assert finding.location == Location("templates/t.html", 3)


def test_strict_undefined_attribute(tmp_path: Path) -> None:
    renderer = Renderer(make_site(tmp_path, {"templates/t.html": "{{ config.titel }}"}))
    with pytest.raises(SiteError) as caught:
        renderer.render("t.html", {"config": CONFIG})
    assert caught.value.findings[0].code == "template-error"
    assert caught.value.findings[0].location == Location("templates/t.html", 1)


def test_site_template_overrides_the_theme(tmp_path: Path) -> None:
    base = "<!DOCTYPE html><title>自定义 {{ title }}</title>{% block main %}{% endblock %}\n"
    renderer = Renderer(make_site(tmp_path, {"templates/base.html": base}))
    out = renderer.render("404.html", {"title": "页面不存在", "config": CONFIG, "page_url": "/404.html"})
    assert out.startswith("<!DOCTYPE html><title>自定义 页面不存在</title>")
    assert "返回首页" in out  # 404.html itself still comes from the theme
    assert renderer.has("base.html") and renderer.has("article.html")
    assert not renderer.has("nope.html")


def test_theme_templates_exist() -> None:
    names = {p.name for p in (THEME_DIR / "templates").iterdir()}
    assert {"base.html", "article.html", "section.html", "home.html", "tags.html", "tag.html", "404.html"} <= names


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("第一行\n第二行\n{% if x %}\n", 3),
        ("{{ title\n", 1),
        ("a\n{% for x in y %}{% endif %}\n", 2),
        ("a\nb\nc\n{{ x | nosuchfilter }}\n", 4),
    ],
)
def test_template_syntax_error_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    renderer = Renderer(make_site(tmp_path, {"templates/x.html": text}))
    with pytest.raises(SiteError) as caught:
        renderer.render("x.html", {"x": 1, "y": [], "title": "t"})
    (finding,) = caught.value.findings
    assert finding.code == "template-syntax"
    assert finding.location == Location("templates/x.html", line)
    assert finding.hint


def test_syntax_error_in_an_overridden_parent_template(tmp_path: Path) -> None:
    renderer = Renderer(make_site(tmp_path, {"templates/base.html": "<html>\n{{ title\n</html>\n"}))
    with pytest.raises(SiteError) as caught:
        renderer.render("404.html", {"title": "t", "config": CONFIG, "page_url": "/404.html"})
    assert caught.value.findings[0].code == "template-syntax"
    assert caught.value.findings[0].location.path == "templates/base.html"  # type: ignore[union-attr]


def test_missing_template(theme: Renderer) -> None:
    with pytest.raises(SiteError) as caught:
        theme.render("nope.html", {})
    assert caught.value.findings[0].code == "template-missing"
    assert "nope.html" in caught.value.findings[0].message


def test_renderers_share_no_state(tmp_path: Path) -> None:
    one = Renderer(make_site(tmp_path / "1", {"templates/t.html": "一"}))
    two = Renderer(make_site(tmp_path / "2", {"templates/t.html": "二"}))
    assert one.render("t.html", {}) == "一"
    assert two.render("t.html", {}) == "二"


def test_a_template_no_page_uses_is_still_checked(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    (site_dir / "templates" / "partials").mkdir(parents=True)
    (site_dir / "templates" / "partials" / "unused.html").write_text("a\n{% if x %}\nb\n", encoding="utf-8")
    problems = Renderer(site_dir).check_site_templates()
    assert [(p.code, p.location) for p in problems] == [
        ("template-syntax", Location("templates/partials/unused.html", 3))  # Jinja points at the end
    ]
