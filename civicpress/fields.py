"""Fields: the one reader of every YAML mapping an editor writes.

``site_config.yaml`` and its blocks, an article's front matter, a material's front matter and
the booklet settings are all read through a :class:`FieldTable`: a table from each known key
to a parse function that turns the written value into a typed one or raises :class:`BadValue`
saying, in Chinese, what is wrong and how to fix it. An unknown key is an error naming the nearest known key; every
problem carries the file and line of its key. Problems are collected, never raised one by one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from civicpress.errors import Findings, Location


class BadValue(Exception):
    """A written value that its field does not accept: what is wrong and how to write it."""

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


Parse = Callable[[str, Any], Any]  # (key, written value) → typed value, or raises BadValue


@dataclass(frozen=True)
class FieldTable:
    """The fields of one kind of mapping, and how its problems are named."""

    fields: Mapping[str, Parse]
    unknown_code: str  # finding code of an unknown key
    unknown_noun: str  # 设置项, 文件头字段, 材料字段 …: "未知的{noun} {key}"
    known_noun: str  # 设置, 字段: "可用的{noun}有：…"
    bad_code: str = "bad-field"  # finding code of a value the field refuses (unless it names its own)
    skip_empty: bool = True  # `tags:` with nothing after it is as if the key were not there

    def read(self, raw: Mapping[Any, Any], at: Callable[[str], Location], findings: Findings) -> ReadFields:
        """The known keys with their typed values; every other key and every bad value is reported."""
        values: dict[str, Any] = {}
        failed: set[str] = set()
        for key, value in raw.items():
            name = str(key)
            parse = self.fields.get(name)
            if parse is None:
                failed.add(name)
                message = f"未知的{self.unknown_noun} {name}"
                findings.error(self.unknown_code, message, at(name), self.did_you_mean(name))
                continue
            if value is None and self.skip_empty:
                continue
            try:
                values[name] = parse(name, value)
            except BadValue as bad:
                failed.add(name)
                findings.error(bad.code or self.bad_code, bad.message, at(name), bad.hint)
        return ReadFields(values, frozenset(failed))

    def did_you_mean(self, key: str) -> str:
        close = difflib.get_close_matches(key, list(self.fields), n=1)
        return f"你是不是想写 {close[0]}？" if close else f"可用的{self.known_noun}有：" + "、".join(self.fields)


@dataclass(frozen=True)
class ReadFields:
    values: dict[str, Any]
    failed: frozenset[str]  # keys that were written but refused: a missing-key check skips them


# ---------------------------------------------------------------- field kinds shared by the tables


def checked(accepts: Callable[[Any], bool], expected: str, noun: str = "设置项") -> Parse:
    """A value kept as written when ``accepts`` it; else "{noun} key 的值 … 不正确，应为 expected"."""

    def parse(key: str, value: Any) -> Any:
        if not accepts(value):
            raise BadValue(f"{noun} {key} 的值 {value!r} 不正确", f"应为{expected}。")
        return value

    return parse


def switch() -> Parse:
    """true or false."""

    def parse(key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise BadValue(f"{key} 的值 {value!r} 不正确", f"写 {key}: true 或 {key}: false")
        return value

    return parse


def as_text(_key: str, value: Any) -> str:
    """Any scalar, as text (YAML's 2022 or 1.10 are what the editor typed)."""
    return value if isinstance(value, str) else str(value)


def choice(options: Mapping[str, str], message: str, hint: str) -> Parse:
    """One of ``options`` (written form → stored form); ``message`` may name {value!r}."""

    def parse(_key: str, value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            raise BadValue(message.format(value=value), hint)
        return options[value]

    return parse
