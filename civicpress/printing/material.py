"""Exchange materials (``content/materials/*.md``) and the visit booklet, as print jobs.

A material's front matter::

    title: 文明社区交流材料          # required
    date: 2022-09-19                 # required: printed under the text (成文日期)
    organization: 中共永丰社区委员会  # issuing organisation (default: the site's organization)
    subtitle: ——在……会上的交流发言   # optional, 楷体 under the title
    marking: 内部资料                 # optional, 黑体 at the top left of the first page
    parts: [body, honours]            # optional: what the material holds, in order (default [body])
    cover: true                       # optional: a cover page
    toc: true                         # optional: a 目录 page with page numbers
    qr: true                          # optional: QR code to the web version (or a URL)
    visibility: internal              # optional: only in the internal edition
    draft: true                       # optional: not built

Parts: ``body`` (the material's text), ``honours`` (荣誉 from ``data.honors``), ``timeline``
(大事记 from ``data.timeline``), ``{stats: 标题, rows: ["党员总数：{{ data.stats.party_members.total }}人"]}``
and ``{article: achievements/party-members.md}`` (an article's text). The text is evaluated
with the same data expressions as the website, in the same sandbox.
"""

from __future__ import annotations

import difflib
import io
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from civicpress.content import VISIBILITY, MaterialSource, parse_date, utc_offset
from civicpress.editions import Edition
from civicpress.errors import Findings, Location, SiteError
from civicpress.expressions import ContentSandbox, expand, expression_context, make_environment
from civicpress.fields import FieldTable, Parse, as_text, choice, switch
from civicpress.model import Site
from civicpress.printing.blocks import (
    Blank,
    Block,
    Figure,
    Heading,
    MarkdownReader,
    PageBreak,
    Paragraph,
    Read,
    Run,
    Table,
    Title,
    number_headings,
)
from civicpress.sitefolder import CONFIG_FILE
from civicpress.urls import slugify


def _as_written(_key: str, value: Any) -> Any:
    return value  # checked where it is used (date, parts, qr, materials)


def _table(names: tuple[str, ...]) -> FieldTable:
    kinds: dict[str, Parse] = {
        **dict.fromkeys(("title", "organization", "subtitle", "marking", "slug", "name"), as_text),
        **dict.fromkeys(("cover", "toc", "draft", "new_page"), switch()),
        **dict.fromkeys(("date", "parts", "qr", "materials"), _as_written),
        "visibility": choice(VISIBILITY, "visibility 的值 {value!r} 不正确",
                             "写 visibility: public（公开）或 visibility: internal（仅内部版）"),
    }
    return FieldTable({name: kinds[name] for name in names}, unknown_code="front-matter-unknown-key",
                      unknown_noun="材料字段", known_noun="字段")


FIELDS = _table(("title", "date", "organization", "subtitle", "marking", "parts", "cover", "toc", "qr",
                 "visibility", "draft", "slug"))
BOOKLET_FIELDS = _table(("title", "name", "date", "organization", "subtitle", "marking", "materials", "parts",
                         "qr", "visibility", "new_page"))
PART_NAMES = {"body": "body", "正文": "body", "honours": "honours", "honors": "honours", "荣誉": "honours",
              "timeline": "timeline", "大事记": "timeline"}
PART_TITLES = {"honours": "所获荣誉", "timeline": "大事记", "stats": "主要数据"}


@dataclass(frozen=True)
class Source:
    """Where a piece of printed text comes from, for messages (missing glyphs)."""

    location: Location
    text: str  # the text as written there (after expressions), to find a character's line
    first_line: int = 1


@dataclass(frozen=True)
class PrintJob:
    """One printed document: a material or the booklet."""

    name: str  # output/print/<name>.html|.pdf|.docx
    title: str
    organization: str
    date: datetime | None
    blocks: tuple[Block, ...]
    location: Location
    subtitle: str = ""
    marking: str = ""
    cover: bool = False
    toc: bool = False
    qr: str = ""  # URL the QR code links to, "" for none
    toc_level: str = "heading"  # heading (一、 of a material) or title (parts of the booklet)
    sources: tuple[Source, ...] = field(default=(), compare=False)


def load_jobs(
    materials: Sequence[MaterialSource], site: Site, edition: Edition, findings: Findings,
    site_dir: Path | None = None,
) -> tuple[PrintJob, ...]:
    """Every material of this edition and the booklet, checked; problems go to ``findings``.

    ``site_dir`` is where photos are read from (relative to the material's file, never outside
    the site folder); without it a photo is an error.
    """
    reader = PrintReader(MarkdownReader(), site_dir, findings)
    jobs: list[PrintJob] = []
    for source in materials:
        job = _material(source, site, edition, reader, findings)
        if job is not None:
            jobs.append(job)
    seen: dict[str, PrintJob] = {}
    for job in jobs:
        if job.name in seen:
            message = f"{seen[job.name].location.path} 和 {job.location.path} 的输出文件名相同：print/{job.name}.pdf"
            findings.error("duplicate-material", message, job.location, "请给其中一篇写 slug: 另一个文件名。")
        seen[job.name] = job
    booklet = _booklet(site, edition, jobs, reader, findings)
    if booklet is not None:
        jobs.append(booklet)
    return tuple(jobs)


@dataclass(frozen=True)
class Material:
    """An exchange material read and checked: its front matter typed, its text expanded."""

    name: str  # output/print/<name>.*
    title: str
    date: datetime
    organization: str
    body: str  # after data expressions and the edition's masks
    parts: tuple[Part, ...]
    location: Location
    body_line: int
    field_lines: Mapping[str, int]  # title, subtitle …: where each is written, for messages
    subtitle: str = ""
    marking: str = ""
    cover: bool = False
    toc: bool = False
    qr: str = ""


PRINT_MAX_PX = 1843  # 156 mm at 300 dpi: a photo wider than that prints no sharper


@dataclass
class PrintReader:
    """Markdown → blocks for one build: photos read and cleaned, what cannot be printed reported."""

    markdown: MarkdownReader
    site_dir: Path | None
    findings: Findings

    def read(self, text: str, location: Location, first_line: int) -> Read:
        """The blocks of ``text`` (written at ``location`` from ``first_line``), figures filled in."""
        read = self.markdown.read(text)
        for item in read.unsupported:
            self.findings.error(
                "print-unsupported", f"打印材料不支持{item.what}：{item.snippet[:40]}",
                _line_of(location, text, first_line, item.snippet),
                "打印版只能排文字、标题、列表、表格、图片和脚注；请删去这段代码，或改写成文字。")
        blocks = [self._figure(b, location, text, first_line) if isinstance(b, Figure) else b for b in read.blocks]
        return Read(blocks, read.notes, read.unsupported)

    def data_source(self, name: str, printed: str) -> Source:
        """Where the rows of ``content/_data/<name>.yaml`` are written: the file as it is, so a
        character is found on its own line (``printed``, the rows, when the file cannot be read)."""
        for suffix in (".yaml", ".yml", ".json"):
            rel = f"content/_data/{name}{suffix}"
            path = self.site_dir / rel if self.site_dir is not None else None
            if path is not None and path.is_file():
                try:
                    return Source(Location(rel), path.read_text(encoding="utf-8-sig"))
                except (OSError, UnicodeDecodeError):
                    break
        return Source(Location(f"content/_data/{name}.yaml"), printed)

    def _figure(self, figure: Figure, location: Location, text: str, first_line: int) -> Figure:
        where = _line_of(location, text, first_line, figure.src)
        folder = posixpath.dirname(location.path)
        rel = posixpath.normpath(posixpath.join(folder, figure.src.split("#")[0].split("?")[0]))
        hint = f"图片路径相对于材料文件所在的文件夹（{folder}/），如 images/照片.jpg；图片要放在网站文件夹里。"
        if self.site_dir is None or rel.startswith("../") or re.match(r"^[a-z]+:", figure.src):
            self.findings.error("print-image-missing", f"打印材料中的图片 {figure.src} 不在网站文件夹里", where, hint)
            return figure
        path = self.site_dir / rel
        if not path.is_file():
            self.findings.error("print-image-missing", f"找不到打印材料中的图片 {figure.src}（{rel}）", where, hint)
            return figure
        if not figure.caption:
            self.findings.error("print-image-caption", f"图片 {figure.src} 没有图注", where,
                                "在方括号里写上图注，如：![社区网格员走访独居老人](images/照片.jpg)")
        try:
            return _cleaned(figure, path.read_bytes(), rel)
        except SiteError as error:
            for finding in error.findings:
                self.findings.add(replace(finding, location=where))
            return figure


def _cleaned(figure: Figure, data: bytes, rel: str) -> Figure:
    """The photo without its metadata (the print HTML is published), no wider than print needs."""
    from PIL import Image

    from civicpress.images import publish_image

    _info, files = publish_image(rel, data, rel, widths=())
    clean = files[0].data
    with Image.open(io.BytesIO(clean)) as image:
        width, height = image.size
        kind = image.format or "JPEG"
        if width > PRINT_MAX_PX:
            small = image.convert("RGB").resize((PRINT_MAX_PX, round(height * PRINT_MAX_PX / width)),
                                                Image.Resampling.LANCZOS)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=85, optimize=True)
            clean, kind, (width, height) = out.getvalue(), "JPEG", small.size
    mime = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}.get(kind, "image/jpeg")
    return replace(figure, data=clean, width=width, height=height, mime=mime)


def _line_of(location: Location, text: str, first_line: int, snippet: str) -> Location:
    index = text.find(snippet)
    return location.at(first_line + text.count("\n", 0, index)) if index >= 0 else location.at(first_line)


def _material(
    source: MaterialSource, site: Site, edition: Edition, reader: PrintReader, findings: Findings
) -> PrintJob | None:
    material = read_material(source, site, edition, findings)
    return None if material is None else _material_job(material, site, edition, reader)


def read_material(source: MaterialSource, site: Site, edition: Edition, findings: Findings) -> Material | None:
    """The material of ``source`` in this edition; None when it is not printed or has errors (reported)."""
    location = Location(source.source)
    raw = source.front.value if source.front.value is not None else {}
    if not isinstance(raw, dict):
        findings.error("front-matter-type", "文件头应是“键: 值”的列表", location.at(2))
        return None

    def at(key: str) -> Location:
        return location.at(source.front.line_of(key) or 2)

    before = len(findings.errors)
    values = FIELDS.read(raw, at, findings).values
    if values.get("draft") is True or (values.get("visibility") == "internal" and edition.is_public):
        return None
    title = values.get("title", "").strip()
    if not title:
        findings.error("missing-title", "缺少材料标题 title", at("title"), "在文件头中写上：title: 文明社区交流材料")
    date = _date(values.get("date"), site, at("date"), findings, required=True)
    env = make_environment()
    context = expression_context(site.data, site.config, edition, {"title": values.get("title"), "date": date})
    body, problem = expand(env, source.body, context, location, source.body_line)
    if problem:
        findings.add(problem)
    parts = _parts(values.get("parts", ["body"]), at("parts"), site, env, context, findings, allow_body=True)
    name = values.get("slug") or _name(source.rel, site)
    qr = _qr(values.get("qr"), name, site, at("qr"), findings)
    if len(findings.errors) > before or date is None:
        return None
    return Material(
        name=name,
        title=edition.redact(values["title"]),
        date=date,
        organization=values.get("organization") or site.config.organization,
        body=edition.redact(body),
        parts=tuple(parts),
        location=location,
        body_line=source.body_line,
        field_lines={key: at(key).line or 1 for key in ("title", "subtitle", "organization", "marking")},
        subtitle=values.get("subtitle", ""),
        marking=values.get("marking", ""),
        cover=values.get("cover") is True or values.get("toc") is True,  # the 目录 is on the cover
        toc=values.get("toc") is True,
        qr=qr,
    )


def _material_job(material: Material, site: Site, edition: Edition, reader: PrintReader) -> PrintJob:
    """The material laid out as blocks: marking, title, its parts, the date."""
    location = material.location
    written = {"title": material.title, "subtitle": material.subtitle,
               "organization": material.organization, "marking": material.marking}
    sources = [Source(location.at(material.field_lines[key]), text, material.field_lines[key])
               for key, text in written.items() if text]
    sources.append(Source(location, material.body, material.body_line))
    blocks: list[Block] = []
    if material.marking:
        blocks += [Paragraph((Run(material.marking),), style="hei", align="left"), Blank()]
    blocks.append(Title(material.title, material.subtitle, material.organization, anchor="t1"))
    notes: list[Paragraph] = []
    for part in material.parts:
        if part.kind == "body":
            read = reader.read(material.body, location, material.body_line)
            blocks.extend(read.blocks)
            notes.extend(read.notes)
        else:
            blocks.append(Heading(1, (Run(part.title),)))
            blocks.extend(_part_blocks(part, site, edition, reader, sources))
    # Footnotes print as 注 at the end of the text, not at the foot of their page: the pages
    # are cut on the 22-line grid here and by Word's own layout in the .docx, so notes at the
    # foot would land on different pages in the two files; at the end they agree, as offices
    # write them (注：①……).
    blocks += notes
    # the date goes on a page with the last two lines of the text, never alone (GB/T 9704: 成文日期
    # is printed with the text it closes)
    blocks += [Blank(), Paragraph((Run(cn_date(material.date)),), align="right", right_cells=4, with_previous=2)]
    return PrintJob(
        name=material.name,
        title=material.title,
        organization=material.organization,
        date=material.date,
        blocks=tuple(_anchor_headings(number_headings(blocks))),
        location=location,
        subtitle=material.subtitle,
        marking=material.marking,
        cover=material.cover,
        toc=material.toc,
        qr=material.qr,
        sources=tuple(sources),
    )


@dataclass(frozen=True)
class Booklet:
    """The 参观材料 booklet (``print: booklet:`` in site_config.yaml), read and checked."""

    name: str
    title: str
    organization: str
    materials: tuple[PrintJob, ...]  # the chosen materials, in the order written
    parts: tuple[Part, ...]
    location: Location
    date: datetime | None = None
    subtitle: str = ""
    marking: str = ""
    new_page: bool = True  # each material and part starts on a new page
    qr: str = ""


def _booklet(
    site: Site, edition: Edition, jobs: list[PrintJob], reader: PrintReader, findings: Findings
) -> PrintJob | None:
    booklet = read_booklet(site, edition, jobs, findings)
    return None if booklet is None else _booklet_job(booklet, site, edition, reader)


def read_booklet(site: Site, edition: Edition, jobs: list[PrintJob], findings: Findings) -> Booklet | None:
    """The booklet of this edition, its materials chosen among ``jobs``; None without one or on errors."""
    settings = site.config.printing
    raw = settings.booklet
    if raw is None:
        return None
    location = Location(CONFIG_FILE, settings.booklet_line)
    before = len(findings.errors)
    values = BOOKLET_FIELDS.read(raw, lambda key: location, findings).values
    if values.get("visibility") == "internal" and edition.is_public:
        return None
    date = _date(values.get("date"), site, location, findings, required=False)
    by_name = {job.name: job for job in jobs}
    chosen: list[PrintJob] = []
    for entry in values.get("materials", ()):
        key = posixpath.splitext(posixpath.basename(str(entry)))[0]
        if key in by_name:
            chosen.append(by_name[key])
        else:
            close = difflib.get_close_matches(key, list(by_name), n=1)
            findings.error("unknown-material", f"参观材料中的 {entry} 不是 content/materials/ 中的材料", location,
                           f"你是不是想写 {close[0]}？" if close else "写材料的文件名（不带 .md），如 wenming-shequ")
    env = make_environment()
    context = expression_context(site.data, site.config, edition)  # the booklet has no page of its own
    parts = _parts(values.get("parts", ()), location, site, env, context, findings, allow_body=False)
    name = values.get("name") or "canguan-cailiao"
    qr = _qr(values.get("qr"), name, site, location, findings)
    if len(findings.errors) > before:
        return None
    return Booklet(
        name=name,
        title=values.get("title") or "参观材料",
        organization=values.get("organization") or site.config.organization,
        materials=tuple(chosen),
        parts=tuple(parts),
        location=location,
        date=date,
        subtitle=values.get("subtitle", ""),
        marking=values.get("marking", ""),
        new_page=values.get("new_page") is not False,
        qr=qr,
    )


def _booklet_job(booklet: Booklet, site: Site, edition: Edition, reader: PrintReader) -> PrintJob:
    """Cover, 目录, the chosen materials, then the parts (honours, key figures …), each a 目录 entry."""
    blocks: list[Block] = []
    sources: list[Source] = []
    number = 0
    # Each material and part starts on a new page, as offices hand them out (the page before
    # ends short); ``new_page: false`` runs them on with two blank lines between.
    separator: Block = PageBreak() if booklet.new_page else Blank(2)
    for job in booklet.materials:
        number += 1
        if blocks:
            blocks.append(separator)
        body = [b for b in job.blocks if not (isinstance(b, Paragraph) and b.style == "hei" and b.align == "left")]
        while body and isinstance(body[0], Blank):
            body.pop(0)
        blocks.extend(_retarget(body, number))
        sources.extend(job.sources)
    for part in booklet.parts:
        number += 1
        if blocks:
            blocks.append(separator)
        blocks.append(Title(part.title, anchor=f"t{number}"))
        blocks.extend(_part_blocks(part, site, edition, reader, sources))
    return PrintJob(
        name=booklet.name,
        title=booklet.title,
        organization=booklet.organization,
        date=booklet.date,
        blocks=tuple(blocks),
        location=booklet.location,
        subtitle=booklet.subtitle,
        marking=booklet.marking,
        cover=True,
        toc=True,
        qr=booklet.qr,
        toc_level="title",
        sources=tuple(sources),
    )


def _retarget(blocks: list[Block], number: int) -> list[Block]:
    """A material inside the booklet: its title anchors the booklet's 目录 entry."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Title):
            block = Title(block.text, block.subtitle, block.byline, anchor=f"t{number}")
        elif isinstance(block, Heading):
            block = Heading(block.level, block.runs, "")
        out.append(block)
    return out


def _anchor_headings(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    count = 0
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            count += 1
            block = Heading(block.level, block.runs, f"h{count}")
        out.append(block)
    return out


@dataclass(frozen=True)
class Part:
    kind: str  # body, honours, timeline, stats, article
    title: str
    rows: tuple[tuple[str, str], ...] = ()
    article: str = ""
    location: Location | None = None


def _parts(
    raw: Any, location: Location, site: Site, env: ContentSandbox, context: Mapping[str, Any], findings: Findings,
    *, allow_body: bool,
) -> list[Part]:
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    parts: list[Part] = []
    hint = ("可用的部分：body（正文）、honours（荣誉）、timeline（大事记）、"
            "{stats: 标题, rows: [...]}（数据表）、{article: 栏目/文件.md}（文章）")
    for item in items:
        if isinstance(item, str) and PART_NAMES.get(item):
            kind = PART_NAMES[item]
            if kind == "body" and not allow_body:
                findings.error("bad-part", "参观材料的 parts 中不能写 body", location, hint)
                continue
            parts.append(Part(kind, PART_TITLES.get(kind, "")))
        elif isinstance(item, Mapping) and len(item) >= 1:
            key = next(iter(item))
            kind = PART_NAMES.get(str(key), str(key))
            title = item[key] if isinstance(item[key], str) else ""
            if kind in ("honours", "timeline"):
                parts.append(Part(kind, title or PART_TITLES[kind]))
            elif kind == "stats":
                rows = _stat_rows(item.get("rows", ()), location, env, context, findings)
                parts.append(Part("stats", title or PART_TITLES["stats"], rows))
            elif kind == "article":
                rel = str(item[key]).removeprefix("content/")
                page = site.by_rel.get(rel)
                if page is None:
                    why = site.unpublished.get(rel, "")
                    findings.error("unknown-article", f"材料要收入的文章 {rel} " + (why or "不存在"), location,
                                   "写 content/ 中文章的路径，如 article: achievements/party-members.md")
                    continue
                parts.append(Part("article", title if "title" in item else page.title, article=rel))
            else:
                findings.error("bad-part", f"未知的材料部分 {key}", location, hint)
        else:
            findings.error("bad-part", f"未知的材料部分 {item!r}", location, hint)
    return parts


def _stat_rows(
    raw: Any, location: Location, env: ContentSandbox, context: Mapping[str, Any], findings: Findings
) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    for item in raw if isinstance(raw, (list, tuple)) else []:
        text, problem = expand(env, str(item), context, location, location.line or 1)
        if problem:
            findings.add(problem)
            continue
        label, _, value = re.split(r"([：:])", text, maxsplit=1) if re.search("[：:]", text) else (text, "", "")
        rows.append((label.strip(), value.strip()))
    return tuple(rows)


def _part_blocks(part: Part, site: Site, edition: Edition, reader: PrintReader,
                 sources: list[Source]) -> list[Block]:
    data = site.data
    if part.kind == "honours":
        honors = data.get("honors", ())
        rows = tuple(
            (str(h.get("title", "")), str(h.get("level", "")), str(h.get("year", "")), str(h.get("issuer", "")))
            for h in honors if isinstance(h, Mapping)
        )
        sources.append(reader.data_source("honors", "\n".join("".join(r) for r in rows)))
        return [Table(("荣誉称号", "级别", "年份", "授予单位"), rows, ("left", "center", "center", "left"))]
    if part.kind == "timeline":
        entries = data.get("timeline", ())
        events = tuple((_cn_partial_date(str(e.get("date", ""))), str(e.get("title", "")))
                       for e in entries if isinstance(e, Mapping))
        sources.append(reader.data_source("timeline", "\n".join("".join(r) for r in events)))
        return [Table(("时间", "事项"), events, ("left", "left"))]
    if part.kind == "stats":
        return [Table(("项目", "数据"), part.rows, ("left", "right"))]
    if part.kind == "article":
        page = site.by_rel[part.article]
        sources.append(Source(Location(page.source), page.body, page.body_line))
        read = reader.read(page.body, Location(page.source), page.body_line)
        blocks = read.blocks + list(read.notes)
        return [Heading(min(4, b.level + 1), b.runs) if isinstance(b, Heading) else b for b in blocks]
    return []


def _date(value: Any, site: Site, location: Location, findings: Findings, *, required: bool) -> datetime | None:
    if value is None:
        if required:
            findings.error("missing-date", "缺少成文日期 date", location, "在文件头中写上：date: 2022-09-19")
        return None
    parsed = parse_date(str(value), utc_offset(site.config.timezone))
    if parsed is None:
        findings.error("bad-date", f"日期 {value!r} 无法识别", location, "日期请写成 2022-09-19 的格式。")
    return parsed


def _qr(value: Any, name: str, site: Site, location: Location, findings: Findings) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, str) and re.match(r"^https?://\S+$", value):
        return value
    if value is True:
        if not site.config.base_url:
            findings.warn("qr-no-base-url", "未设置 base_url，二维码无法指向网页版，已省略", location,
                          "在 site_config.yaml 中写上网站的正式网址 base_url，或给 qr 写完整网址。")
            return ""
        return f"{site.config.base_url}print/{name}.html"
    findings.error("bad-field", f"qr 的值 {value!r} 不正确", location, "写 qr: true（指向网页版）或 qr: https://完整网址")
    return ""


def _name(rel: str, site: Site) -> str:
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if re.fullmatch(r"[A-Za-z0-9_-]+", stem):
        return stem
    return slugify(stem, site.config.slug_style) or "material"


def cn_date(value: datetime) -> str:
    """成文日期 with Arabic digits, as GB/T 9704-2012 writes it: 2022年9月19日."""
    return f"{value.year}年{value.month}月{value.day}日"


def _cn_partial_date(text: str) -> str:
    """2018-03-05 → 2018年3月5日; 2018-06 → 2018年6月."""
    parts = [p for p in text.split("-") if p.isdigit()]
    labels = ["年", "月", "日"]
    return "".join(f"{int(p)}{labels[i]}" for i, p in enumerate(parts[:3])) or text
