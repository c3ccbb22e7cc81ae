"""Running ../shared/tools/gbt9704_check.py on the PDFs of the print tests.

The checker expects page N of a file to print "— N —". A booklet's (or a material's with a
cover) cover, 目录 and blank back carry no number and its text starts at "— 1 —": the text is
checked as a file of its own, and the front pages pass every check but the page number they
must not have.

Every page must hold 22 lines, except where a keep rule forces it short: ``check_every_page``
runs the checker strictly and lets a short page pass only when the next page shows why (see
``short_page_reason``): it begins with a part's title (a part starts a page), a heading whose
lines and two lines of its text did not fit in the free slots, a photo with its caption that
did not fit, a table row (kept whole) that did not fit, or the text's last two lines that go
with the date (the date is never alone on a page).
"""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT.parent / "shared" / "tools" / "gbt9704_check.py"
MM = 25.4 / 72
TOP, PITCH, LINES = 37.0, 225 / 22, 22
SHORT = re.compile(r"FAIL\s+p(\d+): only (\d+) line slots on a page that is not the last")


def pdf_text(data: bytes) -> list[str]:
    """The text of every page, as pdfplumber reads it (what a reader copies)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def printed_numbers(data: bytes) -> list[str]:
    """The page number each page of a PDF carries ("" for none): its bottom line "— N —"."""
    numbers = []
    for text in pdf_text(data):
        last = text.strip().splitlines()[-1] if text.strip() else ""
        match = re.fullmatch(r"—\s*(\d+)\s*—", last.strip())
        numbers.append(match.group(1) if match else "")
    return numbers


def checker(pdf: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECKER), str(pdf), "--quiet", *args], capture_output=True, text=True)


def check_every_page(pdf: Path, work: Path) -> list[str]:
    """The checker's failures on every page of ``pdf`` (none expected), front pages apart; a short
    page is a failure unless ``short_page_reason`` explains it."""
    from pypdf import PdfReader, PdfWriter

    data = pdf.read_bytes()
    front = printed_numbers(data).index("1")
    reader = PdfReader(io.BytesIO(data))
    failures: list[str] = []
    fronts = [(f"front{i + 1}", [page]) for i, page in enumerate(reader.pages[:front])]
    parts = [("text", reader.pages[front:]), *fronts]
    for name, pages in parts:
        writer = PdfWriter()
        for page in pages:
            writer.add_page(page)
        target = work / f"{pdf.stem}-{name}.pdf"
        writer.write(target)
        run = checker(target)
        lines = [line for line in run.stdout.splitlines() if line.startswith("FAIL")]
        if name.startswith("front"):
            blank = "no text" in run.stdout  # the blank back of the cover
            lines = [line for line in lines if "page number" not in line]
            failures += [f"{name}: {line}" for line in lines] if not blank else []
            continue
        explained = {line for line in lines if SHORT.match(line) and short_page_reason(data, front, line)}
        failures += [f"{name}: {line}" for line in lines if line not in explained]
        if run.returncode != 0 and not lines:
            failures.append(f"{name}: {run.stdout[-500:]}")
    return failures


def short_pages(pdf: Path, work: Path) -> list[tuple[int, int, str]]:
    """(page index in the file, its line slots, why) for every short page of the text."""
    from pypdf import PdfReader, PdfWriter

    data = pdf.read_bytes()
    front = printed_numbers(data).index("1")
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages[front:]:
        writer.add_page(page)
    target = work / f"{pdf.stem}-short.pdf"
    writer.write(target)
    out = []
    for line in checker(target).stdout.splitlines():
        match = SHORT.match(line)
        if match:
            out.append((front + int(match.group(1)) - 1, int(match.group(2)), short_page_reason(data, front, line)))
    return out


def short_page_reason(data: bytes, front: int, failure: str) -> str:
    """Why the page of ``failure`` (a checker line "pN: only K line slots …", N counted from the
    text's first page) may end short: what the next page begins with and could not fit in the
    22 − K free slots. "" when nothing explains it."""
    import pdfplumber

    match = SHORT.match(failure)
    assert match, failure
    index, free = front + int(match.group(1)) - 1, LINES - int(match.group(2))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        body = _body_font(pdf.pages)
        page = pdf.pages[index + 1]
        photos = [image for image in page.images if image["top"] * MM - TOP < PITCH]
        if photos:
            lines = math.ceil((max(image["bottom"] for image in photos) * MM - TOP) / PITCH - 0.05) + 1
            return f"a photo and its caption ({lines} lines)" if lines > free else ""
        rows = _table_rows(page)
        lines = _text_lines(page)
        if rows and rows[0][0] < 0.1 and len(rows) > 1:  # a table continued: its header, then the row carried
            carried = rows[1][1] - rows[1][0]
            return f"a table row of {carried} lines kept whole" if carried > free else ""
        if not lines:
            return ""
        if lines[0][1] > 20:
            return "a part begins with its title"
        if len(lines) <= 3 and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[-1][0]):
            kept = len(lines) + 1  # the text's last lines, a blank line, the date
            return f"the text's last {len(lines) - 1} lines kept with its date" if kept > free else ""
        heading = 0
        while heading < len(lines) and _is_heading(lines[heading], body):
            heading += 1
        if heading and heading + 2 > free:
            return f"a heading of {heading} lines kept with two lines of its text"
        return ""


def _body_font(pages: list[Any]) -> str:
    fonts = [c["fontname"] for page in pages for c in page.chars if 15.5 < c["size"] < 16.5]
    return max(set(fonts), key=fonts.count) if fonts else ""


def _text_lines(page: Any) -> list[tuple[str, float, set[str]]]:
    """(text, size, fonts) of each line of the text block, top to bottom (the page number apart)."""
    rows: dict[int, list[Any]] = {}
    for c in page.chars:
        if c["top"] * MM < TOP + LINES * PITCH and c["text"].strip():
            rows.setdefault(round(c["top"] * MM / PITCH * 4), []).append(c)
    return [("".join(c["text"] for c in chars), max(c["size"] for c in chars), {c["fontname"] for c in chars})
            for _, chars in sorted(rows.items())]


def _is_heading(line: tuple[str, float, set[str]], body: str) -> bool:
    """A heading line: in 黑体 or 楷体 throughout, or a 仿宋 heading numbered "1." or "（1）"."""
    text, size, fonts = line
    return 15.5 < size < 16.5 and (body not in fonts or bool(re.match(r"\d+[.．]|（\d+）", text)))


def _table_rows(page: Any) -> list[tuple[int, int]]:
    """(first slot, end slot) of each table row on the page, from its cells' boxes (the text
    block's own box apart)."""
    cells = [r for r in page.rects if (r["bottom"] - r["top"]) * MM < 100 and (r["x1"] - r["x0"]) * MM > 5]
    rows = sorted({(round((r["top"] * MM - TOP) / PITCH), round((r["bottom"] * MM - TOP) / PITCH)) for r in cells})
    return [row for row in rows if row[1] > row[0]]
