"""The Jinja environment for the site's templates: loaders, filters and globals.

The site's ``templates/`` folder overrides the built-in theme file by file. Autoescape is on
and undefined names are errors (StrictUndefined), so a typo in a template fails the build
with the template's file and line instead of printing a blank. Every filter and global is in
one table below, each with an example that ``tests/test_templating.py`` runs.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.runtime import Context

from civicpress.errors import Finding, Location, SiteError
from civicpress.expressions import thousands
from civicpress.figures import figure_groups, key_figures
from civicpress.graphics import bar_chart, line_chart, qr_code
from civicpress.model import BODY_FIELDS, Page
from civicpress.sitefolder import TEMPLATES_DIR
from civicpress.urls import absolute_url, relative_url, root_url

THEME_DIR = Path(__file__).parent / "theme"
SITE_TEMPLATES = TEMPLATES_DIR
THEME_LABEL = "默认主题"

WEEKDAYS = "一二三四五六日"


def cn_date(value: datetime | str | None, style: str = "long") -> str:
    """``long`` 2022年9月19日 · ``short`` 2022-09-19 · ``iso`` 2022-09-19T00:00:00+08:00 · ``month`` 2022年9月.

    A date written as text in a data file may leave out the day or the month: ``2018-06`` → 2018年6月.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_date(value, style)
    if style == "short":
        return value.strftime("%Y-%m-%d")
    if style == "iso":
        return value.isoformat()
    if style == "month":
        return f"{value.year}年{value.month}月"
    if style == "weekday":
        return f"{value.year}年{value.month}月{value.day}日 星期{WEEKDAYS[value.weekday()]}"
    return f"{value.year}年{value.month}月{value.day}日"


def _text_date(text: str, style: str) -> str:
    """``2018-06-05`` / ``2018-06`` / ``2018`` in Chinese; ``short`` and ``iso`` keep the text."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text.strip())
    if not match or style in ("short", "iso"):
        return text
    year, month, day = match.groups()
    if style == "month" or not day:
        day = None
    return f"{year}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")


def grouped(records: Any, key: str, order: Any = ()) -> list[tuple[Any, list[Any]]]:
    """Records grouped by ``record[key]``: the keys of ``order`` first, then the others as they come.

    Each group keeps the records' order; a record without the key is in the group ``""``.
    """
    groups: dict[Any, list[Any]] = {name: [] for name in order}
    for record in records:
        groups.setdefault(record.get(key, ""), []).append(record)
    return [(name, members) for name, members in groups.items() if members]


def dig(value: Any, path: str) -> Any:
    """``data.stats | dig('party_members.total')``: the value at a dotted path, or None when absent."""
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


@dataclass(frozen=True)
class Example:
    """A documented use of a filter or global: the template, its context, the expected output."""

    template: str
    expected: str
    context: Mapping[str, Any] | None = None


# name -> (function, example). The URL functions read the current page from the context.
FILTERS: dict[str, tuple[Callable[..., Any], Example]] = {
    "cn_date": (
        cn_date,
        Example("{{ d | cn_date }} {{ d | cn_date('short') }}", "2022年9月19日 2022-09-19",
                {"d": datetime(2022, 9, 19)}),
    ),
    "thousands": (thousands, Example("{{ 12345 | thousands }}", "12,345")),
    "grouped": (
        grouped,
        Example("{% for level, items in honors | grouped('level', ['国家级', '省级']) %}"
                "{{ level }}{{ items | length }} {% endfor %}", "省级2 区级1 ",
                {"honors": [{"level": "区级"}, {"level": "省级"}, {"level": "省级"}]}),
    ),
    "dig": (
        dig,
        Example("{{ stats | dig('party_members.total') }} {{ stats | dig('no.such') }}", "491 None",
                {"stats": {"party_members": {"total": 491}}}),
    ),
    # stats.yaml → labelled figures grouped by its structure (civicpress.figures), whatever its keys.
    "figure_groups": (
        figure_groups,
        Example("{% for g in stats | figure_groups %}{{ g.title }}:{% for f in g.figures %}"
                "{{ f.label }}={{ f.value }}{{ f.unit }} {% endfor %}{% endfor %}",
                "党员:党员总数=491人 branches=5 ",
                {"stats": {"labels": {"party": "党员", "party.total": {"label": "党员总数", "unit": "人"}},
                           "party": {"total": 491, "branches": 5}}}),
    ),
    "key_figures": (
        key_figures,
        Example("{% for f in stats | key_figures %}{{ f.label }} {{ f.value }}；{% endfor %}",
                "households 120；trees 36；",
                {"stats": {"homes": {"households": 120, "rooms": 300}, "green": {"trees": 36}}}),
    ),
}


@pass_context
def url(context: Context, target: str) -> str:
    """A link from the page being rendered to a site path, as the site's URL style wants."""
    config = context["config"]
    if config.relative_urls and not context.get("root_links"):
        return relative_url(context["page_url"], target)
    return root_url(config.base_url, target)


@pass_context
def abs_url(context: Context, target: str) -> str:
    """An absolute URL (base_url + site path) for canonical links and sharing."""
    return absolute_url(context["config"].base_url, target)


GLOBALS: dict[str, tuple[Callable[..., Any], Example]] = {
    "url": (
        url,
        Example("{{ url('/events/') }}", "../../events/index.html", {"page_url": "/news/a/"}),
    ),
    "abs_url": (
        abs_url,
        Example("{{ abs_url('/events/') }}", "https://example.cn/sq/events/", {"page_url": "/"}),
    ),
    # Charts and QR codes (civicpress.graphics): inline SVG drawn at build time.
    "bar_chart": (
        bar_chart,
        Example("{{ bar_chart(rows, 'branch', 'members', title='党员人数', unit='人') | striptags }}",
                "党员人数 一支部 12人 二支部 9人",
                {"rows": [{"branch": "一支部", "members": 12}, {"branch": "二支部", "members": 9}]}),
    ),
    "line_chart": (
        line_chart,
        Example("{{ line_chart(rows, 'year', 'placed', title='安置人次') | striptags }}",
                "安置人次 0 50 100 150 148 2018 136 2019",
                {"rows": [{"year": 2018, "placed": 148}, {"year": 2019, "placed": 136}]}),
    ),
    "qr_code": (
        qr_code,
        Example("{{ qr_code('https://example.cn/sq/a/', title='扫码阅读') | striptags }}", "扫码阅读"),
    ),
}


class TrackingEnvironment(Environment):
    """An Environment that notes which pages' body-derived fields (BODY_FIELDS) templates read."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.reads: set[str] = set()

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute in BODY_FIELDS and isinstance(obj, Page):
            self.reads.add(f"{attribute}:{obj.source}")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Page) and argument in BODY_FIELDS:
            self.reads.add(f"{argument}:{obj.source}")
        return super().getitem(obj, argument)


class Renderer:
    """Renders theme templates; a template problem becomes a SiteError naming file and line."""

    def __init__(self, site_dir: Path | None) -> None:
        self._site_templates = (site_dir / SITE_TEMPLATES).resolve() if site_dir else None
        loaders = []
        if self._site_templates and self._site_templates.is_dir():
            loaders.append(FileSystemLoader(str(self._site_templates)))
        loaders.append(FileSystemLoader(str(THEME_DIR / "templates")))
        self.env = TrackingEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        for name, (function, _) in FILTERS.items():
            self.env.filters[name] = function
        for name, (function, _) in GLOBALS.items():
            self.env.globals[name] = function

    def check_site_templates(self) -> list[Finding]:
        """Syntax errors in every template of the site's templates/, used by a page or not."""
        problems: list[Finding] = []
        if not self._site_templates or not self._site_templates.is_dir():
            return problems
        for path in sorted(self._site_templates.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = path.relative_to(self._site_templates).as_posix()
            try:
                self.env.get_template(name)
            except TemplateSyntaxError as exc:
                problems.append(self._syntax_finding(exc, name))
            except UnicodeDecodeError:
                problems.append(
                    Finding("encoding", "模板不是 UTF-8 编码", Location(f"{SITE_TEMPLATES}/{name}"),
                            "请用记事本“另存为”，编码选 UTF-8。")
                )
        return problems

    def _syntax_finding(self, exc: TemplateSyntaxError, name: str) -> Finding:
        return Finding(
            "template-syntax",
            f"模板语法错误：{exc.message}",
            Location(self._label(exc.filename or name), exc.lineno),
            "检查 {{ }} 和 {% %} 是否成对，{% if %}/{% for %} 是否有对应的 {% endif %}/{% endfor %}。",
        )

    def has(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except TemplateNotFound:
            return False
        except TemplateSyntaxError:
            return True
        return True

    @property
    def reads(self) -> frozenset[str]:
        """The body-derived fields of pages the last ``render`` read, as ``field:source``."""
        return frozenset(self.env.reads)

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        self.env.reads.clear()
        try:
            return self.env.get_template(name).render(context)
        except TemplateSyntaxError as exc:
            raise SiteError(self._syntax_finding(exc, name)) from None
        except TemplateNotFound as exc:
            path, line = self._where(exc, SITE_TEMPLATES)
            raise SiteError.single(
                "template-missing",
                f"找不到模板 {exc.name}",
                Location(path, line),
                "检查 {% include %} 或 {% extends %} 中的模板文件名；模板放在网站的 templates/ 文件夹中。",
            ) from None
        except SiteError:
            raise
        except (TemplateError, ArithmeticError, TypeError, ValueError, AttributeError, KeyError) as exc:
            path, line = self._where(exc, name)
            raise SiteError(
                Finding(
                    "template-error",
                    f"渲染模板时出错：{exc}",
                    Location(path, line),
                    "检查模板中引用的变量名是否拼写正确。",
                )
            ) from None

    def _label(self, filename: str) -> str:
        """A template's path as the editor knows it: templates/x.html, or the default theme's."""
        path = Path(filename)
        if self._site_templates and path.is_absolute():
            try:
                return f"{SITE_TEMPLATES}/{path.resolve().relative_to(self._site_templates).as_posix()}"
            except ValueError:
                pass
        if path.is_absolute():
            return f"{THEME_LABEL} {path.name}"
        return filename

    def _where(self, exc: BaseException, name: str) -> tuple[str, int | None]:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".html") or frame.filename.endswith(".xml"):
                return self._label(frame.filename), frame.lineno
        return name, None
