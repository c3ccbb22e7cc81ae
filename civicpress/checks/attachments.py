"""The text of attachments an office publishes, for the personal-data scan: Word, Excel, PDF, CSV, text.

A list of households is more often a Word table or an Excel sheet than a web page. Each reader
returns the file's text in *passages*, each saying where it is in the file (paragraph, header,
sheet and cell, page), so a finding can send the editor to the place:

- .docx (python-docx): every paragraph of the body, tables and text boxes included, headers,
  footers, footnotes and comments, and the text of tracked deletions (Word hides it, the file
  keeps it);
- .xlsx (openpyxl): every cell of every sheet, hidden ones included, as shown (cached values);
- .pdf (pypdf): the text of each page; a page that is only a picture (a scan) has none;
- .csv and .txt: the text, UTF-8 or GBK as Excel and Notepad save it, with its lines.

A file that cannot be read (damaged, password-protected, unpacking to more than ``MAX_UNPACKED``
bytes) raises ``Unreadable``: what cannot be read cannot be checked. Old binary Office formats
and archives are not read at all (``unchecked``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from civicpress.errors import Location, SiteError
from civicpress.sources import decode

READ_SUFFIXES = (".docx", ".xlsx", ".pdf", ".csv", ".txt")
# Documents and archives that may hold personal data but whose text is not read here.
UNCHECKED_SUFFIXES = (".doc", ".xls", ".ppt", ".pptx", ".wps", ".et", ".dps", ".rtf", ".odt", ".ods", ".odp",
                      ".zip", ".rar", ".7z")
MAX_UNPACKED = 100 * 1024 * 1024  # a .docx or .xlsx unpacks to a few MB; beyond this it is a bomb

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD_PARTS = {  # the parts of a .docx besides the body, by the start of their name
    "/word/header": "页眉", "/word/footer": "页脚", "/word/footnotes": "脚注", "/word/endnotes": "尾注",
    "/word/comments": "批注",
}


@dataclass(frozen=True)
class Passage:
    """Text of an attachment and where it is: ``where`` for the message, ``line`` of a text file."""

    text: str
    where: str = ""
    line: int = 1


class Unreadable(Exception):
    """The attachment's text cannot be read; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_read(path: str) -> bool:
    return path.lower().endswith(READ_SUFFIXES)


def is_unchecked(path: str) -> bool:
    return path.lower().endswith(UNCHECKED_SUFFIXES)


def passages(path: str, data: bytes) -> list[Passage]:
    """The text of the attachment ``path`` (by its suffix); raises Unreadable."""
    suffix = posixpath.splitext(path.lower())[1]
    if suffix in (".docx", ".xlsx"):
        _check_unpacked_size(data)
    try:
        if suffix == ".docx":
            return list(_docx(data))
        if suffix == ".xlsx":
            return list(_xlsx(data))
        if suffix == ".pdf":
            return list(_pdf(data))
        return [Passage(decode(data, Location(path)).text)]
    except Unreadable:
        raise
    except SiteError:
        raise Unreadable("文字编码无法识别") from None
    except Exception:  # a damaged file fails anywhere inside the readers, with any exception
        raise Unreadable(f"文件已损坏，或不是 {suffix[1:]} 格式") from None


class PassageCache:
    """The passages of attachments read by earlier builds, on disk (``.civicpress-cache/attachments/``).

    Reading a PDF costs about 15 ms a page, and every build checks every published attachment: the
    passages are kept by a hash of the file's bytes, this module and the readers' versions, so an
    unchanged attachment is read once. Text files are read anew (it costs less than the cache).
    Only what was read is kept; a file that could not be read is tried again next time.
    """

    CACHED = (".docx", ".xlsx", ".pdf")

    def __init__(self, folder: Path, read: bool = True) -> None:
        self.folder = folder
        self.read = read  # False: only write (a build asked to make everything anew)
        versions = [metadata.version(name) for name in ("python-docx", "openpyxl", "pypdf")]
        code = Path(__file__).read_bytes()
        self._salt = hashlib.blake2b(code + "\0".join(versions).encode(), digest_size=8).hexdigest()

    def passages(self, path: str, data: bytes) -> list[Passage]:
        if not path.lower().endswith(self.CACHED):
            return passages(path, data)
        key = hashlib.blake2b(data, digest_size=16, key=self._salt.encode()).hexdigest()
        file = self.folder / key[:2] / f"{key[2:]}.json"
        if self.read:
            try:
                return [Passage(str(t), str(w), int(n)) for t, w, n in json.loads(file.read_bytes())]
            except (OSError, ValueError, TypeError):
                pass
        found = passages(path, data)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            temporary = file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps([[p.text, p.where, p.line] for p in found], ensure_ascii=False),
                                 encoding="utf-8")
            os.replace(temporary, file)
        except OSError:
            pass  # a cache that cannot be written only costs time
        return found


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Unreadable("文件已损坏，或不是 Office 2007 以后的格式") from None
    if unpacked > MAX_UNPACKED:
        raise Unreadable(f"解压后超过 {MAX_UNPACKED // 1024 // 1024} MB")


def _docx(data: bytes) -> Iterator[Passage]:
    from docx import Document

    document = Document(io.BytesIO(data))
    for number, paragraph in enumerate(document.element.body.iter(f"{_W}p"), start=1):
        text = _paragraph_text(paragraph)
        if text.strip():
            yield Passage(text, f"第 {number} 段{'（表格中）' if _in_table(paragraph) else ''}")
    for part in document.part.package.iter_parts():
        label = next((name for start, name in _WORD_PARTS.items() if str(part.partname).startswith(start)), "")
        element = getattr(part, "element", None)
        if label and element is not None:
            for paragraph in element.iter(f"{_W}p"):
                text = _paragraph_text(paragraph)
                if text.strip():
                    yield Passage(text, label)


def _paragraph_text(paragraph: Any) -> str:
    """The text of a ``w:p``, what Word shows and what a tracked change deleted; tabs and breaks as spaces."""
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}delText", f"{_W}tab", f"{_W}br"):
        parts.append(node.text or "" if node.tag in (f"{_W}t", f"{_W}delText") else " ")
    return "".join(parts)


def _in_table(paragraph: Any) -> bool:
    parent = paragraph.getparent()
    while parent is not None:
        if parent.tag == f"{_W}tc":
            return True
        parent = parent.getparent()
    return False


def _xlsx(data: bytes) -> Iterator[Passage]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                for column, value in enumerate(row, start=1):
                    text = _cell_text(value)
                    if text:
                        yield Passage(text, f"工作表“{sheet.title}”{get_column_letter(column)}{row_number} 单元格")
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as Excel shows it: 13812345678 stored as a number, not 13812345678.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# A font without a Unicode map (a fallback font, or a PDF made without one) gives its glyph codes:
# "\x001\x003\x008" for "138". Dropping the control characters keeps the digits together.
_PDF_CONTROLS = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")


def _pdf(data: bytes) -> Iterator[Passage]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    with _quiet("pypdf"):
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:  # with only an owner password (no printing, no copying) the empty one opens it
                if not reader.decrypt(""):
                    raise FileNotDecryptedError("needs a password")
                pages = list(reader.pages)
            except FileNotDecryptedError:
                raise Unreadable("文件设有打开密码") from None
        else:
            pages = list(reader.pages)
        for number, page in enumerate(pages, start=1):
            text = page.extract_text().translate(_PDF_CONTROLS)
            if text.strip():
                yield Passage(text, f"第 {number} 页")


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """pypdf logs what it repairs in damaged files in English; the editor needs none of it."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
