"""Personal data in what the public edition publishes.

Under China's Personal Information Protection Law a leaked ID number or phone number on a
community site is a serious failure. This check finds, in any text:

- 18-digit resident ID numbers whose check digit is valid (GB 11643) and whose birth date exists;
- mobile numbers (1[3-9]x xxxx xxxx, with spaces or dashes, with or without +86);
- landline numbers with an area code (0571-8888 8888, (010)12345678);
- bank card numbers of 16 to 19 digits that pass the Luhn check, written on their own (not digits of
  a file name or web address, nor a run holding a date);
- detailed house addresses (…号楼…单元…室, …栋…室);
- the names on the site's private-name list.

It reports; it never changes anything. A value the office publishes on purpose (its service
phone) is allow-listed in site_config.yaml with a reason. What it cannot see: names that are
not on the list, addresses written in words, numbers inside images.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from civicpress.checks import attachments
from civicpress.errors import Finding, Location, warning

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
_CHINESE_NUMERALS = "一二三四五六七八九十百零〇"
_NUMERAL = rf"[\d{_CHINESE_NUMERALS}]+"
_ADDRESS = re.compile(
    rf"{_NUMERAL}\s*(?:号楼|栋|幢|座)\s*(?:{_NUMERAL}\s*单元\s*)?(?:{_NUMERAL}\s*(?:层|楼)\s*)?\d+\s*(?:室|号|户)"
)
_BEFORE_MARKER = re.compile(rf"[\d{_CHINESE_NUMERALS}\s]*")  # what an address holds before its marker
_AFTER_MARKER = re.compile(rf"[\d{_CHINESE_NUMERALS}\s单元层楼室号户]*")  # and after it

# Reading the runs of digits is most of the cost of a page, and nearly every page has some (dates,
# addresses of pages such as 2025-08-15-00123), so _number_runs reads only the runs that can hold a
# number. It finds them in a copy of the page with one byte per character ("0" for a digit, "-" for
# what [-\s] matches, "x" for anything else), which costs little to search. A number pattern needs
# one of: seven digits in a row (an ID number; a mobile or landline without separators), three digits,
# one separator and four digits (a mobile or landline with separators), or sixteen digits with at most
# one separator between each two (a bank card).
_NUMBER_CLASSES = bytes(
    ord("0") if chr(b) in "0123456789" else ord("-") if b < 0x80 and (chr(b).isspace() or chr(b) == "-") else ord("x")
    for b in range(256)
)
_NUMBER_NEEDS = (b"0000000", b"000-0000")
_CARD_DIGITS = re.compile(rb"(?:0-?){15}0")
_RUN_CHARACTERS = re.compile(r"[\d\s\-()（）]*")  # what a run of _NUMBER_RUN is made of, but its ends
# A superset of the characters outside ASCII that \d or \s match (the ideographic space, fullwidth and
# Arabic digits…): they are turned into ASCII before the copy is made. Written as its complement, so
# that ASCII and Chinese text are rejected at the first range or two; a long class of digit ranges
# would make the search several times slower. tests/test_privacy.py checks that it covers every such
# code point of the running Python.
_OTHER_DIGIT_OR_SPACE = re.compile(
    "[^\x00-\x84\u3001-\ua61f\uac00-\uff0f\x86-\x9f\xa1-\u065f\u200b-\u2027\u202a-\u202e\u2030-\u205e"
    "\u2060-\u2fff\uff1a-\uffff]"
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
    for run in _number_runs(text):
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
        for match in card_numbers(text, start, end):
            add("bank-card", match)
    for start, end in _address_windows(text):
        for match in _ADDRESS.finditer(text, start, end):
            add("address", match)
    for name in sorted({n for n in private_names if n}, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            add("private-name", match)
    return sorted(hits, key=lambda hit: hit.start)


def card_numbers(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The bank card numbers in ``text[start:end]``: 16 to 19 digits passing Luhn, written on their own.

    A run the card pattern matches but that is no card (a date inside it, digits glued to a file
    name) may still end in one ("2022-11-22 6222 0202 …"): the search goes on from its next group.
    """
    at = start
    while (match := _CARD.search(text, at, end)) is not None:
        if _is_card(text, match):
            yield match
            at = match.end()
        else:
            at = _next_group(text, match)


def _is_card(text: str, match: re.Match[str]) -> bool:
    written = match.group(0)
    digits = re.sub(r"\D", "", written)
    if not (16 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 2):
        return False
    return not (_glued_before(text, match.start()) or _glued_after(text, match.end()) or _date_like(written))


# A card number is written on its own. Digits glued to letters or to the characters of a path or a
# web address are part of a name (r88567-2022-11-22-00014.md, /news/2022…/, ?id=…&), however
# they add up. Chinese text around a number does not glue it: 卡号6222… is a card number.
_NAME_CHARACTERS = frozenset("_/\\%=?&#~@")
_JOINERS = frozenset(".-")  # glue only between two parts of a name: a.6222…, 6222….pdf, x-6222…


def _name_part(character: str) -> bool:
    return (character.isascii() and character.isalnum()) or character in _NAME_CHARACTERS


def _glued_before(text: str, start: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    if before in _JOINERS:
        return start > 1 and _name_part(text[start - 2])
    return bool(before) and _name_part(before)


def _glued_after(text: str, end: int) -> bool:
    after = text[end] if end < len(text) else ""
    if after in _JOINERS:
        return end + 1 < len(text) and _name_part(text[end + 1])
    return bool(after) and _name_part(after)


_GROUPS = re.compile(r"\d+")


def _date_like(written: str) -> bool:
    """Whether the groups of a run hold a date: year (1900-2099), month and day (2022-11-22-00014)."""
    groups = _GROUPS.findall(written)
    return any(
        len(year) == 4 and year[:2] in ("19", "20") and len(month) <= 2 and 1 <= int(month) <= 12
        and len(day) <= 2 and 1 <= int(day) <= 31
        for year, month, day in zip(groups, groups[1:], groups[2:], strict=False)
    )


def _next_group(text: str, match: re.Match[str]) -> int:
    """Where the second group of digits of ``match`` starts (its end when it is one group)."""
    written = match.group(0)
    first = re.search(r"\D+", written)
    return match.start() + first.end() if first else match.end()


def _number_runs(text: str) -> Iterator[re.Match[str]]:
    """The matches of _NUMBER_RUN in ``text`` that may hold a number, in order; the others hold none.

    A number lies inside one stretch of the characters runs are made of, and _NUMBER_RUN finds the
    same run in a stretch whether it reads the whole text or only the stretch and one character on
    either side (a "+" before, an "X" after): it has no lookbehind, and a run always ends on the last
    digit of its stretch or an "X" just after it. So only the stretches that hold what a number needs
    are read.
    """
    classes = _one_byte_copy(text)
    read_to = 0
    for seed in _number_seeds(classes):
        if seed < read_to:
            continue  # in the stretch just read
        start, end = _stretch_start(_RUN_CHARACTERS, text, seed), _stretch_end(_RUN_CHARACTERS, text, seed)
        yield from _NUMBER_RUN.finditer(text, max(0, start - 1), min(len(text), end + 1))
        read_to = end


def _one_byte_copy(text: str) -> bytes:
    """``text`` with one byte per character: "0" for what \\d matches, "-" for [-\\s], "x" for the rest."""
    if not text.isascii():
        text = _OTHER_DIGIT_OR_SPACE.sub(_as_ascii, text)
    return text.encode("ascii", "replace").translate(_NUMBER_CLASSES)


def _as_ascii(match: re.Match[str]) -> str:
    character = match.group()
    return "0" if character.isdecimal() else " " if character.isspace() else "x"


def _number_seeds(classes: bytes) -> list[int]:
    """Where something a number needs starts, in the one-byte copy of a text; in order."""
    seeds = []
    for need in _NUMBER_NEEDS:
        at = classes.find(need)
        while at != -1:
            seeds.append(at)
            at = classes.find(need, at + len(need))
    if b"0" * 16 in classes.translate(None, b"-"):  # sixteen digits with separators: look closer
        seeds.extend(match.start() for match in _CARD_DIGITS.finditer(classes))
    return sorted(seeds)


def _address_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` that hold every match of _ADDRESS, apart and in order.

    An address is a numeral, spaces, a marker (3 号楼, 五栋), then only numerals, spaces and the
    characters of 单元, 层, 楼, 室, 号, 户: the stretch of such characters around each marker with a
    numeral before it. _ADDRESS has no lookaround, so it finds the same matches in these stretches as
    in the whole text, without reading the rest of a page.
    """
    markers = sorted((at, len(marker)) for marker in _ADDRESS_MARKERS for at in _positions(text, marker))
    windows: list[tuple[int, int]] = []
    for at, length in markers:
        if windows and at < windows[-1][1]:
            continue  # a 号楼 inside the last stretch, which ends where this one's would
        start = _stretch_start(_BEFORE_MARKER, text, at)
        if not text[start:at].strip():
            continue  # no numeral before the marker
        end = _stretch_end(_AFTER_MARKER, text, at + length)
        if windows and start < windows[-1][1]:  # "3栋5栋7室": this stretch starts inside the last one
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _stretch_start(characters: re.Pattern[str], text: str, at: int) -> int:
    """Where the stretch of ``characters`` (a class and "*") that ends at ``at`` starts."""
    start = at
    while start > 0 and characters.fullmatch(text, start - 1, start):
        start -= 1
    return start


def _stretch_end(characters: re.Pattern[str], text: str, at: int) -> int:
    """Where the stretch of ``characters`` (a class and "*") that starts at ``at`` ends."""
    match = characters.match(text, at)
    return match.end() if match else at


def _positions(text: str, part: str) -> Iterator[int]:
    at = text.find(part)
    while at != -1:
        yield at
        at = text.find(part, at + 1)


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


# A finding with what makes it the same as another: (kind, normalised value).
Sighting = tuple[tuple[str, str], Finding]


class PrivacyGuard:
    """The public edition's scan: page sources first (file and line), then every output file.

    A value found in a page's source is reported there once; the output scan catches what
    came from elsewhere (templates, data, generated files) and names the output file.
    """

    def __init__(self, private_names: Iterable[str], allowed: Iterable[str],
                 sources: Mapping[str, str] | None = None, cache: attachments.PassageCache | None = None) -> None:
        """``sources``: the file an editor knows for an output path (content/… for an attachment);
        ``cache``: the text of attachments read by earlier builds."""
        self.private_names = tuple(private_names)
        self._allowed = {_normal(value) for value in allowed}
        self._reported: set[tuple[str, str]] = set()
        self._sources = dict(sources or {})
        self._cache = cache

    def _findings(self, text: str, path: str, first_line: int = 1) -> list[Finding]:
        return self.admit(self._hits(text, path, first_line))

    def _hits(self, text: str, path: str, first_line: int | None = 1, where: str = "") -> list[Sighting]:
        """Every finding of ``text`` with its (kind, value) key; pure, so a worker process may run it.

        ``first_line`` None: the text has no lines the editor could count (a Word paragraph);
        ``where`` then says where it is in its file.
        """
        found = []
        for line, hit in scan_lines(text, self.private_names):
            key = (hit.kind, _normal(hit.value))
            if key[1] in self._allowed or key in self._reported:
                continue
            finding = Finding(
                "personal-data",
                f"发现{hit.label}：{hit.masked}（{where + '，' if where else ''}公开版不得发布）",
                Location(path, None if first_line is None else first_line + line - 1),
                SOURCE_HINT,
            )
            found.append((key, finding))
        return found

    def admit(self, hits: Iterable[Sighting]) -> list[Finding]:
        """The findings of ``hits`` (from ``survey``) whose value was not reported yet in this build."""
        found = []
        for key, finding in hits:
            if key not in self._reported:
                self._reported.add(key)
                found.append(finding)
        return found

    def survey(self, path: str, data: bytes) -> list[Sighting]:
        """``inspect`` without remembering what it found: for worker processes; ``admit`` in the parent."""
        location = self._sources.get(path, f"output/{path}")
        if attachments.is_read(path) or attachments.is_unchecked(path):
            return self._attachment(path, data, location)
        if path.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")):
            if has_exif(data):
                finding = Finding("image-metadata", "图片带有 EXIF 信息（可能含拍摄地点 GPS）", Location(location),
                                  "重新生成网站；图片应在发布前去掉 EXIF。")
                return [(("exif", location), finding)]
            return []
        if not path.lower().endswith(TEXT_SUFFIXES):
            return []
        return self._hits(data.decode("utf-8", errors="replace"), location)

    def _attachment(self, path: str, data: bytes, location: str) -> list[Sighting]:
        """A document published as it is: the text of each passage, or why it cannot be checked."""
        if attachments.is_unchecked(path):
            return [(("unchecked", location), warning(
                "attachment-unchecked", "无法检查这种格式的附件中有没有个人信息", Location(location),
                "请确认其中没有身份证号、电话、住址等个人信息；最好另存为 .docx、.xlsx 或 .pdf，发布前即可自动检查。"))]
        try:
            passages = (self._cache or attachments).passages(path, data)
        except attachments.Unreadable as exc:
            return [(("unreadable", location), Finding(
                "attachment-unreadable", f"无法读取附件中的文字（{exc.reason}），不能确认其中没有个人信息，未发布",
                Location(location), "用 Word、WPS 或 Excel 打开检查，去掉密码后另存，再放回网站文件夹；"
                "不需要发布的文件请移出 content/。"))]
        if not passages and path.lower().endswith(".pdf"):
            return [(("no-text", location), warning(
                "attachment-no-text", "PDF 附件中没有可读取的文字（可能是扫描件），无法检查其中的个人信息",
                Location(location), "请逐页确认其中没有身份证号、电话、住址等个人信息；有的请遮盖后重新扫描。"))]
        lines = path.lower().endswith((".csv", ".txt"))  # a text file: its own lines
        found: list[Sighting] = []
        for passage in passages:
            found += self._hits(passage.text, location, passage.line if lines else None, passage.where)
        return found

    def scan_source(self, text: str, path: str, first_line: int) -> list[Finding]:
        """``text`` as published from ``path``, whose first line is ``first_line`` of the file."""
        return self._findings(text, path, first_line)

    def inspect(self, path: str, data: bytes) -> list[Finding]:
        """One output file: its text, or an image's metadata."""
        return self.admit(self.survey(path, data))


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
