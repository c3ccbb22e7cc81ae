"""One ``import`` run: read every file, repair and structure it, choose names, write.

Nothing is written until every file has been read and converted; an unreadable file stops the
run before any article is created (all unreadable files are reported together).
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
from civicpress.importer.article import Article, render
from civicpress.importer.cleaning import clean
from civicpress.importer.files import Destination, choose, write
from civicpress.importer.reading import Source, read_source
from civicpress.importer.repair_log import RepairLog
from civicpress.importer.structure import Report, parse, split

log = logging.getLogger(__name__)

STDIN_NAME = "标准输入"
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Output:
    destination: Destination
    title: str
    text: str


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
    lines, header_date = clean(list(source.lines), repair_log)
    fallback = source.stem if _HAN.search(source.stem) else ""
    report = parse(lines, source.date or header_date, fallback, source.file_date, known_title=source.title)
    return report, repair_log


def import_files(
    inputs: Sequence[Input],
    site_dir: Path,
    section: str | None = None,
    *,
    split_sections: bool = False,
    dry_run: bool = False,
) -> ImportRun:
    """Import ``inputs`` into ``content/<section>/`` of the site at ``site_dir``."""
    section, slug_style = _section(site_dir, section)
    findings = Findings()
    sources: list[Source] = []
    for item in inputs:
        if item.problem is not None:
            findings.add(item.problem)
            continue
        try:
            sources.append(read_source(item.name, item.data, item.modified))
        except SiteError as exc:
            findings.extend(exc.findings)
    if findings.errors:
        raise SiteError(*findings.errors)
    taken: set[Path] = set()
    items: list[Imported] = []
    for source in sources:
        report, repair_log = convert(source)
        markdown = source.kind == "markdown"
        name = Path(source.name).name
        articles: list[Article] = []
        note = ""
        if split_sections:
            intro, parts = split(report)
            if len(parts) == 1 and intro is None and parts[0] is report:
                note = "没有一级标题（如“一、”），未拆分"
            else:
                outputs: list[Output] = []
                part_of: tuple[str, str] | None = None
                if intro is not None:
                    home = choose(site_dir, section, report.title, slug_style, taken)
                    part_of = (report.title, home.path.name)
                places = [choose(site_dir, section, part.title, slug_style, taken) for part in parts]
                if intro is not None:
                    links = tuple((part.title, place.path.name) for part, place in zip(parts, places, strict=True))
                    overview = Article(report.title, report.date, intro, name, markdown, links)
                    outputs.append(Output(home, report.title, render(overview, repair_log)))
                for part, place in zip(parts, places, strict=True):
                    article = Article(part.title, part.date, part, name, markdown, part_of=part_of)
                    outputs.append(Output(place, part.title, render(article, repair_log)))
                items.append(Imported(source, report, repair_log, tuple(outputs)))
                continue
        articles.append(Article(report.title, report.date, report, name, markdown))
        outputs = [
            Output(choose(site_dir, section, a.title, slug_style, taken), a.title, render(a, repair_log))
            for a in articles
        ]
        items.append(Imported(source, report, repair_log, tuple(outputs), note))
    if not dry_run:
        for imported in items:
            for output in imported.outputs:
                write(output.destination, output.text)
                log.info("imported %s → %s", imported.source.name, output.destination.rel)
    return ImportRun(section, tuple(items), dry_run)
