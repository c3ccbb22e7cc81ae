"""The importer's corpus score: real reports copied from ~90 web sites, each with its expectations.

Each ``tests/import_corpus/<nn>_<site>.txt`` is a report as copied from its page (the site's
chrome included; long reports trimmed to a head, a middle and a tail); ``<nn>_<site>.yaml`` says
where it came from and what a clean import must give:

    url, site          where the text was copied from
    file_title         the name an editor would save an untitled text under (else <nn>_<site>.txt)
    title, date        the article's title and date (date only when the text states one)
    author, source     the author and source lines (only when the text states them)
    headings           headings the article must have
    keep               sentences that must reach the body (compared without spaces, NFKC)
    remove             strings that must not reach the article (title or body)
    chrome             the source lines that are site chrome: a line matches an entry equal to it,
                       or starting with it when the entry has four characters or more
    chrome_exact       chrome lines matched whole only (a label whose words also begin a body line)
    compilation        the article titles of a compilation that holds several articles
    duplicate_title    the title is repeated in the text
    tables             how many tables the article must have
    held_out           true: a held-out report (the last ten added), never tuned on

The importer's thresholds were tuned on the reports not held out; the held-out ones had their
expectations written before the importer first ran on them. ``python bench/import_corpus.py``
prints the figures; tests/test_importer_corpus.py asserts them.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from civicpress.importer import convert
from civicpress.importer.article import Article, render
from civicpress.importer.reading import read_source
from civicpress.importer.structure import Block, Heading, ListBlock, Paragraph, Table

CORPUS = Path(__file__).resolve().parent / "import_corpus"


def squash(text: str) -> str:
    """Text compared as an editor reads it: NFKC (full- and half-width alike), no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Expectation:
    name: str
    url: str
    site: str
    title: str
    file_title: str = ""
    date: datetime.date | None = None
    author: str = ""
    source: str = ""
    headings: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    chrome: tuple[str, ...] = ()
    chrome_exact: tuple[str, ...] = ()
    compilation: tuple[str, ...] = ()
    duplicate_title: bool = False
    tables: int | None = None
    held_out: bool = False

    @property
    def number(self) -> int:
        return int(self.name.split("_", 1)[0])

    @property
    def text_path(self) -> Path:
        return CORPUS / f"{self.name}.txt"

    @property
    def file_name(self) -> str:
        return f"{self.file_title}.txt" if self.file_title else f"{self.name}.txt"

    def chrome_lines(self) -> set[int]:
        """Numbers of the source lines that are chrome."""
        lines = self.text_path.read_text(encoding="utf-8").split("\n")
        found: set[int] = set()
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if stripped and (stripped in self.chrome_exact or any(_matches(entry, stripped) for entry in self.chrome)):
                found.add(number)
        return found


def _matches(entry: str, line: str) -> bool:
    return line == entry or (len(entry) >= 4 and line.startswith(entry))


def load() -> list[Expectation]:
    found: list[Expectation] = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append(Expectation(
            name=path.stem,
            url=str(data["url"]),
            site=str(data["site"]),
            title=str(data["title"]),
            file_title=str(data.get("file_title") or ""),
            date=data.get("date"),
            author=str(data.get("author") or ""),
            source=str(data.get("source") or ""),
            headings=tuple(str(h) for h in data.get("headings") or ()),
            keep=tuple(str(k) for k in data.get("keep") or ()),
            remove=tuple(str(r) for r in data.get("remove") or ()),
            chrome=tuple(str(c) for c in data.get("chrome") or ()),
            chrome_exact=tuple(str(c) for c in data.get("chrome_exact") or ()),
            compilation=tuple(str(c) for c in data.get("compilation") or ()),
            duplicate_title=bool(data.get("duplicate_title")),
            tables=data.get("tables"),
            held_out=bool(data.get("held_out")),
        ))
    return found


@dataclass
class Result:
    expectation: Expectation
    failures: list[str] = field(default_factory=list)
    keep_total: int = 0
    keep_passed: int = 0
    remove_total: int = 0
    remove_passed: int = 0
    removed: set[int] = field(default_factory=set)  # source lines the importer kept out of the body
    chrome: set[int] = field(default_factory=set)  # source lines that are chrome
    considered: set[int] = field(default_factory=set)  # source lines counted (all but the title's)

    @property
    def clean(self) -> bool:
        return not self.failures


def _plain(block: Block) -> str:
    if isinstance(block, (Heading, Paragraph)):
        return block.text
    if isinstance(block, ListBlock):
        return "\n".join(block.items)
    return "\n".join("".join(row) for row in block.rows)


def score(expectation: Expectation) -> Result:
    """Import one corpus report (as the CLI would, without a file date) and check it."""
    result = Result(expectation)
    data = expectation.text_path.read_bytes()
    source = read_source(expectation.file_name, data)
    report, log = convert(source)
    text = render(Article(report.title, report.date, report, source.name), log)
    del text  # rendered to be sure it renders; checked on the text the editor will read
    flat = squash("\n".join(_plain(block) for block in report.blocks))
    fail = result.failures.append
    if squash(report.title) != squash(expectation.title):
        fail(f"标题：{report.title!r}，应为 {expectation.title!r}")
    if expectation.date is not None and report.date != expectation.date:
        fail(f"日期：{report.date}，应为 {expectation.date}")
    if expectation.author and squash(report.author) != squash(expectation.author):
        fail(f"作者：{report.author!r}，应为 {expectation.author!r}")
    if expectation.source and squash(report.origin) != squash(expectation.source):
        fail(f"来源：{report.origin!r}，应为 {expectation.source!r}")
    tables = sum(isinstance(block, Table) for block in report.blocks)
    if expectation.tables is not None and tables != expectation.tables:
        fail(f"表格：{tables} 个，应为 {expectation.tables} 个")
    headings = [squash(h) for _, h in report.outline()]
    for heading in expectation.headings:
        if squash(heading) not in headings:
            fail(f"缺少小标题：{heading}")
    for sentence in expectation.keep:
        result.keep_total += 1
        if squash(sentence) in flat:
            result.keep_passed += 1
        else:
            fail(f"正文缺少：{sentence}")
    article = squash(report.title) + flat
    for phrase in expectation.remove:
        result.remove_total += 1
        if squash(phrase) in article:
            fail(f"未删除：{phrase}")
        else:
            result.remove_passed += 1
    total = {n for n, line in enumerate(data.decode("utf-8").split("\n"), start=1) if line.strip()}
    result.considered = total - set(report.title_lines)
    result.chrome = expectation.chrome_lines() & result.considered
    result.removed = (log.dropped | set(report.consumed)) & result.considered
    for number in sorted(result.chrome - result.removed):
        fail(f"第 {number} 行是网站内容，未删除")
    for number in sorted(result.removed - result.chrome):
        fail(f"第 {number} 行是正文，被删除")
    return result


@dataclass(frozen=True)
class Figures:
    documents: int
    clean: int
    keep_total: int
    keep_passed: int
    remove_total: int
    remove_passed: int
    true_removed: int
    removed: int
    chrome: int

    @property
    def precision(self) -> float:
        return self.true_removed / self.removed if self.removed else 1.0

    @property
    def recall(self) -> float:
        return self.true_removed / self.chrome if self.chrome else 1.0

    def line(self, label: str) -> str:
        if not self.documents:
            return f"{label}: no documents"
        return (
            f"{label}: {self.clean}/{self.documents} documents fully clean ({self.clean / self.documents:.0%}); "
            f"must-keep {self.keep_passed}/{self.keep_total}; must-remove {self.remove_passed}/{self.remove_total}; "
            f"removed lines: precision {self.precision:.1%} ({self.true_removed}/{self.removed}), "
            f"recall {self.recall:.1%} ({self.true_removed}/{self.chrome})"
        )


def figures(results: list[Result]) -> Figures:
    return Figures(
        documents=len(results),
        clean=sum(r.clean for r in results),
        keep_total=sum(r.keep_total for r in results),
        keep_passed=sum(r.keep_passed for r in results),
        remove_total=sum(r.remove_total for r in results),
        remove_passed=sum(r.remove_passed for r in results),
        true_removed=sum(len(r.removed & r.chrome) for r in results),
        removed=sum(len(r.removed) for r in results),
        chrome=sum(len(r.chrome) for r in results),
    )
