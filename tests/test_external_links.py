"""``check --external`` with an injected HTTP function: no network in tests."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sitemaker import article, load, make_site

from civicpress.checks.external_links import ExternalLink, check_external, external_links
from civicpress.errors import Location

BODY = (
    "见[政府网](https://www.gov.cn/)。\n\n"
    "[坏链接](https://example.cn/gone)和<https://example.cn/gone>\n\n"
    "[慢](https://slow.example.cn/)\n\n"
    "[引用]: https://ref.example.cn/page"
)


def links(tmp_path: Path) -> list[ExternalLink]:
    site, _ = load(make_site(tmp_path, {"content/news/a.md": article("甲", body=BODY)}))
    return list(external_links(site))


def test_links_are_found_with_their_lines(tmp_path: Path) -> None:
    found = [(link.url, link.location.line) for link in links(tmp_path)]
    assert found == [
        ("https://www.gov.cn/", 5),
        ("https://example.cn/gone", 7),
        ("https://example.cn/gone", 7),
        ("https://slow.example.cn/", 9),
        ("https://ref.example.cn/page", 11),
    ]


def test_dead_links_are_reported_once_per_place_and_asked_once(tmp_path: Path) -> None:
    asked: list[str] = []

    def fake(url: str, timeout: float) -> int:
        asked.append(url)
        if "slow" in url:
            raise TimeoutError("timed out")
        return 404 if "gone" in url else 200

    findings = check_external(links(tmp_path), fetch=fake, timeout=0.5)
    assert sorted(asked) == sorted(set(asked))  # each URL once
    assert [(f.code, f.location, f.is_error) for f in findings] == [
        ("external-link", Location("content/news/a.md", 7), False),
        ("external-link", Location("content/news/a.md", 7), False),
        ("external-link", Location("content/news/a.md", 9), False),
    ]
    assert "404" in findings[0].message and "TimeoutError" in findings[2].message


def test_requests_run_a_few_at_a_time() -> None:
    running, peak, lock = 0, 0, threading.Lock()

    def fake(url: str, timeout: float) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return 200

    many = [ExternalLink(f"https://e{i}.example.cn/", Location("content/a.md", i)) for i in range(20)]
    assert check_external(many, fetch=fake, workers=3) == []
    assert 1 < peak <= 3


def test_check_with_a_fetch_reports_dead_links_as_warnings(tmp_path: Path) -> None:
    from sitemaker import NOW

    from civicpress.pipeline import BuildOptions, check

    site = make_site(tmp_path, {"content/news/a.md": article("甲", body="[坏](https://example.cn/gone)")})
    result = check(BuildOptions(site_dir=site, out_dir=tmp_path / "out", now=NOW), fetch=lambda url, t: 404)
    assert [(w.code, w.location) for w in result.warnings if w.code == "external-link"] == [
        ("external-link", Location("content/news/a.md", 5))
    ]
    assert not (tmp_path / "out").exists()
