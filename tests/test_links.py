"""How the internal-link check reads a file (scan_file, LinkRecord) and judges it (add_record).

The reading takes shortcuts for speed (a per-tag cache, reworded regexes); REFERENCE_SCAN below is
the plain two-step reading they must agree with on any input: remove comments and the content of
scripts and styles, then read every attribute of every tag.
"""

from __future__ import annotations

import html
import json
import pickle
import re
from concurrent.futures import ProcessPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sitemaker import BASE_URL

from civicpress.checks import links
from civicpress.checks.links import LinkCheck, LinkRecord, scan_file

_SKIP = re.compile(r"<!--.*?-->|(<script\b[^>]*>).*?</script>|(<style\b[^>]*>).*?</style>", re.S | re.I)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def reference_scan(text: str) -> tuple[list[str], list[str]]:
    """The links and ids of a page as the check read them before it was made fast."""
    text = _SKIP.sub(lambda m: (m.group(1) or "") + (m.group(2) or ""), text)
    found: list[str] = []
    ids: list[str] = []
    for tag in _TAG.finditer(text):
        for match in _ATTR.finditer(text, tag.end(1), tag.end() - 1):
            name = match.group(1).lower()
            value = next((g for g in match.groups()[1:] if g is not None), "")
            if name in ("href", "src", "poster", "data"):
                found.append(value)
            elif name in ("id", "name"):
                ids.append(html.unescape(value))
            elif name in ("srcset", "imagesrcset"):
                found.extend(c.split()[0] for c in html.unescape(value).split(",") if c.strip())
    return found, ids


def read(page: str) -> LinkRecord:
    return scan_file("a/index.html", page.encode())


def test_comments_scripts_and_styles_are_not_read_but_a_script_tag_is() -> None:
    page = (
        '<!-- <a href="commented.html"> --><script src="app.js">document.write(\'<img src="written.png">\')'
        '</script><STYLE media="print">.x { background: url(bg.png) } <a href="styled.html"></style>'
        '<a href="kept.html">'
    )
    assert read(page).links == ("app.js", "kept.html")


def test_src_inside_another_attribute_value_is_text() -> None:
    page = (
        '<meta name="description" content="&lt;img src=x&gt; href=y"><p title="src=\'z\'" data-x=\'href="w"\'>'
        '<a title="a > b" href="real.html">'
    )
    record = read(page)
    assert record.links == ("real.html",)
    assert record.ids == frozenset({"description"})


def test_srcset_ids_and_names() -> None:
    page = (
        '<img src="a.png" srcset="a-480w.png 480w, a-960w.png 960w" alt="">'
        '<link rel="preload" imagesrcset="b.png 1x,b@2x.png 2x"><video poster=p.jpg></video><object data="d.svg">'
        '<h2 id="一、主要做法">x</h2><a name=old-anchor></a><p ID="&amp;amp">'
    )
    record = read(page)
    assert record.links == ("a.png", "a-480w.png", "a-960w.png", "b.png", "b@2x.png", "p.jpg", "d.svg")
    assert record.ids == frozenset({"一、主要做法", "old-anchor", "&amp"})


def test_attribute_names_in_any_case_and_quotes() -> None:
    record = read("<A HREF='one.html'><IMG\tSrc = two.png><a\nhref=\"three.html\"><a hrefx=no.html data-src=no>")
    assert record.links == ("one.html", "two.png", "three.html")


def test_stylesheets_and_feeds_and_other_files() -> None:
    css = scan_file("style.css", b"a { background: url('img/bg.png') } b { background: url(c.png) }")
    assert css == LinkRecord("style.css", ("img/bg.png", "c.png"), None)
    feed = b'<feed><link href="https://example.cn/sq/a/"/><link href="relative/b"/><loc> https://x.cn/ </loc></feed>'
    assert scan_file("atom.xml", feed) == LinkRecord("atom.xml", ("https://x.cn/", "https://example.cn/sq/a/"), None)
    assert scan_file("logo.png", b"\x89PNG <a href=x>") == LinkRecord("logo.png", (), None)


def test_a_record_survives_pickling_and_a_worker_process() -> None:
    files = [("index.html", b'<a href="b.html#x">b</a>'), ("b.html", b'<h2 id="x">x</h2>'), ("s.css", b"")]
    records = [scan_file(path, data) for path, data in files]
    assert [pickle.loads(pickle.dumps(record)) for record in records] == records
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert list(pool.map(scan_file, *zip(*files, strict=True))) == records


def test_the_judgement_does_not_depend_on_the_order_of_the_files_but_for_whom_it_names() -> None:
    files = [
        ("index.html", b'<a href="b.html#gone">b</a><a href="../up.html">u</a><a href="missing/">m</a>'),
        ("b.html", b'<h2 id="x">x</h2><a href="index.html#top">i</a>'),
    ]
    check = LinkCheck(BASE_URL)
    records = [(path, check.scan(path, data)) for path, data in files]
    forward, backward = check.judge(records, ()), check.judge(list(reversed(records)), ())
    assert sorted(f.message for f in forward) == sorted(f.message for f in backward)
    assert sorted(f.code for f in forward) == ["output-broken-link", "output-broken-link", "output-link-fragment"]


def test_a_record_kept_in_the_build_state_is_judged_as_the_file_itself() -> None:
    check = LinkCheck(BASE_URL)
    page = b'<h2 id="x">x</h2><a href="b.html#y">b</a><a href="c.css">c</a>'
    record = check.scan("a.html", page)
    assert check.load("a.html", json.loads(json.dumps(check.dump(record)))) == record


HTML_PIECES = [
    '<a href="x.html">', "<a href='y.html#f'>", "<a href=z.html>", "<A HREF=q>", '<img src="a.png" srcset="a 1x,b 2x">',
    "<!--", "-->", "<script>", "</script>", "<SCRIPT src=s.js>", "<style>", "</style>", "<ſcript>", '<p id="p1">',
    "<h2 name=n>", '"', "'", "<", ">", " ", "\n", "=", "/", "src=", "href=", "<div", ' title="', '" ', "x", "&amp;",
    "<video poster=p.jpg>", '<link imagesrcset="i 1x">', "`", "</a>", "<a\thref\t=\t't'>", "<b >", "<meta data=d>",
    "<scripts>", "<script-x src=t>", "<styles>", "</STYLE>",
]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40))
def test_the_fast_reading_agrees_with_the_reference(pieces: list[str]) -> None:
    page = "".join(pieces)
    expected = reference_scan(page)
    assert links._scan(page) == expected
    assert links._scan(page) == expected  # again, with its tags in the cache


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="<>\"'=/ \n!-ahrefsciptylmgdo", max_size=80))
def test_the_fast_reading_agrees_with_the_reference_on_any_text(page: str) -> None:
    assert links._scan(page) == reference_scan(page)


def test_the_tag_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "_TAG_CACHE_SIZE", 3)
    links._TAG_CACHE.clear()
    page = "".join(f'<a href="{n}.html">' for n in range(10))
    assert read(page).links == tuple(f"{n}.html" for n in range(10))
    assert len(links._TAG_CACHE) <= 3


def test_the_serve_index_judges_as_the_build_check_does_after_each_change() -> None:
    """serve's LinkMemory, updated with only what changed, finds what a fresh LinkCheck finds."""
    from civicpress.rebuild.links import LinkMemory

    pages = {
        "index.html": b'<a href="a/index.html">a</a><a href="b/index.html#x">b</a>',
        "a/index.html": b'<h2 id="y">y</h2><a href="../b/index.html#x">b</a><a href="../c/">c</a>',
        "b/index.html": b'<h2 id="x">x</h2><a href="../../outside.html">out</a>',
        "c/index.html": b"<p>c</p>",
    }
    index = LinkMemory(LinkCheck("https://example.cn/"))
    steps = [
        {},
        {"b/index.html": b'<h2 id="z">z</h2>'},  # the anchor #x is gone
        {"c/index.html": None},  # a page deleted: a/ links to it
        {"a/index.html": b'<a href="../b/index.html#z">b</a>', "c/index.html": b"<p>c</p>"},
        {"index.html": b'<a href="a/index.html">a</a><a href="b/index.html#z">b</a>'},  # all mended
    ]
    for step in steps:
        for path, data in step.items():
            if data is None:
                pages.pop(path)
            else:
                pages[path] = data
        records = [(path, scan_file(path, data)) for path, data in pages.items()]
        bundle = ["pagefind/0/pagefind-ui.js"]
        remembered, fresh = index.judge(records, bundle), LinkCheck("https://example.cn/").judge(records, bundle)

        def judged(findings: list) -> list:  # the linking page named may differ: compare what is broken
            return sorted((f.code, f.message.rsplit("指向", 1)[-1]) for f in findings)

        assert judged(remembered) == judged(fresh), step
    assert remembered == []
