"""What a build keeps for the next one: the stages' pure per-file steps, wrapped with memory.

The stages remember nothing: ``content.read_source`` reads one file, ``model.make_page`` makes
one page, ``markup.MarkdownRenderer`` renders one text. The wrappers here hand back what an
earlier build made of the same input instead:

- :class:`ReadMemo` and :class:`PageMemo` live in one long-running process (``serve``, through
  ``rebuild.session.BuildSession``): a file whose size and modification time are unchanged is not
  read again, and a page whose document and inputs are the same objects is not made again.
  They hand back the very objects made before, so the next stage (and ``rebuild.keys.KeyMemo``)
  recognises them by identity. Outside ``serve`` every build reads everything.
- :class:`MarkdownCache` lives on disk (``.civicpress-cache/markdown/``) and serves every build.

Each kept result carries the problems found while making it; they are reported again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from civicpress.config import SiteConfig
from civicpress.content import (
    Content,
    Document,
    MaterialSource,
    content_files,
    content_of,
    read_data,
    read_source,
)
from civicpress.environment import library_versions
from civicpress.errors import Finding, Findings
from civicpress.markup import Heading, LinkResolver, MarkdownRenderer, Rendered
from civicpress.model import Intro, Page, PageInputs, make_page

T = TypeVar("T")

@dataclass(frozen=True)
class _Kept(Generic[T]):
    """One result kept: what it was made from, the result, and the problems found making it."""

    made_from: object
    value: T
    problems: tuple[Finding, ...]

    @classmethod
    def make(cls, made_from: object, findings: Findings, make: Callable[[Findings], T]) -> _Kept[T]:
        local = Findings()
        value = make(local)
        findings.extend(local.items)
        return cls(made_from, value, tuple(local.items))

    def again(self, findings: Findings) -> _Kept[T]:
        """This result, used once more: its problems are reported again."""
        findings.extend(self.problems)
        return self


class ReadMemo:
    """The files of ``content/`` as earlier builds of this process read them, reused while unchanged.

    A Markdown file is read again when its stamp (size, modification time, from the listing taken
    before reading) differs; the data files when any of their stamps does; everything when the
    settings differ. Files no longer listed are forgotten.
    """

    def __init__(self) -> None:
        self._config: SiteConfig | None = None
        self._sources: dict[str, _Kept[Document | MaterialSource | None]] = {}
        self._data: _Kept[Mapping[str, Any]] | None = None

    def read_content(self, site_dir: Path, config: SiteConfig, findings: Findings) -> Content:
        """``content.read_content``, reading only what changed since the last call."""
        files = content_files(site_dir, stamped=True)
        if config != self._config:  # compared once here, not once per file
            self._config, self._sources = config, {}
        sources: dict[str, _Kept[Document | MaterialSource | None]] = {}
        for rel in files.markdown:
            kept = self._sources.get(rel)
            stamp = files.stamps[rel]
            if kept is not None and kept.made_from == stamp:
                sources[rel] = kept.again(findings)
            else:
                sources[rel] = _Kept.make(stamp, findings, partial(read_source, site_dir, rel, config))
        self._sources = sources
        stamps = files.data_stamps()
        if self._data is not None and self._data.made_from == stamps:
            self._data = self._data.again(findings)
        else:
            self._data = _Kept.make(stamps, findings, partial(read_data, site_dir))
        return content_of(files, [kept.value for kept in sources.values()], self._data.value, findings)


def _same_pages(before: PageInputs, now: PageInputs) -> bool:
    """Whether pages made with ``before`` are the pages ``now`` makes: the same data object, equal rest.

    The data is compared by identity: ``ReadMemo`` hands back the same object while no data
    file changed, and comparing it by value would cost more than it saves.
    """
    return before.read_data is now.read_data and (before.assets, before.config, before.edition) == (
        now.assets, now.config, now.edition
    )


class PageMemo:
    """The pages earlier builds of this process made, reused for the same document and inputs.

    ``make_page`` has the signature of ``model.make_page``: it is the step ``model.assemble_site``
    takes (``make=``). A page is made again when its document is another object (``ReadMemo``
    read the file again), and every page when what all of them depend on changed.
    """

    def __init__(self) -> None:
        self._inputs: PageInputs | None = None
        self._pages: dict[str, _Kept[Page | Intro]] = {}

    def make_page(self, document: Document, inputs: PageInputs, findings: Findings) -> Page | Intro:
        if inputs is not self._inputs:  # the first page of a build: its inputs are compared once
            if self._inputs is None or not _same_pages(self._inputs, inputs):
                self._pages.clear()
            self._inputs = inputs
        kept = self._pages.get(document.rel)
        if kept is not None and kept.made_from is document:
            return kept.again(findings).value
        kept = self._pages[document.rel] = _Kept.make(document, findings, partial(make_page, document, inputs))
        return kept.value


class MarkdownCache:
    """Rendered Markdown kept on disk (``.civicpress-cache/markdown/``) by a hash of the text.

    An entry is used only when the links it resolved still resolve to the same addresses
    (another page renamed changes them); ``check`` re-asks the resolver for each of them. The
    key also holds the page's address and a hash of the renderer's code and of this module, so
    a new version renders anew. One file per entry: the worker processes read and write their
    own pages' entries.
    """

    def __init__(self, folder: Path, allow_html: bool, read: bool = True) -> None:
        self.folder = folder
        self.read = read  # False: only write (a build asked to make everything anew)
        hasher = hashlib.blake2b(digest_size=8)
        for path in (inspect.getfile(MarkdownRenderer), __file__):
            hasher.update(Path(path).read_bytes())
        self._salt = f"{hasher.hexdigest()}\0{allow_html}\0{library_versions()}\0"  # a new Markdown renders anew

    def _path(self, text: str, page_url: str) -> Path:
        key = hashlib.blake2b(f"{self._salt}{page_url}\0{text}".encode(), digest_size=16).hexdigest()
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, text: str, page_url: str, check: LinkResolver) -> Rendered | None:
        """The cached rendering of ``text`` at ``page_url``, if every link it made still resolves the same."""
        if not self.read:
            return None
        try:
            entry = json.loads(self._path(text, page_url).read_bytes())
            links = [(str(href), bool(image), str(url)) for href, image, url in entry["links"]]
            rendered = Rendered(str(entry["html"]), tuple(Heading(int(a), str(b), str(c)) for a, b, c in entry["toc"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if all(check(href, image) == url for href, image, url in links):
            return rendered
        return None

    def put(self, text: str, page_url: str, rendered: Rendered, links: list[tuple[str, bool, str]]) -> None:
        path = self._path(text, page_url)
        entry = {"html": rendered.html, "toc": [[h.level, h.id, h.text] for h in rendered.toc], "links": links}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # a cache that cannot be written only costs time
