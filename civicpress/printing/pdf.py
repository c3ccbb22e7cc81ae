"""Print HTML → PDF with WeasyPrint, reproducibly (fixed metadata: two builds, same bytes).

WeasyPrint needs Pango and its friends, which an editor's Windows PC may not have: then
:func:`weasyprint_problem` says why in Chinese and the build writes the HTML only.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


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


def render_pdf(html: str, title: str, author: str, date: datetime | None) -> bytes:
    """The PDF of ``html``; metadata comes from the arguments, never from the clock."""
    import weasyprint

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Line widths were measured in Python from plain advances: no kerning may move a glyph.
    # (Kept out of the print HTML, whose CSS the HTML validator checks against CSS 3 + SVG.)
    no_kerning = weasyprint.CSS(string="* { font-kerning: none; font-feature-settings: 'kern' 0; }")
    document: Any = weasyprint.HTML(string=html, base_url=None).render(stylesheets=[no_kerning])
    stamp = (date or datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%S")
    metadata = document.metadata
    metadata.title = title
    metadata.authors = [author] if author else []
    metadata.created = stamp
    metadata.modified = stamp
    metadata.generator = "civicpress"
    data: bytes = document.write_pdf()
    return data
