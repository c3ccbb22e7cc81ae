"""The link check of a long-running process (``serve``), kept up to date between builds.

The check itself (civicpress.checks.links) judges all files of a build; on a 10,000-page site
that is most of a save's time. ``LinkMemory`` keeps what each file's links point at and reads
again only the files whose links or ids changed since the last build; the judgement is the
check's own (``judge_links``), except that a broken target is reported with the linking page
that sorts first (a build's order is not kept here).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from civicpress.checks.links import ESCAPE, LinkCheck, LinkRecord, judge_links
from civicpress.errors import Finding


class LinkMemory:
    """The link check with a memory: a Check (civicpress.checks.protocol) that serve keeps."""

    def __init__(self, check: LinkCheck) -> None:
        self._check = check
        self._records: dict[str, LinkRecord] = {}
        self._resolved: dict[str, list[tuple[str, str, str, str]]] = {}
        self._linkers: dict[str, dict[str, str]] = {}  # target -> {page: URL}
        self._fragment_linkers: dict[tuple[str, str], dict[str, str]] = {}
        self._ids: dict[str, frozenset[str]] = {}
        self._escapes: dict[str, list[str]] = {}  # page -> URLs that leave the site
        self._present: set[str] = set()

    quiet_after_errors = True

    @property
    def name(self) -> str:
        return self._check.name

    def scan(self, path: str, data: bytes) -> LinkRecord:
        return self._check.scan(path, data)

    def dump(self, record: LinkRecord) -> Any:
        return self._check.dump(record)

    def load(self, path: str, raw: Any) -> LinkRecord:
        return self._check.load(path, raw)

    def judge(self, records: Iterable[tuple[str, LinkRecord]], present: Iterable[str]) -> list[Finding]:
        """The files of this build (all of them) and the files that exist unread (the search bundle)."""
        self._update(dict(records), present)
        paths = _Union(self._records, self._present)
        escapes = sorted((page, url) for page, urls in self._escapes.items() for url in urls)
        # Only what is broken needs its first linking page: most targets are linked from every page.
        targets = {
            target: min(pages.items())
            for target, pages in self._linkers.items()
            if pages and target not in paths and f"{target}/index.html" not in paths
        }
        fragments = {
            (target, fragment): min(pages.items())
            for (target, fragment), pages in self._fragment_linkers.items()
            if pages and fragment not in self._ids.get(target if target in self._ids else f"{target}/index.html",
                                                       frozenset({fragment}))
        }
        return judge_links(escapes, targets, fragments, paths, self._ids)

    def _update(self, current: dict[str, LinkRecord], present: Iterable[str]) -> None:
        for path in [p for p in self._records if p not in current]:
            self._forget(path)
        for path, record in current.items():
            old = self._records.get(path)
            if old is not None and old.links == record.links and old.ids == record.ids:
                continue
            if old is not None:
                self._forget(path)
            self._learn(record)
        self._present = set(present)

    def _learn(self, record: LinkRecord) -> None:
        self._records[record.path] = record
        if record.ids is not None:
            self._ids[record.path] = record.ids
        resolved = self._check.resolve(record)
        self._resolved[record.path] = resolved
        for page, target, fragment, url in resolved:
            if target == ESCAPE:
                self._escapes.setdefault(page, []).append(url)
                continue
            self._linkers.setdefault(target, {}).setdefault(page, url)
            if fragment:
                self._fragment_linkers.setdefault((target, fragment), {}).setdefault(page, url)

    def _forget(self, path: str) -> None:
        del self._records[path]
        self._ids.pop(path, None)
        self._escapes.pop(path, None)
        for page, target, fragment, _ in self._resolved.pop(path, []):
            if target == ESCAPE:
                continue
            self._linkers.get(target, {}).pop(page, None)
            if fragment:
                self._fragment_linkers.get((target, fragment), {}).pop(page, None)


class _Union:
    """``in`` for two collections, without copying them into one set."""

    def __init__(self, first: dict[str, LinkRecord], second: set[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second
