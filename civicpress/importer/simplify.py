"""Repair 3: Traditional → Simplified with OpenCC ``t2s``, plus the conversions it misses.

``t2s`` converts characters and phrases without rewriting mainland vocabulary (``tw2sp`` would
turn 软件 into 軟體-style regional words on the way back). What it leaves alone:

- 著 serves both the particle *zhe*/*zhuó* (Simplified 着) and *zhù* "to write, notable"
  (Simplified 著). In a Traditional source every 著 becomes 着 except in the *zhù* words
  (显著, 著名, 著作, 名著 …). A Simplified source already uses 着, so its 著 stays.
- 甚麼 becomes 甚么, where Simplified writes 什么.
- 「」 and 『』 quotation marks become “” and ‘’.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from functools import lru_cache

import opencc

from civicpress.importer.repair_log import Line, RepairLog

# Characters next to 著 that make it the zhù of writing or fame, which Simplified keeps.
_ZHU_AFTER = set("名作称述录书者有")  # 著名 著作 著称 著述 著录 著书 著者 著有
_ZHU_BEFORE = set("显名原巨专编论卓昭遗新译合拙土所撰")  # 显著 名著 原著 … 所著
# …unless 著 starts one of the zhuó words: 着手 着眼 着想 着力 着落 着实 着重 着迷 着急 着装 …
_ZHUO_AFTER = set("手眼想力落实重迷急凉火陆装色意笔墨")
_QUOTES = str.maketrans("「」『』", "“”‘’")
TRADITIONAL_DOCUMENT = 3  # a source with at least this many converted characters is Traditional


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def convert(text: str) -> str:
    """OpenCC ``t2s`` alone."""
    return str(_converter().convert(text))


@lru_cache(maxsize=16384)
def simplified_char(char: str) -> str:
    converted = convert(char)
    return converted if len(converted) == 1 else char


def changed_chars(before: str, after: str) -> int:
    if len(before) == len(after):
        return sum(1 for a, b in zip(before, after, strict=True) if a != b)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def fix_zhe(text: str) -> tuple[str, int]:
    """著 → 着 except in the zhù words; returns the text and the number of changes."""
    chars = list(text)
    changes = 0
    for index, char in enumerate(chars):
        if char != "著":
            continue
        before = chars[index - 1] if index else ""
        after = chars[index + 1] if index + 1 < len(chars) else ""
        if after not in _ZHUO_AFTER and (before in _ZHU_BEFORE or after in _ZHU_AFTER):
            continue
        chars[index] = "着"
        changes += 1
    return "".join(chars), changes


def to_simplified(lines: list[Line], log: RepairLog) -> list[Line]:
    """Convert every line; the 著 and quotation-mark rules apply only to a Traditional source."""
    converted: list[tuple[Line, str, int]] = []
    for line in lines:
        text = line.text.replace("甚麼", "什麼")  # t2s alone gives 甚么
        zhe_fixes = line.text.count("甚麼")
        simple = convert(text)
        converted.append((line, simple, zhe_fixes))
    total = sum(changed_chars(line.text, simple) for line, simple, _ in converted)
    traditional = total >= TRADITIONAL_DOCUMENT
    out: list[Line] = []
    for line, simple, zhe_fixes in converted:
        log.count("traditional", changed_chars(line.text.replace("甚麼", "什麼"), simple))
        if traditional or simple != line.text:
            simple, zhe = fix_zhe(simple)
            quoted = simple.translate(_QUOTES)
            zhe_fixes += zhe
            log.count("traditional", changed_chars(simple, quoted))
            simple = quoted
        log.count("zhe", zhe_fixes)
        out.append(replace(line, text=simple))
    return out
