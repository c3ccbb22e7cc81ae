"""The Atom feed of the newest articles (``atom.xml``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from civicpress.errors import Findings
from civicpress.model import OutputFile, Site
from civicpress.urls import absolute_url
from civicpress.writers.protocol import BuildInputs, Made

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "atom.xml"


def write_feed(site: Site, findings: Findings, wanted: Callable[[str], bool] | None = None) -> Iterator[OutputFile]:
    """The Atom feed of the newest articles; it shows their summaries (``reads``), besides the site's facts."""
    config = site.config
    if not config.base_url:
        findings.warn(
            "feed-no-base-url",
            "未设置 base_url，不生成订阅源 atom.xml 和 sitemap.xml",
            None,
            "在 site_config.yaml 中写上网站的正式网址，如 base_url: https://www.example.cn/",
        )
        return
    if wanted is None or wanted(FEED_PATH):
        reads = tuple(f"summary:{page.source}" for page in site.articles()[: config.feed_limit])
        yield OutputFile(FEED_PATH, atom_feed(site), reads=reads)


def atom_feed(site: Site) -> bytes:
    config = site.config
    articles = site.articles()[: config.feed_limit]
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": config.language})
    ET.SubElement(feed, "title").text = config.title
    if config.description:
        ET.SubElement(feed, "subtitle").text = config.description
    ET.SubElement(feed, "id").text = config.base_url
    ET.SubElement(feed, "link", {"href": config.base_url})
    ET.SubElement(feed, "link", {"rel": "self", "href": absolute_url(config.base_url, "/" + FEED_PATH)})
    updated = articles[0].date if articles and articles[0].date else site.build_date
    ET.SubElement(feed, "updated").text = updated.isoformat()
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = config.organization or config.title
    for page in articles:
        entry = ET.SubElement(feed, "entry")
        link = absolute_url(config.base_url, page.url)
        ET.SubElement(entry, "title").text = page.title
        ET.SubElement(entry, "id").text = link
        ET.SubElement(entry, "link", {"href": link})
        if page.date:
            ET.SubElement(entry, "published").text = page.date.isoformat()
            ET.SubElement(entry, "updated").text = page.date.isoformat()
        for tag in page.tags:
            ET.SubElement(entry, "category", {"term": tag})
        ET.SubElement(entry, "summary").text = page.summary
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode").encode() + b"\n"


class FeedWriter:
    """The Atom feed."""

    name = "feed"
    tracks = True

    def expected(self, inputs: BuildInputs) -> int:
        return 1 if inputs.site.config.base_url else 0

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        return write_feed(inputs.site, findings, inputs.wanted)
