"""``check --external``: do the web addresses that articles link to still answer?

Each distinct URL is asked once, with a timeout and a few requests at a time, so a site with
hundreds of links to one government page sends one request. The HTTP function is injectable:
tests pass a fake one and need no network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from civicpress.errors import Finding, Location, warning
from civicpress.model import Site

# (url, timeout seconds) -> HTTP status; raises OSError (or a subclass) when nothing answers.
Fetch = Callable[[str, float], int]

_URL = re.compile(r"""(?:\]\(\s*<?|<|\]:\s*)(https?://[^\s)>"']+)""")
USER_AGENT = "civicpress-linkcheck/0.1 (+static site link check)"


@dataclass(frozen=True)
class ExternalLink:
    url: str
    location: Location


def external_links(site: Site) -> Iterator[ExternalLink]:
    """Every http(s) link written in a published page's Markdown, with its file and line."""
    for page in site.pages:
        for number, text in enumerate(page.body.split("\n"), start=page.body_line):
            for match in _URL.finditer(text):
                yield ExternalLink(match.group(1), Location(page.source, number))


def http_status(url: str, timeout: float) -> int:
    """HEAD, then GET for servers that refuse HEAD; the final status after redirects."""
    import urllib.error  # here: every build imports this module, only ``check --external`` asks the web
    import urllib.request

    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # only http(s) URLs reach here
                return int(response.status)
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return int(exc.code)
    return 0


def check_external(
    links: Iterable[ExternalLink], fetch: Fetch = http_status, timeout: float = 10.0, workers: int = 4
) -> list[Finding]:
    """A warning (an error with --strict) for every link whose URL does not answer with success."""
    by_url: dict[str, list[Location]] = {}
    for link in links:
        by_url.setdefault(link.url, []).append(link.location)

    def ask(url: str) -> tuple[str, str]:
        try:
            status = fetch(url, timeout)
        except (OSError, ValueError) as exc:  # timeouts, refused connections, bad hosts
            return url, f"无法访问（{type(exc).__name__}）"
        return url, "" if 200 <= status < 400 else f"返回 HTTP {status}"

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = dict(pool.map(ask, sorted(by_url)))
    findings = []
    for url in sorted(by_url):
        problem = answers[url]
        for location in by_url[url] if problem else []:
            findings.append(
                warning(
                    "external-link",
                    f"外部链接 {url} {problem}",
                    location,
                    "打开这个网址确认是否已失效；失效的请改为新地址或删去链接。",
                )
            )
    return findings
