"""The record of an import: the lines being repaired, what each repair did, what a human must check.

Every stage takes ``Line`` objects and returns new ones; a line keeps the number it had in the
source file, so a flag can always send the editor to the right place in the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (key, label in the report), in the order the repairs run.
REPAIRS: tuple[tuple[str, str], ...] = (
    ("mojibake", "乱码修复（GBK 错位、UTF-8 误读）"),
    ("pinyin", "删除拼音注音"),
    ("traditional", "繁体字改为简体"),
    ("zhe", "“著/甚麼”等用字校正"),
    ("punctuation", "半角标点改为全角"),
    ("boilerplate", "删除网站广告、来源说明、页码"),
    ("rejoin", "合并断行"),
    ("redaction", "星号（脱敏）保留为文字"),
)


@dataclass(frozen=True)
class Line:
    """One line of the source: its 1-based number in the file, its text, and a heading hint.

    ``hint`` is a heading level the source itself declared (a Word heading style or a Markdown
    ``#``): 0 for a title, 1 for the top level; ``None`` when the source says nothing.
    """

    number: int
    text: str
    hint: int | None = None


@dataclass(frozen=True)
class Flag:
    """A line a human should check, with the reason in Chinese."""

    line: int
    reason: str
    text: str


@dataclass
class RepairLog:
    counts: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _ in REPAIRS})
    flags: list[Flag] = field(default_factory=list)
    dropped: set[int] = field(default_factory=set)  # source lines removed whole as site chrome
    breaks: set[int] = field(default_factory=set)  # of those, the ones that separated paragraphs

    def count(self, kind: str, number: int = 1) -> None:
        if kind not in self.counts:
            raise KeyError(kind)
        self.counts[kind] += number

    def flag(self, line: int, reason: str, text: str) -> None:
        excerpt = text if len(text) <= 40 else text[:39] + "…"
        flag = Flag(line, reason, excerpt)
        if flag not in self.flags:
            self.flags.append(flag)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
