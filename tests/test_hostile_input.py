"""Hostile input: markup and template syntax in content is escaped or refused, never executed,
and no path in content reaches outside the site folder.

Covered elsewhere too: raw HTML and sanitizing (test_markup), `javascript:` links
(test_writers), the expression sandbox (test_expressions), YAML bombs (test_sources),
symlinked content and data (test_content), path traversal in the dev server (test_serve).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitemaker import article, build_site, make_site

from civicpress.errors import BuildFailed, Location

SCRIPT = '<script>alert("x")</script>'


def output(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    site = make_site(tmp_path, files)
    out = tmp_path / "out"
    build_site(site, out)
    return out


def every_page(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html")))


def test_markup_in_front_matter_and_data_is_escaped(tmp_path: Path) -> None:
    files = {
        "content/news/a.md": article(SCRIPT, summary='<img src=x onerror="alert(1)">', tags=[SCRIPT]),
        "content/_data/stats.yaml": f"name: '{SCRIPT}'\n",
        "content/news/b.md": article("乙", body="{{ data.stats.name }}"),
    }
    html = every_page(output(tmp_path, files))
    assert "<script>alert" not in html
    assert "<img src=x" not in html  # the summary's tag stays text: no onerror handler runs
    assert "&lt;img src=x onerror" in html
    assert "&lt;script&gt;" in html


def test_template_syntax_in_titles_and_data_is_text(tmp_path: Path) -> None:
    files = {
        "content/news/a.md": article("{{ 7*7 }} {% for x in range(3) %}x{% endfor %}"),
        "content/_data/stats.yaml": "name: '{{ 6*7 }}'\n",
        "content/news/b.md": article("乙", body="值：{{ data.stats.name }}"),
    }
    html = every_page(output(tmp_path, files))
    assert "{{ 7*7 }}" in html and ">49" not in html
    assert "值：{{ 6*7 }}" in html and "值：42" not in html


def test_sandbox_refuses_python_internals_in_the_body(tmp_path: Path) -> None:
    body = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body=body)})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [f.code for f in caught.value.findings if f.is_error] in (["expression-unsafe"], ["undefined-data"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("cover", "../../../etc/passwd"), ("cover", "/etc/passwd"), ("cover", "C:\\Windows\\win.ini")],
)
def test_cover_outside_the_site_is_refused(tmp_path: Path, field: str, value: str) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", **{field: value})})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [(f.code, f.location) for f in caught.value.findings if f.is_error] == [
        ("missing-image", Location("content/news/a.md", 4))
    ]
    assert not (tmp_path / "out").exists()


def test_link_outside_content_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body="![x](../../../../etc/passwd)")})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [f.code for f in caught.value.findings if f.is_error] == ["path-escapes"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this system")
def test_symlinked_folder_pointing_out_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.md").write_text(article("机密"), encoding="utf-8")
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    os.symlink(secret, site / "content" / "news" / "linked")
    html = every_page(output(tmp_path, {}))  # the same site folder, rebuilt
    assert "机密" not in html


def test_a_huge_file_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    big = article("甲", body="字" * (6 * 1024 * 1024 // 3 + 10))
    site = make_site(tmp_path, {"content/news/a.md": big})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [(f.code, f.location) for f in caught.value.findings] == [
        ("file-too-large", Location("content/news/a.md"))
    ]
