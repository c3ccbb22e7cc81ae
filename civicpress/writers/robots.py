"""``robots.txt``: what search engines may read, and where the sitemap is.

The internal edition is for the office and the visiting delegation, never for search engines:
its robots.txt turns every crawler away, should the folder ever be uploaded by mistake.
"""

from __future__ import annotations

from collections.abc import Iterator

from civicpress.errors import Findings
from civicpress.model import OutputFile, Site
from civicpress.options import PUBLIC
from civicpress.urls import absolute_url
from civicpress.writers.protocol import SITEMAP_PATH, BuildInputs, Made

ROBOTS_PATH = "robots.txt"


def robots_txt(site: Site, edition: str = PUBLIC) -> bytes:
    if edition != PUBLIC:
        return b"User-agent: *\nDisallow: /\n"
    robots = "User-agent: *\nAllow: /\n"
    if site.config.base_url:
        robots += f"\nSitemap: {absolute_url(site.config.base_url, '/' + SITEMAP_PATH)}\n"
    return robots.encode()


class RobotsWriter:
    """robots.txt: made of the site's settings only (``reads=()``), so kept while they are unchanged."""

    name = "robots"
    tracks = True

    def expected(self, inputs: BuildInputs) -> int:
        return 1

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        if inputs.wants(ROBOTS_PATH):
            yield OutputFile(ROBOTS_PATH, robots_txt(inputs.site, inputs.edition), reads=())
