"""Personal data in what the public edition publishes.

Under China's Personal Information Protection Law a leaked ID number or phone number on a
community site is a serious failure. This check finds, in any text:

- 18-digit resident ID numbers whose check digit is valid (GB 11643) and whose birth date exists;
- mobile numbers (1[3-9]x xxxx xxxx, with spaces or dashes, with or without +86);
- landline numbers with an area code (0571-8888 8888, (010)12345678);
- bank card numbers of 16 to 19 digits that pass the Luhn check;
- detailed house addresses (…号楼…单元…室, …栋…室);
- the names on the site's private-name list.

It reports; it never changes anything. A value the office publishes on purpose (its service
phone) is allow-listed in site_config.yaml with a reason. What it cannot see: names that are
not on the list, addresses written in words, numbers inside images.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from civicpress.errors import Finding, Location

KINDS = {
    "id-number": "身份证号",
    "mobile": "手机号",
    "landline": "固定电话",
    "bank-card": "银行卡号",
    "address": "详细门牌地址",
    "private-name": "不公开的姓名",
}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-\s])\s?[2-9]\d{2,3}[-\s]?\d{4}(?!\d)")
_CARD = re.compile(r"(?<!\d)(?:\d[-\s]?){15,18}\d(?!\d)")
_NUMBER_RUN = re.compile(r"[(（+]?\d[\d\s\-()（）]{5,}[\dXx]")
_ADDRESS_MARKERS = ("号楼", "栋", "幢", "座")
_NUMERAL = r"[\d一二三四五六七八九十百零〇]+"
_ADDRESS = re.compile(
    rf"{_NUMERAL}\s*(?:号楼|栋|幢|座)\s*(?:{_NUMERAL}\s*单元\s*)?(?:{_NUMERAL}\s*(?:层|楼)\s*)?\d+\s*(?:室|号|户)"
)


@dataclass(frozen=True)
class Hit:
    kind: str
    value: str
    start: int

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    @property
    def masked(self) -> str:
        """The value as a message may show it: enough to find it, not enough to use it."""
        return mask(self.value)


def mask(value: str) -> str:
    digits = [c for c in value if c.isdigit() or c in "Xx"]
    if len(digits) >= 7:
        keep = "".join(digits[:3]) + "*" * (len(digits) - 5) + "".join(digits[-2:])
        return keep
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def valid_id_number(value: str) -> bool:
    """GB 11643: the 18th character is the weighted check digit, and digits 7-14 a real date."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17].upper():
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def scan(text: str, private_names: Iterable[str] = ()) -> list[Hit]:
    """Every piece of personal data in ``text``, in order of position."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str]) -> None:
        span = match.span()
        if any(span[0] < end and start < span[1] for start, end in taken):
            return  # one number is reported once, as its most specific kind
        taken.append(span)
        hits.append(Hit(kind, match.group(0).strip(), span[0]))

    # Every number pattern needs seven digits or more: look only at such runs (a page is mostly
    # text, and running four patterns over all of it costs more than the rest of the check).
    for run in _NUMBER_RUN.finditer(text):
        if sum(c.isdigit() for c in run.group(0)) < 7:
            continue
        start, end = max(0, run.start() - 1), min(len(text), run.end() + 1)
        for match in _ID.finditer(text, start, end):
            if valid_id_number(match.group(0)):
                add("id-number", match)
        for match in _MOBILE.finditer(text, start, end):
            add("mobile", match)
        for match in _LANDLINE.finditer(text, start, end):
            add("landline", match)
        for match in _CARD.finditer(text, start, end):
            digits = re.sub(r"\D", "", match.group(0))
            if 16 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 2:
                add("bank-card", match)
    if any(marker in text for marker in _ADDRESS_MARKERS):
        for match in _ADDRESS.finditer(text):
            add("address", match)
    for name in sorted({n for n in private_names if n}, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            add("private-name", match)
    return sorted(hits, key=lambda hit: hit.start)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_lines(text: str, private_names: Iterable[str] = ()) -> Iterator[tuple[int, Hit]]:
    """(line, hit) for every hit in ``text``."""
    for hit in scan(text, private_names):
        yield line_of(text, hit.start), hit


SOURCE_HINT = (
    "删除或改写这处内容；如是居民姓名，把它加入 site_config.yaml 的 privacy.private_names（公开版会显示为“某”）；"
    "如确需公开（如社区服务电话），在 privacy.allow 中写明 value 和 reason。"
)
TEXT_SUFFIXES = (".html", ".xml", ".txt", ".json", ".js", ".css", ".svg", ".md", ".yaml", ".csv")


class PrivacyGuard:
    """The public edition's scan: page sources first (file and line), then every output file.

    A value found in a page's source is reported there once; the output scan catches what
    came from elsewhere (templates, data, generated files) and names the output file.
    """

    def __init__(self, private_names: Iterable[str], allowed: Iterable[str]) -> None:
        self.private_names = tuple(private_names)
        self._allowed = {_normal(value) for value in allowed}
        self._reported: set[tuple[str, str]] = set()

    def _findings(self, text: str, path: str, first_line: int = 1) -> list[Finding]:
        found = []
        for line, hit in scan_lines(text, self.private_names):
            key = (hit.kind, _normal(hit.value))
            if key[1] in self._allowed or key in self._reported:
                continue
            self._reported.add(key)
            found.append(
                Finding(
                    "personal-data",
                    f"发现{hit.label}：{hit.masked}（公开版不得发布）",
                    Location(path, first_line + line - 1),
                    SOURCE_HINT,
                )
            )
        return found

    def scan_source(self, text: str, path: str, first_line: int) -> list[Finding]:
        """``text`` as published from ``path``, whose first line is ``first_line`` of the file."""
        return self._findings(text, path, first_line)

    def inspect(self, path: str, data: bytes) -> list[Finding]:
        """One output file: its text, or an image's metadata."""
        location = f"output/{path}"
        if path.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")):
            if has_exif(data):
                return [Finding("image-metadata", "图片带有 EXIF 信息（可能含拍摄地点 GPS）", Location(location),
                                "重新生成网站；图片应在发布前去掉 EXIF。")]
            return []
        if not path.lower().endswith(TEXT_SUFFIXES):
            return []
        return self._findings(data.decode("utf-8", errors="replace"), location)


def has_exif(data: bytes) -> bool:
    """EXIF in a JPEG (APP1 "Exif"), PNG (eXIf chunk) or WebP (EXIF chunk)."""
    if data.startswith(b"\xff\xd8"):
        return b"Exif\x00\x00" in data[:65536]
    if data.startswith(b"\x89PNG"):
        return b"eXIf" in data
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return b"EXIF" in data
    return False


def _normal(value: str) -> str:
    """Digits only for numbers (0571-8888 8888 = 057188888888), the text itself otherwise."""
    digits = re.sub(r"[^\dXx]", "", value)
    return digits.upper() if len(digits) >= 7 else value.strip()
