"""Repair 2: pinyin annotations that content farms put after characters: 社區(qū), 會（huì）.

An annotation is removed only where it follows a Chinese character (or the ``?`` of a damaged
run) and its letters are a real syllable: a reading of that character, or any syllable written
with a tone mark. Stubs count too: ``區(q`` cut off at the end of a line or of the text,
``guī)`` that lost its opening bracket, and an annotation broken over two lines. Other shapes:
a word's syllables together after it (``社区（shè qū）``, each a reading of its character), tone
numbers (``社区(she4 qu1)``), a space before the bracket (``社區 (qū)``) and square brackets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from civicpress.importer.plausibility import PLACEHOLDER, is_han
from civicpress.importer.repair_log import Line, RepairLog

_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜǹńňḿ")
_NOTE = re.compile(rf"[(（][ \t]*([{_LETTERS}]{{1,7}})[ \t]*[)）]")
_CLOSE_STUB = re.compile(rf"(?<![{_LETTERS}(（])([{_LETTERS}]{{1,7}})[)）]")
_OPEN_STUB = re.compile(rf"[(（][ \t]*([{_LETTERS}]{{0,6}})[ \t]*$")
_CONTINUATION = re.compile(rf"^[ \t]*([{_LETTERS}]{{0,6}})[)）]")
_SYLLABLE = rf"[{_LETTERS}]{{1,7}}[1-5]?"
_WORD_NOTE = re.compile(rf" ?[(（\[][ \t]*({_SYLLABLE}(?:[ \t'’]+{_SYLLABLE})*)[ \t]*[)）\]]")


@lru_cache(maxsize=1)
def _dictionary() -> dict[int, str]:
    from pypinyin import pinyin_dict  # its table takes a moment to load: only when needed

    table: dict[int, str] = pinyin_dict.pinyin_dict
    return table


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    found: set[str] = set()
    for readings in _dictionary().values():
        found.update(readings.split(","))
    return frozenset(found)


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    return frozenset(s[:end] for s in syllables() for end in range(len(s) + 1))


def readings(char: str) -> set[str]:
    return set(_dictionary().get(ord(char), "").split(",")) - {""} if len(char) == 1 else set()


def is_syllable_of(char: str, letters: str) -> bool:
    """``letters`` annotate ``char``: one of its readings, or any syllable with a tone mark."""
    letters = letters.lower()
    if letters in readings(char):
        return True
    return bool(_TONE_MARKS & set(letters)) and letters in syllables()


def _toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))


def _reads(char: str, syllable: str) -> bool:
    """``syllable`` (with a tone mark, a tone number or, two letters or more, no tone) is a
    reading of ``char``."""
    syllable = syllable.lower()
    if syllable[-1].isdigit():
        return syllable[:-1] in {_toneless(r) for r in readings(char)}
    if _TONE_MARKS & set(syllable):
        return syllable in readings(char)
    return len(syllable) >= 2 and syllable in {_toneless(r) for r in readings(char)}


def _word_note_spans(text: str, taken: list[range]) -> list[tuple[int, int]]:
    """Annotations in the other shapes: each syllable reads the character before it, in order."""
    spans: list[tuple[int, int]] = []
    for match in _WORD_NOTE.finditer(text):
        if any(match.start() in span or match.end() - 1 in span for span in taken):
            continue
        parts = re.split(r"[ \t'’]+", match.group(1))
        chars = text[max(0, match.start() - len(parts)) : match.start()]
        if len(chars) == len(parts) and all(is_han(c) for c in chars) and all(
                _reads(c, p) for c, p in zip(chars, parts, strict=True)):
            spans.append(match.span())
    return spans


def _annotatable(char: str) -> bool:
    return is_han(char) or char in (PLACEHOLDER, "?")


def note_spans(text: str) -> list[tuple[int, int]]:
    """Where the annotations of ``text`` are, as (start, end) spans, in order."""
    spans: list[tuple[int, int]] = []
    for match in _NOTE.finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        if before and _annotatable(before) and is_syllable_of(before, match.group(1)):
            spans.append(match.span())
    taken = [range(start, end) for start, end in spans]
    for match in _CLOSE_STUB.finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        if any(match.start() in span for span in taken) or not before or not _annotatable(before):
            continue
        if is_syllable_of(before, match.group(1)):
            spans.append(match.span())
    spans += _word_note_spans(text, [range(start, end) for start, end in spans])
    stub = _OPEN_STUB.search(text)
    if (
        stub
        and stub.start()
        and _annotatable(text[stub.start() - 1])
        and stub.group(1).lower() in _prefixes()
        and not any(stub.start() in range(start, end) for start, end in spans)
    ):
        spans.append(stub.span())
    return sorted(spans)


def strip_notes(text: str) -> tuple[str, int]:
    spans = note_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text, len(spans)


def remove(lines: list[Line], log: RepairLog) -> list[Line]:
    """Remove every annotation, including one broken over two lines (``社區(q`` / ``ū)``)."""
    texts = [line.text for line in lines]
    for index in range(len(texts) - 1):
        stub = _OPEN_STUB.search(texts[index])
        rest = _CONTINUATION.match(texts[index + 1])
        if not (stub and rest and stub.start()):
            continue
        char = texts[index][stub.start() - 1]
        if _annotatable(char) and is_syllable_of(char, stub.group(1) + rest.group(1)):
            texts[index] = texts[index][: stub.start()]
            texts[index + 1] = texts[index + 1][rest.end() :]
            log.count("pinyin")
    out: list[Line] = []
    for line, text in zip(lines, texts, strict=True):
        text, removed = strip_notes(text)
        log.count("pinyin", removed)
        out.append(replace(line, text=text))
    return out
