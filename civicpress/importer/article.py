"""A cleaned report as a civicpress article: front matter and Markdown.

Everything in the text is literal: a redaction mark (``**社区``, ``*市``) stays two stars on the
page instead of opening bold (repair 6), and ``#``, ``_``, ``[``, ``<``, ``{{`` … mean nothing.
A Markdown source keeps its own markup; only its unpaired stars (redactions) are escaped.

The front matter is what civicpress's content schema accepts: ``title``, ``date``,
``summary``, ``tags`` and, for what the schema has no field for, ``extra`` (``source``: the file
imported, ``imported: true``, ``source_digest``: a hash of its bytes, and ``part``: which part of
it with ``--split``; the last two let a second run of the same import skip this article).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from civicpress.errors import Location, SiteError
from civicpress.importer.repair_log import RepairLog
from civicpress.importer.structure import Block, Heading, ListBlock, Paragraph, Report, Table
from civicpress.importer.terms import suggest_tags
from civicpress.sources import load_yaml

SUMMARY_LIMIT = 120
_ESCAPE = re.compile(r"([\\`*_{}\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]\s))")
_STARS = re.compile(r"\*+")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』]?")


@dataclass(frozen=True)
class PlacedPicture:
    """A picture as the article shows it: the source line it stood at, its alt text, its path from the article."""

    line: int
    alt: str
    path: str  # images/<article>/图1.jpg


@dataclass(frozen=True)
class Article:
    title: str
    date: date | None
    report: Report  # the blocks of this article (the whole report, or one section of it)
    source: str  # the imported file's name
    markdown_source: bool = False
    links: tuple[tuple[str, str], ...] = ()  # (title, file name) of the parts, for an overview
    part_of: tuple[str, str] | None = None  # (title, file name) of the overview, for a part
    source_digest: str = ""  # files.source_digest of the imported file ("" : not recorded)
    part: int | None = None  # with --split: 0 the overview, 1… the parts
    pictures: tuple[PlacedPicture, ...] = ()  # placed before the first block below their line


def escape_text(text: str, log: RepairLog | None = None) -> str:
    """Plain text as Markdown that shows exactly this text."""
    if log is not None:
        log.count("redaction", len(_STARS.findall(text)))
    text = _ESCAPE.sub(r"\\\1", text).replace("<", "&lt;")
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2) in "#>+-=" else m.group(0), text)


def escape_markdown(text: str, log: RepairLog | None = None) -> str:
    """Markdown kept as it is, except stars without a partner (redactions) and ``{{``/``{%``."""
    runs = list(_STARS.finditer(text))
    open_runs: list[re.Match[str]] = []
    for run in runs:
        partner = next((o for o in reversed(open_runs) if len(o.group(0)) == len(run.group(0))), None)
        if partner is not None and run.start() > 0 and not text[run.start() - 1].isspace():
            open_runs.remove(partner)
        else:
            open_runs.append(run)
    unpaired = open_runs
    if log is not None:
        log.count("redaction", len(unpaired))
    for run in sorted(unpaired, key=lambda m: m.start(), reverse=True):
        text = text[: run.start()] + "\\*" * len(run.group(0)) + text[run.end() :]
    return text.replace("{{", "\\{\\{").replace("{%", "\\{%")


def _numbered_literal(text: str) -> str:
    """A paragraph that starts with ``1.`` must not turn into a list."""
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", text)


def render_blocks(article: Article, log: RepairLog | None) -> str:
    levels = article.report.levels()

    def esc(text: str) -> str:
        if article.markdown_source:
            return escape_markdown(text, log)
        return _numbered_literal(escape_text(text, log))

    parts: list[str] = []
    pending = sorted(article.pictures, key=lambda picture: picture.line)
    for block in article.report.blocks:
        while pending and pending[0].line < block.line:
            parts.append(_picture(pending.pop(0)))
        parts.append(_render(block, levels, esc))
    parts += [_picture(picture) for picture in pending]
    if article.links:
        items = "\n".join(f"- [{escape_text(title)}]({name})" for title, name in article.links)
        parts.append("本文分为以下几个部分：\n\n" + items)
    if article.part_of:
        title, name = article.part_of
        parts.append(f"（本文是[《{escape_text(title)}》]({name})的一部分。）")
    return "\n\n".join(part for part in parts if part)


def _picture(picture: PlacedPicture) -> str:
    return f"![{escape_text(picture.alt)}]({picture.path})"


def _render(block: Block, levels: dict[int, int], escape: Callable[[str], str]) -> str:
    if isinstance(block, Heading):
        level = min(levels.get(block.rank, 1) + 1, 6)
        return "#" * level + " " + escape(block.text)
    if isinstance(block, Paragraph):
        return escape(block.text)
    if isinstance(block, ListBlock):
        bullet = "1." if block.ordered else "-"
        return "\n".join(f"{bullet} {escape(item)}" for item in block.items)
    if isinstance(block, Table):
        width = max(len(row) for row in block.rows)
        rows = [list(row) + [""] * (width - len(row)) for row in block.rows]

        def cells(row: list[str]) -> str:
            return "| " + " | ".join(escape(c).replace("|", "\\|") or " " for c in row) + " |"

        lines = [cells(rows[0]), "|" + "---|" * width] + [cells(row) for row in rows[1:]]
        return "\n".join(lines)
    raise TypeError(block)


def summary(report: Report, limit: int = SUMMARY_LIMIT) -> str:
    """The first paragraph's whole sentences, up to ``limit`` characters."""
    first = next((b.text for b in report.blocks if isinstance(b, Paragraph) and len(b.text) >= 10), "")
    cut = ""
    for match in _SENTENCE.finditer(first):
        if len(cut) + len(match.group(0)) > limit:
            break
        cut += match.group(0)
    if cut:
        return cut.strip()
    if len(first) <= limit:
        return first
    clause = first[:limit]
    end = max(clause.rfind("，"), clause.rfind("；"))
    return (clause[:end] if end > limit // 2 else clause[: limit - 1]) + "……"


def yaml_scalar(value: str) -> str:
    """``value`` as YAML that civicpress reads back as exactly this string."""
    if value and value == value.strip() and not re.search(r"[\n#]|: |^[-?:,\[\]{}&*!|>'\"%@`]", value):
        try:
            if load_yaml(f"k: {value}", Location("")).value == {"k": value}:
                return value
        except SiteError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _flow_item(value: str) -> str:
    return value if re.fullmatch(r"[\w\u3400-\u9fff]+", value) else json.dumps(value, ensure_ascii=False)


def front_matter(article: Article, tags: list[str]) -> str:
    lines = ["---", f"title: {yaml_scalar(article.title)}"]
    if article.date is not None:
        lines.append(f"date: {article.date.isoformat()}")
    text = summary(article.report)
    if text:
        lines.append(f"summary: {yaml_scalar(text)}")
    lines.append("tags: [" + ", ".join(_flow_item(tag) for tag in tags) + "]")
    lines += ["extra:", f"  source: {yaml_scalar(article.source)}", "  imported: true"]
    if article.report.author:
        lines.append(f"  author: {yaml_scalar(article.report.author)}")
    if article.report.origin:
        lines.append(f"  origin: {yaml_scalar(article.report.origin)}")
    if article.source_digest:
        lines.append(f'  source_digest: "{article.source_digest}"')  # quoted: digits only would be a number
    if article.part is not None:
        lines.append(f"  part: {article.part}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def render(article: Article, log: RepairLog | None = None) -> str:
    """The whole file: front matter, a blank line, the body and a final newline."""
    body = render_blocks(article, log)
    plain = "\n".join(
        b.text for b in article.report.blocks if isinstance(b, (Paragraph, Heading))
    )
    return front_matter(article, suggest_tags(plain)) + "\n" + body + "\n"
