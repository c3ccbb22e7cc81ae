"""Reading ``content/``: articles and pages with front matter, data files and assets.

Everything past this module is typed and frozen: front matter is validated field by field
(per section), and every problem names the file and line. Problems are collected, not
raised one at a time, so an editor sees all of them in one build.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from civicpress.attachment_links import AttachmentField, kind_of, parse_attachments
from civicpress.config import SiteConfig, freeze
from civicpress.errors import Finding, Findings, Location, SiteError
from civicpress.fields import BadValue, FieldTable, Parse, choice, switch
from civicpress.galleries import Captions, is_caption_file, read_captions
from civicpress.sitefolder import CONTENT_DIR, DATA_DIR, MATERIALS_DIR, STATIC_DIR, TEMPLATES_DIR
from civicpress.sources import YamlDocument, check_size, decode, load_yaml
from civicpress.urls import slug_problem

log = logging.getLogger(__name__)

INDEX_FILE = "_index.md"
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class FrontMatter:
    title: str
    date: datetime | None = None
    summary: str = ""
    tags: tuple[str, ...] = ()
    cover: str = ""
    draft: bool = False
    publish_date: datetime | None = None
    expiry_date: datetime | None = None
    slug: str = ""
    weight: int = 0
    location: str = ""  # events: where it took place
    level: str = ""  # honors: 国家级 / 省级 / 市级 / 区级 / 街道级
    awarded_by: str = ""  # honors: the issuing body
    visibility: str = "public"  # "internal": only in the internal (printed, handed over) edition
    status: str = ""  # 草稿 / 待审 / 已审: with require_approval, only 已审 is published
    reviewer: str = ""
    reviewed: datetime | None = None
    attachments: tuple[AttachmentField, ...] = ()  # the 附件 block at the end of the article
    valid_until: datetime | None = None  # 通知公告: 有效期至 (the page stays published, marked 已过期 after it)
    issuer: str = ""  # 党务/居务公开: 发布机构
    doc_number: str = ""  # 党务/居务公开: 文号, 永社党〔2025〕12号
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Document:
    """One Markdown file of ``content/``, validated."""

    source: str  # path from the site root, POSIX style: content/events/a.md
    rel: str  # path inside content/: events/a.md
    section: str  # section key, "" for a plain page at the top of content/
    is_index: bool  # _index.md: the home page's or a section's introduction
    front: FrontMatter
    body: str
    body_line: int  # line of the body's first line in the file
    field_lines: Mapping[str, int]
    encoding: str

    def location(self, body_line: int | None = None) -> Location:
        """A place in this file; ``body_line`` counts from the body's first line (1-based)."""
        return Location(self.source, None if body_line is None else self.body_line + body_line - 1)

    def field_location(self, name: str) -> Location:
        return Location(self.source, self.field_lines.get(name))


@dataclass(frozen=True)
class MaterialSource:
    """A file of ``content/materials/``: an exchange material for print (civicpress.printing).

    Its front matter has fields of its own (issuing organisation, marking, parts …), so it is
    kept as parsed YAML with its lines here and validated field by field by the print writer.
    """

    source: str  # content/materials/a.md
    rel: str  # materials/a.md
    front: YamlDocument
    body: str
    body_line: int
    encoding: str


@dataclass(frozen=True)
class Content:
    documents: tuple[Document, ...]
    data: Mapping[str, Any]
    assets: tuple[str, ...]  # non-Markdown files inside content/, as paths inside content/
    materials: tuple[MaterialSource, ...] = ()  # content/materials/*.md, for print
    sizes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))  # attachments' bytes, by path
    captions: Captions = field(default_factory=lambda: MappingProxyType({}))  # galleries' photo captions


HONOR_LEVELS = ("国家级", "省级", "市级", "区级", "街道级")
COMMON_FIELDS = (
    "title", "date", "summary", "tags", "cover", "draft",
    "publish_date", "expiry_date", "slug", "weight", "extra",
    "visibility", "status", "reviewer", "reviewed", "attachments", "valid_until", "issuer", "doc_number",
)
VISIBILITY = {"public": "public", "公开": "public", "internal": "internal", "内部": "internal"}
VISIBILITY_HINT = "写 visibility: internal（仅内部版）或 public"
STATUSES = ("草稿", "待审", "已审")
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "events": ("location",),
    "honors": ("level", "awarded_by"),
}
DATE_HINT = "日期请写成 2022-09-19、2022/9/19、2022.9.19 或 2022年9月19日，要写时间时加在后面，如 2022-09-19 14:30。"
SLUG_HINT = "slug 只写一个名字，用字母、数字、汉字和短横线，如 slug: chong-yang-jie；网址的其余部分由栏目决定。"
LINK_HINT = "符号链接可能指向网站文件夹之外的文件，不会读取也不会发布。请把文件本身复制到这里，再删除这个链接。"
SITE_FOLDERS = (STATIC_DIR, TEMPLATES_DIR)  # the site's other input folders, besides content/

# An editor's date, after NFKC (full-width digits and punctuation of a Chinese input method → ASCII):
# 2022-09-19, 2022/9/19 or 2022.9.19 (one kind of separator), or 2022年9月19日 (号 for 日); then an
# optional time, 14:30[:05] or 14时30分 / 下午2点; then an offset (ISO 8601, as a program writes it).
_DATE = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?:[T ]|(?=$))"
    r"|\s*年\s*(?P<cmonth>\d{1,2})\s*月\s*(?P<cday>\d{1,2})\s*[日号]?)"
    r"\s*(?P<half>上午|下午|晚上)?\s*"
    r"(?:(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|\s*[时点]\s*(?:(?P<cminute>\d{1,2})\s*分\s*(?:(?P<csecond>\d{1,2})\s*秒)?)?))?"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True)
class ContentFiles:
    """What ``content/`` held when it was listed: every file, with its size and modification time then.

    One listing, taken before anything is read: a file edited while the build reads it shows
    a newer time next build, so whoever keeps what was read of it (``rebuild.memos``) reads it again.
    """

    markdown: tuple[str, ...]  # articles, pages and exchange materials, paths inside content/, in listing order
    assets: tuple[str, ...]  # every other file but the data files and the galleries' caption files
    links: tuple[str, ...]  # symbolic links in content/, static/ and templates/, as site paths: refused
    # path inside content/ -> (size, modification time in ns), data files included; only when asked
    stamps: Mapping[str, tuple[int, int]] = field(default_factory=lambda: MappingProxyType({}))
    # attachments (PDF, Word … by suffix) -> their size in bytes, shown beside their links
    sizes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    captions: tuple[str, ...] = ()  # the galleries' caption files (galleries.CAPTION_FILES): read, not published

    def data_stamps(self) -> tuple[tuple[str, tuple[int, int]], ...]:
        """The stamps of the files in content/_data/: the data is read again when one of them changes."""
        return tuple((rel, stamp) for rel, stamp in self.stamps.items() if rel.startswith(DATA_DIR + "/"))


def read_content(site_dir: Path, config: SiteConfig, findings: Findings) -> Content:
    """Read all of ``content/``. Problems go to ``findings``; readable files are kept."""
    files = content_files(site_dir)
    read = [read_source(site_dir, rel, config, findings) for rel in files.markdown]
    captions = read_gallery_captions(site_dir, files, findings)
    return content_of(files, read, read_data(site_dir, findings), findings, captions)


def read_gallery_captions(site_dir: Path, files: ContentFiles, findings: Findings) -> Captions:
    """The caption files of the galleries, checked against the photos beside them (small: read every build)."""
    return read_captions(site_dir, files.captions, files.assets, findings)


def content_files(site_dir: Path, stamped: bool = False) -> ContentFiles:
    """List ``content/`` (and the links in the site's other folders); raises SiteError without it.

    ``stamped``: note every file's stamp too, for whoever keeps what was read (one more system
    call per file, which a build that reads everything need not make).
    """
    root = site_dir / CONTENT_DIR
    if not root.is_dir():
        raise SiteError.single(
            "content-missing", "找不到 content 文件夹", Location(CONTENT_DIR), "文章应放在网站文件夹下的 content/ 中。"
        )
    stamps: dict[str, tuple[int, int]] | None = {} if stamped else None
    links: list[str] = []
    markdown: list[str] = []
    assets: list[str] = []
    captions: list[str] = []
    for rel in _walk(root, stamps, links):
        if rel.startswith(DATA_DIR + "/"):
            continue
        (markdown if rel.endswith(MARKDOWN_SUFFIXES) else captions if is_caption_file(rel) else assets).append(rel)
    paths = [f"{CONTENT_DIR}/{link}" for link in links]
    for folder in SITE_FOLDERS:
        _walk(site_dir / folder, None, paths, f"{folder}/")
    sizes = {rel: (root / rel).stat().st_size for rel in assets if kind_of(rel)}
    return ContentFiles(tuple(markdown), tuple(assets), tuple(paths), MappingProxyType(stamps or {}),
                        MappingProxyType(sizes), tuple(captions))


def is_material(rel: str) -> bool:
    """A Markdown file of content/materials/: an exchange material for print, not a page of the website."""
    return rel.startswith(MATERIALS_DIR + "/")


def read_source(site_dir: Path, rel: str, config: SiteConfig, findings: Findings) -> Document | MaterialSource | None:
    """One Markdown file of content/ (``rel``): an exchange material or a page; None when it cannot be used."""
    if is_material(rel):
        return read_material(site_dir, rel, findings)
    return read_document(site_dir, rel, config, findings)


def content_of(files: ContentFiles, read: Iterable[Document | MaterialSource | None], data: Mapping[str, Any],
               findings: Findings, captions: Captions | None = None) -> Content:
    """The content, from what was read of ``files.markdown`` (in its order) and the data.

    The symbolic links the listing found are reported here, after the files' own problems.
    """
    findings.extend([link_refused(path) for path in files.links])
    documents = tuple(item for item in read if isinstance(item, Document))
    materials = tuple(item for item in read if isinstance(item, MaterialSource))
    return Content(documents, data, files.assets, materials, files.sizes, captions or MappingProxyType({}))


def link_refused(path: str) -> Finding:
    """A symbolic link in the site's folders: refused, not followed, and not skipped without a word."""
    return Finding("symlink", f"{path} 是符号链接，不能使用", Location(path), LINK_HINT)


def read_material(site_dir: Path, rel: str, findings: Findings) -> MaterialSource | None:
    """A material's text and raw front matter; civicpress.printing checks the fields."""
    location = Location(f"{CONTENT_DIR}/{rel}")
    path = site_dir / CONTENT_DIR / rel
    try:
        check_size(path.stat().st_size, location)
        text = decode(path.read_bytes(), location)
        _warn_encoding(text.encoding, location, findings)
        doc, body, body_line = _split_front_matter(text.text, location)
    except SiteError as exc:
        findings.extend(exc.findings)
        return None
    return MaterialSource(location.path, rel, doc, body, body_line, text.encoding)


def _walk(root: Path, stamps: dict[str, tuple[int, int]] | None = None, links: list[str] | None = None,
          prefix: str = "") -> list[str]:
    """Every file below ``root``, sorted, skipping hidden files and editor backups.

    Links are not followed: a link pointing outside the site must not pull files in. Each one
    (to a file or a folder) is noted in ``links``, so that it can be refused by name. With
    ``stamps``, each file's (size, modification time) is noted there, from the same listing.
    """
    found: list[str] = []

    def visit(base: str, folder: str) -> None:  # files first, then the folders: the order of os.walk
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        below = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_symlink():
                if links is not None:
                    links.append(base + name)
                continue
            if entry.is_dir(follow_symlinks=False):
                below.append((f"{base}{name}/", entry.path))
                continue
            if name.startswith("~$") or name.endswith(("~", ".tmp", ".swp")):
                continue
            found.append(base + name)
            if stamps is not None:
                info = entry.stat(follow_symlinks=False)
                stamps[base + name] = (info.st_size, info.st_mtime_ns)
        for child in below:
            visit(*child)

    if root.is_dir():
        visit(prefix, str(root))
    return found


def read_data(site_dir: Path, findings: Findings) -> Mapping[str, Any]:
    """``content/_data/NAME.yaml`` → ``data.NAME``, frozen."""
    data: dict[str, Any] = {}
    data_dir = site_dir / CONTENT_DIR / DATA_DIR
    if not data_dir.is_dir():
        return MappingProxyType(data)
    for path in sorted(data_dir.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.name.startswith(".") or path.is_symlink():
            continue  # a link is refused by name: content_files lists every link
        location = Location(f"{CONTENT_DIR}/{DATA_DIR}/{path.name}")
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", path.stem):
            findings.error(
                "data-bad-name",
                f"数据文件名 {path.name} 不能用在表达式里",
                location,
                "数据文件名请用英文字母、数字和下划线，如 stats.yaml，模板中写 data.stats。",
            )
            continue
        try:
            check_size(path.stat().st_size, location)
            text = decode(path.read_bytes(), location)
            _warn_encoding(text.encoding, location, findings)
            data[path.stem] = freeze(load_yaml(text.text, location).value)
        except SiteError as exc:
            findings.extend(exc.findings)
    return MappingProxyType(data)


def _warn_encoding(encoding: str, location: Location, findings: Findings) -> None:
    if encoding != "utf-8":
        findings.warn(
            "encoding-not-utf8",
            f"文件是 {encoding.upper()} 编码，已按此读取",
            location,
            "建议用记事本“另存为”，编码选 UTF-8，以免在其他电脑上出现乱码。",
        )


def read_document(site_dir: Path, rel: str, config: SiteConfig, findings: Findings) -> Document | None:
    """One article or page (``rel`` inside content/), its front matter validated; None when it cannot be used.

    A pure function of the file and the settings: problems go to ``findings``.
    """
    location = Location(f"{CONTENT_DIR}/{rel}")
    path = site_dir / CONTENT_DIR / rel
    parts = rel.split("/")
    section = parts[0] if len(parts) > 1 else ""
    if section and config.section(section) is None:
        findings.error(
            "unknown-section",
            f"文件夹 {section} 不是已定义的栏目",
            location,
            f"请在 site_config.yaml 的 sections 中加入 key: {section}，或把文件移到已有栏目的文件夹中。",
        )
        return None
    try:
        check_size(path.stat().st_size, location)
        text = decode(path.read_bytes(), location)
    except SiteError as exc:
        findings.extend(exc.findings)
        return None
    _warn_encoding(text.encoding, location, findings)
    is_index = parts[-1] == INDEX_FILE
    try:
        doc, body, body_line = _split_front_matter(text.text, location)
    except SiteError as exc:
        findings.extend(exc.findings)
        return None
    front = _front_matter(doc, location, front_matter_table(section, config.timezone), section, is_index, findings)
    if front is None:
        return None
    field_lines = {str(k[0]): line for k, line in doc.lines.items() if len(k) == 1}
    return Document(
        source=location.path,
        rel=rel,
        section=section,
        is_index=is_index,
        front=front,
        body=body,
        body_line=body_line,
        field_lines=MappingProxyType(field_lines),
        encoding=text.encoding,
    )


def _split_front_matter(text: str, location: Location) -> tuple[YamlDocument, str, int]:
    """YAML between the first two ``---`` lines; the rest is the body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SiteError.single(
            "front-matter-missing",
            "文件开头缺少文件头（--- 包围的标题、日期等信息）",
            location.at(1),
            "文件第一行写 ---，接着写 title: 标题 和 date: 2022-09-19，再写一行 --- 后开始正文。",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            yaml_text = "\n".join(lines[1:index])
            doc = load_yaml(yaml_text, location, line_offset=1)
            return doc, "\n".join(lines[index + 1 :]), index + 2
    raise SiteError.single(
        "front-matter-unclosed",
        "文件头没有结束行 ---",
        location.at(1),
        "在标题、日期等信息之后加一行 ---，再开始正文。",
    )


def _front_matter(
    doc: YamlDocument, location: Location, table: FieldTable, section: str, is_index: bool, findings: Findings
) -> FrontMatter | None:
    raw = doc.value if doc.value is not None else {}
    if not isinstance(raw, dict):
        findings.error("front-matter-type", "文件头应是“键: 值”的列表", location.at(2))
        return None
    before = len(findings.errors)

    def at(name: str) -> Location:
        return location.at(doc.line_of(name) or 2)

    read = table.read(raw, at, findings)
    values = read.values
    if not values.get("title") and not is_index and "title" not in read.failed:
        findings.error("missing-title", "缺少标题 title", at("title"), "在文件头中写上：title: 文章标题")
    if section and not is_index and "date" not in values and "date" not in read.failed:
        findings.error("missing-date", "缺少日期 date", at("date"), "在文件头中写上：date: 2022-09-19")
    if is_index and values.get("attachments"):  # an introduction has no end of article to list them at
        findings.error("attachments-in-index", "栏目介绍和首页介绍（_index.md）不能列出附件 attachments",
                       at("attachments"),
                       "在介绍正文中写成链接，如 [居民公约](files/居民公约.pdf)，同样会显示文件类型和大小。")
    if len(findings.errors) > before:
        return None
    values.setdefault("title", "")
    return FrontMatter(**values)


@functools.cache  # a pure function of two strings, asked once per article
def front_matter_table(section: str, timezone_text: str) -> FieldTable:
    """The fields an article of ``section`` may have (dates read in the site's timezone)."""
    tz = utc_offset(timezone_text)
    fields: dict[str, Parse] = {name: _plain_text for name in _TEXT_FIELDS}
    fields.update({
        "title": _title,
        "slug": _slug,
        "date": _date_in(tz),
        "publish_date": _date_in(tz),
        "expiry_date": _date_in(tz),
        "reviewed": _date_in(tz),
        "valid_until": _date_in(tz),
        "tags": _tags,
        "draft": switch(),
        "weight": _weight,
        "extra": _extra,
        "visibility": choice(VISIBILITY, "visibility 的值 {value!r} 不正确", VISIBILITY_HINT),
        "status": _status,
        "level": _level,
        "attachments": parse_attachments,
    })
    allowed = COMMON_FIELDS + SECTION_FIELDS.get(section, ())
    return FieldTable({name: fields[name] for name in allowed}, unknown_code="front-matter-unknown-key",
                      unknown_noun="文件头字段", known_noun="字段")


_TEXT_FIELDS = ("summary", "cover", "location", "awarded_by", "reviewer", "issuer", "doc_number")


def _plain_text(name: str, value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadValue(f"{name} 应是一段文字", "如果文字里有冒号或以符号开头，请给它加上引号。")
    return value.strip()


def _slug(name: str, value: Any) -> str:
    text = _plain_text(name, value)
    problem = slug_problem(text)
    if problem:
        raise BadValue(f"网址名 slug {text!r} 不能用：{problem}", SLUG_HINT, code="bad-slug")
    return text


def _title(name: str, value: Any) -> str:
    text = _plain_text(name, value)
    if not text:
        raise BadValue("标题 title 不能为空", "在 title: 后写上文章标题。", code="missing-title")
    return text


def _date_in(tz: timezone) -> Parse:
    def parse(_name: str, value: Any) -> datetime:
        parsed = parse_date(value, tz)
        if parsed is None:
            raise BadValue(f"日期 {value!r} 无法识别", DATE_HINT, code="bad-date")
        return parsed

    return parse


def _tags(_name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [t for t in re.split(r"[,，、]\s*", value) if t.strip()]
    if not isinstance(value, list) or not all(isinstance(t, (str, int)) for t in value):
        raise BadValue("标签 tags 应是文字列表", "写成 tags: [志愿服务, 党建引领]")
    return tuple(dict.fromkeys(str(t).strip() for t in value if str(t).strip()))


def _weight(_name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadValue(f"weight 应是整数，而不是 {value!r}", "写成 weight: 1")
    return value


def _extra(_name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadValue("extra 应是“键: 值”的列表")
    frozen: Mapping[str, Any] = freeze(value)
    return frozen


def _status(_name: str, value: Any) -> str:
    if value not in STATUSES:
        raise BadValue(f"审核状态 {value!r} 不正确", "应为：" + "、".join(STATUSES))
    return str(value)


def _level(_name: str, value: Any) -> str:
    if value not in HONOR_LEVELS:
        raise BadValue(f"荣誉级别 {value!r} 不正确", "应为：" + "、".join(HONOR_LEVELS))
    return str(value)


def utc_offset(text: str) -> timezone:
    """``+08:00`` → a fixed-offset timezone (config validated the form)."""
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def parse_date(value: Any, tz: timezone) -> datetime | None:
    """An editor's date: ``2022-09-19``, ``2022/9/19``, ``2022.9.19``, ``2022年9月19日``, each with an
    optional time (``14:30``, ``14时30分``, ``下午2点``), or ISO 8601 with an offset.

    A date without an offset is in the site's timezone ``tz``; the result is always aware.
    """
    if not isinstance(value, str):
        return None
    match = _DATE.match(unicodedata.normalize("NFKC", value).strip())
    if not match:
        return None
    parsed = _wall_time(match)
    if parsed is None:
        return None
    offset = match["offset"]
    if not offset:
        return parsed.replace(tzinfo=tz)
    if offset == "Z":
        written = timezone.utc
    else:
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:  # no such offset on Earth
            return None
        sign = 1 if offset[0] == "+" else -1
        written = timezone(sign * timedelta(hours=hours, minutes=minutes))
    # Shown and filed (permalink year, month) in the site's timezone.
    return parsed.replace(tzinfo=written).astimezone(tz)


def _wall_time(match: re.Match[str]) -> datetime | None:
    """The date and time a matched date names, or None when there is no such day or hour."""
    month, day = match["month"] or match["cmonth"], match["day"] or match["cday"]
    hour = int(match["hour"] or 0)
    if match["half"] and (match["hour"] is None or hour > 12):  # 下午 alone, 下午14点: not a time
        return None
    if match["half"] in ("下午", "晚上") and hour < 12:
        hour += 12
    minute = int(match["minute"] or match["cminute"] or 0)
    second = int(match["second"] or match["csecond"] or 0)
    try:
        return datetime(int(match["year"]), int(month), int(day), hour, minute, second)
    except ValueError:
        return None
