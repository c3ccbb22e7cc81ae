"""Running ../shared/tools/gbt9704_check.py on the PDFs of the print tests.

The checker expects page N of a file to print "— N —". A booklet's (or a material's with a
cover) cover, 目录 and blank back carry no number and its text starts at "— 1 —": the text is
checked as a file of its own, and the front pages pass every check but the page number they
must not have.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT.parent / "shared" / "tools" / "gbt9704_check.py"


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
    """The checker's failures on every page of ``pdf`` (none expected), front pages apart."""
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
        run = checker(target, "--allow-short-pages")
        lines = [line for line in run.stdout.splitlines() if line.startswith("FAIL")]
        if name.startswith("front"):
            blank = "no text" in run.stdout  # the blank back of the cover
            lines = [line for line in lines if "page number" not in line]
            failures += [f"{name}: {line}" for line in lines] if not blank else []
        elif run.returncode != 0:
            failures += [f"{name}: {line}" for line in lines] or [run.stdout[-500:]]
    return failures
