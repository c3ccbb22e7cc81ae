"""What each output is made from: the keys that tell an incremental build what to make again.

A page's output depends on the site's *facts* (settings, templates, code, data, every page's
title, address, date…), on its own text, and on the text-derived fields of the other pages its
templates showed (``OutputFile.reads``, recorded by the renderer). Hashing these gives the
output's key; an output whose key is the one recorded in the build state is not made again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields

from civicpress.environment import font_stamp, library_versions
from civicpress.model import BODY_FIELDS, Page, Site
from civicpress.printing import PrintJob, print_paths
from civicpress.rebuild.state import FORMAT, key_of
from civicpress.sitefolder import CONFIG_FILE


class OutputKeys:
    """The key of each output: a hash of everything it is made from.

    - the *site key*: settings, templates, theme, code, the versions of the libraries that shape
      the output (``environment.library_versions``), static files, data and every other
      non-article file, and every published page's facts (title, address, date, tags…), all
      but its text; a change there changes every output;
    - for an article, its own text;
    - for any page, the text-derived fields (summary, length) of the other pages its templates
      showed last time (``OutputRecord.reads``), as the renderer recorded them;
    - for each exchange material, its own content as loaded (text, figures from the data, photos)
      and the installed fonts (``environment.font_stamp``) instead of the site's facts: an edit
      of an article the material does not show does not lay out and print it again.
    """

    def __init__(self, site: Site, stats: list[bytes], options: Iterable[object], print_jobs: Sequence[PrintJob],
                 memo: KeyMemo | None = None) -> None:
        """``stats``: ``state.input_stats`` of the site, taken before it was read."""
        memo = memo if memo is not None else KeyMemo()
        skip = frozenset({page.source for page in site.pages} | {f"content/{rel}" for rel in site.unpublished})
        code = b"".join(line for line in stats if line.startswith((b"<civicpress>/", CONFIG_FILE.encode())))
        inputs = b"".join(line for line in stats if line.split(b"\0", 1)[0].decode() not in skip)
        hashes = [memo.of(page) for page in site.pages]
        facts = key_of(*(h[0] for h in hashes))
        tools = library_versions()
        self.site = key_of(FORMAT, tuple(options), tools, code, inputs, facts, sorted(site.unpublished.items()),
                           site.build_date)
        fonts = font_stamp() if print_jobs else "-"  # the faces the PDFs are set in, and measured with
        printed = key_of(FORMAT, tuple(options), tools, fonts, code)
        self._print = {path: key_of(printed, repr(job)) for job in print_jobs for path in print_paths(job.name)}
        self._text = {page.source: h[1] for page, h in zip(site.pages, hashes, strict=True)}
        self._by_source = {page.source: page for page in site.pages}
        self._pages = {page.output: page for page in site.pages}
        self._memo = memo
        self._known: dict[str, tuple[tuple[str, ...], str]] = {}

    def _field(self, read: str) -> str:
        """The hash of one body-derived field of a page (``field:source``), "-" when the page is gone."""
        name, _, source = read.partition(":")
        page = self._by_source.get(source)
        return "-" if page is None else self._memo.field(page, name)

    def of(self, path: str, reads: tuple[str, ...]) -> str:
        """The key of the output at ``path``, which showed the text of the pages ``reads``."""
        known = self._known.get(path)
        if known is not None and known[0] == reads:
            return known[1]
        key = self._of(path, reads)
        self._known[path] = (reads, key)
        return key

    def _of(self, path: str, reads: tuple[str, ...]) -> str:
        printed = self._print.get(path)
        if printed is not None:
            return printed
        texts = [self._field(read) for read in reads]
        page = self._pages.get(path)
        if page is None:
            return key_of(self.site, texts)
        return key_of(self.site, self._text[page.source], page.body_line, texts)


def page_hashes(page: Page) -> tuple[str, str]:
    """(hash of its facts, hash of its text) of ``page``: a pure function of the page."""
    return key_of(_facts(page)), key_of(page.body, page.summary, page.chars, page.reading_minutes)


def field_hash(page: Page, name: str) -> str:
    """The hash of one body-derived field (BODY_FIELDS) of ``page``; "-" for any other name."""
    return key_of(getattr(page, name)) if name in BODY_FIELDS else "-"


class KeyMemo:
    """``page_hashes`` and ``field_hash``, kept by a long-running process (``serve``) for the same page object.

    ``rebuild.memos.PageMemo`` hands back the very page an earlier build made while its document
    and inputs are unchanged, so identity tells that its hashes are too.
    """

    def __init__(self) -> None:
        self._hashes: dict[str, tuple[Page, tuple[str, str]]] = {}
        self._fields: dict[tuple[str, str], tuple[Page, str]] = {}

    def of(self, page: Page) -> tuple[str, str]:
        """(hash of its facts, hash of its text) of ``page``."""
        entry = self._hashes.get(page.source)
        if entry is not None and entry[0] is page:
            return entry[1]
        hashes = page_hashes(page)
        self._hashes[page.source] = (page, hashes)
        return hashes

    def field(self, page: Page, name: str) -> str:
        """The hash of one body-derived field (BODY_FIELDS) of ``page``."""
        entry = self._fields.get((page.source, name))
        if entry is not None and entry[0] is page:
            return entry[1]
        value = field_hash(page, name)
        self._fields[(page.source, name)] = (page, value)
        return value


def _facts(page: Page) -> tuple[object, ...]:
    """Everything of a page another page may show, except what changes with its text (BODY_FIELDS)."""
    return tuple(getattr(page, name) for name in _FACT_FIELDS)


_FACT_FIELDS = tuple(
    f.name for f in fields(Page) if f.name not in BODY_FIELDS and f.name not in ("field_lines", "body_line")
)
