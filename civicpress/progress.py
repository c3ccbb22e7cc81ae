"""The build's progress, phase by phase: 读取、生成网页、交流材料、搜索索引、检查、发布.

The pipeline tells a ``Progress`` when it made an output file and when a phase ended, with
the count of what that phase did; it knows nothing of terminals. ``PhaseReport`` is the
command line's: on a terminal a line that moves (the current phase, a bar for the pages) and
one finished line per phase; elsewhere (a log file, a scheduled task) only the finished lines.
Every count is what was written: the pages and materials made this time, the articles in the
search index, the files checked, the files whose bytes changed.
"""

from __future__ import annotations

import time
from typing import Protocol, TextIO

READ, PAGES, PRINT, SEARCH, CHECK, PUBLISH = "读取", "生成网页", "交流材料", "搜索索引", "检查", "发布"
PHASES = (READ, PAGES, PRINT, SEARCH, CHECK, PUBLISH)  # in the order a build runs them
PRINT_PREFIX = "print/"  # the exchange materials' outputs (printing.PRINT_DIR)

_SAID = {
    READ: "读取：{n} 篇文章",
    PAGES: "生成网页：{n} 个文件",
    PRINT: "交流材料：{n} 个文件（打印网页、PDF、Word）",
    SEARCH: "搜索索引：{n} 篇文章",
    CHECK: "检查：{n} 个文件（链接、个人信息）",
    PUBLISH: "发布：写入 {n} 个文件",
}
BAR = 24  # characters of the pages' bar
REDRAW = 0.1  # seconds between two redraws of the moving line


class Progress(Protocol):
    """What the pipeline calls: at each output file it made, and at the end of each phase."""

    def made(self, path: str, expected: int) -> None:
        """One output file made (``path`` in the output folder), of about ``expected`` pages."""

    def phase(self, name: str, count: int) -> None:
        """Phase ``name`` (one of PHASES) ended, having done ``count`` things."""


def phase_line(name: str, count: int) -> str:
    return _SAID[name].format(n=count)


class PhaseReport:
    """The command line's progress on ``stream``: moving on a terminal, plain finished lines otherwise."""

    def __init__(self, stream: TextIO, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.made_count = {PAGES: 0, PRINT: 0}
        self.ended: set[str] = set()
        self.shown = 0.0
        self.moving = False  # a moving line is on the screen, to be overwritten

    def made(self, path: str, expected: int) -> None:
        kind = PRINT if path.startswith(PRINT_PREFIX) else PAGES
        if kind == PRINT and PAGES not in self.ended:  # the materials come after all the pages
            self._end(PAGES, self.made_count[PAGES])
        self.made_count[kind] += 1
        if self.live and time.monotonic() - self.shown >= REDRAW:
            done = self.made_count[kind]
            filled = BAR * min(done, expected) // max(expected, 1)
            self._move(f"{PRINT}……{done}" if kind == PRINT else
                       f"{PAGES} [{'#' * filled}{'.' * (BAR - filled)}] {min(done, expected)}/{expected}")

    def phase(self, name: str, count: int) -> None:
        if PHASES.index(name) > PHASES.index(PRINT):  # the pages and the materials were made before it
            for kind in (PAGES, PRINT):
                if kind not in self.ended and (kind == PAGES or self.made_count[kind]):  # no material: nothing to say
                    self._end(kind, self.made_count[kind])
        self._end(name, count)
        following = PHASES.index(name) + 1
        if self.live and following < len(PHASES):
            self._move(f"{PHASES[following]}……")

    def done(self) -> None:
        """The build ended (or failed): no moving line is left on the screen."""
        if self.moving:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.moving = False

    def _end(self, name: str, count: int) -> None:
        self.ended.add(name)
        self.stream.write(("\r\x1b[K" if self.moving else "") + phase_line(name, count) + "\n")
        self.stream.flush()
        self.moving = False

    def _move(self, text: str) -> None:
        self.stream.write(f"\r\x1b[K{text}")
        self.stream.flush()
        self.shown = time.monotonic()
        self.moving = True
