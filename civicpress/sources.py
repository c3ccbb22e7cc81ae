"""Reading the files editors write: text encodings and YAML as editors type it.

Editors on Chinese Windows save UTF-8 with a BOM, CRLF line ends, or GBK/GB18030 (Notepad, WPS).
YAML 1.1, which PyYAML follows, turns ``区号: 0571`` into 377, ``时间: 12:30`` into 750,
``公开: no`` into False and ``版本: 1.10`` into 1.1. :class:`EditorLoader` keeps every such value
as the string the editor typed: only plain decimal numbers that print back unchanged become
numbers, and only ``true``/``false`` become booleans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from civicpress.errors import Finding, Location, SiteError

_BaseLoader: type[yaml.SafeLoader]
try:  # libyaml's parser is several times faster; the resolver stays in Python either way
    _BaseLoader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_YAML_NODES = 1_000_000  # after alias expansion; a real data file has a few thousand


class EditorLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose implicit types are only what an editor would expect."""


EditorLoader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:0|-?[1-9][0-9]*)$", "-0123456789"),
    # A float only when it prints back as typed: 1.5 yes, 1.10 and 1.0 stay strings.
    ("tag:yaml.org,2002:float", r"^-?(?:0|[1-9][0-9]*)\.[0-9]*[1-9]$", "-0123456789"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
]
for _tag, _pattern, _first in _RESOLVERS:
    EditorLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float | str:
    """A float only if it prints back as typed; 3.14159265358979323846 keeps its digits as text."""
    text = str(node.value)
    value = float(text)
    return value if repr(value) == text else text


EditorLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


@dataclass(frozen=True)
class Text:
    """A decoded source file."""

    text: str
    encoding: str  # "utf-8", "gb18030" or "utf-16"


def decode(data: bytes, location: Location) -> Text:
    """Decode an editor's file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030.

    Line ends are normalised to ``\\n``. Raises SiteError when no encoding fits.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16"), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError as gb_error:
                # The encoding that read further is the one the editor meant.
                line = data[: max(utf8_error.start, gb_error.start)].count(b"\n") + 1
                raise SiteError.single(
                    "encoding",
                    "文件编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）",
                    location.at(line),
                    "请用记事本或 WPS 打开此文件，“另存为”时编码选择 UTF-8。",
                ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Text(text, encoding)


def check_size(size: int, location: Location) -> None:
    if size > MAX_FILE_BYTES:
        raise SiteError.single(
            "file-too-large",
            f"文件过大（{size // 1024 // 1024} MB），超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限",
            location,
            "请检查是否误把图片或文档内容粘贴进了文本文件。",
        )


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus the line of every mapping key, for messages that name a line."""

    value: Any
    lines: dict[tuple[Any, ...], int]

    def line_of(self, *keys: Any) -> int | None:
        """The line of the deepest known key on the path ``keys``."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return None


def load_yaml(text: str, location: Location, line_offset: int = 0) -> YamlDocument:
    """Parse one YAML document as an editor means it; errors name the file and line.

    ``line_offset`` is added to YAML's lines (front matter starts below the ``---``).
    """
    loader = EditorLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise SiteError.single(
            "yaml-syntax",
            f"YAML 格式错误：{_yaml_problem(exc)}",
            location.at(line),
            "检查这一行及上一行：冒号后要有空格，缩进用空格而不是 Tab，含冒号或引号的文字请加引号。",
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise SiteError.single("yaml-syntax", f"YAML 无法读取：{exc}", location) from None
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}
    duplicates: list[tuple[Any, int]] = []
    if node is not None:
        try:
            size = _expanded_size(node, {})
            if size > MAX_YAML_NODES:
                raise RecursionError
            _collect_lines(node, (), lines, line_offset, set(), duplicates)
        except RecursionError:
            raise SiteError.single(
                "yaml-too-complex",
                "YAML 内容嵌套过深或别名（&/*）展开后过大，已拒绝读取",
                location.at(line_offset + 1),
                "数据文件请写成普通的列表和键值对，不要层层引用别名。",
            ) from None
    if duplicates:
        raise SiteError(
            *(
                Finding("yaml-duplicate-key", f"“{key}”写了两次，后一个会覆盖前一个", location.at(line),
                        "删掉其中一行，或合并成一行。")
                for key, line in duplicates
            )
        )
    return YamlDocument(value, lines)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes the document has once every alias is expanded (a billion laughs has 10⁹)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            size += _expanded_size(key_node, memo) + _expanded_size(value_node, memo)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, memo)
    memo[id(node)] = size
    return size


def _collect_lines(
    node: yaml.Node,
    path: tuple[Any, ...],
    out: dict[tuple[Any, ...], int],
    offset: int,
    seen: set[int],
    duplicates: list[tuple[Any, int]],
) -> None:
    """Record the line of every key and item; note keys written twice in one mapping."""
    if id(node) in seen:  # an alias: its lines were recorded where it was defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1 + offset
            if (*path, key) in out and key != "<<":
                duplicates.append((key, line))
            out[(*path, key)] = line
            _collect_lines(value_node, (*path, key), out, offset, seen, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + 1 + offset
            _collect_lines(item, (*path, index), out, offset, seen, duplicates)


# Keyed on the messages of both libyaml (used when available) and PyYAML's own parser.
_PROBLEMS = {
    "mapping values are not allowed": "这里不能出现“键: 值”（可能少了缩进，或文字里的冒号需要加引号）",
    "could not find expected ':'": "缺少冒号“:”",
    "found a tab character": "出现了 Tab 字符，YAML 只能用空格缩进",
    "found character '\\t' that cannot start any token": "出现了 Tab 字符，YAML 只能用空格缩进",
    "found character that cannot start any token": "这一行开头的符号不能直接使用，请给整段文字加引号",
    "found undefined alias": "引用了未定义的别名",
    "did not find expected key": "缩进不一致，或者这一行缺少“键:”",
    "did not find expected '-' indicator": "列表项“-”的缩进不一致",
    "expected <block end>, but found '-'": "列表项“-”的缩进不一致",
    "did not find expected node content": "这里缺少内容（可能多了一个逗号或冒号）",
    "found unexpected end of stream": "引号或括号没有闭合",
    "found unknown escape character": "双引号里的反斜杠“\\”需要写成两个“\\\\”，或改用单引号",
    "found duplicate anchor": "别名（&）重复定义",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    for english, chinese in _PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return problem
