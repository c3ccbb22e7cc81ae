"""The writers of a build, in the order their files are made and published.

The static files come first: the pages need the published images' sizes (``Made.images``).
A new kind of output is one module beside this one and one line here.
"""

from __future__ import annotations

from civicpress.writers.data_pages import DataPagesWriter
from civicpress.writers.feeds import FeedWriter
from civicpress.writers.pages import PagesWriter
from civicpress.writers.print_files import PrintWriter
from civicpress.writers.protocol import Writer
from civicpress.writers.robots import RobotsWriter
from civicpress.writers.search import SearchPageWriter
from civicpress.writers.sitemap import SitemapWriter
from civicpress.writers.static_files import StaticWriter

WRITERS: tuple[Writer, ...] = (
    StaticWriter(),
    PagesWriter(),
    SearchPageWriter(),
    DataPagesWriter(),
    FeedWriter(),
    SitemapWriter(),
    RobotsWriter(),
    PrintWriter(),
)
