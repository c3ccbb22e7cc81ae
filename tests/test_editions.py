"""Public and internal editions of one source, and the personal-data scan of the public edition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sitemaker import article, build_site, load, make_site

from civicpress.config import load_config
from civicpress.editions import INTERNAL, PUBLIC, Edition
from civicpress.errors import BuildFailed, Location

PRIVATE = {"privacy": {"private_names": ["白友盛"], "allow": [{"value": "0571-88886666", "reason": "社区服务电话"}]}}


def built_text(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def build_edition(site: Path, edition: str, out: Path) -> Path:
    from sitemaker import NOW

    from civicpress.pipeline import BuildOptions, build

    build(BuildOptions(site_dir=site, out_dir=out, now=NOW, edition=edition))
    return out


def test_masking_keeps_the_surname(tmp_path: Path) -> None:
    edition = Edition.of(load_config(make_site(tmp_path, {}, PRIVATE)))
    assert edition.mask("白友盛") == "白某"
    assert edition.mask("欧阳明") == "欧阳某"
    assert edition.redact("为白友盛捐款，白友盛康复") == "为白某捐款，白某康复"
    assert Edition(INTERNAL, edition.privacy, False).redact("白友盛") == "白友盛"


def test_internal_pages_and_private_names(tmp_path: Path) -> None:
    files = {
        "content/news/a.md": article("为白友盛捐款", body='居民白友盛。{{ private("黄某某") }}住院。'),
        "content/news/b.md": article("内部通报", visibility="internal"),
    }
    site = make_site(tmp_path, files, PRIVATE)
    public = build_edition(site, PUBLIC, tmp_path / "public")
    internal = build_edition(site, INTERNAL, tmp_path / "internal")
    page = built_text(public, "news/a/index.html")
    assert "白友盛" not in page and "黄某某" not in page
    assert "为白某捐款" in page and "居民白某" in page and "黄某住院" in page
    assert not (public / "news/b/index.html").exists()
    assert "白友盛" in built_text(internal, "news/a/index.html")
    assert "黄某某住院" in built_text(internal, "news/a/index.html")
    assert (internal / "news/b/index.html").exists()
    for path in public.rglob("*"):  # feeds and lists too
        if path.is_file() and path.suffix in (".html", ".xml"):
            assert "白友盛" not in path.read_text(encoding="utf-8"), path


def test_the_internal_edition_turns_every_crawler_away(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("通知")})
    public = built_text(build_edition(site, PUBLIC, tmp_path / "public"), "robots.txt")
    internal = built_text(build_edition(site, INTERNAL, tmp_path / "internal"), "robots.txt")
    assert "Allow: /" in public and "Sitemap:" in public
    assert internal == "User-agent: *\nDisallow: /\n"


def test_internal_data_records_are_dropped_from_the_public_edition(tmp_path: Path) -> None:
    data = "teams:\n  - name: 巡逻队\n  - name: 帮扶名单\n    visibility: internal\n"
    files = {"content/_data/org.yaml": data, "content/news/a.md": article("甲", body="{{ data.org.teams | length }}支")}
    site = make_site(tmp_path, files)
    public = build_edition(site, PUBLIC, tmp_path / "public")
    internal = build_edition(site, INTERNAL, tmp_path / "internal")
    assert "<p>1支</p>" in built_text(public, "news/a/index.html")
    assert "<p>2支</p>" in built_text(internal, "news/a/index.html")


def test_approval_required(tmp_path: Path) -> None:
    files = {
        "content/news/ok.md": article("已审文章", status="已审", reviewer="社区党委", reviewed="2022-09-20"),
        "content/news/wait.md": article("待审文章", status="待审"),
        "content/news/none.md": article("未填状态"),
    }
    site = make_site(tmp_path, files, {"require_approval": True})
    model, findings = load(site)
    assert [p.title for p in model.pages] == ["已审文章"]
    # without status an article is not approved: held back and listed as waiting (issue 11, item 7)
    assert model.awaiting_review == ("content/news/none.md", "content/news/wait.md")
    assert model.held_back == ("content/news/none.md", "content/news/wait.md")
    assert not findings.errors


def test_check_lists_what_waits_for_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from civicpress.cli import main

    site = make_site(tmp_path, {"content/news/wait.md": article("待审文章", status="待审")})
    assert main(["check", "--site", str(site)]) == 0
    assert "content/news/wait.md" in capsys.readouterr().out


def test_bad_status_and_visibility_are_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", status="通过", visibility="秘密")})
    _, findings = load(site)
    assert sorted((f.code, f.location) for f in findings.errors) == [
        ("bad-field", Location("content/news/a.md", 4)),
        ("bad-field", Location("content/news/a.md", 5)),
    ]


ID = "11010519491231002X"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # in an article's body: the source file and line
        ({"content/news/a.md": article("甲", body="第一段。\n\n联系电话13812345678。")}, ("content/news/a.md", 7)),
        # in a title
        ({"content/news/a.md": article(f"身份证{ID}")}, ("content/news/a.md", 2)),
        # in a summary written in the front matter
        ({"content/news/a.md": article("甲", summary="住在3号楼2单元501室。")}, ("content/news/a.md", 4)),
        # through a data expression
        (
            {
                "content/_data/p.yaml": "phone: '13912345678'\n",
                "content/news/a.md": article("甲", body="{{ data.p.phone }}"),
            },
            ("content/news/a.md", 5),
        ),
        # in a template of the site: found in the output
        (
            {"content/news/a.md": article("甲"), "templates/404.html": "<p>值班 13712345678</p>"},
            ("output/404.html", 1),
        ),
        # in a file copied as it is
        ({"content/news/a.md": article("甲"), "static/contact.txt": "\n王某 13612345678\n"}, ("output/contact.txt", 2)),
        # a private name in a data file shown by a template
        (
            {
                "content/_data/p.yaml": "names: [白友盛]\n",
                "content/news/a.md": article("甲"),
                "templates/404.html": "{{ data.p.names[0] }}",
            },
            None,  # masked, so nothing to report: the name never reaches the output
        ),
    ],
)
def test_personal_data_in_every_channel_stops_the_public_build(
    tmp_path: Path, files: dict[str, Any], expected: tuple[str, int] | None
) -> None:
    site = make_site(tmp_path, files, PRIVATE)
    out = tmp_path / "out"
    if expected is None:
        build_site(site, out)
        assert "白友盛" not in (out / "404.html").read_text(encoding="utf-8")
        return
    with pytest.raises(BuildFailed) as caught:
        build_site(site, out)
    hits = [
        (f.location.path, f.location.line) for f in caught.value.findings if f.code == "personal-data" and f.location
    ]
    assert hits == [expected]
    assert not out.exists()
    # the internal edition, handed over in person, is not scanned
    build_edition(site, INTERNAL, tmp_path / "internal")


def test_messages_mask_the_value(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body="电话13812345678")})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert "13812345678" not in str(caught.value)
    assert "138******78" in str(caught.value)


def test_allow_listed_value_is_published(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body="服务电话 0571-8888 6666")}, PRIVATE)
    out = tmp_path / "out"
    build_site(site, out)
    assert "0571-8888 6666" in built_text(out, "news/a/index.html")


def test_exif_in_an_output_image_is_caught() -> None:
    """The last line of defence: images are cleaned before output, and the guard checks they were."""
    from civicpress.checks.privacy import PrivacyGuard

    jpeg_with_exif = b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xd9"
    guard = PrivacyGuard((), ())
    assert [(f.code, f.location) for f in guard.inspect("events/photo.jpg", jpeg_with_exif)] == [
        ("image-metadata", Location("output/events/photo.jpg"))
    ]
    assert guard.inspect("events/clean.jpg", b"\xff\xd8\xff\xdb\x00\x43\x00\xff\xd9") == []


def test_personal_data_in_a_printed_material_is_caught(tmp_path: Path) -> None:
    """The PDF and Word file are set from the same text as output/print/<name>.html, which is scanned."""
    material = "---\ntitle: 交流材料\ndate: 2022-09-19\norganization: 社区党委\n---\n\n联系人电话 13812345678。\n"
    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "content/materials/m.md": material})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [f.location.path for f in caught.value.findings if f.code == "personal-data" and f.location] == [
        "output/print/m.html"
    ]


def test_a_paragraph_only_for_the_internal_edition(tmp_path: Path) -> None:
    body = "公开的段落。\n\n{% if internal %}\n帮扶对象名单见附件。\n{% endif %}\n"
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body=body)})
    public = build_edition(site, PUBLIC, tmp_path / "public")
    internal = build_edition(site, INTERNAL, tmp_path / "internal")
    assert "帮扶对象名单" not in built_text(public, "news/a/index.html")
    assert "帮扶对象名单见附件。" in built_text(internal, "news/a/index.html")
