"""Repair 1: text decoded one byte out of step in GBK, and UTF-8 read as GBK.

How the damage happens. In GBK a Chinese character is two bytes, lead then trail. When a
decoder loses one byte (or cannot map a lead byte and prints ``?`` for it alone), it pairs every
following trail byte with the next character's lead byte: each pair is still a valid GBK code,
so the rest of the run comes out as unrelated characters, often kana (row A4/A5) or rare ones
(``民困我?汀钡墓ぷ骼砟?`` for ``民困我幫”的工作理念``). The run ends at the next single-byte
character (an ASCII comma, say), where the one left-over byte shows as ``?``, or where a trail
byte happens to be an ASCII letter (GBK's trail bytes include 0x40–0x7E: 區 is 0x85 0x5E), which
then shows as that letter. An annotator that runs later may add pinyin to the garbage
(``?guī)``).

The repair. Re-encode the garbage as GBK and shift it back by one byte: the bytes between the
first and the last one pair up again as the original characters. The first character lost one
of its two bytes, and so did the last one unless its trail byte survived as a letter; what
cannot be recovered becomes ``□``, the usual mark for an unreadable character, and the line is
flagged for a human. The start of the
damage is not marked when the byte was simply dropped, so every start is tried; a repair is kept
only when the original run reads as garbage and the repaired text reads as ordinary Chinese
(:mod:`civicpress.importer.plausibility`).

Text encoded as UTF-8 and decoded as GBK (``鐨勫伐浣``) is undone exactly when the result reads
as Chinese. Where neither repair is safe, the text is kept and the line flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from civicpress.importer.hanzi_frequency import WORD_SET
from civicpress.importer.pinyin_marks import note_spans
from civicpress.importer.plausibility import (
    ALIEN,
    PLACEHOLDER,
    PLACEHOLDER_COST,
    char_cost,
    has_alien,
    is_han,
    reads_as_chinese,
    text_cost,
)
from civicpress.importer.repair_log import Line, RepairLog
from civicpress.importer.simplify import simplified_char

MARKER_COST = 6.0  # a stray "?" inside Chinese text
MIN_GAIN = 2.0  # a repair must beat the damaged text by this much
GARBAGE_CHAR = 6.0  # a character this rare (beyond the ~2,000th) may be garbage
HOLE_BONUS = 1.5  # a lost character that would make a word: weak evidence, many would fit
GARBAGE_PENALTY = 1.5  # per character called garbage: of two readings, prefer the smaller damage
_QUESTION = re.compile(r"什么|甚么|怎|为何|如何|是否|难道|哪|谁|几时|多少|吗|呢|嗎|麼|為何|難道|誰")

REASON_PARTIAL = "乱码（GBK 错位）已修复，“□”处的字无法从剩余字节恢复，请对照原文补上"
REASON_UNREPAIRED = "疑似乱码，无法安全修复，已保留原文"
REASON_STRAY = "有多余的“?”，可能是乱码留下的，请核对"


def _is_wide(text: str, index: int) -> bool:
    """A character that GBK writes in two bytes (the unit a byte shift scrambles).

    A pinyin letter (ā, ü) is two GBK bytes too; next to an ASCII letter it is Latin text.
    """
    char = text[index]
    if char == PLACEHOLDER or char.isascii() or char.isspace():
        return False
    if ord(char) < 0x250 and char.isalpha():
        neighbours = text[max(index - 1, 0) : index] + text[index + 1 : index + 2]
        if any(c.isascii() and c.isalpha() for c in neighbours):
            return False
    try:
        return len(char.encode("gbk")) == 2
    except UnicodeEncodeError:
        return False


@dataclass(frozen=True)
class _Run:
    """Wide characters in a row; pinyin annotations inside do not break a run."""

    positions: tuple[int, ...]  # index in the line of each character
    notes: tuple[tuple[int, int], ...]  # annotation spans inside the run
    lead_marker: tuple[int, int] | None  # a "?" (with an annotation stub) just before the run
    tail: int | None  # index of a "?" or of an ASCII letter just after the run

    def chars(self, text: str) -> str:
        return "".join(text[i] for i in self.positions)


def _runs(text: str) -> list[_Run]:
    notes = note_spans(text)
    note_at = {start: end for start, end in notes}
    runs: list[_Run] = []
    index = 0
    while index < len(text):
        if index in note_at:
            index = note_at[index]
            continue
        if not _is_wide(text, index):
            index += 1
            continue
        start = index
        positions: list[int] = []
        inside: list[tuple[int, int]] = []
        while index < len(text):
            if _is_wide(text, index):
                positions.append(index)
                index += 1
            elif index in note_at:
                inside.append((index, note_at[index]))
                index = note_at[index]
            else:
                break
        lead = _lead_marker(text, start, note_at)
        tail = index if index < len(text) and (text[index] == "?" or _trail_letter(text[index])) else None
        runs.append(_Run(tuple(positions), tuple(inside), lead, tail))
    return runs


def _trail_letter(char: str) -> bool:
    """An ASCII character that can be a GBK trail byte (0x40–0x7E)."""
    return 0x40 <= ord(char) <= 0x7E


def _lead_marker(text: str, start: int, note_at: dict[int, int]) -> tuple[int, int] | None:
    """A ``?`` right before ``start``, possibly followed by an annotation stub (``?guī)``)."""
    if start and text[start - 1] == "?":
        return start - 1, start
    for note_start, note_end in note_at.items():
        if note_end == start and note_start and text[note_start - 1] == "?":
            return note_start - 1, start
    return None


@dataclass(frozen=True)
class _Repair:
    start: int  # span of the line replaced
    end: int
    text: str
    notes: int  # annotations dropped with the garbage
    partial: bool
    guesses: tuple[str, ...] = ()  # per "□": the one character that would fit, or ""


def _is_garbage(chars: str) -> bool:
    """Could ``chars`` be the product of a shift? It holds something no ordinary text would."""
    return has_alien(chars) or any(char_cost(char) >= GARBAGE_CHAR for char in chars)


def _gbk_pairs(chars: str) -> bytes | None:
    try:
        data = chars.encode("gbk")
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 * len(chars) else None


def _decode_exact(data: bytes, length: int) -> str | None:
    """``data`` as exactly ``length`` two-byte characters, or None."""
    try:
        decoded = data.decode("gbk")
    except UnicodeDecodeError:
        return None
    if len(decoded) != length or any(c.isascii() for c in decoded):
        return None
    return decoded


@lru_cache(maxsize=4096)
def _completions(known: int, known_is_lead: bool) -> tuple[str, ...]:
    """Every character (Simplified) whose GBK code has ``known`` as its lead or trail byte."""
    found: list[str] = []
    for other in range(0x40, 0xFF):
        if other == 0x7F:
            continue
        pair = bytes((known, other)) if known_is_lead else bytes((other, known))
        try:
            char = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        if len(char) == 1 and not char.isascii():
            found.append(simplified_char(char))
    return tuple(found)


def _fits(completions: tuple[str, ...], before: str, after: str) -> list[str]:
    """The common completions that make a common word with a neighbour."""
    before, after = simplified_char(before) if before else "", simplified_char(after) if after else ""
    return [
        c
        for c in completions
        if char_cost(c) < GARBAGE_CHAR and ((before + c) in WORD_SET or (c + after) in WORD_SET)
    ]


def _placeholder_cost(completions: tuple[str, ...], before: str, after: str) -> float:
    """What a ``□`` costs: as a rare character, a little less if a character that fits the
    surviving byte makes a common word with a neighbour (the original may be such a word)."""
    return PLACEHOLDER_COST - (HOLE_BONUS if _fits(completions, before, after) else 0.0)


def _hole_pair_cost(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """Two lost characters side by side that could make a common word together."""
    common = [c for c in second if char_cost(c) < GARBAGE_CHAR]
    for a in first:
        if char_cost(a) < GARBAGE_CHAR and any((a + b) in WORD_SET for b in common):
            return -HOLE_BONUS
    return 0.0


@dataclass(frozen=True)
class _Candidate:
    cost: float
    p: int  # where the garbage starts in the run
    replacement: str
    consumed: bool  # the tail character was part of the damage
    holes: tuple[tuple[str, ...], ...]  # the completions of each "□", in order


def _candidates(text: str, run: _Run) -> list[_Candidate]:
    chars = run.chars(text)
    lead = "?" if run.lead_marker is not None else ""
    tail = text[run.tail] if run.tail is not None else ""
    before_run = text[run.lead_marker[0] - 1] if run.lead_marker and run.lead_marker[0] else ""
    if not before_run and run.positions[0]:
        before_run = text[run.positions[0] - 1]
    # Between a "?" and a "?" (or a surviving trail letter) the damage is certain.
    bracketed = bool(lead) and bool(tail)
    found: list[_Candidate] = []
    for p in range(len(chars)):
        garbage = chars[p:]
        data = _gbk_pairs(garbage)
        if data is None or not (_is_garbage(garbage) or (bracketed and p == 0)):
            continue
        first_hole = _completions(data[0], known_is_lead=False)
        options: list[tuple[str, bool, tuple[tuple[str, ...], ...]]] = []
        if tail and tail != "?":  # the last trail byte survived as this letter
            recovered = _decode_exact(data[1:] + tail.encode("ascii"), len(garbage))
            if recovered is not None:
                options.append((recovered, True, (first_hole,)))
        middle = _decode_exact(data[1:-1], len(garbage) - 1)
        if middle is not None:
            last_hole = _completions(data[-1], known_is_lead=True)
            options.append((middle + PLACEHOLDER, tail == "?", (first_hole, last_hole)))
        for inner, consumed, holes in options:
            body = inner.rstrip(PLACEHOLDER)
            if body and not reads_as_chinese(body):
                continue
            kept_lead = lead if p else ""
            after = "" if consumed else tail
            rest = text[run.tail + 1 : run.tail + 2] if consumed and run.tail is not None else after
            replacement = PLACEHOLDER + inner
            candidate = kept_lead + chars[:p] + replacement + after
            cost = text_cost(candidate) + (MARKER_COST if kept_lead else 0.0) + GARBAGE_PENALTY * len(garbage)
            before = chars[p - 1] if p else before_run
            cost += _placeholder_cost(holes[0], before, inner[:1]) - PLACEHOLDER_COST
            if len(holes) == 2:
                cost += _placeholder_cost(holes[1], body[-1:], rest[:1]) - PLACEHOLDER_COST
                if not body:
                    cost += _hole_pair_cost(holes[0], holes[1])
            found.append(_Candidate(cost, p, replacement, consumed, holes))
    return found


def _repair_shift(text: str, run: _Run) -> _Repair | None:
    chars = run.chars(text)
    lead = "?" if run.lead_marker is not None else ""
    tail = text[run.tail] if run.tail is not None else ""
    # Without this repair each "?" would become a "□" (mark_lost_characters).
    unshifted = lead.replace("?", PLACEHOLDER) + chars + tail.replace("?", PLACEHOLDER)
    original = text_cost(unshifted)
    candidates = _candidates(text, run)
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (c.cost, c.p))
    if best.cost - GARBAGE_PENALTY * (len(chars) - best.p) + MIN_GAIN > original:
        return None
    absorbs_lead = run.lead_marker is not None and best.p == 0
    start = run.lead_marker[0] if run.lead_marker is not None and absorbs_lead else run.positions[best.p]
    end = run.tail + 1 if run.tail is not None and best.consumed else run.positions[-1] + 1
    dropped = sum(1 for s, _ in run.notes if s > start)
    if absorbs_lead and run.lead_marker is not None and run.lead_marker[1] - run.lead_marker[0] > 1:
        dropped += 1
    # A guess for each hole, when exactly one character fits a common word with its neighbours.
    new_text = text[:start] + best.replacement + text[end:]
    guesses: list[str] = []
    holes = iter(best.holes)
    for index, char in enumerate(new_text[start : start + len(best.replacement)], start):
        if char == PLACEHOLDER:
            fits = sorted(set(_fits(next(holes), new_text[index - 1 : index], new_text[index + 1 : index + 2])))
            guesses.append(fits[0] if len(fits) == 1 else "")
    return _Repair(start, end, best.replacement, dropped, True, tuple(guesses))


def _repair_utf8(text: str, run: _Run) -> list[_Repair]:
    """UTF-8 bytes that were decoded as GBK: 宸ヤ綔鐞嗗康 → 工作理念 (exact, nothing lost).

    Three UTF-8 bytes make one Chinese character and two GBK bytes one garbage character, so a
    damaged stretch is a multiple of three garbage characters; the longest that decodes and reads
    as Chinese is taken, then the search goes on after it.
    """
    if run.notes:
        return []
    chars = run.chars(text)
    repairs: list[_Repair] = []
    start = 0
    while start < len(chars) - 2:
        found: tuple[int, str] | None = None
        for end in range(len(chars), start + 2, -1):
            if (end - start) % 3:
                continue
            piece = chars[start:end]
            try:
                decoded = piece.encode("gbk").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if reads_as_chinese(decoded) and text_cost(decoded) + MIN_GAIN <= text_cost(piece):
                found = (end, decoded)
                break
        if found is None:
            start += 1
            continue
        end, decoded = found
        repairs.append(_Repair(run.positions[start], run.positions[end - 1] + 1, decoded, 0, False))
        start = end
    return repairs


def asks_question(text: str, index: int) -> bool:
    """The sentence ending at ``index`` asks something: its ``?`` is a real question mark."""
    sentence = re.split(r"[。！？!?]", text[:index])[-1]
    return bool(_QUESTION.search(sentence))


def repair_text(text: str) -> tuple[str, list[_Repair], bool]:
    """The repaired text, the repairs made, and whether damage was left unrepaired."""
    repairs: list[_Repair] = []
    unrepaired = False
    for run in _runs(text):
        chars = run.chars(text)
        alarming = has_alien(chars) or run.lead_marker is not None
        if run.tail is not None and text[run.tail] == "?" and not asks_question(text, run.tail):
            alarming = alarming or _is_garbage(chars[-2:])
        exact = _repair_utf8(text, run) if alarming or _is_garbage(chars) else []
        if exact:
            repairs.extend(exact)
            continue
        repair = _repair_shift(text, run) if alarming or run.tail is not None else None
        if repair is not None:
            repairs.append(repair)
        elif alarming:
            unrepaired = True
    for repair in sorted(repairs, key=lambda r: r.start, reverse=True):
        text = text[: repair.start] + repair.text + text[repair.end :]
    return text, repairs, unrepaired


_HAN_CLASS = "\u3400-\u9fff\uf900-\ufaff□"
_PUNCT_CLASS = "，。、；：！”’“‘（）《》,.;:!()"
# "?" or "??" (or "?" and a surviving trail letter) with Chinese on one side, punctuation on the other.
_STRAY = re.compile(
    rf"(?:(?<=[{_HAN_CLASS}])(?:\?{{1,2}}|\?[@-~](?=[{_HAN_CLASS}]))(?=[{_HAN_CLASS}{_PUNCT_CLASS}]|$)"
    rf"|(?<=[{_PUNCT_CLASS}])\?{{1,2}}(?=[{_HAN_CLASS}]))"
)


def mark_lost_characters(text: str) -> tuple[str, int]:
    """``?`` or ``??`` inside Chinese text, in a sentence that asks nothing: one lost character.

    A decoder prints ``?`` for a byte it cannot use; what is left of a character whose other
    byte was lost, or that could not be mapped, is such a ``?`` (or two). It becomes ``□``.
    """
    count = 0

    def mark(match: re.Match[str]) -> str:
        nonlocal count
        if asks_question(text, match.start()):
            return match.group(0)
        count += 1
        return PLACEHOLDER

    return _STRAY.sub(mark, text), count


def stray_question_marks(text: str) -> bool:
    """A ``?`` next to Chinese text in a sentence that asks nothing."""
    for index, char in enumerate(text):
        if char != "?":
            continue
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if (is_han(before) or is_han(after)) and not asks_question(text, index):
            return True
    return False


def repair(lines: list[Line], log: RepairLog) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        text, repairs, unrepaired = repair_text(line.text)
        text, lost = mark_lost_characters(text)
        log.count("mojibake", len(repairs) + lost)
        log.count("pinyin", sum(r.notes for r in repairs))
        if any(r.partial for r in repairs) or lost:
            guesses = "、".join(g for r in repairs for g in r.guesses if g)
            hint = f"（按常用词推测可能是：{guesses}）" if guesses else ""
            log.flag(line.number, REASON_PARTIAL + hint, _excerpt(text))
        if unrepaired:
            log.flag(line.number, REASON_UNREPAIRED, _excerpt(text))
        elif stray_question_marks(text):
            log.flag(line.number, REASON_STRAY, _excerpt(text))
        out.append(replace(line, text=text))
    return out


def _excerpt(text: str) -> str:
    """The part of the line around the first sign of damage."""
    marks = [i for i in (text.find(PLACEHOLDER), text.find("?")) if i >= 0]
    marks += [i for i, c in enumerate(text) if char_cost(c) >= ALIEN][:1]
    start = max(0, min(marks) - 12) if marks else 0
    return ("…" if start else "") + text[start : start + 40]
