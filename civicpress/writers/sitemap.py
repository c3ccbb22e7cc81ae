"""``sitemap.xml`` and ``robots.txt``: what search engines may read, and where."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime

from civicpress.model import OutputFile, Site
from civicpress.urls import absolute_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemap(site: Site, wanted: Callable[[str], bool] | None = None) -> Iterator[OutputFile]:
    """sitemap.xml and robots.txt: made of the site's facts only (``reads=()``), so kept while those are."""
    base = site.config.base_url
    if site.internal:  # never meant for a server: if it is ever uploaded, search engines stay out
        if wanted is None or wanted("robots.txt"):
            yield OutputFile("robots.txt", b"User-agent: *\nDisallow: /\n", reads=())
        return
    robots = "User-agent: *\nAllow: /\n"
    if base:
        if wanted is None or wanted("sitemap.xml"):
            yield OutputFile("sitemap.xml", sitemap(site), reads=())
        robots += f"\nSitemap: {absolute_url(base, '/sitemap.xml')}\n"
    if wanted is None or wanted("robots.txt"):
        yield OutputFile("robots.txt", robots.encode(), reads=())


def sitemap(site: Site) -> bytes:
    base = site.config.base_url
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    entries: list[tuple[str, datetime | None]] = [("/", site.build_date)]
    entries += [(s.url, None) for s in site.sections]
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
