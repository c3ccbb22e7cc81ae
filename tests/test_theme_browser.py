"""The theme in a real browser: the large-text switch, the print button, print media and narrow screens.

Drives Debian's Chromium through Playwright (no browser download), on the sample site opened from disk
(file://), as a resident who got the site on a USB stick would. Skipped only when no Chromium is installed;
CI installs it (.ci/run).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from civicpress.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
ARTICLE = "events/2021/family-games/index.html"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]

# Records the root element's classes when <body> first appears: what the first paint would show.
FIRST_PAINT = """
window.__classesAtBody = null;
new MutationObserver(function (changes, observer) {
  if (document.body) { window.__classesAtBody = document.documentElement.className; observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("browser") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_init_script(FIRST_PAINT)
    tab = context.new_page()
    yield tab
    context.close()


def open_page(tab: Page, site: Path, rel: str) -> None:
    tab.goto((site / rel).as_uri())


def root_font_size(tab: Page) -> str:
    return str(tab.evaluate("getComputedStyle(document.documentElement).fontSize"))


def test_large_text_switch_turns_on_persists_and_turns_off(page: Page, site: Path) -> None:
    open_page(page, site, "index.html")
    toggle = page.locator("#large-text-toggle")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert root_font_size(page) == "16px"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert root_font_size(page) == "20px"

    open_page(page, site, ARTICLE)  # another page: the choice was kept
    assert "large-text" in page.evaluate("window.__classesAtBody")  # set before the body could be painted
    assert page.locator("#large-text-toggle").get_attribute("aria-pressed") == "true"
    page.reload()
    assert root_font_size(page) == "20px"

    page.locator("#large-text-toggle").click()
    open_page(page, site, "index.html")
    assert "large-text" not in page.evaluate("window.__classesAtBody")
    assert root_font_size(page) == "16px"


def test_without_javascript_the_buttons_are_hidden_and_the_page_reads(browser: Browser, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto((site / ARTICLE).as_uri())
    assert not tab.locator("#large-text-toggle").is_visible()
    assert not tab.locator(".print-button").is_visible()
    assert tab.locator("h1").inner_text().startswith("全家齐上阵")
    assert tab.locator(".site-nav a").count() >= 8
    context.close()


def test_print_button_prints(page: Page, site: Path) -> None:
    open_page(page, site, ARTICLE)
    button = page.locator(".print-button")
    assert button.is_visible() and button.inner_text() == "打印本页"
    button.click()
    assert page.evaluate("window.__printed") == 1


def test_print_media_hides_navigation_and_shows_the_address(page: Page, site: Path) -> None:
    open_page(page, site, ARTICLE)
    page.emulate_media(media="print")
    for selector in (".site-nav", ".site-footer", ".large-text-toggle", ".prev-next", ".related", ".toc"):
        assert not page.locator(selector).first.is_visible(), selector
    address = page.locator(".print-url")
    assert address.is_visible()
    assert address.inner_text() == "本文网址：https://yongfeng.example.cn/events/2021/family-games/"
    assert page.locator("svg.qr").is_visible()


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("rel", ["index.html", ARTICLE, "stats/index.html", "organisation/index.html",
                                 "honors/index.html", "timeline/index.html"])
def test_no_sideways_scrolling_at_360_px(browser: Browser, site: Path, rel: str, large: bool) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    if large:
        context.add_init_script("localStorage.setItem('civicpress-large-text', '1');")
    tab = context.new_page()
    tab.goto((site / rel).as_uri())
    assert ("large-text" in str(tab.evaluate("document.documentElement.className"))) is large
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_focus_is_visible(page: Page, site: Path) -> None:
    open_page(page, site, "index.html")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth]; })()")
    assert style == ["solid", "3px"]


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The built site over HTTP (the search index cannot be read from file://), on a free local port."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *args: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


def test_header_search_sends_the_query_to_the_search_page(page: Page, served: str) -> None:
    page.goto(served + ARTICLE.replace("index.html", ""))
    field = page.locator("header form[role=search] input[name=q]")
    assert field.is_visible()
    assert page.locator("label[for=site-search-q]").inner_text() == "搜索全站文章"
    field.fill("秧歌")
    field.press("Enter")
    page.wait_for_url("**/search/**")
    assert "q=%E7%A7%A7%E6%AD%8C" in page.url
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=15000)
    assert page.locator("#search input").input_value() == "秧歌"
    assert "秧歌" in page.locator(".pagefind-ui__results").inner_text()


def test_header_search_works_without_javascript(browser: Browser, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto((site / "index.html").as_uri())
    tab.locator("header input[name=q]").fill("党建")
    tab.locator("header form[role=search] button").click()
    tab.wait_for_load_state()
    assert tab.url.split("?")[0].endswith("/search/index.html") and "q=" in tab.url
    assert "JavaScript" in tab.locator("noscript").first.inner_html()
    context.close()
