"""Dates as Chinese reports write them: 2022-09-19, 2022年9月19日, 二〇二二年九月十九日."""

from __future__ import annotations

import re
from datetime import date

_DIGITS = {"〇": 0, "○": 0, "零": 0, "О": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零ОO一二三四五六七八九十"
_NUMERIC = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")
_COMPACT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)")
# A line that is nothing but a date (with brackets, spaces or a weekday around it).
_DATE_LINE = re.compile(
    rf"^[\s（(]*(?:{_NUMERIC.pattern}|{_CHINESE.pattern})[\s）)]*(?:星期.|周.)?[\s）)]*$"
)


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十九 → 19, 二十 → 20, 三十一 → 31; digit by digit for years."""
    if "十" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first date written in ``text``."""
    match = _NUMERIC.search(text)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _CHINESE.search(text)
    if match:
        return _make(*(_chinese_number(group) for group in match.groups()))
    return None


def is_date_line(text: str) -> bool:
    return bool(_DATE_LINE.match(text.strip()))


def date_in_name(name: str) -> date | None:
    """A date in a file name: 2022-09-19_报告.txt, 20220919.docx."""
    found = find_date(name)
    if found:
        return found
    match = _COMPACT.search(name)
    return _make(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None
