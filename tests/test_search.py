"""search: the /search/ page, the Pagefind index made in the staging folder, and a real browser."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sitemaker import article, build_site, codes, load, make_site

from civicpress.errors import BuildFailed, Findings
from civicpress.pipeline import BuildOptions, build, check
from civicpress.writers.search import han_spaced

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("search") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


def test_search_page_loads_the_bundle_relatively(sample: Path) -> None:
    html = (sample / "search/index.html").read_text(encoding="utf-8")
    assert '<script src="../pagefind/0/pagefind-ui.js" id="pagefind-ui"></script>' in html
    assert '<link rel="stylesheet" href="../pagefind/0/pagefind-ui.css">' in html
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-entry.json"):
        assert (sample / "pagefind/0" / name).is_file(), name
    assert json.loads((sample / "pagefind/0/shards.json").read_text()) == []  # a small site: one shard


def test_every_page_links_to_the_search_page(sample: Path) -> None:
    assert 'href="search/index.html"' in (sample / "index.html").read_text(encoding="utf-8")
    assert 'href="../../search/index.html"' in (sample / "achievements/heating-solved/index.html").read_text(
        encoding="utf-8"
    )


def test_the_index_holds_the_articles_and_pages_in_chinese(sample: Path) -> None:
    entry = json.loads((sample / "pagefind/0/pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]  # <html lang="zh-CN">: the extended build's segmentation
    site, _ = load(ROOT, now=NOW)
    assert entry["languages"]["zh-cn"]["page_count"] == len(site.pages)
    for page in site.pages:
        assert "data-pagefind-body" in (sample / page.output).read_text(encoding="utf-8"), page.output
    for listing in ("index.html", "tags/index.html", "achievements/index.html", "search/index.html"):
        assert "data-pagefind-body" not in (sample / listing).read_text(encoding="utf-8"), listing


def small_site(tmp_path: Path) -> Path:
    return make_site(tmp_path, {"content/achievements/heating.md": article("供暖", body="老楼供暖改造。")})


def test_without_pagefind_the_build_warns_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pagefind.service", None)  # as on a computer without it
    site = small_site(tmp_path)
    result = build_site(site)
    assert "search-unavailable" in [f.code for f in result.warnings]
    out = tmp_path / "output"
    html = (out / "search/index.html").read_text(encoding="utf-8")
    assert "pagefind" not in html and "不能搜索" in html
    assert not (out / "pagefind").exists()
    with pytest.raises(BuildFailed) as caught:
        build_site(site, strict=True)
    assert "search-unavailable" in codes(caught.value)


def test_a_failing_indexer_fails_the_build_and_keeps_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = small_site(tmp_path)
    build_site(site)
    before = {p: p.read_bytes() for p in sorted((tmp_path / "output").rglob("*")) if p.is_file()}
    monkeypatch.setattr("civicpress.pipeline.find_indexer", lambda findings: Path(shutil.which("false") or "false"))
    # An indexed page changed, so the index is made again (incrementally) and the indexer fails.
    (site / "content/achievements/heating.md").write_text(article("供暖", body="老楼供暖改造完成。"), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert codes(caught.value) == ["search-index"]
    after = {p: p.read_bytes() for p in sorted((tmp_path / "output").rglob("*")) if p.is_file()}
    assert after == before
    with pytest.raises(BuildFailed):  # a full build fails the same way
        build(BuildOptions(site_dir=site, out_dir=tmp_path / "output", now=NOW, cache=False))
    assert {p: p.read_bytes() for p in sorted((tmp_path / "output").rglob("*")) if p.is_file()} == before


def test_a_site_without_pages_builds_without_an_index(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    result = build_site(site)
    assert "search-unavailable" not in [f.code for f in result.warnings]
    assert not (tmp_path / "output/pagefind").exists()


def test_check_expects_the_bundle_it_does_not_write(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    result = check(BuildOptions(site_dir=site, out_dir=tmp_path / "output", now=NOW))
    assert not [f for f in result.warnings if f.code.startswith("output-")]
    assert not (tmp_path / "output").exists()


# ---------------------------------------------------------------- a real browser


@pytest.fixture
def served(sample: Path, tmp_path: Path) -> Iterator[str]:
    """The sample site served under a sub-folder (/sq/), as on a shared host; yields its address."""
    shutil.copytree(sample, tmp_path / "www" / "sq")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sq/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
def test_search_finds_a_chinese_word_in_a_real_browser(served: str, sample: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("requestfailed", lambda request: errors.append(f"{request.failure}: {request.url}"))
            page.goto(served + "index.html")
            page.click(".site-nav >> text=搜索")  # the menu item (the header also has a search form)
            page.fill(".pagefind-ui__search-input", "供暖")
            # results appear one by one as their fragments load: wait for the article's own link
            link = page.wait_for_selector(
                '.pagefind-ui__result-link[href="/sq/achievements/heating-solved/index.html"]', timeout=15_000
            )
            assert link is not None
            assert "供暖" in page.inner_text(".pagefind-ui__results")
            link.click()
            page.wait_for_url("**/achievements/heating-solved/index.html")
            assert "告别供暖难" in page.title()
            # a query in the address (?q=) searches at once
            page.goto(served + "search/index.html?q=%E7%A7%A7%E6%AD%8C")  # 秧歌
            page.wait_for_selector('.pagefind-ui__result-link[href*="/sq/events/2021/family-games/"]', timeout=15_000)
            assert [e for e in errors if not e.startswith("net::ERR_ABORTED")] == []  # aborted: left the page
            # opened from disk, the page says why search needs a server instead of failing silently
            page.goto((sample / "search/index.html").as_uri())
            assert page.is_visible(".search-file-note")
        finally:
            browser.close()


def test_an_unchanged_site_reuses_its_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind runs again only when an indexed page changed; the reused index is identical."""
    from civicpress.writers import search

    files = {"content/news/a.md": article("供暖", body="社区解决供暖难题。"), "content/news/b.md": article("乙")}
    site = make_site(tmp_path, files)
    out = tmp_path / "out"
    build_site(site, out)
    first = {p.relative_to(out): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}
    runs: list[Path] = []
    real = search._run_pagefind

    def counted(program: Path, folder: Path, *args: object) -> list[str]:
        runs.append(folder)
        return real(program, folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "_run_pagefind", counted)
    build_site(site, out)  # nothing changed
    assert runs == []
    again = {p.relative_to(out): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}
    assert again == first
    (site / "content/news/a.md").write_text(article("供暖", body="社区解决了供暖难题。"), encoding="utf-8")
    build_site(site, out)  # an indexed page changed
    assert len(runs) == 1


def sharded_site(tmp_path: Path) -> Path:
    """Twelve articles; with 3 pages a shard they make several shards."""
    files = {f"content/news/a{n}.md": article(f"第{n}篇", f"2022-09-{n + 10}", f"社区第{n}件事情。") for n in range(12)}
    files["content/news/heat.md"] = article("供暖", "2022-10-01", "老楼供暖改造完成。")
    return make_site(tmp_path, files)


def bundles(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}


def test_an_edit_indexes_only_its_shard_and_equals_a_fresh_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from civicpress.writers import search

    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    site = sharded_site(tmp_path)
    out = tmp_path / "out"
    build_site(site, out)
    shards = json.loads((out / "pagefind/0/shards.json").read_text())
    assert len(shards) >= 3 and shards == list(range(1, len(shards) + 1))
    assert not (out / "pagefind/1/pagefind-ui.js").exists()  # the interface is loaded from shard 0 only
    runs: list[Path] = []
    real = search._run_pagefind

    def counted(program: Path, folder: Path, *args: object) -> list[str]:
        runs.append(folder)
        return real(program, folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "_run_pagefind", counted)
    edited = article("供暖", "2022-10-01", "老楼供暖改造全部完成。")
    (site / "content/news/heat.md").write_text(edited, encoding="utf-8")
    build_site(site, out)
    assert len(runs) == 1  # one shard made again
    fresh = tmp_path / "fresh"
    build(BuildOptions(site_dir=site, out_dir=fresh, now=NOW, cache=False))
    assert bundles(out) == bundles(fresh)


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
def test_search_merges_the_shards_in_a_real_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    from civicpress.writers import search

    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    site = sharded_site(tmp_path)
    build_site(site, tmp_path / "www")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/index.html")
            found = set()
            for word, expected in (("供暖", "/news/heat/"), ("第3件", "/news/a3/"), ("第10件", "/news/a10/")):
                page.fill(".pagefind-ui__search-input", word)
                page.wait_for_selector(f'.pagefind-ui__result-link[href*="{expected}"]', timeout=15_000)
                found.add(expected)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert errors == [] and len(found) == 3


def test_an_edit_in_shard_0_keeps_the_list_of_the_other_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shard 0 lists the other shards (shards.json); remade alone, it must still list all of them."""
    from civicpress.writers import search

    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    site = sharded_site(tmp_path)
    out = tmp_path / "out"
    build_site(site, out)
    listed = json.loads((out / "pagefind/0/shards.json").read_text())
    assert len(listed) >= 2
    indexed = {f"news/{p.stem}/index.html": "" for p in (site / "content/news").glob("*.md")}
    program = search.find_indexer(Findings())
    assert program is not None
    in_shard_0 = search.plan_shards(program, load(site)[0], indexed)[0].pages[0]
    source = site / "content/news" / f"{in_shard_0.split('/')[1]}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("。", "，又一次。"), encoding="utf-8")
    build_site(site, out)
    assert json.loads((out / "pagefind/0/shards.json").read_text()) == listed
    fresh = tmp_path / "fresh"
    build(BuildOptions(site_dir=site, out_dir=fresh, now=NOW, cache=False))
    assert bundles(out) == bundles(fresh)


def test_no_cache_makes_the_index_anew_instead_of_copying_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build --no-cache`` trusts nothing of the old output: a damaged bundle is made again, not copied."""
    from civicpress.writers import search

    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    site = sharded_site(tmp_path)
    out = tmp_path / "out"
    build_site(site, out)
    good = bundles(out)
    (out / "pagefind/0/shards.json").write_text("[]")  # as an older version left it
    build(BuildOptions(site_dir=site, out_dir=out, now=NOW, cache=False))
    assert bundles(out) == good


def test_the_indexed_copy_spaces_han_characters_and_leaves_the_markup() -> None:
    """Pagefind reads each Han character as a word (search.js asks for whole words as phrases)."""
    html = '<h1 data-pagefind-meta="栏目:活动纪实">党建引领</h1><p>2023年，党员 100 人。<a title="建设">社区</a></p>'
    assert han_spaced(html) == (
        '<h1 data-pagefind-meta="栏目:活动纪实">党 建 引 领</h1><p>2023年，党 员 100 人。<a title="建设">社 区</a></p>')


def test_the_search_page_loads_pagefind_through_the_whole_word_ranking(sample: Path) -> None:
    module = (sample / "search" / "pagefind.js").read_text(encoding="utf-8")
    assert 'from "../pagefind/0/pagefind.js"' in module
    assert (sample / "pagefind" / "0" / "pagefind.js").is_file()
