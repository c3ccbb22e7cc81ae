"""One ``import`` run: read every file, repair and structure it, choose names, write.

Nothing is written until every file has been read and converted; an unreadable file stops the
run before any article is created (all unreadable files are reported together). Articles an
earlier run of the same import wrote are recognised and skipped (``files.earlier_imports``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from civicpress.config import load_config
from civicpress.errors import Finding, Findings, Location, SiteError
from civicpress.importer.article import Article, PlacedPicture, render
from civicpress.importer.cleaning import clean
from civicpress.importer.files import (
    Destination,
    choose,
    earlier_imports,
    existing,
    import_key,
    remove_leftovers,
    source_digest,
    write,
    write_picture,
)
from civicpress.importer.reading import Source, SourcePicture, read_source
from civicpress.importer.repair_log import RepairLog
from civicpress.importer.structure import Report, parse, split

log = logging.getLogger(__name__)

STDIN_NAME = "标准输入"
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Output:
    destination: Destination
    title: str
    text: str  # the article as this run made it (not written when skipped)
    skipped: bool = False  # an earlier import of the same source made it: kept as it is, nothing written
    pictures: tuple[tuple[Path, bytes], ...] = ()  # the Word file's pictures it shows, written before it


@dataclass(frozen=True)
class Imported:
    source: Source
    report: Report
    log: RepairLog
    outputs: tuple[Output, ...]
    split_note: str = ""  # why --split made a single article


@dataclass(frozen=True)
class ImportRun:
    section: str
    items: tuple[Imported, ...]
    dry_run: bool


@dataclass(frozen=True)
class Input:
    name: str
    data: bytes
    modified: date | None = None
    problem: Finding | None = None  # why the file could not be read


def read_inputs(names: Sequence[str], stdin: bytes | None = None) -> list[Input]:
    """The bytes of every named file (``-``: standard input). A file that cannot be read carries
    its problem, so that :func:`import_files` reports every bad file at once."""
    inputs: list[Input] = []
    for name in names:
        if name == "-":
            inputs.append(Input(STDIN_NAME, stdin or b""))
            continue
        path = Path(name)
        problem: Finding | None = None
        try:
            inputs.append(Input(name, path.read_bytes(), date.fromtimestamp(path.stat().st_mtime)))
            continue
        except IsADirectoryError:
            problem = Finding("import-unreadable", "这是一个文件夹，不是文件", Location(name), "请列出要导入的文件。")
        except FileNotFoundError:
            problem = Finding(
                "import-unreadable", "找不到这个文件", Location(name), "检查文件名和所在文件夹是否正确。"
            )
        except OSError as exc:
            problem = Finding("import-unreadable", f"无法读取文件（{exc.strerror}）", Location(name))
        inputs.append(Input(name, b"", None, problem))
    return inputs


def _section(site_dir: Path, section: str | None) -> tuple[str, str]:
    config = load_config(site_dir)
    keys = [s.key for s in config.sections]
    if section is None:
        if not keys:
            raise SiteError.single(
                "unknown-section", "网站没有定义任何栏目", Location("site_config.yaml"), "在 sections 中加入栏目。"
            )
        return keys[0], config.slug_style
    if config.section(section) is None:
        raise SiteError.single(
            "unknown-section",
            f"没有名为 {section} 的栏目",
            Location("site_config.yaml"),
            f"可用的栏目有：{'、'.join(keys) or '（无）'}",
        )
    return section, config.slug_style


def convert(source: Source) -> tuple[Report, RepairLog]:
    """Repair and structure one source: no files are touched."""
    repair_log = RepairLog()
    lines, metadata = clean(list(source.lines), repair_log)
    fallback = source.stem if _HAN.search(source.stem) else ""
    report = parse(lines, source.date or metadata.date, fallback, source.file_date, known_title=source.title,
                   metadata=metadata)
    for thing in source.unsupported:
        repair_log.flag(thing.line, thing.reason, thing.text)
    for picture in source.pictures:
        if not picture.alt:
            repair_log.flag(picture.line, "图片没有说明文字：请在文章中 ![ ] 的方括号里写上图片说明", "")
    return report, repair_log


def import_files(
    inputs: Sequence[Input],
    site_dir: Path,
    section: str | None = None,
    *,
    split_sections: bool = False,
    dry_run: bool = False,
) -> ImportRun:
    """Import ``inputs`` into ``content/<section>/`` of the site at ``site_dir``.

    An article that an earlier import of the same source wrote into the section (or that this
    run already wrote) is skipped, not imported again with ``-2``: running an interrupted or
    repeated import again completes it without duplicates.
    """
    section, slug_style = _section(site_dir, section)
    findings = Findings()
    sources: list[tuple[Source, str]] = []
    for item in inputs:
        if item.problem is not None:
            findings.add(item.problem)
            continue
        try:
            sources.append((read_source(item.name, item.data, item.modified), source_digest(item.data)))
        except SiteError as exc:
            findings.extend(exc.findings)
    if findings.errors:
        raise SiteError(*findings.errors)
    places = _Places(site_dir, section, slug_style)
    items = [_import_one(source, digest, places, split_sections) for source, digest in sources]
    if not dry_run:
        remove_leftovers(site_dir, section)
        for imported in items:
            for output in imported.outputs:
                if output.skipped:
                    log.info("%s already imported as %s", imported.source.name, output.destination.rel)
                    continue
                for path, data in output.pictures:  # first: an article never shows a picture not yet there
                    write_picture(path, data)
                write(output.destination, output.text)
                log.info("imported %s → %s", imported.source.name, output.destination.rel)
    return ImportRun(section, tuple(items), dry_run)


class _Places:
    """Where each article of a run goes: the article an earlier import made of it, or a free name."""

    def __init__(self, site_dir: Path, section: str, slug_style: str) -> None:
        self.site_dir, self.section, self.slug_style = site_dir, section, slug_style
        self.known = earlier_imports(site_dir, section)
        self.taken: set[Path] = set()

    def of(self, title: str, digest: str, part: int | None) -> tuple[Destination, bool]:
        """(where the article goes, whether it is there already)."""
        key = import_key(digest, part)
        earlier = self.known.get(key)
        if earlier is not None:
            return existing(self.section, earlier), True
        destination = choose(self.site_dir, self.section, title, self.slug_style, self.taken)
        self.known[key] = destination.path  # the same source twice in one run: one article
        return destination, False


def _import_one(source: Source, digest: str, places: _Places, split_sections: bool) -> Imported:
    report, repair_log = convert(source)
    markdown = source.kind == "markdown"
    name = Path(source.name).name
    note = ""
    if split_sections:
        intro, parts = split(report)
        if len(parts) == 1 and intro is None and parts[0] is report:
            note = "没有一级标题（如“一、”），未拆分"
        else:
            outputs = _split_outputs(report, intro, parts, name, markdown, digest, places, repair_log,
                                     source.pictures)
            return Imported(source, report, repair_log, outputs)
    if report.articles and not split_sections:
        note = f"这是一份汇编，共 {report.articles} 篇文章；加上 --split 可按篇拆分为 {report.articles} 篇文章"
    destination, skipped = places.of(report.title, digest, None)
    placed, files = _pictures(source.pictures, destination)
    article = Article(report.title, report.date, report, name, markdown, source_digest=digest, pictures=placed)
    output = Output(destination, report.title, render(article, repair_log), skipped, files)
    return Imported(source, report, repair_log, (output,), note)


PICTURES_DIR = "images"  # beside the articles of a section, as editors keep theirs (images/xxx.jpg)


def _pictures(pictures: Sequence[SourcePicture], destination: Destination
              ) -> tuple[tuple[PlacedPicture, ...], tuple[tuple[Path, bytes], ...]]:
    """Where the pictures of one article go: ``images/<article>/图1.jpg`` … beside it, never over another file."""
    folder = destination.path.parent / PICTURES_DIR / destination.path.stem
    placed: list[PlacedPicture] = []
    files: list[tuple[Path, bytes]] = []
    for number, picture in enumerate(pictures, start=1):
        path, again = folder / f"图{number}{picture.suffix}", 1
        while path.exists() and path.read_bytes() != picture.data:
            again += 1
            path = folder / f"图{number}-{again}{picture.suffix}"
        files.append((path, picture.data))
        placed.append(PlacedPicture(picture.line, picture.alt, f"{PICTURES_DIR}/{folder.name}/{path.name}"))
    return tuple(placed), tuple(files)


def _in_range(pictures: Sequence[SourcePicture], start: int, end: int | None) -> list[SourcePicture]:
    """The pictures that stood between source line ``start`` (included) and ``end`` (excluded, None: the end)."""
    return [p for p in pictures if p.line >= start and (end is None or p.line < end)]


def _split_outputs(report: Report, intro: Report | None, parts: list[Report], name: str, markdown: bool,
                   digest: str, places: _Places, repair_log: RepairLog,
                   pictures: Sequence[SourcePicture] = ()) -> tuple[Output, ...]:
    """An overview (when the report has an introduction) linking to one article per section."""
    home = places.of(report.title, digest, 0) if intro is not None else None
    part_of = (report.title, home[0].path.name) if home is not None else None
    placed = [places.of(part.title, digest, number) for number, part in enumerate(parts, start=1)]
    outputs: list[Output] = []
    starts = [part.blocks[0].line if part.blocks else 0 for part in parts]
    if intro is not None and home is not None:
        links = tuple((part.title, place.path.name) for part, (place, _) in zip(parts, placed, strict=True))
        shown, files = _pictures(_in_range(pictures, 0, starts[0] if starts else None), home[0])
        overview = Article(report.title, report.date, intro, name, markdown, links, source_digest=digest, part=0,
                           pictures=shown)
        outputs.append(Output(home[0], report.title, render(overview, repair_log), home[1], files))
    for number, (part, (place, skipped)) in enumerate(zip(parts, placed, strict=True), start=1):
        start = 0 if number == 1 and intro is None else starts[number - 1]
        end = starts[number] if number < len(parts) else None
        shown, files = _pictures(_in_range(pictures, start, end), place)
        article = Article(part.title, part.date, part, name, markdown, part_of=part_of, source_digest=digest,
                          part=number, pictures=shown)
        outputs.append(Output(place, part.title, render(article, repair_log), skipped, files))
    return tuple(outputs)
