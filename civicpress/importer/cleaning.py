"""The repairs, in their order. Each counts what it did in the RepairLog.

    1 mojibake      text decoded one byte out of step in GBK (and UTF-8 read as GBK)
    2 pinyin_marks  annotations such as 社區(qū)
    3 simplify      Traditional → Simplified (OpenCC t2s and its known misses),
      punctuation   then half-width punctuation inside Chinese → full-width
    4 boilerplate   content-farm and document-site additions, scored line by line (the date,
                    author and source of metadata lines are kept for the front matter)
    5 paragraphs    hard-wrapped lines joined
    6 (redaction marks are kept as text when the article is written: article.py)

The order matters: a byte shift must be undone on the text as it was damaged (before any
conversion changes its characters), and annotations inside the damaged run go with it.
"""

from __future__ import annotations

from civicpress.importer import boilerplate, mojibake, paragraphs, pinyin_marks, punctuation, simplify
from civicpress.importer.boilerplate import Metadata
from civicpress.importer.plausibility import PLACEHOLDER
from civicpress.importer.repair_log import Flag, Line, RepairLog


def clean(lines: list[Line], log: RepairLog) -> tuple[list[Line], Metadata]:
    """The repaired lines and what the metadata lines (``时间:``, ``作者:``, ``来源:``…) said."""
    lines = mojibake.repair(lines, log)
    lines = pinyin_marks.remove(lines, log)
    lines = simplify.to_simplified(lines, log)
    lines = punctuation.normalise(lines, log)
    lines = boilerplate.page_chunks(lines)
    lines, metadata = boilerplate.strip_all(lines, log)
    lines = paragraphs.rejoin(lines, log)
    _show_clean_text(lines, log)
    return lines, metadata


def _show_clean_text(lines: list[Line], log: RepairLog) -> None:
    """Flags quote the line as it now reads (Simplified, without annotations)."""
    refreshed: list[Flag] = []
    for flag in log.flags:
        holder = max((line for line in lines if line.number <= flag.line), key=lambda found: found.number, default=None)
        if holder is None:
            refreshed.append(flag)
            continue
        text = holder.text
        marks = [i for i in (text.find(PLACEHOLDER), text.find("?")) if i >= 0]
        start = max(0, min(marks) - 12) if marks else 0
        excerpt = ("…" if start else "") + text[start : start + 36] + ("…" if len(text) > start + 36 else "")
        refreshed.append(Flag(flag.line, flag.reason, excerpt))
    log.flags[:] = refreshed
