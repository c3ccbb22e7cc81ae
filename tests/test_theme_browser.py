"""The theme in a real browser: the large-text switch, the print button, print media and narrow screens.

Drives Debian's Chromium through Playwright (no browser download), on the sample site opened from disk
(file://), as a resident who got the site on a USB stick would. Skipped only when no Chromium is installed;
CI installs it (.ci/run).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sitemaker import article, make_site

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


def test_text_size_has_three_steps_kept_from_page_to_page(page: Page, site: Path) -> None:
    open_page(page, site, "index.html")
    buttons = page.locator("[data-text-size]")
    assert buttons.count() == 3 and buttons.first.is_visible()
    assert root_font_size(page) == "16px"
    assert page.locator("[data-text-size='0']").get_attribute("aria-pressed") == "true"
    sizes = []
    for step in ("1", "2", "0"):
        page.locator(f"[data-text-size='{step}']").click()
        assert page.locator(f"[data-text-size='{step}']").get_attribute("aria-pressed") == "true"
        sizes.append(root_font_size(page))
    assert sizes == ["20px", "24px", "16px"]

    page.locator("[data-text-size='2']").click()
    open_page(page, site, ARTICLE)  # another page: the choice was kept
    assert "larger-text" in page.evaluate("window.__classesAtBody")  # set before the body could be painted
    assert page.locator("[data-text-size='2']").get_attribute("aria-pressed") == "true"
    page.reload()
    assert root_font_size(page) == "24px"
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.content p')).fontSize)")
    assert body >= 24  # the article's text grows with the step, not only the root

    page.locator("[data-text-size='0']").click()
    open_page(page, site, "index.html")
    assert "large-text" not in page.evaluate("window.__classesAtBody")
    assert root_font_size(page) == "16px"


CHART_LABELS = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width, box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {px: parseFloat(getComputedStyle(t).fontSize) * scale, box: [r.left, r.top, r.right, r.bottom],
            inside: r.left >= box.left - .5 && r.right <= box.right + .5
                    && r.top >= box.top - .5 && r.bottom <= box.bottom + .5};
  });
})"""


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("width", [390, 1366])
def test_chart_labels_grow_with_the_text_size_and_stay_in_their_chart(browser: Browser, site: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    open_page(tab, site, "stats/index.html")
    sizes = []
    for step in ("0", "1", "2"):
        tab.locator(f"[data-text-size='{step}']").click()
        charts = tab.evaluate(CHART_LABELS)
        labels = [label for chart in charts for label in chart]
        assert len(charts) >= 2 and len(labels) >= 10
        assert len({round(label["px"], 1) for label in labels}) == 1  # one size for every label
        assert all(label["inside"] for label in labels), step
        for chart in charts:
            for i, a in enumerate(chart):
                assert not any(overlap(a["box"], b["box"]) for b in chart[i + 1:]), step
        sizes.append(labels[0]["px"])
    assert sizes[0] >= 13.5 and sizes[1] >= sizes[0] * 1.2 and sizes[2] >= sizes[0] * 1.4, sizes  # 125 %, 150 %
    context.close()


def test_high_contrast_turns_on_persists_and_turns_off(page: Page, site: Path) -> None:
    open_page(page, site, ARTICLE)
    toggle = page.locator("#contrast-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    background = "getComputedStyle(document.documentElement).backgroundColor"
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate(background) == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('.content p')).color") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.querySelector('.content a, .meta a')).color") == "rgb(255, 235, 59)"
    open_page(page, site, "index.html")
    assert "high-contrast" in page.evaluate("window.__classesAtBody")
    page.locator("#contrast-toggle").click()
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    open_page(page, site, ARTICLE)
    assert "high-contrast" not in page.evaluate("window.__classesAtBody")


def test_without_javascript_the_buttons_are_hidden_and_the_page_reads(browser: Browser, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto((site / ARTICLE).as_uri())
    assert not tab.locator(".a11y-tools").is_visible()
    assert not tab.locator(".print-button").is_visible()
    assert not tab.locator(".read-aloud").is_visible()
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
    for selector in (".site-nav", ".site-footer", ".a11y-tools", ".site-search", ".prev-next", ".related", ".toc"):
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
        context.add_init_script("localStorage.setItem('civicpress-large-text', '2');")
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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A folder over HTTP on a free local port, in a thread (shut it down when done)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The built site over HTTP (the search index cannot be read from file://), on a free local port."""
    server, base = serve_folder(site)
    yield base
    server.shutdown()


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


# ---------------------------------------------------------------- phones and 适老化


def test_the_phone_menu_is_one_strip_that_reaches_every_item(page: Page, site: Path) -> None:
    open_page(page, site, "stats/index.html")
    strip = page.locator(".site-nav ul")
    box = strip.bounding_box()
    assert box is not None and box["height"] < 70  # one row, not an 11-item grid
    assert page.evaluate("(() => { const u = document.querySelector('.site-nav ul');"
                         " return u.scrollWidth > u.clientWidth; })()")
    current = page.locator(".site-nav [aria-current=page]")
    assert current.inner_text() == "数据统计" and current.is_visible()  # scrolled into view
    current_box = current.bounding_box()
    assert current_box is not None and 0 <= current_box["x"] <= 390 - current_box["width"]
    last = page.locator(".site-nav li").last.locator("a")
    last.focus()  # the keyboard reaches the last item: the strip scrolls to it
    last_box = last.bounding_box()
    assert last_box is not None and last_box["x"] + last_box["width"] <= 390
    last.click()
    assert page.url.endswith("search/index.html")


def test_an_article_starts_on_the_first_screen_of_a_phone(page: Page, site: Path) -> None:
    for rel in (ARTICLE, "news/service-outlets/index.html", "achievements/heating-solved/index.html"):
        open_page(page, site, rel)
        top = page.evaluate("document.querySelector('.content p').getBoundingClientRect().top")
        assert top < 844 - 60, (rel, top)  # at least two lines of the text are on screen


def test_on_a_phone_share_and_copy_replace_the_qr_code(browser: Browser, served: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    tab = context.new_page()
    tab.goto(served + ARTICLE)
    assert not tab.locator("svg.qr").is_visible()
    copy = tab.locator("[data-copy-link]")
    assert copy.is_visible()
    copy.click()
    tab.wait_for_function("document.querySelector('.copy-done').textContent.length > 0")
    assert tab.evaluate("navigator.clipboard.readText()") == "https://yongfeng.example.cn/events/2021/family-games/"
    tab.set_viewport_size({"width": 1366, "height": 900})
    assert tab.locator("svg.qr").is_visible()  # a desktop reader scans it with the phone
    context.close()


def test_wide_tables_scroll_in_their_own_box(page: Page, site: Path) -> None:
    open_page(page, site, "achievements/heating-solved/index.html")
    box = page.locator(".content .table-scroll").first
    assert box.get_attribute("tabindex") == "0" and "左右滑动" in (box.get_attribute("aria-label") or "")
    cells = page.evaluate("[...document.querySelectorAll('.content td')].map(c => c.getBoundingClientRect().width)")
    assert min(cells) >= 5 * 16  # no column squeezed to two characters
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_numbers_stay_with_their_units(page: Page, site: Path) -> None:
    page.context.add_init_script("localStorage.setItem('civicpress-large-text', '2');")
    open_page(page, site, "stats/index.html")
    heights = page.evaluate("[...document.querySelectorAll('.figure-value')].map(e =>"
                            " [e.textContent, e.getClientRects().length, e.getBoundingClientRect().height,"
                            " parseFloat(getComputedStyle(e).lineHeight)])")
    assert any(text == "3500延长米" for text, *_ in heights)
    for text, _rects, height, line in heights:
        assert height < line * 1.5, text  # one line: the number never parts from its unit


def test_back_to_top_appears_on_a_long_page(page: Page, site: Path) -> None:
    open_page(page, site, ARTICLE)
    button = page.locator(".to-top")
    assert not button.is_visible()
    page.mouse.wheel(0, 3000)
    page.wait_for_function("!document.querySelector('.to-top').hidden")
    button.click()
    page.wait_for_function("window.scrollY === 0")
    assert page.locator(".site-footer a[href='#top']").count() == 1  # and without JavaScript, in the footer


@pytest.mark.parametrize(("step", "least"), [("0", 44), ("1", 60), ("2", 60)])
def test_tap_targets_are_44_px_and_60_px_in_elder_mode(browser: Browser, site: Path, step: str, least: int) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(f"localStorage.setItem('civicpress-large-text', '{step}');")
    tab = context.new_page()
    tab.goto((site / ARTICLE).as_uri())
    selector = (".a11y-tools button, .site-search input, .site-search button, .site-nav a, .contact-strip .tel,"
                " .print-button")
    sizes = tab.evaluate(f"[...document.querySelectorAll('{selector}')].filter(e => e.offsetParent)"
                         ".map(e => [e.className || e.tagName, e.getBoundingClientRect().height])")
    assert len(sizes) > 15
    for name, height in sizes:
        assert height >= least - 0.5, (name, height)
    context.close()


def test_line_and_paragraph_spacing(page: Page, site: Path) -> None:
    open_page(page, site, ARTICLE)
    line, size, gap = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.content p'));"
        " return [parseFloat(s.lineHeight), parseFloat(s.fontSize), parseFloat(s.marginBottom)]; })()")
    assert line >= 1.3 * size  # 行距 ≥ 1.3
    assert line + gap >= 1.3 * line  # 段距: from one paragraph to the next ≥ 1.3 × the line spacing


def test_keyboard_reaches_the_tools_with_a_visible_focus(page: Page, site: Path) -> None:
    open_page(page, site, "index.html")
    reached = []
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.textContent.trim() || e.name, s.outlineStyle, parseFloat(s.outlineWidth)]; })()"))
    names = [name for name, *_ in reached]
    assert names[:5] == ["跳到正文", "标准", "大字", "特大字", "高对比度"]
    assert "q" in names and "搜索" in names
    assert all(style == "solid" and width >= 3 for _name, style, width in reached[1:])
    assert names[5].endswith("永丰社区中共永丰社区委员会") and names[6:8] == ["q", "搜索"]
    for _ in range(3):
        page.keyboard.press("Shift+Tab")  # back to 高对比度
    page.keyboard.press("Enter")  # a button works from the keyboard
    assert "high-contrast" in str(page.evaluate("document.documentElement.className"))


# A stand-in for a browser with a Chinese voice (headless Chromium has none): records what is spoken.
SPEECH_STUB = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  window.__cancelled = 0;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const synth = {
    speaking: false,
    getVoices: () => [{ lang: "en-US", name: "English" }, { lang: "zh-CN", name: "普通话" }],
    speak: (u) => { spoken.push(u); synth.speaking = true; },
    cancel: () => { window.__cancelled += 1; synth.speaking = false; },
    addEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""


def test_read_aloud_is_hidden_where_the_browser_has_no_chinese_voice(page: Page, site: Path) -> None:
    open_page(page, site, ARTICLE)
    page.wait_for_timeout(300)  # voices load asynchronously where there are any
    voices = page.evaluate("window.speechSynthesis ? speechSynthesis.getVoices().map(v => v.lang) : []")
    chinese = [lang for lang in voices if lang.lower().startswith(("zh", "cmn"))]
    assert page.locator(".read-aloud").is_visible() is bool(chinese)


def test_read_aloud_reads_the_article_and_stops(browser: Browser, site: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_init_script(SPEECH_STUB)
    tab = context.new_page()
    tab.goto((site / ARTICLE).as_uri())
    button = tab.locator(".read-aloud-button")
    assert button.is_visible() and button.inner_text() == "朗读全文"
    button.click()
    assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "停止朗读"
    spoken = tab.evaluate("window.__spoken.map(u => [u.text, u.lang, u.voice.name])")
    assert spoken[0][0].startswith("全家齐上阵")  # the title first, then the paragraphs in order
    assert len(spoken) > 5 and all(lang == "zh-CN" and voice == "普通话" for _, lang, voice in spoken)
    assert "9月25日上午" in spoken[1][0] or "9月25日上午" in spoken[2][0]
    button.click()
    assert tab.evaluate("window.__cancelled") >= 2  # stopped (one cancel before starting, one to stop)
    assert button.get_attribute("aria-pressed") == "false" and button.inner_text() == "朗读全文"
    tab.evaluate("window.__spoken[window.__spoken.length - 1].onend()")  # the last paragraph ends: reset
    assert button.inner_text() == "朗读全文"
    context.close()


# ---------------------------------------------------------------- search




def results(tab: Page, base: str, query: str) -> list[dict[str, object]]:
    tab.goto(f"{base}search/?q={query}")
    tab.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    tab.wait_for_timeout(500)  # the later results' fragments
    found: list[dict[str, object]] = tab.evaluate("""[...document.querySelectorAll('.pagefind-ui__result')].map(r => ({
        title: r.querySelector('.pagefind-ui__result-link').textContent,
        href: r.querySelector('.pagefind-ui__result-link').getAttribute('href'),
        tags: [...r.querySelectorAll('.pagefind-ui__result-tag')].map(t => t.textContent.trim()),
        excerpts: [...r.querySelectorAll('.pagefind-ui__result-excerpt')].map(e => e.textContent)}))""")
    return found


def test_search_results_read_as_chinese_and_look_like_links(page: Page, served: str) -> None:
    found = results(page, served, "供暖")
    assert found and all(any(t.startswith("日期：") for t in r["tags"]) for r in found)  # type: ignore[union-attr]
    assert all(any(t.startswith("栏目：") for t in r["tags"]) for r in found)  # type: ignore[union-attr]
    for result in found:
        for excerpt in result["excerpts"]:  # type: ignore[union-attr]
            assert not re.search(r"[\u4e00-\u9fff]\. ", str(excerpt)), excerpt
    link = page.locator(".pagefind-ui__result-link").first
    style = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.pagefind-ui__result-link'));"
                          " return [s.color, s.textDecorationLine, parseFloat(s.fontSize)]; })()")
    assert style[0] == "rgb(11, 79, 156)" and style[1] == "underline" and style[2] >= 20
    excerpt_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.pagefind-ui__result-excerpt')).fontSize)")
    assert excerpt_size >= 16
    link.click()
    page.wait_for_load_state()
    assert "供暖" in page.locator("h1").inner_text() or "供暖" in page.locator(".content").inner_text()


def test_a_query_in_traditional_characters_finds_the_simplified_text(page: Page, served: str) -> None:
    simplified = [r["href"] for r in results(page, served, "养老服务")]
    traditional = [r["href"] for r in results(page, served, "養老服務")]
    assert simplified and traditional == simplified
    assert page.locator("#search input").input_value() == "養老服務"  # the reader's words stay as typed


def test_pages_tagged_or_titled_with_the_words_rank_first(page: Page, served: str, site: Path) -> None:
    found = results(page, served, "党建")
    assert len(found) >= 4
    for rank, result in enumerate(found):
        href = str(result["href"]).split("#")[0].lstrip("/")
        target = site / (href if href.endswith(".html") else href + "index.html")
        text = target.read_text(encoding="utf-8")
        assert "党建" in text, result["title"]  # no page with only 建设/建成 or 党员
        tags = re.findall(r'<li><a href="[^"]*tags/[^"]*">([^<]*)</a>', text)
        if rank < 2:  # the words in a tag or the title (weights 5 and 10) rank above the text
            assert any("党建" in tag for tag in tags) or "党建" in str(result["title"]), (rank, result["title"])


# Whole words: pages with 党建 (in the title, twice in the text, once), pages with its characters
# apart (党员…建设), pages with one of them; the same for 志愿服务 and 养老服务.
FILLER = "社区居民积极参与各项活动，邻里关系和睦。" * 3
WORD_PAGES = {
    "whole-title": ("党建引领社区治理", FILLER + "社区开展多项工作。"),
    "whole-twice": ("社区工作总结", FILLER + "社区坚持党建引领，党建工作扎实。"),
    "whole-once": ("年度工作回顾", FILLER + "今年的党建活动丰富多彩。" + FILLER),
    "apart": ("小区改造完成", "新小区建设顺利完成，" + FILLER + "党员志愿者参与其中，党员带头。"),
    "apart-title": ("党员大会召开", FILLER + "会议讨论了道路建设问题。"),
    "only-jian": ("道路修建", FILLER + "道路建成通车。"),
    "vol-whole": ("服务队活动", FILLER + "志愿服务队上门服务。"),
    "vol-apart": ("志愿者招募", FILLER + "欢迎志愿者报名，为老人服务，服务热情。"),
    "care-whole": ("老年人关爱", FILLER + "社区养老服务中心开放。"),
    "care-apart": ("孩子教育", FILLER + "家长要养成好习惯，尊老爱幼，服务老人。"),
}


@pytest.fixture(scope="module")
def words_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("words")
    files = {f"content/news/{slug}.md": article(title, f"2023-01-{n + 1:02d}", text)
             for n, (slug, (title, text)) in enumerate(WORD_PAGES.items())}
    build(BuildOptions(site_dir=make_site(tmp, files), out_dir=tmp / "output", now=NOW))
    server, base = serve_folder(tmp / "output")
    yield base
    server.shutdown()


def slugs(found: list[dict[str, object]]) -> list[str]:
    return [str(r["href"]).rstrip("/").removesuffix("/index.html").rsplit("/", 1)[-1] for r in found]


@pytest.mark.parametrize(("query", "expected"), [
    ("党建", ["whole-title", "whole-twice", "whole-once"]),  # the title first, then by how often
    ("志愿服务", ["vol-whole"]),
    ("养老服务", ["care-whole"]),
    ("養老服務", ["care-whole"]),
])
def test_a_word_finds_the_pages_with_the_whole_word_and_not_its_characters_apart(
    page: Page, words_served: str, query: str, expected: list[str]
) -> None:
    assert slugs(results(page, words_served, query)) == expected


def test_a_phrase_no_page_has_whole_finds_its_characters_apart(page: Page, words_served: str) -> None:
    assert set(slugs(results(page, words_served, "党员建设"))) == {"apart", "apart-title"}


def test_words_typed_apart_find_them_anywhere_on_the_page(page: Page, words_served: str) -> None:
    assert set(slugs(results(page, words_served, "党员 建设"))) == {"apart", "apart-title"}


def test_whole_word_results_read_without_the_index_spaces(page: Page, words_served: str) -> None:
    found = results(page, words_served, "党建")
    assert found[0]["title"] == "党建引领社区治理"
    marks = page.evaluate("[...document.querySelectorAll('.pagefind-ui__result-excerpt mark')].map(m => m.textContent)")
    assert marks and set(marks) == {"党建"}  # the word highlighted whole
    for result in found:
        for excerpt in result["excerpts"]:  # type: ignore[union-attr]
            assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", str(excerpt)), excerpt
            assert "党建" in str(excerpt)


@pytest.mark.parametrize("contrast", [False, True])
def test_the_year_navigation_reads_on_its_current_year(browser: Browser, site: Path, contrast: bool) -> None:
    """The count inside the current year's (red, or yellow in high contrast) button is in the button's colour."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    if contrast:
        context.add_init_script("localStorage.setItem('civicpress-contrast', '1');")
    tab = context.new_page()
    open_page(tab, site, "events/2021/index.html")
    current = tab.locator(".year-nav a[aria-current]")
    assert current.count() == 1 and current.inner_text().startswith("2021 年")
    colours = tab.evaluate("""(() => { const a = document.querySelector('.year-nav a[aria-current]');
        return [getComputedStyle(a).color, getComputedStyle(a.querySelector('.count')).color,
                getComputedStyle(a).backgroundColor]; })()""")
    assert colours[0] == colours[1] and colours[0] != colours[2]
    assert current.bounding_box()["height"] >= 44  # type: ignore[index]
    context.close()
