"""Pictures drawn at build time as inline SVG: bar and line charts from data, QR codes of URLs.

Every function returns SVG markup that needs nothing else: no script, no font, no file and no
other host. Charts carry ``role="img"``, an ``aria-label`` and a ``<title>``; the theme puts a data
table beside each one, which is what screen readers read. Colours are presentation attributes,
so the theme's CSS can restyle them (the large-text mode does). A value that is not a number is
a ``ValueError`` whose message, in Chinese, names the row and the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import segno
from markupsafe import Markup, escape

INK = "#1f1f1f"
BAR = "#b71c1c"  # 6.6:1 on white
GRID = "#8a8a8a"  # 3.5:1 on white: graphical objects need 3:1
FONT_SIZE = 14
# The theme sizes chart text in rem (style.css: .chart), so that it grows with the reader's text-size
# step (适老化: 125 %, 150 %); the layout leaves room for text this many times FONT_SIZE.
LARGEST_TEXT = 1.5
ROOM = FONT_SIZE * LARGEST_TEXT
CJK_WIDTH = 1.0  # a Chinese character is about one em wide; Latin digits about half
LATIN_WIDTH = 0.6

Rows = Sequence[Mapping[str, Any]]


def number(row: Mapping[str, Any], key: str, index: int) -> float:
    """The value of ``row[key]`` as a number, or a ValueError naming the row."""
    value = row.get(key) if isinstance(row, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"图表数据第 {index + 1} 项的 {key} 应是数字，现在是 {value!r}")
    return float(value)


def label_of(row: Mapping[str, Any], key: str, index: int) -> str:
    if not isinstance(row, Mapping) or row.get(key) in (None, ""):
        raise ValueError(f"图表数据第 {index + 1} 项缺少 {key}")
    return str(row[key])


def fmt(value: float) -> str:
    """12 → ``12``, 2.5 → ``2.5``: as few digits as the value needs, never an exponent."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _c(value: float) -> str:
    """A coordinate, to a tenth of a unit."""
    return fmt(round(value, 1))


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(size * (CJK_WIDTH if ord(ch) > 0x2E7F else LATIN_WIDTH) for ch in text)


def nice_ceiling(value: float, ticks: int = 4) -> tuple[float, float]:
    """A round axis maximum at or above ``value`` and its tick step: 148 → (150, 50)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.ceil(value / step) * step, step


def _svg(width: float, height: float, title: str, summary: str, body: list[str], css_class: str) -> Markup:
    label = f"{title}：{summary}" if summary else title
    head = (
        f'<svg class="chart {css_class}" role="img" aria-label="{escape(label)}" '
        f'width="{fmt(width)}" height="{fmt(height)}" viewBox="0 0 {fmt(width)} {fmt(height)}" '
        f'font-size="{FONT_SIZE}" fill="{INK}">'
    )
    return Markup("\n".join([head + f"<title>{escape(title)}</title>", *body]) + "</svg>")


def _text(x: float, y: float, content: str, anchor: str = "start", css_class: str = "") -> str:
    attrs = f' class="{css_class}"' if css_class else ""
    return f'<text x="{_c(x)}" y="{_c(y)}" text-anchor="{anchor}"{attrs}>{escape(content)}</text>'


def _summary(labels: list[str], values: list[float], unit: str) -> str:
    return "；".join(f"{label} {fmt(value)}{unit}" for label, value in zip(labels, values, strict=True))


def bar_chart(rows: Rows, label: str, value: str, title: str, unit: str = "", width: int = 360) -> Markup:
    """Horizontal bars, one per row: the label on the left, the value at the end of the bar."""
    labels = [label_of(row, label, i) for i, row in enumerate(rows)]
    values = [number(row, value, i) for i, row in enumerate(rows)]
    row_height, bar_height, gap = 34, 20, 8
    left = max((text_width(t, ROOM) for t in labels), default=0) + gap
    right = max((text_width(fmt(v) + unit, ROOM) for v in values), default=0) + gap
    span = max(width - left - right, 1)
    top = max(values, default=0)
    first = ROOM - bar_height + 11  # the first row's label, at the largest text, stays inside
    height = first + row_height * len(rows) - row_height + bar_height + gap
    body: list[str] = []
    for index, (name, amount) in enumerate(zip(labels, values, strict=True)):
        y = first + index * row_height
        length = span * max(amount, 0) / top if top > 0 else 0
        body.append(_text(left - gap, y + bar_height - 5, name, "end"))
        body.append(
            f'<rect class="bar" x="{_c(left)}" y="{_c(y)}" width="{_c(length)}" '
            f'height="{bar_height}" fill="{BAR}"/>'
        )
        body.append(_text(left + length + 4, y + bar_height - 5, fmt(amount) + unit))
    return _svg(width, height, title, _summary(labels, values, unit), body, "bar-chart")


def line_chart(rows: Rows, label: str, value: str, title: str, unit: str = "", width: int = 360) -> Markup:
    """One line through the rows in order (years, say), with the value above each point."""
    labels = [label_of(row, label, i) for i, row in enumerate(rows)]
    values = [number(row, value, i) for i, row in enumerate(rows)]
    ceiling, step = nice_ceiling(max(values, default=0))
    ticks = [fmt(n * step) for n in range(round(ceiling / step) + 1)]
    left = max(text_width(tick, ROOM) for tick in ticks) + 10  # the axis' numbers, at the largest text
    height, right, top, bottom, inset = 240, 12, 32, 34, max(24.0, text_width(labels[-1] if labels else "", ROOM) / 2)
    plot_w, plot_h = width - left - right - 2 * inset, height - top - bottom

    def x_at(index: int) -> float:
        return left + inset + (plot_w * index / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y_at(amount: float) -> float:
        return top + plot_h * (1 - max(amount, 0) / ceiling)

    body = _grid(ceiling, step, left, width - right, y_at)
    points = " ".join(f"{_c(x_at(i))},{_c(y_at(v))}" for i, v in enumerate(values))
    body.append(f'<polyline class="line" points="{points}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    for index, amount in enumerate(values):
        x, y = x_at(index), y_at(amount)
        body.append(f'<circle class="dot" cx="{_c(x)}" cy="{_c(y)}" r="4" fill="{BAR}"/>')
        body.append(_text(x, y - 9, fmt(amount), "middle"))
        body.append(_text(x, height - 8, labels[index], "middle"))
    return _svg(width, height, title, _summary(labels, values, unit), body, "line-chart")


def _grid(ceiling: float, step: float, x0: float, x1: float, y_at: Any) -> list[str]:
    lines: list[str] = []
    ticks = round(ceiling / step)
    for n in range(ticks + 1):
        amount = n * step
        y = y_at(amount)
        lines.append(f'<line class="grid" x1="{_c(x0)}" x2="{_c(x1)}" y1="{_c(y)}" y2="{_c(y)}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        lines.append(_text(x0 - 6, y + 5, fmt(amount), "end"))
    return lines


def qr_code(text: str, title: str = "") -> Markup:
    """A QR code of ``text`` (a page's URL) as inline SVG, dark on white, with its quiet zone.

    The size comes from CSS (the SVG has only a viewBox), so one code fits screen and print.
    """
    # A fixed mask pattern: choosing the "best" of eight costs more than the rest of a page,
    # and every mask gives a valid, scannable code.
    code = segno.make(text, error="m", micro=False, mask=0)
    svg = code.svg_inline(scale=1, omitsize=True, dark="#000", light="#fff", svgclass=None, lineclass=None,
                          title=title or None)
    label = escape(title or text)
    return Markup(svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{label}" ', 1))


def qr_png(text: str) -> bytes:
    """The same QR code as :func:`qr_code`, as a PNG with its 4-module quiet zone (for Word)."""
    import io

    code = segno.make(text, error="m", micro=False, mask=0)
    out = io.BytesIO()
    code.save(out, kind="png", scale=10, border=4, dark="#000", light="#fff")
    return out.getvalue()
