"""Pages drawn from data: the ``data_pages`` of site_config.yaml (a page per honour, the timeline …).

Each page is rendered with the template its entry names. The context is the one every page has
(``site``, ``config``, ``data``, ``page_url``, ``title``, ``description``) plus ``entry`` (the
``DataPage``), ``record`` (the record, or the whole data of a one-page entry) and ``parent`` (the
section or data page whose URL holds this one's, for the breadcrumb and the way back).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from civicpress.errors import Findings, Location, SiteError
from civicpress.model import DataPage, OutputFile, Site
from civicpress.sitefolder import CONFIG_FILE
from civicpress.templating import Renderer
from civicpress.writers.protocol import BuildInputs, Made


class Parent(NamedTuple):
    title: str
    url: str


def write_data_pages(site: Site, renderer: Renderer, findings: Findings) -> Iterator[OutputFile]:
    """One HTML file per data page; a missing template or a template error goes to ``findings``."""
    missing: set[str] = set()
    for page in site.data_pages:
        if not renderer.has(page.template):
            if page.template not in missing:
                missing.add(page.template)
                findings.error("template-missing", f"找不到 data_pages 中的模板 {page.template}", Location(CONFIG_FILE),
                               "模板放在网站的 templates/ 文件夹中，或用默认主题已有的模板，如 honor.html。")
            continue
        try:
            yield render_data_page(page, site, renderer)
        except SiteError as exc:
            findings.extend(exc.findings)


def render_data_page(page: DataPage, site: Site, renderer: Renderer) -> OutputFile:
    context: dict[str, Any] = {
        "site": site,
        "config": site.config,
        "data": site.data,
        "page_url": page.url,
        "title": page.title,
        "description": page.description or site.config.description,
        "entry": page,
        "record": page.data,
        "parent": parent_of(page, site),
    }
    return OutputFile(page.output, renderer.render(page.template, context).encode())


def parent_of(page: DataPage, site: Site) -> Parent | None:
    """The section or one-page data page with the longest URL that contains ``page.url``."""
    candidates = [Parent(s.title, s.url) for s in site.sections]
    candidates += [Parent(p.title, p.url) for p in site.data_pages if not p.per_record]
    inside = [c for c in candidates if page.url.startswith(c.url) and page.url != c.url]
    return max(inside, key=lambda c: len(c.url), default=None)


class DataPagesWriter:
    """The pages drawn from data files (``data_pages`` of site_config.yaml)."""

    name = "data pages"
    tracks = False

    def expected(self, inputs: BuildInputs) -> int:
        return len(inputs.site.data_pages)

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        return write_data_pages(inputs.site, inputs.renderer, findings)
