"""Every internal link of the built site resolves: the last line of defence.

The Markdown link resolver already reports an editor's broken link with its file and line;
this check looks at what was actually written out (templates, ``static/`` pages, feeds,
stylesheets, the search bundle) and reports any ``href``, ``src``, ``srcset``, CSS ``url()``
or sitemap ``<loc>`` inside the site that points at no file. Directory links resolve to their
``index.html``; a fragment (``#一主要做法``) must name an ``id`` of the target page, or it is an
error too (a heading renamed after the link was written). Links to other hosts, ``mailto:``
and the like are not checked.

Pure: it sees paths and bytes, as the files stream past (:class:`LinkCheck`), or all at once
(:func:`check_links`). Memory grows with the number of distinct targets, not of links.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from civicpress.errors import Finding, Location

_HTML = (".html", ".htm")
_SKIP = re.compile(r"<!--.*?-->|(<script\b[^>]*>).*?</script>|(<style\b[^>]*>).*?</style>", re.S | re.I)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")  # tags with attributes
# Attributes in order, each with its whole value, so a "src=" inside another attribute's value is text.
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_WANTED = {"href", "src", "srcset", "imagesrcset", "poster", "data", "id", "name"}
_LINK_ATTRS = {"href", "src", "poster", "data"}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")
_XML_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NOT_CHECKED = ("mailto:", "tel:", "sms:", "data:", "javascript:", "blob:", "about:")


class LinkCheck:
    """Collects the files of a build and the internal links they make; ``findings`` judges them."""

    def __init__(self, base_url: str = "") -> None:
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else ""
        self.base_path = (parts.path.rstrip("/") + "/") if parts.netloc else "/"
        self.paths: set[str] = set()
        self.ids: dict[str, frozenset[str]] = {}
        self.targets: dict[str, tuple[str, str]] = {}  # output path -> (first page linking, URL)
        self.fragments: dict[tuple[str, str], tuple[str, str]] = {}
        self.escapes: list[tuple[str, str]] = []  # (page, URL) pointing outside the site

    def add_paths(self, paths: Iterable[str]) -> None:
        """Files that exist without being checked (a search bundle written by another program)."""
        self.paths.update(paths)

    def add(self, path: str, data: bytes) -> None:
        self.paths.add(path)
        lower = path.lower()
        if lower.endswith(_HTML):
            links, ids = _scan(data.decode("utf-8", "replace"))
            self.ids[path] = frozenset(ids)
            for url in links:
                self._link(path, url)
        elif lower.endswith(".css"):
            for match in _CSS_URL.finditer(data.decode("utf-8", "replace")):
                self._link(path, next(g for g in match.groups() if g is not None))
        elif lower.endswith(".xml"):
            text = data.decode("utf-8", "replace")
            for match in _LOC.finditer(text):
                self._link(path, match.group(1))
            for match in _XML_HREF.finditer(text):
                url = next(g for g in match.groups() if g is not None)
                if urlsplit(html.unescape(url)).netloc:  # feeds link absolutely; relative hrefs are content
                    self._link(path, url)

    def _link(self, page: str, url: str) -> None:
        url = html.unescape(url).strip()
        if not url or url.lower().startswith(_NOT_CHECKED):
            return
        parts = urlsplit(url)
        if parts.scheme and parts.scheme.lower() not in ("http", "https"):
            return
        path = unquote(parts.path)
        if parts.netloc:
            scheme = parts.scheme or self.origin.split(":", 1)[0]
            if not self.origin or f"{scheme}://{parts.netloc}".lower() != self.origin:
                return  # another host
            path = path or "/"
            if not (path + "/").startswith(self.base_path):
                return  # the same host, but another site beside this one

        if path.startswith("/"):
            if not (path + "/").startswith(self.base_path):
                self.escapes.append((page, url))
                return
            target = path[len(self.base_path) :]
        elif path:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            if target == ".." or target.startswith("../"):
                self.escapes.append((page, url))
                return
            target = "" if target == "." else target
            if target and (path.endswith("/") or posixpath.basename(path) in (".", "..")):
                target += "/"
        else:
            target = page  # "#fragment" or "?query": this page
        if target == "" or target.endswith("/"):
            target += "index.html"
        self.targets.setdefault(target, (page, url))
        fragment = unquote(parts.fragment)
        if fragment and fragment != "top":
            self.fragments.setdefault((target, fragment), (page, url))

    def findings(self) -> list[Finding]:
        """One finding per missing target (naming the first page that links to it)."""
        found: list[Finding] = []
        for page, url in self.escapes:
            found.append(_broken(page, url, "指向网站文件夹之外"))
        for target, (page, url) in sorted(self.targets.items()):
            if target not in self.paths and f"{target}/index.html" not in self.paths:
                found.append(_broken(page, url, f"指向的文件 {target} 不存在"))
        for (target, fragment), (page, url) in sorted(self.fragments.items()):
            resolved = target if target in self.ids else f"{target}/index.html"
            ids = self.ids.get(resolved)
            if ids is not None and fragment not in ids:
                found.append(
                    Finding(
                        "output-link-fragment",
                        f"生成的网页中的链接 {url} 指向的页面没有 #{fragment} 这个位置",
                        Location(page),
                        "检查链接中 # 后面的小标题是否已经改名。",
                    )
                )
        return found


def check_links(files: Iterable[tuple[str, bytes]], base_url: str = "", exist: Iterable[str] = ()) -> list[Finding]:
    """The findings for a whole output folder given as (path, bytes) pairs."""
    check = LinkCheck(base_url)
    check.add_paths(exist)
    for path, data in files:
        check.add(path, data)
    return check.findings()


def _broken(page: str, url: str, why: str) -> Finding:
    return Finding(
        "output-broken-link",
        f"生成的网页 {page} 中的链接 {url} {why}",
        Location(page),
        "文章中的链接会另外指出文件和行号；这里的链接多半来自模板或 static/ 中的文件，请检查其中的地址。",
    )


def _scan(text: str) -> tuple[list[str], list[str]]:
    """The URLs an HTML page links to (outside comments, inside no script or style) and its ids."""
    text = _SKIP.sub(lambda m: (m.group(1) or "") + (m.group(2) or ""), text)
    links: list[str] = []
    ids: list[str] = []
    for tag in _TAG.finditer(text):
        for match in _ATTR.finditer(text, tag.end(1), tag.end() - 1):
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
    return links, ids
