"""Does a run of characters read as ordinary Chinese? A cost per character, lower is likelier.

A common character costs little, a rare one more, and characters that do not belong in a
Chinese report (kana, Greek, Cyrillic, box drawing, private-use, U+FFFD) cost the most: a text
decoded out of step in GBK is full of them. Traditional characters are judged by their
Simplified form, since a damaged run may come from a Traditional page.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from civicpress.importer.hanzi_frequency import RANK, WORD_SET

PLACEHOLDER = "□"  # the standard mark for a character that cannot be read
PLACEHOLDER_COST = 7.0  # as much as a rare character: a loss, but less than garbage
WORD_BONUS = 3.0  # two neighbours that make a common word
UNKNOWN_HAN = 10.0
ALIEN = 12.0
PUNCTUATION = 1.0
LATIN = 1.5
ORDINARY_MEAN = 6.0  # the average cost of ordinary text stays well below this

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CHINESE_PUNCTUATION = set("，。、；：？！“”‘’（）《》〈〉—…·「」『』【】〔〕")
_ASCII_PUNCTUATION = set(",.;:?!()\"'-/%")


def is_han(char: str) -> bool:
    return bool(_HAN.match(char))


@lru_cache(maxsize=8192)
def char_cost(char: str) -> float:
    """How unlikely ``char`` is in an ordinary Simplified Chinese report."""
    if char == PLACEHOLDER:
        return PLACEHOLDER_COST
    if is_han(char):
        from civicpress.importer.simplify import simplified_char

        rank = RANK.get(simplified_char(char))
        if rank is None:
            return UNKNOWN_HAN
        return math.log2(rank + 32) - 5
    if char in "〇○":  # the zero of 二〇二三年
        return 3.0
    if char in _CHINESE_PUNCTUATION or char in _ASCII_PUNCTUATION:
        return PUNCTUATION
    if (char.isascii() and char.isalnum()) or char.isspace():
        return LATIN
    if "\uff10" <= char <= "\uff5a":  # full-width digits and letters
        return 4.0
    return ALIEN


def chars_cost(text: str) -> float:
    """The characters' costs alone."""
    return sum(char_cost(char) for char in text)


def mean_cost(text: str) -> float:
    return chars_cost(text) / len(text) if text else 0.0


def text_cost(text: str) -> float:
    """The characters' costs, less a bonus for every pair of neighbours that is a common word."""
    words = sum(1 for i in range(len(text) - 1) if _simplified(text[i : i + 2]) in WORD_SET)
    return chars_cost(text) - WORD_BONUS * words


def _simplified(pair: str) -> str:
    from civicpress.importer.simplify import simplified_char

    return "".join(simplified_char(char) for char in pair)


def has_alien(text: str) -> bool:
    return any(char_cost(char) >= ALIEN for char in text)


def reads_as_chinese(text: str) -> bool:
    """No foreign script, no unknown character, and common characters on average."""
    return (
        bool(text)
        and all(char_cost(char) < UNKNOWN_HAN for char in text)
        and mean_cost(text) <= ORDINARY_MEAN
    )
