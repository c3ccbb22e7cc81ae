"""Screenshots of the default theme for docs/screenshots/: ten pages at 1366 and 390 px, normal, 大字 and 高对比度.

Builds the sample site, serves it on a local port (search needs HTTP), drives Debian's Chromium through
Playwright, and writes small PNGs (first screen only, quantised with Pillow). Run from the checkout:

    PYTHONPATH=$PWD python scripts/take-screenshots.py
"""

from __future__ import annotations

import functools
import http.server
import io
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from civicpress.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "screenshots"
PAGES = {  # name: (address in the site, what the page is)
    "home": ("index.html", "首页"),
    "list": ("events/index.html", "栏目列表（活动纪实，上有按年份导航）"),
    "year": ("events/2022/index.html", "按年份归档（活动纪实 2022 年）"),
    "article": ("events/2022/health-lecture/index.html", "带图片的文章"),
    "notices": ("notices/index.html", "通知公告"),
    "disclosure": ("party-affairs/dues-2022h1/index.html", "党务公开"),
    "services": ("services/dibao/index.html", "办事指南"),
    "stats": ("stats/index.html", "数据统计"),
    "honours": ("honors/index.html", "荣誉表彰"),
    "search": ("search/index.html?q=養老", "搜索（繁体字查询）"),
}
WIDTHS = {1366: 900, 390: 844}
MODES = {"normal": "", "large": "localStorage.setItem('civicpress-large-text', '2');",
         "contrast": "localStorage.setItem('civicpress-contrast', '1');"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def small_png(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        for name in ("content", "site_config.yaml"):
            source = ROOT / name
            target = site / name
            if source.is_dir():
                import shutil
                shutil.copytree(source, target)
            else:
                target.write_bytes(source.read_bytes())
        out = Path(tmp) / "output"
        build(BuildOptions(site_dir=site, out_dir=out, now=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        TARGET.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for width, height in WIDTHS.items():
                for mode, script in MODES.items():
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                    context.add_init_script(script)
                    tab = context.new_page()
                    for name, (address, _) in PAGES.items():
                        tab.goto(base + address)
                        if name == "search":
                            tab.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
                        tab.wait_for_timeout(300)
                        png = small_png(tab.screenshot())
                        path = TARGET / f"{name}-{width}-{mode}.png"
                        path.write_bytes(png)
                        print(f"{path.relative_to(ROOT)} {len(png) // 1024} KB")
                    context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
