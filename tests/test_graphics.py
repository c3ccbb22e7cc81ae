"""graphics: bar and line charts and QR codes as inline SVG, drawn from data at build time."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st

from civicpress.graphics import bar_chart, fmt, line_chart, nice_ceiling, qr_code

BRANCHES = [
    {"branch": "第一党支部", "members": 112},
    {"branch": "第二党支部", "members": 104},
    {"branch": "第五党支部", "members": 56},
]
YEARS = [{"year": 2018, "placed": 148}, {"year": 2019, "placed": 136}, {"year": 2020, "placed": 102}]
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The SVG as XML (inline SVG has no namespace declaration; add it to parse)."""
    return ET.fromstring(str(svg).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{SVG}text")]


def test_bar_chart_has_one_bar_per_row_proportional_to_the_value() -> None:
    svg = bar_chart(BRANCHES, "branch", "members", title="各党支部党员人数", unit="人")
    bars = [float(r.get("width", "0")) for r in parse(svg).iter(f"{SVG}rect")]
    assert len(bars) == 3
    assert bars[0] > bars[1] > bars[2]
    assert bars[2] == pytest.approx(bars[0] / 2, abs=0.2)
    assert texts(svg) == ["第一党支部", "112人", "第二党支部", "104人", "第五党支部", "56人"]


def test_charts_are_accessible_images_with_a_title() -> None:
    for svg in (bar_chart(BRANCHES, "branch", "members", title="党员人数", unit="人"),
                line_chart(YEARS, "year", "placed", title="安置人次")):
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-label", "").startswith(("党员人数：", "安置人次："))
        assert root.find(f"{SVG}title") is not None
        assert root.get("viewBox")


def test_the_aria_label_reads_out_every_value() -> None:
    svg = bar_chart(BRANCHES, "branch", "members", title="党员人数", unit="人")
    assert parse(svg).get("aria-label") == "党员人数：第一党支部 112人；第二党支部 104人；第五党支部 56人"


def test_line_chart_puts_bigger_values_higher() -> None:
    svg = line_chart(YEARS, "year", "placed", title="历年安置人次", unit="人次")
    dots = [float(c.get("cy", "0")) for c in parse(svg).iter(f"{SVG}circle")]
    assert len(dots) == 3
    assert dots[0] < dots[1] < dots[2]  # 148 > 136 > 102: SVG's y grows downwards
    points = parse(svg).find(f"{SVG}polyline")
    assert points is not None and len(points.get("points", "").split()) == 3
    assert {"2018", "2019", "2020", "148", "136", "102"} <= set(texts(svg))


def test_line_chart_axis_is_round() -> None:
    svg = line_chart(YEARS, "year", "placed", title="t")
    assert [t for t in texts(svg) if t in ("0", "50", "100", "150")] == ["0", "50", "100", "150"]


def test_a_changed_number_changes_the_picture() -> None:
    changed = [dict(BRANCHES[0], members=60), *BRANCHES[1:]]
    assert bar_chart(BRANCHES, "branch", "members", title="t") != bar_chart(changed, "branch", "members", title="t")


def test_charts_are_deterministic() -> None:
    assert bar_chart(BRANCHES, "branch", "members", title="t") == bar_chart(BRANCHES, "branch", "members", title="t")


@pytest.mark.parametrize("bad", ["九十", None, True, "12"])
def test_a_value_that_is_not_a_number_names_the_row(bad: object) -> None:
    rows = [{"branch": "一", "members": 1}, {"branch": "二", "members": bad}]
    with pytest.raises(ValueError, match="第 2 项的 members 应是数字"):
        bar_chart(rows, "branch", "members", title="t")


def test_a_missing_label_names_the_row() -> None:
    with pytest.raises(ValueError, match="第 1 项缺少 year"):
        line_chart([{"placed": 3}], "year", "placed", title="t")


def test_text_is_escaped() -> None:
    svg = bar_chart([{"b": "<b>&", "n": 1}], "b", "n", title='"引号"<script>')
    assert "<script>" not in svg and "<b>&" not in svg
    parse(svg)  # still well-formed


def test_empty_and_zero_data_draw_without_dividing_by_zero() -> None:
    assert parse(bar_chart([], "b", "n", title="t")).get("role") == "img"
    assert parse(bar_chart([{"b": "甲", "n": 0}], "b", "n", title="t")) is not None
    assert parse(line_chart([{"y": 2020, "n": 0}], "y", "n", title="t")) is not None


def test_charts_need_nothing_from_elsewhere() -> None:
    for svg in (bar_chart(BRANCHES, "branch", "members", title="t"), line_chart(YEARS, "year", "placed", title="t"),
                qr_code("https://example.cn/sq/a/")):
        assert not re.search(r"href|url\(|<script|<image|@import|https?://(?!example\.cn)", svg)


@pytest.mark.parametrize(("value", "expected"), [(148, (150, 50)), (112, (150, 50)), (3, (3, 1)), (0, (1, 1)),
                                                 (9, (10, 2.5)), (1000, (1000, 250))])
def test_nice_ceiling(value: float, expected: tuple[float, float]) -> None:
    assert nice_ceiling(value) == expected


@given(st.floats(min_value=0.001, max_value=1e9, allow_nan=False))
def test_nice_ceiling_is_at_or_above_the_value(value: float) -> None:
    ceiling, step = nice_ceiling(value)
    assert ceiling >= value
    assert 1 <= round(ceiling / step) <= 5


@pytest.mark.parametrize(
    ("value", "text"), [(12, "12"), (12.0, "12"), (2.5, "2.5"), (0.126, "0.13"), (1e7, "10000000")]
)
def test_fmt(value: float, text: str) -> None:
    assert fmt(value) == text


def test_qr_code_is_the_code_segno_makes_for_the_url() -> None:
    url = "https://yongfeng.example.cn/events/2021/family-games/"
    svg = qr_code(url, title="本文网址的二维码")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "本文网址的二维码"
    size = segno.make(url, error="m", micro=False).symbol_size(scale=1)
    assert root.get("viewBox") == f"0 0 {size[0]} {size[1]}"
    assert "width=" not in svg.split(">", 1)[0]  # sized by CSS, so it fits screen and print
    assert qr_code(url) == qr_code(url)
    assert qr_code(url) != qr_code(url + "x")
