"""``sitemap.xml``: the addresses of the site's pages, for search engines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime

from civicpress.errors import Findings
from civicpress.model import OutputFile, Site
from civicpress.urls import absolute_url
from civicpress.writers.protocol import SITEMAP_PATH, BuildInputs, Made

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemap(site: Site, wanted: Callable[[str], bool] | None = None) -> Iterator[OutputFile]:
    """sitemap.xml (with a base_url; not in the internal edition): made of the site's facts (``reads=()``)."""
    if site.config.base_url and not site.internal and (wanted is None or wanted(SITEMAP_PATH)):
        yield OutputFile(SITEMAP_PATH, sitemap(site), reads=())


def sitemap(site: Site) -> bytes:
    base = site.config.base_url
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    entries: list[tuple[str, datetime | None]] = [("/", site.build_date)]
    entries += [(s.url, None) for s in site.sections]
    entries += [(y.url, None) for s in site.sections for y in s.years]
    entries += [(p.url, p.date) for p in site.pages]
    entries += [(p.url, None) for p in site.data_pages]
    entries += [("/tags/", None)] + [(t.url, None) for t in site.tags]
    for path, date in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = absolute_url(base, path)
        if date is not None:
            ET.SubElement(url, "lastmod").text = date.strftime("%Y-%m-%d")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"


class SitemapWriter:
    """sitemap.xml."""

    name = "sitemap"
    tracks = True

    def expected(self, inputs: BuildInputs) -> int:
        return 1 if inputs.site.config.base_url else 0

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        return write_sitemap(inputs.site, inputs.wanted)
