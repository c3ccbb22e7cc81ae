"""One loading boundary: config, article, material and booklet fields report alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitemaker import article, make_site

from civicpress.errors import BuildFailed, Finding
from civicpress.pipeline import BuildOptions, build


def _failures(site: Path) -> list[Finding]:
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(site_dir=site, out_dir=site.parent / "out"))
    return list(failed.value.findings)


def _line_of(site: Path, rel: str, text: str) -> int:
    lines = (site / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_a_misspelt_key_names_the_nearest_field_and_its_line_in_every_kind_of_file(tmp_path: Path) -> None:
    material = "---\ntitle: 交流材料\ndate: 2022-09-19\nsubtitel: ——发言\n---\n正文。\n"
    site = make_site(
        tmp_path, {"content/news/a.md": article("通知", summry="摘要"), "content/materials/m.md": material}
    )
    found = {(f.code, str(f.location), f.hint) for f in _failures(site)}
    assert ("front-matter-unknown-key", "content/news/a.md:4", "你是不是想写 summary？") in found
    assert ("front-matter-unknown-key", "content/materials/m.md:4", "你是不是想写 subtitle？") in found

    config = make_site(tmp_path / "config", {}, config={"paginaton": 5})
    [typo] = _failures(config)
    line = _line_of(config, "site_config.yaml", "paginaton")
    assert (typo.code, str(typo.location), typo.hint) == (
        "config-unknown-key", f"site_config.yaml:{line}", "你是不是想写 pagination？"
    )

    booklet = make_site(tmp_path / "booklet", {}, config={"print": {"booklet": {"titel": "参观材料"}}})
    [typo] = _failures(booklet)
    line = _line_of(booklet, "site_config.yaml", "booklet:")
    assert (typo.code, str(typo.location), typo.hint) == (
        "front-matter-unknown-key", f"site_config.yaml:{line}", "你是不是想写 title？"
    )


def test_a_bad_visibility_is_refused_in_a_booklet_as_in_an_article(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {"content/news/a.md": article("通知", visibility="secret")},
        config={"print": {"booklet": {"title": "参观材料", "visibility": "secret"}}},
    )
    bad = sorted(str(f.location).split(":")[0] for f in _failures(site) if f.code == "bad-field")
    assert bad == ["content/news/a.md", "site_config.yaml"]
