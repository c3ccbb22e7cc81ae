"""Attachments: documents an article offers for download, shown with their kind and size.

Notices carry attachments (a PDF of the rules, a Word form, an Excel list). A resident on a phone
wants to know what a link opens and how large it is before tapping it, so:

- a Markdown link to a PDF, Word, Excel, WPS, ZIP or CSV file is followed by its kind and size:
  ``居民公约.docx（Word，36 KB）``;
- an ``attachments:`` list in the front matter (file names, or ``{file, title}``) becomes a
  附件 block at the end of the article, numbered 附件1、附件2 as government notices number them.

Sizes come from the files' bytes (``Content.sizes``), in units a reader knows (字节, KB, MB),
rounded the same way every time. This module only reads what it is given: the rendering stage
resolves the files and reports the missing ones.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from civicpress.fields import BadValue

# suffix -> the kind a reader recognises
KINDS: Mapping[str, str] = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".wps": "WPS 文字",
    ".et": "WPS 表格",
    ".dps": "WPS 演示",
    ".zip": "ZIP 压缩包",
    ".csv": "CSV 表格",
}
ATTACHMENTS_HINT = (
    "attachments 写成列表，每项是文件名（相对于文章所在的文件夹），或带标题的写法：\n"
    "attachments:\n  - 居民公约.docx\n  - file: files/报名表.xlsx\n    title: 报名表"
)


@dataclass(frozen=True)
class AttachmentField:
    """One item of the front matter's ``attachments:`` list, as written."""

    file: str  # relative to the article's folder, like an image
    title: str = ""  # shown instead of the file name


@dataclass(frozen=True)
class Attachment:
    """An attachment as shown: its number in the 附件 block (0 for a link in the text), title, address, kind, size."""

    number: int
    title: str
    url: str
    kind: str
    size: int

    @property
    def info(self) -> str:
        """``（Word，36 KB）``"""
        return f"（{self.kind}，{size_text(self.size)}）"


def kind_of(path: str) -> str:
    """The kind of the file at ``path`` (a link's target, query and fragment ignored), "" when it is no attachment."""
    name = unquote(urlsplit(path).path).lower()
    return KINDS.get(posixpath.splitext(name)[1], "")


def size_text(size: int) -> str:
    """Bytes as a reader says them: 512 字节, 36 KB, 1.2 MB, 25 MB (half up, never 0 KB)."""
    if size < 1024:
        return f"{size} 字节"
    kilobytes = (size + 512) // 1024
    if kilobytes < 1024:
        return f"{kilobytes} KB"
    tenths = (size * 10 + 512 * 1024) // (1024 * 1024)
    if tenths >= 100:
        return f"{(tenths + 5) // 10} MB"
    return f"{tenths // 10}.{tenths % 10} MB"


def parse_attachments(key: str, value: Any) -> tuple[AttachmentField, ...]:
    """The front matter's ``attachments:``: a list of file names or ``{file, title}``; raises BadValue."""
    items = [value] if isinstance(value, (str, dict)) else value
    if not isinstance(items, list):
        raise BadValue(f"{key} 应是文件列表", ATTACHMENTS_HINT)
    return tuple(_item(key, item) for item in items)


def _item(key: str, item: Any) -> AttachmentField:
    if isinstance(item, str) and item.strip():
        return _field(key, item.strip(), "")
    if isinstance(item, dict) and set(item) <= {"file", "title"} and isinstance(item.get("file"), str):
        title = item.get("title")
        if title is not None and not isinstance(title, (str, int, float)):
            raise BadValue(f"{key} 中 {item['file']} 的 title 应是一段文字", ATTACHMENTS_HINT)
        return _field(key, item["file"].strip(), "" if title is None else str(title).strip())
    raise BadValue(f"{key} 中的一项 {item!r} 写法不对", ATTACHMENTS_HINT)


def _field(key: str, file: str, title: str) -> AttachmentField:
    parts = urlsplit(file)
    if parts.scheme or parts.netloc or not file:
        raise BadValue(f"{key} 中的 {file} 不是网站里的文件", "附件要放在网站的 content 文件夹中，这里写它的文件名。")
    if not kind_of(file):
        kinds = "、".join(dict.fromkeys(KINDS.values()))
        raise BadValue(f"{key} 中的 {file} 不是附件常用的格式", f"附件可以是 {kinds} 文件；图片请写在正文中。")
    return AttachmentField(file, title)


def label_links(page_html: str, attachments: Mapping[str, Attachment]) -> str:
    """Each ``<a href>`` of ``page_html`` whose address is in ``attachments`` marked and followed by its kind and size.

    ``page_html`` is Python-Markdown's output, whose links are ``<a href="…"…>…</a>`` with the
    address escaped as in ``attachments``' keys.
    """
    if not attachments or "<a " not in page_html:
        return page_html

    def mark(match: re.Match[str]) -> str:
        found = attachments.get(html.unescape(match.group("href")))
        if found is None or 'class="' in match.group("rest"):
            return match.group(0)
        return (f'<a class="attachment" href="{match.group("href")}"{match.group("rest")}>{match.group("text")}</a>'
                f'<span class="attachment-info">{found.info}</span>')

    return _LINK.sub(mark, page_html)


_LINK = re.compile(r'<a href="(?P<href>[^"]*)"(?P<rest>[^>]*)>(?P<text>(?:(?!</a>).)*)</a>', re.S)


def attachments_block(attachments: Sequence[Attachment]) -> str:
    """The 附件 block at the end of an article: 附件1、附件2 … each a link with its kind and size."""
    if not attachments:
        return ""
    items = "".join(
        f'<li><span class="attachment-number">附件{a.number}</span> '
        f'<a class="attachment" href="{html.escape(a.url)}">{html.escape(a.title)}</a>'
        f'<span class="attachment-info">{a.info}</span></li>\n'
        for a in attachments
    )
    return (f'\n<section class="attachments" aria-labelledby="attachments-title">\n'
            f'<h2 id="attachments-title">附件</h2>\n<ol>\n{items}</ol>\n</section>')
