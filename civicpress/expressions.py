"""Data expressions inside articles: ``{{ data.stats.party_members.retired }}``.

Article text comes from editors and from imported reports, so it is evaluated in Jinja's
sandbox with StrictUndefined: an unknown key is an error naming the file and line, never a
blank in a published figure. Only ``data`` (and the page's own front matter as ``page``) are
visible; no attribute starting with ``_`` and no callable of the host is reachable.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from civicpress.errors import Finding, Location

_MARKERS = ("{{", "{%")


def make_environment() -> SandboxedEnvironment:
    """The sandbox for content. Autoescape is off: the result is Markdown, escaped later."""
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # `{#id}` is Markdown's heading-id syntax (attr_list), not a Jinja comment.
        comment_start_string="{#civicpress-comment",
        comment_end_string="civicpress-comment#}",
    )
    env.filters["thousands"] = thousands
    return env


def has_expressions(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def expand(
    env: SandboxedEnvironment,
    text: str,
    context: Mapping[str, Any],
    location: Location,
    first_line: int,
) -> tuple[str, Finding | None]:
    """Evaluate the expressions in ``text``. ``first_line`` is the file line of the text's line 1.

    Returns the text unchanged and a finding when evaluation fails.
    """
    if not has_expressions(text):
        return text, None
    name = f"{location.path}#{first_line}"
    try:
        template = env.from_string(text)
        return template.render(context), None
    except TemplateSyntaxError as exc:
        line = first_line + (exc.lineno or 1) - 1
        return text, Finding(
            "expression-syntax",
            f"数据表达式写法有误：{exc.message}",
            location.at(line),
            "表达式写成 {{ data.文件名.键名 }}，花括号要成对；要原样显示花括号，请用 {% raw %}…{% endraw %} 包起来。",
        )
    except UndefinedError as exc:
        line = first_line + _template_line(exc, name) - 1
        key = _missing_key(str(exc))
        return text, Finding(
            "undefined-data",
            f"数据中没有 {key}" if key else f"数据表达式引用了不存在的内容（{exc}）",
            location.at(line),
            "检查 content/_data/ 中的数据文件，键名要与表达式完全一致（区分大小写）。",
        )
    except SecurityError as exc:
        line = first_line + _template_line(exc, name) - 1
        return text, Finding("expression-unsafe", f"数据表达式不允许这样写：{exc}", location.at(line))
    except (TemplateError, ArithmeticError, TypeError, ValueError) as exc:
        line = first_line + _template_line(exc, name) - 1
        return text, Finding("expression-error", f"数据表达式出错：{exc}", location.at(line))


def _template_line(exc: BaseException, name: str) -> int:
    """The template line where ``exc`` was raised (Jinja rewrites frames to template lines)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<template>" and frame.lineno:
            return frame.lineno
    return 1


def _missing_key(message: str) -> str:
    match = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    return match.group(1) if match else ""


def thousands(value: Any) -> str:
    """12345 → 12,345 (a filter for figures)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
