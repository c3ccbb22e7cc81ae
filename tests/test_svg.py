"""SVG files are published only when they cannot run code or fetch anything (issue 11, item 5).

An SVG opened from the site's address runs its scripts with the site's origin: a scripted SVG
among an article's images, a cover, an attachment or a file of static/ would be stored XSS. Each
hostile SVG below is a real file of a small site; the build must refuse it, naming the SVG and the
line of the offending element, and write nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitemaker import article, build_site, make_site

from civicpress.errors import BuildFailed, Location
from civicpress.templating import THEME_DIR

ROOT = Path(__file__).resolve().parent.parent

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'

# (name, SVG text, line of the offending element)
HOSTILE = [
    ("script", HEAD + '<rect width="10" height="10"/>\n<script>alert(document.cookie)</script>\n</svg>\n', 4),
    ("script-cdata", HEAD + "<script><![CDATA[\nfetch('/')\n]]></script>\n</svg>\n", 3),
    ("onload", '<svg xmlns="http://www.w3.org/2000/svg"\n     onload="alert(1)" viewBox="0 0 1 1"/>\n', 1),
    ("onclick-child", HEAD + '<g>\n  <circle r="3" onclick="alert(1)"/>\n</g>\n</svg>\n', 4),
    ("foreign-object", HEAD + '<foreignObject width="9" height="9">\n<div xmlns="http://www.w3.org/1999/xhtml">x</div>\n'
     "</foreignObject>\n</svg>\n", 3),
    ("xhtml-script", HEAD + '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>\n</svg>\n', 3),
    ("xhtml-iframe", HEAD + '<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://example.net/"/>\n</svg>\n', 3),
    ("javascript-href", f'<svg xmlns="http://www.w3.org/2000/svg" {XLINK}>\n<a xlink:href="javascript:alert(1)">\n'
     '<text y="5">点我</text></a>\n</svg>\n', 2),
    ("javascript-obfuscated", HEAD + '<a href="jav&#x09;ascript:alert(1)"><text>x</text></a>\n</svg>\n', 3),
    ("javascript-animated", HEAD + '<a><set attributeName="href" to="javascript:alert(1)"/>\n'
     "<text>x</text></a>\n</svg>\n", 3),
    ("javascript-values", HEAD + '<a>\n<animate attributeName="href" values="#a; javascript:alert(1)"/>\n'
     "<text>x</text></a>\n</svg>\n", 4),
    ("external-image", HEAD + '\n<image href="https://tracker.example.net/p.png" width="5" height="5"/>\n</svg>\n', 4),
    ("external-use", f'<svg xmlns="http://www.w3.org/2000/svg" {XLINK}>\n'
     '<use xlink:href="http://example.net/sprite.svg#icon"/>\n</svg>\n', 2),
    ("protocol-relative", HEAD + '<image href="//example.net/p.png"/>\n</svg>\n', 3),
    ("data-html", HEAD + '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><text>x</text></a>\n'
     "</svg>\n", 3),
    ("data-svg-image", HEAD + '<image href="data:image/svg+xml;base64,PHN2Zy8+"/>\n</svg>\n', 3),
    ("style-attribute-url", HEAD + '<rect width="9" height="9"\n      style="fill: url(https://example.net/x.svg#p)"/>\n'
     "</svg>\n", 3),
    ("presentation-url", HEAD + '<rect width="9" height="9" filter="url( \'http://example.net/f.svg#f\' )"/>\n</svg>\n',
     3),
    ("style-element-url", HEAD + "<style>\nrect { fill: red }\ncircle { background: url(//example.net/x.png) }\n"
     "</style>\n</svg>\n", 3),
    ("style-import", HEAD + '<style>@import "https://example.net/x.css";</style>\n</svg>\n', 3),
    ("stylesheet-instruction", '<?xml version="1.0"?>\n<?xml-stylesheet href="https://example.net/x.css"?>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"/>\n', 2),
    ("entity", '<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY lol "lollollol">\n]>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&lol;</text></svg>\n', 2),
    ("external-entity", '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>\n', 1),
    ("doctype", '<?xml version="1.0" encoding="UTF-8"?>\n'
     '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
     '<svg xmlns="http://www.w3.org/2000/svg"/>\n', 2),
]

# What drawing programs write and a browser shows without running or fetching anything.
HARMLESS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    "<!-- Created with Inkscape (http://www.inkscape.org/) -->\n"
    f'<svg xmlns="http://www.w3.org/2000/svg" {XLINK}\n'
    '     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"\n'
    '     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"\n'
    '     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" width="64" height="64" viewBox="0 0 64 64"\n'
    '     inkscape:version="1.3">\n'
    '  <sodipodi:namedview id="nv" inkscape:zoom="1"/>\n'
    "  <metadata><rdf:RDF/></metadata>\n"
    '  <defs><linearGradient id="g"><stop offset="0" stop-color="#b71c1c"/></linearGradient>\n'
    '    <path id="star" d="M32 10l5 16H54z"/></defs>\n'
    "  <style>.lit { fill: url(#g); opacity: .8 }</style>\n"
    '  <rect class="lit" width="64" height="64" style="fill:url(&quot;#g&quot;)"/>\n'
    '  <use xlink:href="#star" href="#star"/>\n'
    '  <image href="photo.png" width="8" height="8"/>\n'
    '  <image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>\n'
    '  <a href="../news/a/"><text x="2" y="60" font-family="FandolHei">永丰社区</text></a>\n'
    '  <animate attributeName="opacity" values="0;1" dur="2s"/>\n'
    "</svg>\n"
)


def site_with(tmp_path: Path, where: str, svg: str) -> Path:
    """A site whose SVG sits ``where``: an article image, a cover, an attachment or in static/."""
    files: dict[str, str | bytes] = {"content/news/a.md": article("甲", body="正文。")}
    if where == "image":
        files["content/news/images/x.svg"] = svg
        files["content/news/a.md"] = article("甲", body="![社区标志](images/x.svg)")
    elif where == "cover":
        files["content/news/images/x.svg"] = svg
        files["content/news/a.md"] = article("甲", cover="images/x.svg")
    elif where == "attachment":
        files["content/news/files/x.svg"] = svg
        files["content/news/a.md"] = article("甲", body="[附件](files/x.svg)")
    else:
        files["static/img/x.svg"] = svg
    return make_site(tmp_path, files)


SOURCES = {
    "image": "content/news/images/x.svg",
    "cover": "content/news/images/x.svg",
    "attachment": "content/news/files/x.svg",
    "static": "static/img/x.svg",
}


@pytest.mark.parametrize(("name", "svg", "line"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_svg_is_refused_at_its_line(tmp_path: Path, name: str, svg: str, line: int) -> None:
    site = site_with(tmp_path, "image", svg)
    out = tmp_path / "out"
    with pytest.raises(BuildFailed) as caught:
        build_site(site, out)
    refused = [f for f in caught.value.findings if f.code == "svg-unsafe"]
    assert [f.location for f in refused] == [Location("content/news/images/x.svg", line)], caught.value
    assert refused[0].hint  # what to do, in Chinese
    assert not out.exists()


@pytest.mark.parametrize("where", sorted(SOURCES))
def test_every_way_an_svg_is_published_is_checked(tmp_path: Path, where: str) -> None:
    site = site_with(tmp_path, where, HOSTILE[0][1])
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [f.location for f in caught.value.findings if f.code == "svg-unsafe"] == [Location(SOURCES[where], 4)]


@pytest.mark.parametrize("where", sorted(SOURCES))
def test_a_harmless_drawing_is_published_as_it_is(tmp_path: Path, where: str) -> None:
    site = site_with(tmp_path, where, HARMLESS)
    (site / SOURCES[where]).with_name("photo.png").write_bytes(png_pixel())
    out = tmp_path / "out"
    build_site(site, out)
    published = out / SOURCES[where].split("/", 1)[1]
    assert published.read_bytes() == HARMLESS.encode()


def test_the_themes_own_svgs_pass(tmp_path: Path) -> None:
    themes = sorted((THEME_DIR / "static").rglob("*.svg"))
    assert themes  # the default theme ships its favicon as SVG
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    out = tmp_path / "out"
    build_site(site, out)
    for svg in themes:
        assert (out / svg.relative_to(THEME_DIR / "static")).read_bytes() == svg.read_bytes()


def test_a_broken_svg_is_refused_with_its_line(tmp_path: Path) -> None:
    site = site_with(tmp_path, "static", HEAD + '<rect width="1">\n</svg>\n')
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [(f.code, f.location) for f in caught.value.findings] == [
        ("svg-unreadable", Location("static/img/x.svg", 4))
    ]


def test_a_compressed_svg_is_refused(tmp_path: Path) -> None:
    """.svgz is gzip: what it holds cannot be checked as it is, and browsers run its scripts too."""
    import gzip

    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "static/x.svgz": gzip.compress(HARMLESS.encode())})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [(f.code, f.location) for f in caught.value.findings] == [("svg-unsafe", Location("static/x.svgz"))]


def test_the_command_line_names_the_svg_and_line_without_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    site = site_with(tmp_path, "attachment", HOSTILE[0][1])
    out = tmp_path / "out"
    shutil.copytree(site, tmp_path / "kept")  # the site is left as it was
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--site", str(site), "--out", str(out)],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "content/news/files/x.svg:4" in done.stderr
    assert "脚本" in done.stderr
    assert not out.exists()


def png_pixel() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(buffer, "PNG")
    return buffer.getvalue()
