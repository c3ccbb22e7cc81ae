"""Everything that can go wrong in a build, and how it is reported.

The tree::

    SiteError                 a problem an editor can fix; never shows a traceback
    └── BuildFailed           one or more error findings collected during a build

    Finding                   one problem (error or warning) with a stable code,
                              a Location (file, line), a Chinese message and a hint

A non-SiteError exception is a bug in civicpress and may show a traceback.
Tests assert on ``Finding.code`` and ``Location``, never on the wording.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in the site folder: a path relative to the site root, and a 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def at(self, line: int | None) -> Location:
        return Location(self.path, line)


@dataclass(frozen=True)
class Finding:
    """One problem found in the site, in Chinese for the editor."""

    code: str
    message: str
    location: Location | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_json(self) -> list[Any]:
        """The finding as a JSON list (the build state keeps the warnings of files it reuses)."""
        where = self.location
        return [self.code, self.message, where.path if where else None, where.line if where else None,
                self.hint, self.severity.name]

    @classmethod
    def from_json(cls, raw: Any) -> Finding:
        code, message, path, line, hint, severity = raw
        location = Location(str(path), None if line is None else int(line)) if path is not None else None
        return cls(str(code), str(message), location, str(hint), Severity[str(severity)])

    def format(self) -> str:
        label = "错误" if self.is_error else "警告"
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{label}：{self.message}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text


def warning(code: str, message: str, location: Location | None = None, hint: str = "") -> Finding:
    return Finding(code, message, location, hint, Severity.WARNING)


class SiteError(Exception):
    """A problem the editor can fix. Carries one or more findings."""

    def __init__(self, *findings: Finding) -> None:
        self.findings: tuple[Finding, ...] = findings
        super().__init__("\n".join(f.format() for f in findings))

    @classmethod
    def single(
        cls, code: str, message: str, location: Location | None = None, hint: str = ""
    ) -> SiteError:
        return cls(Finding(code, message, location, hint))


class BuildFailed(SiteError):
    """The build found errors; nothing was written to the output folder."""


@dataclass
class Findings:
    """A collector passed down the stages: problems are gathered, reported together."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: list[Finding] | tuple[Finding, ...]) -> None:
        self.items.extend(findings)

    def error(self, code: str, message: str, location: Location | None = None, hint: str = "") -> None:
        self.items.append(Finding(code, message, location, hint))

    def warn(self, code: str, message: str, location: Location | None = None, hint: str = "") -> None:
        self.items.append(warning(code, message, location, hint))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if not f.is_error]

    def sorted(self) -> list[Finding]:
        """Stable order for reports (by file, line, then code), each problem once."""
        return sorted(
            set(self.items),
            key=lambda f: (
                f.location.path if f.location else "",
                f.location.line or 0 if f.location else 0,
                f.code,
                f.message,
            ),
        )
