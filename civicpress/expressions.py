"""Data expressions inside articles: ``{{ data.stats.party_members.retired }}``.

Article text comes from editors and from imported reports, so it is evaluated in Jinja's
sandbox with StrictUndefined: an unknown key is an error naming the file and line, never a
blank in a published figure. Only what ``expression_context`` lists is visible (the same for
articles, materials and the booklet); no attribute starting with ``_`` and no callable of the
host is reachable; nothing can be changed (the immutable sandbox: no ``append``, no ``namespace``).

What one text's expressions may cost is bounded too, so that no article can hang the build or
fill the memory: every loop pass, call and operator counts against a budget of steps, checked
against a deadline; no single value (text or list) may grow past MAX_LENGTH, which is checked
*before* the operations that multiply sizes (``*``, ``**``, ``%``, padding, ``join``, ``replace``,
``format``) run; calls nest at most MAX_DEPTH deep; and the output stops at MAX_OUTPUT. Going
past any of them is an error at the line of the expression, never a traceback.
"""

from __future__ import annotations

import functools
import re
import time
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Any, cast

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from civicpress.config import SiteConfig
from civicpress.editions import Edition
from civicpress.errors import Finding, Location
from civicpress.video import VideoRefused

_MARKERS = ("{{", "{%")

MAX_STEPS = 250_000  # loop passes, calls and operators of one text; an article needs hundreds
MAX_SECONDS = 10.0  # for the steps that are slow each (a sort of a long list…)
MAX_LENGTH = 100_000  # characters of a text, items of a list, that one value may have
MAX_OUTPUT = 5 * 1024 * 1024  # characters one text may expand to: as large as a file may be
MAX_DEPTH = 100  # calls inside calls (macros calling themselves)
MAX_POWER_BITS = 100_000  # the size of a number ``**`` may make

COSTLY_HINT = (
    "数据表达式用来引用数据，如 {{ data.stats.households }}；不要写很大的循环，不要把文字重复成千上万遍。"
    "要原样显示花括号，请用 {% raw %}…{% endraw %} 包起来。"
)
_STEP_FILTER = "civicpress_step"  # wraps the iterable of every {% for %} (see _CountingCodeGenerator)
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap", "truncate",
                      "batch", "slice"})  # fmt: skip
_PERCENT_FIELD = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_NUMBER = re.compile(r"\{[^{}]*?(\d{6,}|\{)")  # a width of a million or more, or a nested field


class TooCostly(Exception):
    """An expression went past one of the limits; the message says which, in Chinese."""


class Budget:
    """What one text's expressions may still spend: steps, time, depth of calls."""

    def __init__(self, steps: int = MAX_STEPS, seconds: float = MAX_SECONDS) -> None:
        self.steps = steps
        self.deadline = time.monotonic() + seconds
        self.depth = 0

    def spend(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise TooCostly(f"计算步骤超过 {MAX_STEPS:,} 步（循环或调用太多）")
        if self.steps % 64 == 0 and time.monotonic() > self.deadline:
            raise TooCostly(f"计算超过 {MAX_SECONDS:g} 秒")


class _CountingCodeGenerator(CodeGenerator):
    """Compiles every ``{% for … in X %}`` as ``{% for … in X | civicpress_step %}``, so that each pass counts."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:  # noqa: N802 - Jinja's API
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _STEP_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        super().visit_Template(node, frame)


class ContentSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the limits above; ``budget`` is renewed for each text by ``expand``."""

    code_generator_class = _CountingCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.budget = Budget()
        for name in ("lipsum", "namespace"):  # text out of nothing; the one mutable object
            self.globals.pop(name, None)
        self.filters.pop("random", None)  # the same input must give the same bytes
        self.globals["range"] = self._range
        self.filters = {name: self._limited(name, function) for name, function in self.filters.items()}
        self.filters[_STEP_FILTER] = self._step

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_LENGTH:
            raise TooCostly(f"range 有 {len(numbers):,} 个数，超过 {MAX_LENGTH:,} 个")
        return numbers

    def _limited(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """A filter that counts as a step, is refused arguments that multiply sizes, and whose result is checked."""

        @functools.wraps(function)  # keeps Jinja's pass_context/pass_eval_context marks
        def limited(*args: Any, **kwargs: Any) -> Any:
            self.budget.spend()
            if name == "format" and args and isinstance(args[0], str):  # `'%5d' | format(x)` is `%`
                _check_percent(args[0], args[1:])
            _check_arguments(name, None, args, kwargs)
            return _checked(function(*args, **kwargs))

        return limited

    def _step(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Each pass of a ``{% for %}`` loop, counted against the text's budget."""
        for item in iterable:
            self.budget.spend()
            yield item

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.spend()
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return _checked(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's API
        __self.budget.spend()
        _check_arguments(getattr(__obj, "__name__", ""), getattr(__obj, "__self__", None), args, kwargs)
        __self.budget.depth += 1
        try:
            if __self.budget.depth > MAX_DEPTH:
                raise TooCostly(f"调用嵌套超过 {MAX_DEPTH} 层（宏调用了自己？）")
            return _checked(super().call(__context, __obj, *args, **kwargs))
        finally:
            __self.budget.depth -= 1

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = value.__self__
        if _FORMAT_NUMBER.search(template):
            raise TooCostly("format 的格式中有过大的宽度或嵌套的 {}")
        return wrapped


def _weight(value: Any, limit: int = MAX_LENGTH) -> int:
    """The characters and items in ``value`` and what it holds, counted until past ``limit``."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, (list, tuple)):
        return 1
    total = len(value)
    for item in value:
        if total > limit:
            break
        total += _weight(item, limit - total) if isinstance(item, (str, list, tuple)) else 0
    return total


def _checked(result: Any) -> Any:
    if isinstance(result, (str, list, tuple)) and _weight(result) > MAX_LENGTH:
        raise TooCostly(f"一个值超过 {MAX_LENGTH:,} 个字或项")
    return result


def _check_repeat(left: Any, right: Any) -> None:
    """``'x' * n`` and ``[…] * n``: the size of the result, before it is made."""
    sequence, times = (left, right) if isinstance(right, int) else (right, left)
    if isinstance(sequence, (str, list, tuple)) and isinstance(times, int) and times > 0:
        size = _weight(sequence)
        if size * times > MAX_LENGTH:
            raise TooCostly(f"重复 {times:,} 次后有 {size * times:,} 个字或项，超过 {MAX_LENGTH:,} 个")


def _check_power(left: Any, right: Any) -> None:
    big = isinstance(left, int) and isinstance(right, int) and right > 0 and left.bit_length() * right > MAX_POWER_BITS
    if big and abs(left) > 1:
        raise TooCostly(f"乘方 {left} ** {right} 的结果过大")


def _check_percent(template: str, values: Any) -> None:
    """``'%5d' % x``: no field wider than MAX_LENGTH, no width taken from the values (``%*d``)."""
    for width, precision in _PERCENT_FIELD.findall(template):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_LENGTH):
                raise TooCostly(f"格式 {template[:30]!r} 的宽度过大")


def _check_arguments(name: str, owner: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Arguments of the calls and filters that make a value larger than what they are given."""
    values = (*args, *kwargs.values())
    if name in _PADDING:
        if any(isinstance(v, int) and not isinstance(v, bool) and v > MAX_LENGTH for v in values):
            raise TooCostly(f"{name} 的宽度或数量超过 {MAX_LENGTH:,}")
    elif name == "replace":
        texts = [v for v in ((owner,) if isinstance(owner, str) else ()) + values if isinstance(v, str)]
        if len(texts) >= 3:
            text, old, new = texts[:3]
            times = text.count(old) if old else len(text) + 1
            if len(text) + times * (len(new) - len(old)) > MAX_LENGTH:
                raise TooCostly(f"replace 之后会超过 {MAX_LENGTH:,} 个字")
    elif name == "join":
        separator = owner if isinstance(owner, str) else next((v for v in values if isinstance(v, str)), "")
        items = next((v for v in values if isinstance(v, (list, tuple))), ())
        if _weight(items) + len(separator) * len(items) > MAX_LENGTH:
            raise TooCostly(f"join 之后会超过 {MAX_LENGTH:,} 个字")


def make_environment() -> ContentSandbox:
    """The sandbox for content. Autoescape is off: the result is Markdown, escaped later."""
    env = ContentSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # `{#id}` is Markdown's heading-id syntax (attr_list), not a Jinja comment.
        comment_start_string="{#civicpress-comment",
        comment_end_string="civicpress-comment#}",
    )
    env.filters["thousands"] = env._limited("thousands", thousands)
    return env


def expression_context(
    data: Mapping[str, Any], config: SiteConfig, edition: Edition, page: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What the data expressions of one text see, wherever the text is (article, material, booklet).

    ``data`` (the data files, as this edition shows them), ``private("姓名")`` (masked in the
    public edition), ``internal`` (true in the internal edition), ``site.title`` and
    ``site.organization``; and ``page``, the text's own front matter, for a text that has one.
    """
    context: dict[str, Any] = {
        "data": data,
        "private": edition.private,
        "internal": not edition.is_public,
        "site": {"title": config.title, "organization": config.organization},
    }
    if page is not None:
        context["page"] = page
    return context


def has_expressions(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def expand(
    env: ContentSandbox,
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
    env.budget = Budget()
    try:
        return _render(env, text, context), None
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
    except (TooCostly, RecursionError, MemoryError) as exc:
        line = first_line + _template_line(exc, name) - 1
        reason = {RecursionError: "嵌套过深", MemoryError: "需要的内存过多"}.get(type(exc), str(exc))
        message = f"数据表达式的计算量过大，已停止：{reason}"
        return text, Finding("expression-too-costly", message, location.at(line), COSTLY_HINT)
    except VideoRefused as exc:  # video("…") with an address of a host not allowed
        line = first_line + _template_line(exc, name) - 1
        return text, Finding("video-refused", exc.message, location.at(line), exc.hint)
    except (TemplateError, ArithmeticError, TypeError, ValueError) as exc:
        line = first_line + _template_line(exc, name) - 1
        return text, Finding("expression-error", f"数据表达式出错：{exc}", location.at(line))


def _render(env: ContentSandbox, text: str, context: Mapping[str, Any]) -> str:
    """The text with its expressions evaluated, stopped as soon as it grows past MAX_OUTPUT."""
    pieces: list[str] = []
    size = 0
    output = cast(Generator[str, None, None], env.from_string(text).generate(context))
    for piece in output:
        size += len(piece)
        if size > MAX_OUTPUT:  # raised where the template stands, so that the error names its line
            output.throw(TooCostly(f"展开后超过 {MAX_OUTPUT // 1024 // 1024} MB"))
        pieces.append(piece)
    return "".join(pieces)


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
