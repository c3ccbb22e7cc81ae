"""sources: decoding editors' files and YAML as editors type it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from civicpress.errors import Location, SiteError
from civicpress.sources import MAX_FILE_BYTES, check_size, decode, load_yaml

LOC = Location("content/news/a.md")


def value_of(text: str) -> Any:
    return load_yaml(f"v: {text}\n", LOC).value["v"]


# ---------------------------------------------------------------- YAML scalars


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0571", "0571"),  # 区号: YAML 1.1 would read octal 377
        ("010", "010"),  # 楼号
        ("007", "007"),
        ("12:30", "12:30"),  # 时间: YAML 1.1 would read sexagesimal 750
        ("08:00", "08:00"),
        ("no", "no"),  # 公开: YAML 1.1 would read False
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("1.10", "1.10"),  # 版本: YAML would read 1.1
        ("1.0", "1.0"),
        ("2.50", "2.50"),
        ("1e3", "1e3"),
        ("0x1F", "0x1F"),
        ("+5", "+5"),
        (".inf", ".inf"),
        ("2022-09-19", "2022-09-19"),  # dates stay text; content.parse_date reads them
        ("2022-09-19 14:30", "2022-09-19 14:30"),
        ("1,000", "1,000"),
        ('"12"', "12"),  # quoted numbers stay text
        ("'true'", "true"),
    ],
)
def test_values_stay_as_typed(typed: str, expected: str) -> None:
    value = value_of(typed)
    assert value == expected
    assert isinstance(value, str)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("-3", -3),
        ("1200000", 1200000),
    ],
)
def test_plain_integers_are_ints(typed: str, expected: int) -> None:
    value = value_of(typed)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(("typed", "expected"), [("0.5", 0.5), ("3.14", 3.14), ("-0.25", -0.25), ("98.6", 98.6)])
def test_plain_decimals_are_floats(typed: str, expected: float) -> None:
    value = value_of(typed)
    assert value == expected
    assert type(value) is float


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False)],
)
def test_only_true_and_false_are_booleans(typed: str, expected: bool) -> None:
    assert value_of(typed) is expected


@pytest.mark.parametrize("typed", ["null", "~", "", "Null"])
def test_null(typed: str) -> None:
    assert value_of(typed) is None


def test_editor_document() -> None:
    text = (
        "区号: 0571\n楼号: 010\n时间: 12:30\n公开: no\n版本: 1.10\n旧版: 1.0\n"
        "数量: 12\n比例: 0.5\n启用: true\n停用: false\n答复: yes\n开关: on\n日期: 2022-09-19\n备注: null\n"
    )
    assert load_yaml(text, LOC).value == {
        "区号": "0571",
        "楼号": "010",
        "时间": "12:30",
        "公开": "no",
        "版本": "1.10",
        "旧版": "1.0",
        "数量": 12,
        "比例": 0.5,
        "启用": True,
        "停用": False,
        "答复": "yes",
        "开关": "on",
        "日期": "2022-09-19",
        "备注": None,
    }


def test_nested_values_and_lists() -> None:
    doc = load_yaml("党员:\n  在职: 12\n  退休: 0571\n名单: [张三, 010, 1.5]\n", LOC)
    assert doc.value == {"党员": {"在职": 12, "退休": "0571"}, "名单": ["张三", "010", 1.5]}


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.from_regex(r"\A-?[0-9]{1,25}(\.[0-9]{1,25})?\Z"))
@example("-0")  # read as 0
@example("3.14159265358979323846")  # read as 3.141592653589793
@example("120.15507000000000001")  # a coordinate: read as 120.15507
def test_a_number_is_only_a_number_when_it_prints_back_as_typed(typed: str) -> None:
    """The loader's promise: plain decimals that print back unchanged become numbers; all else is text."""
    value = value_of(typed)
    if isinstance(value, str):
        assert value == typed
    else:
        assert str(value) == typed, f"{typed!r} was read as {value!r}"


def test_empty_document_is_none() -> None:
    doc = load_yaml("", LOC)
    assert doc.value is None
    assert doc.line_of("title") is None


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(SiteError) as caught:
        load_yaml("v: !!python/object/apply:os.system ['echo hi']\n", LOC)
    assert caught.value.findings[0].code == "yaml-syntax"


# ---------------------------------------------------------------- lines


def test_line_of_keys_with_front_matter_offset() -> None:
    text = "title: 标题\ndate: 2022-09-19\nextra:\n  联系人: 王芳\n  电话:\n    - 010\n    - 0571\ntags: [a, b]\n"
    doc = load_yaml(text, LOC, line_offset=1)  # the front matter starts below the first ---
    assert doc.line_of("title") == 2
    assert doc.line_of("date") == 3
    assert doc.line_of("extra") == 4
    assert doc.line_of("extra", "联系人") == 5
    assert doc.line_of("extra", "电话") == 6
    assert doc.line_of("extra", "电话", 1) == 8
    assert doc.line_of("tags") == 9
    assert doc.line_of("tags", 1) == 9
    # The deepest known key: an unknown child falls back to its parent.
    assert doc.line_of("extra", "不存在") == 4
    assert doc.line_of("不存在") is None


def test_line_of_without_offset() -> None:
    doc = load_yaml("a: 1\n\n# 注释\nb: 2\n", LOC)
    assert doc.line_of("a") == 1
    assert doc.line_of("b") == 4


@pytest.mark.parametrize(
    ("text", "offset", "line"),
    [
        ("title: 标题\ndate: 2022-09-19\nsummary: 说明: 有冒号\n", 1, 4),  # unquoted colon on yaml line 3
        ("a: 1\nb: [1, 2\nc: 3\n", 0, 3),  # unclosed list: found on the next line
        ("a: 1\n\tb: 2\n", 4, 6),  # tab indentation on yaml line 2
        ("a: 1\nb: c: d\n", 0, 2),
    ],
)
def test_yaml_syntax_error_names_line(text: str, offset: int, line: int) -> None:
    with pytest.raises(SiteError) as caught:
        load_yaml(text, LOC, line_offset=offset)
    (finding,) = caught.value.findings
    assert finding.code == "yaml-syntax"
    assert finding.location == Location(LOC.path, line)
    assert finding.hint


_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    "text",
    [
        "title: 标题\nsummary: 说明: 有冒号\n",  # the most common editor mistake
        "a: 1\n\tb: 2\n",  # a Tab from Word or WPS
    ],
    ids=["colon-in-value", "tab"],
)
def test_common_yaml_errors_are_explained_in_chinese(text: str) -> None:
    with pytest.raises(SiteError) as caught:
        load_yaml(text, LOC)
    message = caught.value.findings[0].message
    problem = message.split("：", 1)[1]
    assert _HAN.search(problem), f"untranslated parser message: {message}"


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("社区活动\n第二行".encode(), "社区活动\n第二行", "utf-8"),
        ("\ufeff社区活动\n".encode(), "社区活动\n", "utf-8"),  # UTF-8 with BOM (Notepad)
        ("社区\r\n活动\r\n".encode(), "社区\n活动\n", "utf-8"),  # CRLF (Windows)
        ("社区\r活动\r".encode(), "社区\n活动\n", "utf-8"),  # CR (old Mac)
        ("\ufeff社区\r\n活动".encode(), "社区\n活动", "utf-8"),
        ("社区".encode("gbk"), "社区", "gb18030"),
        ("永丰社区党委召开会议\r\n".encode("gbk"), "永丰社区党委召开会议\n", "gb18030"),
        ("社区𠀀镕".encode("gb18030"), "社区𠀀镕", "gb18030"),  # beyond GBK: four-byte GB18030
        ("社区活动\n".encode("utf-16"), "社区活动\n", "utf-16"),  # with BOM, native order
        (b"\xff\xfe" + "社区\r\n".encode("utf-16-le"), "社区\n", "utf-16"),
        (b"\xfe\xff" + "社区".encode("utf-16-be"), "社区", "utf-16"),
        (b"", "", "utf-8"),
    ],
)
def test_decode(data: bytes, text: str, encoding: str) -> None:
    decoded = decode(data, LOC)
    assert decoded.text == text
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    "before",
    [
        b"line one\nline two\n",  # plain ASCII before the bad byte
        "第一行\n第二行\n".encode(),  # a UTF-8 file with a Latin-1 fragment pasted on line 3
    ],
    ids=["ascii-before", "utf8-chinese-before"],
)
def test_latin1_bytes_are_an_encoding_error_at_the_bad_line(before: bytes) -> None:
    data = before + "Café au lait\n".encode("latin-1")
    with pytest.raises(SiteError) as caught:
        decode(data, LOC)
    (finding,) = caught.value.findings
    assert finding.code == "encoding"
    assert finding.location == Location(LOC.path, 3)
    assert finding.hint


def test_latin1_on_first_line() -> None:
    with pytest.raises(SiteError) as caught:
        decode("déjà vu".encode("latin-1"), LOC)
    assert caught.value.findings[0].location == Location(LOC.path, 1)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text())
def test_any_text_round_trips_through_utf8(text: str) -> None:
    # Without a BOM, a leading U+FEFF cannot be told apart from a BOM, and is dropped as one.
    assert decode(text.encode("utf-8"), LOC).text == _normalise(text.removeprefix("\ufeff"))
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), LOC).text == _normalise(text)
    assert decode(text.encode("utf-8"), LOC).encoding == "utf-8"


def test_check_size() -> None:
    check_size(MAX_FILE_BYTES, LOC)
    with pytest.raises(SiteError) as caught:
        check_size(MAX_FILE_BYTES + 1, LOC)
    assert caught.value.findings[0].code == "file-too-large"
    assert caught.value.findings[0].location == LOC


def test_a_key_written_twice_is_an_error_on_the_second_line() -> None:
    with pytest.raises(SiteError) as caught:
        load_yaml("title: 一\ndate: 2022-09-19\ntitle: 二\n", Location("content/a.md"), line_offset=1)
    assert [(f.code, f.location) for f in caught.value.findings] == [
        ("yaml-duplicate-key", Location("content/a.md", 4))
    ]


def test_the_same_key_in_two_list_items_is_fine() -> None:
    doc = load_yaml("- name: 一\n- name: 二\n", Location("x.yaml"))
    assert doc.value == [{"name": "一"}, {"name": "二"}]


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    for index in range(1, 10):
        prev, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(SiteError) as caught:
        load_yaml("\n".join(lines), Location("content/_data/bomb.yaml"))
    assert caught.value.findings[0].code == "yaml-too-complex"


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(SiteError) as caught:
        load_yaml("a: " + "[" * 5000 + "]" * 5000, Location("x.yaml"))
    assert caught.value.findings[0].code in ("yaml-too-complex", "yaml-syntax")


def test_aliases_within_reason_still_work() -> None:
    doc = load_yaml("base: &b {单位: 社区}\nx: *b\ny:\n  <<: *b\n  人数: 5\n", Location("x.yaml"))
    assert doc.value["y"] == {"单位": "社区", "人数": 5}
