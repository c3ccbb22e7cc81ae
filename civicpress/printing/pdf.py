"""Print HTML → PDF with WeasyPrint, reproducibly (fixed metadata: two builds, same bytes).

WeasyPrint needs Pango and its friends, which an editor's Windows PC may not have: then
:func:`weasyprint_problem` says why in Chinese and the build writes the HTML only.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

# What only WeasyPrint reads (kept out of the print HTML, whose CSS the HTML validator checks
# against CSS 3 + SVG; user styles, so they need !important to win over print.css):
# - no kerning: line widths were measured in Python from plain advances;
# - page numbers: each page names its own (.pno), so the cover, the 目录 and the blank back
#   of the cover carry none and the text starts at "— 1 —" on a right-hand page;
# - bookmarks: every material and part (level 1) and its 一、 headings (level 2).
PDF_ONLY_CSS = """
* { font-kerning: none; font-feature-settings: 'kern' 0; }
@page { @bottom-right { content: "— " string(pno) " —" !important; } }
@page :left { @bottom-right { content: none !important; } @bottom-left { content: "— " string(pno) " —" !important; } }
@page front { @bottom-right { content: none !important; } @bottom-left { content: none !important; } }
.front { page: front !important; }
.pno { string-set: pno attr(data-n) !important; }
[data-bookmark] { bookmark-label: attr(data-bookmark) !important; }
[data-bookmark-level="1"] { bookmark-level: 1 !important; }
[data-bookmark-level="2"] { bookmark-level: 2 !important; }
"""


@functools.lru_cache(maxsize=1)
def weasyprint_problem() -> str:
    """Why PDF cannot be made on this machine, or "" when WeasyPrint works."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "没有安装 WeasyPrint"
    except OSError as exc:  # its system libraries (Pango, HarfBuzz) are missing
        return f"WeasyPrint 找不到所需的系统库（{exc}）"
    return ""


class PdfRenderer:
    """WeasyPrint set up once for the PDFs of one run.

    The font configuration (fontconfig's list of fonts, and the CJK fonts Pango opens through
    it) and the no-kerning stylesheet are shared by the documents, as WeasyPrint allows,
    instead of being made again for each. A renderer lives as long as one ``write_print``:
    fonts installed meanwhile are seen by the next run (``serve`` rebuilds).
    """

    def __init__(self) -> None:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        for name in ("weasyprint", "fontTools"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self._weasyprint: Any = weasyprint
        self._fonts: Any = FontConfiguration()
        self._no_kerning: Any = weasyprint.CSS(string=PDF_ONLY_CSS, font_config=self._fonts)

    def render(self, html: str, title: str, author: str, date: datetime | None) -> bytes:
        """The PDF of ``html``; metadata comes from the arguments, never from the clock."""
        with _collector_paused():
            return self._pdf(html, title, author, date)

    def _pdf(self, html: str, title: str, author: str, date: datetime | None) -> bytes:
        document: Any = self._weasyprint.HTML(string=html, base_url=None).render(
            stylesheets=[self._no_kerning], font_config=self._fonts
        )
        stamp = (date or datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%S")
        metadata = document.metadata
        metadata.title = title
        metadata.authors = [author] if author else []
        metadata.created = stamp
        metadata.modified = stamp
        metadata.generator = "civicpress"
        data: bytes = document.write_pdf()
        return data


def render_pdf(html: str, title: str, author: str, date: datetime | None) -> bytes:
    """The PDF of one ``html`` (a run of several shares a :class:`PdfRenderer`)."""
    return PdfRenderer().render(html, title, author, date)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint works; one quick collection after it.

    WeasyPrint makes some 10^5 objects per material (styles, boxes, drawing operations) that
    live until the PDF is written. The collections their allocation sets off free nothing of
    them, yet each full one walks the whole heap, the build's own objects (font tables, pages)
    included: a fifth of the PDF time in a build. Paused, everything WeasyPrint made is still
    in the youngest generation when the document is dropped, so collecting that one generation
    then frees the boxes that reference each other, and memory does not grow from PDF to PDF.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)
