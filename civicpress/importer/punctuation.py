"""Half-width punctuation inside Chinese text becomes full-width, as the original had it.

Content farms and some converters turn ``，：；！？（）`` into ASCII. Inside Chinese text that is
damage (and it would make ``**`` or ``:`` mean something to Markdown or YAML), so it is undone:
only next to a Chinese character, never between two digits (``11:25``, ``1,000``), and ``?``
only where the sentence asks something. Also: ``----`` between Chinese → ``——``, ``...`` or
``。。。`` → ``……``, and a stray ``、`` after a full stop.
"""

from __future__ import annotations

import re
from dataclasses import replace

from civicpress.importer.mojibake import asks_question
from civicpress.importer.repair_log import Line, RepairLog

_WIDE = "\u3400-\u9fff\uf900-\ufaff□“”‘’（）《》【】、，。；：！？…—"
_HALF = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_MARK = re.compile(rf"(?<=[{_WIDE}])[,;:!?]|(?<=[^\d])[,;:!](?=[{_WIDE}])|(?<=\d)[,;!](?=[{_WIDE}])")
_BRACKETS = re.compile(
    r"\(([^()\n]*[\u3400-\u9fff][^()\n]*)\)"  # Chinese inside
    r"|(?<![A-Za-z0-9)])\((\d{1,2})\)(?=[\u3400-\u9fff])"  # (1) numbering a Chinese heading
)
# A whole run of dashes, never part of one (``——2018`` is not a single dash before ``—``).
_DASHES = re.compile(rf"(?<=[{_WIDE}])(?<![—\-－])(?:-{{2,}}|—+|－{{2,}})(?=[{_WIDE}])(?![—\-－])")
_ELLIPSIS = re.compile(r"(?:\.{3,}|。{3,}|(?<!…)…(?!…))")
_STOP_COMMA = re.compile(r"。、")


def normalise_text(text: str) -> tuple[str, int]:
    count = 0

    def mark(match: re.Match[str]) -> str:
        nonlocal count
        char = match.group(0)
        if char == "?" and not asks_question(text, match.start()):
            return char  # a stray "?" is damage, flagged by the mojibake repair
        count += 1
        return _HALF[char]

    text = _MARK.sub(mark, text)

    def brackets(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"（{match.group(1) or match.group(2)}）"

    text = _BRACKETS.sub(brackets, text)
    for pattern, replacement in ((_DASHES, "——"), (_ELLIPSIS, "……"), (_STOP_COMMA, "。")):
        text, changes = pattern.subn(replacement, text)
        count += changes
    return text, count


def normalise(lines: list[Line], log: RepairLog) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        text, count = normalise_text(line.text)
        log.count("punctuation", count)
        out.append(replace(line, text=text))
    return out
