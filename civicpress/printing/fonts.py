"""The print fonts: which font file prints which role, its glyph widths and its coverage.

Each role (body 仿宋, heading 黑体/楷体, title 小标宋, page number 宋体) has a stack of family
names: the office font first (仿宋_GB2312 …), then the free stand-in that
``scripts/install-fonts.sh`` installs (FandolFang …), then Noto Serif CJK SC for the rare
characters the stand-ins lack. The stack is written into the stylesheet as it is, and resolved
here the way fontconfig resolves it, so the line breaker measures the glyphs that will be
printed and the build can tell when a character would come from another font.

Without fontconfig (an editor's Windows PC) widths fall back to 1 em for Chinese and ½ em
for the rest, and coverage is not checked.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from civicpress.environment import font_stamp

log = logging.getLogger(__name__)

FALLBACK = "Noto Serif CJK SC"  # covers all GBK ideographs: where a rare character comes from


@dataclass(frozen=True)
class Role:
    """What one kind of text is printed in."""

    name: str
    label: str  # the office font's name, for messages
    families: tuple[str, ...]  # office fonts first, then stand-ins
    bold: bool = False

    def css(self) -> str:
        names = (*self.families, FALLBACK)
        return ", ".join(f'"{n}"' for n in dict.fromkeys(names)) + ", serif"


FANG = Role("fang", "仿宋_GB2312", ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "FandolFang"))
KAI = Role("kai", "楷体_GB2312", ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "FandolKai"))
HEI = Role("hei", "黑体", ("黑体", "SimHei", "FandolHei", "Noto Sans CJK SC"))
XBS = Role("xbs", "方正小标宋简体", ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"), bold=True)
SONG = Role("song", "宋体", ("宋体", "SimSun", "FandolSong"))
ROLES = {role.name: role for role in (FANG, KAI, HEI, XBS, SONG)}


@dataclass(frozen=True)
class FontFile:
    family: str
    path: str
    index: int


# A lookup maps (family, bold) to the installed file, or None when the family is not installed.
Lookup = Callable[[str, bool], "FontFile | None"]


def fontconfig_lookup(fonts: str) -> Lookup:
    """The installed file of a family (fontconfig's list; aliases are not followed).

    ``fonts`` is ``environment.font_stamp()``: the answers are kept per stamp, so a font
    installed meanwhile (``serve`` runs for hours) is looked up anew.
    """
    return functools.partial(_fc_list, fonts=fonts)


@functools.lru_cache(maxsize=128)
def _fc_list(family: str, bold: bool, fonts: str) -> FontFile | None:
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-list", "-f", "%{file}|%{index}|%{weight}|%{family[0]}\n", f":family={family}"],
            capture_output=True, text=True, encoding="utf-8", timeout=30, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    want = 200 if bold else 80  # fontconfig weights: regular 80, bold 200
    best: tuple[float, str, int] | None = None
    for row in out.splitlines():
        parts = row.split("|")
        if len(parts) < 4 or not parts[1].isdigit():
            continue
        try:
            weight = float(parts[2].strip("[] ").split()[0])
        except (ValueError, IndexError):
            weight = 80.0
        candidate = (abs(weight - want), parts[0], int(parts[1]))
        if best is None or candidate < best:
            best = candidate
    return None if best is None else FontFile(family, best[1], best[2])


class Face:
    """One font file: which characters it has and how wide they are (in em)."""

    def __init__(self, file: FontFile) -> None:
        self.file = file
        self._cmap, self._advances, self.ascent, self.descent = _load(file.path, file.index, _mtime(file.path))

    @property
    def centre_shift(self) -> float:
        """How far (em) to raise the glyphs so the ideographic em box sits in the middle of the line.

        A line box puts the baseline at half the leading plus the ascent; the em box of an
        ideograph runs from 0.12 em below the baseline to 0.88 em above it.
        """
        return (self.ascent - self.descent) / 2 - 0.38

    def has(self, char: str) -> bool:
        return ord(char) in self._cmap

    def advance(self, char: str) -> float:
        return self._advances(ord(char))


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=32)
def _load(path: str, index: int, mtime: float) -> tuple[dict[int, str], Callable[[int], float], float, float]:
    """cmap and advance widths of a font file (cached per file and modification time)."""
    from fontTools.ttLib import TTFont

    font: Any = TTFont(path, fontNumber=index, lazy=True)
    cmap: dict[int, str] = dict(font.getBestCmap())
    upm = float(font["head"].unitsPerEm)
    metrics = font["hmtx"].metrics

    @functools.lru_cache(maxsize=8192)
    def advance(code: int) -> float:
        glyph = cmap.get(code)
        if glyph is None or glyph not in metrics:
            return 1.0 if is_wide(chr(code)) else 0.5
        return float(metrics[glyph][0]) / upm

    hhea = font["hhea"]
    return cmap, advance, hhea.ascent / upm, -hhea.descent / upm


class FontBook:
    """The fonts one build prints with. ``lookup`` is fontconfig unless a test gives another."""

    def __init__(self, lookup: Lookup | None = None) -> None:
        self._lookup = lookup or fontconfig_lookup(font_stamp())
        self._faces: dict[str, Face | None] = {}
        self._fallback: Face | bool | None = False

    def face(self, role: Role) -> Face | None:
        """The face that prints ``role``: the first family of its stack that is installed."""
        if role.name not in self._faces:
            found = None
            for family in role.families:
                file = self._lookup(family, role.bold)
                if file is not None:
                    found = _face(file)
                    if found is not None:
                        break
            self._faces[role.name] = found
        return self._faces[role.name]

    def fallback(self) -> Face | None:
        if self._fallback is False:
            file = self._lookup(FALLBACK, False)
            self._fallback = _face(file) if file else None
        return self._fallback if isinstance(self._fallback, Face) else None

    def advance(self, role: Role, char: str) -> float:
        """Width of ``char`` in em as printed (from the fallback font where the face lacks it)."""
        face = self.face(role)
        if face is not None and face.has(char):
            return face.advance(char)
        fallback = self.fallback()
        if fallback is not None and fallback.has(char):
            return fallback.advance(char)
        return 1.0 if is_wide(char) else 0.5

    def missing(self, role: Role, text: str) -> list[str]:
        """Characters of ``text`` that the role's face lacks (in order, each once)."""
        face = self.face(role)
        if face is None:
            return []
        return list(dict.fromkeys(c for c in text if not c.isspace() and c.isprintable() and not face.has(c)))


def _face(file: FontFile) -> Face | None:
    try:
        return Face(file)
    except Exception as exc:
        log.warning("无法读取字体文件 %s：%s", file.path, exc)
        return None


def is_wide(char: str) -> bool:
    """A full-width (one-cell) character: ideographs, CJK punctuation, curly quotes, dashes."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF01 <= code <= 0xFF60
        or 0xFFE0 <= code <= 0xFFE6
        or 0x20000 <= code <= 0x3FFFF
        or char in "“”‘’—…·"
    )
