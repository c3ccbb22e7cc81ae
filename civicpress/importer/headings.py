"""The numbering of Chinese reports: 一、 （一） 1. 1、 （1）, and inline points 一是……二是…….

By convention (GB/T 9704 and common practice) 一、 is the first level, （一） the second, 1. or
1、 the third and （1） the fourth. A document may start at any of them; the levels actually
used are numbered from the top when the Markdown is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_NUMBER = "一二三四五六七八九十百零〇"
NUMBERINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^\s*([{_CN_NUMBER}]{{1,4}})\s*[、．.]\s*(?=\S)")),
    (2, re.compile(rf"^\s*[（(]\s*([{_CN_NUMBER}]{{1,4}})\s*[）)]\s*(?=\S)")),
    (3, re.compile(r"^\s*(\d{1,2})\s*(?:[、．]|\.(?!\d))\s*(?=\S)")),
    (4, re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[）)]\s*(?=\S)")),
)
_POINT = re.compile(rf"^\s*(?:([{_CN_NUMBER}]{{1,3}})是|(首先|其次|再次|最后)\s*[，,])\s*(?=\S)")
TERMINAL = "。！？!?；;…"
# The article numbering of a compilation: 第1篇, 第一篇：, 【第二篇】.
ARTICLE = re.compile(rf"^\s*[【\[]?第\s*[{_CN_NUMBER}\d]{{1,3}}\s*篇[】\]]?\s*[:：.、]?\s*(?=\S)")


@dataclass(frozen=True)
class Numbered:
    rank: int  # 1 for 一、 … 4 for （1）
    marker: str  # the numbering as written, with its punctuation: "一、", "（1）"
    rest: str  # the text after it


def numbering(text: str) -> Numbered | None:
    for rank, pattern in NUMBERINGS:
        match = pattern.match(text)
        if match:
            return Numbered(rank, match.group(0).strip(), text[match.end() :].strip())
    return None


def point(text: str) -> str | None:
    """The ordinal of an inline point (``一是``, ``首先``), or None."""
    match = _POINT.match(text)
    if not match:
        return None
    return (match.group(1) + "是") if match.group(1) else match.group(2)


def heading_like(text: str, limit: int = 40) -> bool:
    """Short, and not ending a sentence: how titles and headings look."""
    text = text.strip()
    return 0 < len(text) <= limit and text[-1] not in TERMINAL + "，,、：:"
