"""The video facade in a real browser (issue 13): loading the page asks nothing of another host; a tap does.

A small site with a 哔哩哔哩 video and a video file is built and served over http://127.0.0.1 (as the
hosted site is); Debian's Chromium, driven by Playwright, records every request. Requests to any other
host are aborted (no test reaches the internet) but recorded, so the test sees that the player's
address was asked for only after the click, and that the page put the platform's player in place.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from sitemaker import article, build_site, make_site
from test_video import MP4, jpeg

CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
EMBED = "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=1&autoplay=1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site at http://127.0.0.1:PORT/ (a thread of the standard library's server)."""
    folder = tmp_path_factory.mktemp("video-site")
    body = ('活动现场录像如下。\n\n{{ video("https://www.bilibili.com/video/BV1GJ411x7h7", "重阳节文艺汇演") }}\n\n'
            "![开场片段](videos/huiyan.mp4)\n\n后文。")
    site = make_site(folder, {
        "content/events/a.md": article("重阳节文艺汇演", body=body),
        "content/events/videos/huiyan.mp4": MP4,
        "content/events/videos/huiyan.jpg": jpeg(),
    }, {"base_url": None})
    out = folder / "out"
    build_site(site, out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Recorder:
    """Every request the page made, in order; those to another host aborted."""

    def __init__(self, tab: Page, own: str) -> None:
        self.own = urlsplit(own).netloc
        self.outside: list[str] = []
        self.local: list[str] = []
        tab.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == self.own:
            self.local.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def test_the_page_loads_nothing_from_another_host_until_the_facade_is_tapped(tab: Page, served: str) -> None:
    requests = Recorder(tab, served)
    tab.goto(served + "events/2022/a/", wait_until="networkidle")
    facade = tab.locator("a.video-play")
    assert facade.is_visible()
    assert facade.get_attribute("role") == "button"
    assert "播放视频：重阳节文艺汇演" in facade.inner_text() and "哔哩哔哩" in facade.inner_text()
    tab.mouse.wheel(0, 2000)  # scrolled past everything: lazy images, the video file's poster
    tab.wait_for_timeout(300)
    assert requests.outside == []
    assert not any(url.endswith(".mp4") for url in requests.local)  # preload="none": the file waits to be played

    facade.click()
    frame = tab.locator("iframe.video-frame")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src") == EMBED
    assert frame.get_attribute("title") == "重阳节文艺汇演"
    assert tab.locator("a.video-play").count() == 0
    tab.wait_for_timeout(300)
    assert requests.outside and requests.outside[0] == EMBED  # the first outside request, after the tap


def test_the_space_bar_plays_the_facade_as_a_button(tab: Page, served: str) -> None:
    requests = Recorder(tab, served)
    tab.goto(served + "events/2022/a/", wait_until="networkidle")
    tab.locator("a.video-play").focus()
    before = tab.evaluate("window.scrollY")
    assert requests.outside == []
    tab.keyboard.press(" ")
    tab.locator("iframe.video-frame").wait_for(state="attached")
    assert tab.evaluate("window.scrollY") == before  # the space played the video, it did not scroll the page
    assert tab.evaluate("document.activeElement.tagName") == "IFRAME"


def test_without_javascript_the_facade_links_to_the_video_page(browser: Browser, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    requests = Recorder(tab, served)
    tab.goto(served + "events/2022/a/", wait_until="networkidle")
    facade = tab.locator("a.video-play")
    assert facade.get_attribute("href") == "https://www.bilibili.com/video/BV1GJ411x7h7/"
    assert requests.outside == []
    context.close()
