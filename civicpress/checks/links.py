"""Every internal link of the built site resolves: the last line of defence.

The Markdown link resolver already reports an editor's broken link with its file and line;
this check looks at what was actually written out (templates, ``static/`` pages, feeds,
stylesheets, the search bundle) and reports any ``href``, ``src``, ``srcset``, CSS ``url()``
or sitemap ``<loc>`` inside the site that points at no file. Directory links resolve to their
``index.html``; a fragment (``#一主要做法``) must name an ``id`` of the target page, or it is an
error too (a heading renamed after the link was written). Links to other hosts, ``mailto:``
and the like are not checked.

Pure: reading a file (:func:`scan_file`, the check's ``scan``) is apart from judging the links
of all files (``judge``), so that the reading runs in a worker process and sends back a small
picklable :class:`LinkRecord`. The judgement's memory grows with the number of distinct targets,
not of links.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from civicpress.errors import Finding, Location

_HTML = (".html", ".htm")
# Attributes in order, each with its whole value, so a "src=" inside another attribute's value is text.
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_WANTED = {"href", "src", "srcset", "imagesrcset", "poster", "data", "id", "name"}
_LINK_ATTRS = {"href", "src", "poster", "data"}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_XML_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NOT_CHECKED = ("mailto:", "tel:", "sms:", "data:", "javascript:", "blob:", "about:")

# What a page's links are read from: the page without comments and without the content of its scripts
# and styles (their start tags stay), as the pattern <!--.*?-->|(<script\b[^>]*>).*?</script>|(<style…
# (re.S | re.I) removes it. Here the "<" all alternatives start with is taken out of them, so that the
# regex engine looks for that one character quickly instead of trying three alternatives at every tag:
# the same matches, several times faster; _kept puts the "<" back.
_SKIP = re.compile(r"<(?:!--.*?-->|(?i:(script\b[^>]*>).*?</script>|(style\b[^>]*>).*?</style>))", re.S)
# Tags with attributes: <name, a space, then plain characters and quoted values up to ">". The loop is
# unrolled (runs of plain characters between quoted values): the same matches as (?:[^>"']|"…"|'…')*,
# found faster. The groups: the whole tag, its name.
_TAG = re.compile(r"(<([a-zA-Z][a-zA-Z0-9-]*)\s[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)")
# The links and ids of a tag depend on its text alone, and templates write the same tags on every page
# (menus, lists, footers): on a 1,000-page site one tag in eight is new. Emptied when full.
_TAG_CACHE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_TAG_CACHE_SIZE = 20_000
_NOTHING: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


@dataclass(frozen=True)
class LinkRecord:
    """What one output file brings to the link check: made by :func:`scan_file`, picklable."""

    path: str
    links: tuple[str, ...]  # the URLs as the file writes them, in order
    ids: frozenset[str] | None  # the ids and names an HTML page offers to fragments; None for other files


def scan_file(path: str, data: bytes) -> LinkRecord:
    """The links and ids of one output file; pure, so that it can run in a worker process."""
    lower = path.lower()
    if lower.endswith(_HTML):
        links, ids = _scan(data.decode("utf-8", "replace"))
        return LinkRecord(path, tuple(links), frozenset(ids))
    if lower.endswith(".css"):
        text = data.decode("utf-8", "replace")
        return LinkRecord(path, tuple(_first_group(match) for match in _CSS_URL.finditer(text)), None)
    if lower.endswith(".xml"):
        text = data.decode("utf-8", "replace")
        links = [match.group(1) for match in _LOC.finditer(text)]
        for match in _XML_HREF.finditer(text):
            url = _first_group(match)
            if urlsplit(html.unescape(url)).netloc:  # feeds link absolutely; relative hrefs are content
                links.append(url)
        return LinkRecord(path, tuple(links), None)
    return LinkRecord(path, (), None)


def _first_group(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g is not None)


ESCAPE = "\0escape"  # the target of a link that leaves the site


class LinkCheck:
    """The link check (civicpress.checks.protocol): every internal link of the output resolves.

    ``judge`` reads the records in the build's order and names, for each missing target, the
    first file that links to it. ``resolve`` is what a record's links point at: civicpress.rebuild
    keeps it between the builds of ``serve`` and judges only what changed (``LinkMemory``).
    """

    name = "links"
    # The Markdown link resolver reports an editor's broken link with its file and line: this
    # check, which names only the output file, is for what remains when there is no error.
    quiet_after_errors = True

    def __init__(self, base_url: str = "") -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url
        self.origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else ""
        self.base_path = (parts.path.rstrip("/") + "/") if parts.netloc else "/"

    def __repr__(self) -> str:  # what serve keeps its memory of this check by
        return f"LinkCheck({self.base_url!r})"

    def scan(self, path: str, data: bytes) -> LinkRecord:
        return scan_file(path, data)

    def judge(self, records: Iterable[tuple[str, LinkRecord]], present: Iterable[str]) -> list[Finding]:
        paths = set(present)
        ids: dict[str, frozenset[str]] = {}
        targets: dict[str, tuple[str, str]] = {}  # output path -> (first page linking, URL)
        fragments: dict[tuple[str, str], tuple[str, str]] = {}
        escapes: list[tuple[str, str]] = []  # (page, URL) pointing outside the site
        for path, record in records:
            paths.add(path)
            if record.ids is not None:
                ids[path] = record.ids
            for page, target, fragment, url in self.resolve(record):
                if target == ESCAPE:
                    escapes.append((page, url))
                    continue
                targets.setdefault(target, (page, url))
                if fragment:
                    fragments.setdefault((target, fragment), (page, url))
        return judge_links(escapes, targets, fragments, paths, ids)

    def dump(self, record: LinkRecord) -> Any:
        return [record.links, None if record.ids is None else sorted(record.ids)]

    def load(self, path: str, raw: Any) -> LinkRecord:
        links, ids = raw
        return LinkRecord(path, tuple(links), None if ids is None else frozenset(ids))

    def resolve(self, record: LinkRecord) -> list[tuple[str, str, str, str]]:
        """What the links of ``record`` point at: (page, target, fragment, URL) in order; target ESCAPE leaves."""
        # What posixpath.join(directory of the page, relative path) puts before the relative path.
        directory = posixpath.dirname(record.path)
        prefix = directory if not directory or directory.endswith("/") else directory + "/"
        resolved: list[tuple[str, str, str]] = []
        for url in record.links:
            self._link(record.path, prefix, url, resolved)
        return [(record.path, target, fragment, url) for target, fragment, url in resolved]

    def _link(self, page: str, prefix: str, url: str, out: list[tuple[str, str, str]]) -> None:
        parsed = _parse_url(url, self.origin, self.base_path)
        if parsed is None:
            return
        url, path, fragment = parsed
        if path.startswith("/"):
            if not (path + "/").startswith(self.base_path):
                out.append((ESCAPE, "", url))
                return
            target = path[len(self.base_path) :]
        elif path:
            target = posixpath.normpath(prefix + path)
            if target == ".." or target.startswith("../"):
                out.append((ESCAPE, "", url))
                return
            target = "" if target == "." else target
            if target and (path.endswith("/") or path.rpartition("/")[2] in (".", "..")):
                target += "/"
        else:
            target = page  # "#fragment" or "?query": this page
        if target == "" or target.endswith("/"):
            target += "index.html"
        out.append((target, fragment if fragment != "top" else "", url))


def judge_links(
    escapes: Iterable[tuple[str, str]],
    targets: Mapping[str, tuple[str, str]],
    fragments: Mapping[tuple[str, str], tuple[str, str]],
    paths: Container[str],
    ids: Mapping[str, frozenset[str]],
) -> list[Finding]:
    found: list[Finding] = []
    for page, url in escapes:
        found.append(_broken(page, url, "指向网站文件夹之外"))
    for target, (page, url) in sorted(targets.items()):
        if target not in paths and f"{target}/index.html" not in paths:
            found.append(_broken(page, url, f"指向的文件 {target} 不存在"))
    for (target, fragment), (page, url) in sorted(fragments.items()):
        resolved = target if target in ids else f"{target}/index.html"
        known = ids.get(resolved)
        if known is not None and fragment not in known:
            found.append(
                Finding(
                    "output-link-fragment",
                    f"生成的网页中的链接 {url} 指向的页面没有 #{fragment} 这个位置",
                    Location(page),
                    "检查链接中 # 后面的小标题是否已经改名。",
                )
            )
    return found


@functools.lru_cache(maxsize=4096)  # every page repeats the links of its header and footer
def _parse_url(url: str, origin: str, base_path: str) -> tuple[str, str, str] | None:
    """(URL as read, its path, its fragment) for a link into this site; None for one not checked.

    A path of this site's host starts with "/"; a relative one does not, and may be "".
    """
    url = html.unescape(url).strip()
    if not url or url.lower().startswith(_NOT_CHECKED):
        return None
    parts = urlsplit(url)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return None
    path = unquote(parts.path)
    if parts.netloc:
        scheme = parts.scheme or origin.split(":", 1)[0]
        if not origin or f"{scheme}://{parts.netloc}".lower() != origin:
            return None  # another host
        path = path or "/"
        if not (path + "/").startswith(base_path):
            return None  # the same host, but another site beside this one
    return url, path, unquote(parts.fragment)


def check_links(files: Iterable[tuple[str, bytes]], base_url: str = "", exist: Iterable[str] = ()) -> list[Finding]:
    """The findings for a whole output folder given as (path, bytes) pairs."""
    check = LinkCheck(base_url)
    return check.judge([(path, check.scan(path, data)) for path, data in files], exist)


def _broken(page: str, url: str, why: str) -> Finding:
    return Finding(
        "output-broken-link",
        f"生成的网页 {page} 中的链接 {url} {why}",
        Location(page),
        "文章中的链接会另外指出文件和行号；这里的链接多半来自模板或 static/ 中的文件，请检查其中的地址。",
    )


def _scan(text: str) -> tuple[list[str], list[str]]:
    """The URLs an HTML page links to (outside comments, inside no script or style) and its ids."""
    text = _SKIP.sub(_kept, text)
    links: list[str] = []
    ids: list[str] = []
    for tag, name in _TAG.findall(text):
        found = _TAG_CACHE.get(tag)
        if found is None:
            found = _read_tag(tag, len(name) + 1)
            if len(_TAG_CACHE) >= _TAG_CACHE_SIZE:
                _TAG_CACHE.clear()
            _TAG_CACHE[tag] = found
        if found is not _NOTHING:
            links.extend(found[0])
            ids.extend(found[1])
    return links, ids


def _kept(match: re.Match[str]) -> str:
    """What _SKIP leaves of what it removes: a script's or style's start tag."""
    start_tag = match.group(1) or match.group(2)
    return "<" + start_tag if start_tag else ""


def _read_tag(tag: str, inside: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The links and ids of one tag, whose attributes start at ``inside``."""
    links: list[str] = []
    ids: list[str] = []
    for match in _ATTR.finditer(tag, inside, len(tag) - 1):
        name = match.group(1).lower()
        if name not in _WANTED:
            continue
        value = next((g for g in match.groups()[1:] if g is not None), "")
        if name in _LINK_ATTRS:
            links.append(value)
        elif name in ("id", "name"):
            ids.append(html.unescape(value))
        else:  # srcset: "url 480w, url 960w"
            links.extend(c.split()[0] for c in html.unescape(value).split(",") if c.strip())
    return (tuple(links), tuple(ids)) if links or ids else _NOTHING
