"""The gallery's photo viewer in a real browser (Chromium through Playwright), on the sample site.

The family games write-up carries ``{{ gallery("images/family-games") }}``. Without JavaScript each
thumbnail is a plain link to its photo; with it the viewer opens on click or Enter, ← → move, Esc
closes, and the focus returns to the thumbnail the viewer was opened from.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from civicpress.pipeline import BuildOptions, build

CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
ARTICLE = "events/2021/family-games/index.html"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("gallery") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def open_article(browser: Browser, site: Path, javascript: bool = True) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  java_script_enabled=javascript)
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda request: outside.append(request.url) if not request.url.startswith("file:") else None)
    tab.goto((site / ARTICLE).as_uri())
    tab.wait_for_load_state("load")
    assert outside == []  # the viewer is the site's own script: nothing from another host
    return tab


def focused_href(tab: Page) -> str:
    return str(tab.evaluate("document.activeElement.getAttribute('href') || document.activeElement.className"))


def test_lightbox_opens_moves_with_arrows_closes_with_esc_and_gives_focus_back(browser: Browser, site: Path) -> None:
    tab = open_article(browser, site)
    links = tab.locator(".gallery a.gallery-link")
    assert links.count() == 6
    tab.wait_for_function("document.querySelectorAll('script[src$=\"photos.js\"]').length === 1")
    second = links.nth(1)
    second.focus()
    tab.keyboard.press("Enter")
    viewer = tab.locator(".lightbox")
    viewer.wait_for(state="visible")
    assert viewer.get_attribute("role") == "dialog" and viewer.get_attribute("aria-modal") == "true"
    assert tab.locator(".lightbox-count").inner_text() == "2 / 6"
    assert tab.locator(".lightbox figcaption").inner_text() == "祖孙三代同场竞技的“两人三足”"
    assert tab.evaluate("document.activeElement.className") == "lightbox-close"
    image = tab.locator(".lightbox img")
    assert image.get_attribute("src", timeout=2000).endswith("family-games/02.jpg")  # type: ignore[union-attr]
    tab.wait_for_function("document.querySelector('.lightbox img').naturalWidth > 0")

    tab.keyboard.press("ArrowRight")
    assert tab.locator(".lightbox-count").inner_text() == "3 / 6"
    assert image.get_attribute("src").endswith("family-games/03.jpg")  # type: ignore[union-attr]
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.press("ArrowLeft")  # past the first: round to the last
    assert tab.locator(".lightbox-count").inner_text() == "6 / 6"
    assert tab.locator(".lightbox figcaption").inner_text() == "比赛结束后，全体参赛家庭合影留念"
    tab.keyboard.press("ArrowLeft")
    assert tab.locator(".lightbox figcaption").is_hidden()  # 05.jpg has no caption

    for _ in range(4):  # Tab keeps the focus inside the viewer
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.querySelector('.lightbox').contains(document.activeElement)")

    tab.keyboard.press("Escape")
    viewer.wait_for(state="hidden")
    assert focused_href(tab).endswith("family-games/02.jpg")
    tab.context.close()


def test_click_opens_and_the_close_button_closes(browser: Browser, site: Path) -> None:
    tab = open_article(browser, site)
    tab.wait_for_function("document.querySelectorAll('script[src$=\"photos.js\"]').length === 1")
    tab.locator(".gallery a.gallery-link").first.click()
    tab.locator(".lightbox").wait_for(state="visible")
    assert tab.url.endswith(ARTICLE)  # the page stays: the photo opened over it
    tab.locator(".lightbox-close").click()
    tab.locator(".lightbox").wait_for(state="hidden")
    assert focused_href(tab).endswith("family-games/01.jpg")
    tab.context.close()


def test_without_javascript_each_thumbnail_links_to_its_photo(browser: Browser, site: Path) -> None:
    tab = open_article(browser, site, javascript=False)
    tab.locator(".gallery a.gallery-link").nth(2).click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("events/images/family-games/03.jpg")
    tab.context.close()
