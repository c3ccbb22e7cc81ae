"""What the public edition holds back, and that the editor is told (issue 11, item 7).

- ``require_approval: true``: an article without ``status`` is not approved, so it is not
  published; ``build`` says how many were held back and warns for each file, ``check`` lists
  them as waiting for review.
- The files of a draft or internal page (the images and attachments it links) are published
  only when a published page links them too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitemaker import NOW, article, build_site, make_site

from civicpress.cli import main
from civicpress.errors import BuildFailed, Location
from civicpress.pipeline import BuildOptions, build, check

APPROVAL = {"require_approval": True}
EPOCH = str(int(NOW.timestamp()))


def five_without_status() -> dict[str, str | bytes]:
    return {f"content/news/n{number}.md": article(f"第{number}篇") for number in range(1, 6)}


# ---------------------------------------------------------------- require_approval without status


def test_articles_without_status_are_held_back_and_each_is_named(tmp_path: Path) -> None:
    site = make_site(tmp_path, five_without_status(), APPROVAL)
    out = tmp_path / "out"
    result = build_site(site, out)
    assert result.pages == 0
    assert not (out / "news/n1/index.html").exists()
    assert result.held_back == tuple(f"content/news/n{n}.md" for n in range(1, 6))
    unapproved = [f for f in result.warnings if f.code == "approval-missing"]
    assert [f.location for f in unapproved] == [Location(f"content/news/n{n}.md", 2) for n in range(1, 6)]
    assert all("status" in f.hint for f in unapproved)


def test_strict_build_fails_on_an_article_without_status(tmp_path: Path) -> None:
    site = make_site(tmp_path, five_without_status(), APPROVAL)
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out", strict=True)
    assert {f.code for f in caught.value.findings} == {"approval-missing"}


def test_check_lists_articles_without_status_as_pending(tmp_path: Path) -> None:
    files = five_without_status() | {
        "content/news/wait.md": article("待审文章", status="待审"),
        "content/news/ok.md": article("已审文章", status="已审"),
        "content/news/draft.md": article("草稿", draft=True),
    }
    site = make_site(tmp_path, files, APPROVAL)
    result = check(BuildOptions(site_dir=site, out_dir=tmp_path / "out", now=NOW))
    assert result.awaiting_review == (*(f"content/news/n{n}.md" for n in range(1, 6)), "content/news/wait.md")


def test_the_command_line_says_how_many_were_held_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    files = five_without_status() | {"content/news/ok.md": article("已审文章", status="已审")}
    site = make_site(tmp_path, files, APPROVAL)
    assert main(["build", "--site", str(site), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr()
    assert "content/news/n3.md:2: 警告" in printed.err
    assert re.search(r"5 篇.*未发布|未发布.*5 篇", printed.out), printed.out
    assert main(["check", "--site", str(site)]) == 0
    listed = capsys.readouterr().out
    assert "待审核" in listed
    assert all(f"content/news/n{n}.md" in listed for n in range(1, 6))
    assert "content/news/ok.md" not in listed


def test_without_require_approval_status_is_optional(tmp_path: Path) -> None:
    site = make_site(tmp_path, five_without_status())
    result = build_site(site, tmp_path / "out")
    assert result.pages == 5 and result.held_back == () and not result.warnings
    assert check(BuildOptions(site_dir=site, out_dir=tmp_path / "o", now=NOW)).awaiting_review == ()


def test_the_internal_edition_publishes_them_without_warning(tmp_path: Path) -> None:
    site = make_site(tmp_path, five_without_status(), APPROVAL)
    result = build(BuildOptions(site_dir=site, out_dir=tmp_path / "internal", now=NOW, edition="internal"))
    assert result.pages == 5 and result.held_back == () and not result.warnings


# ---------------------------------------------------------------- the files of pages not published


def png(color: str = "red") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(buffer, "PNG")
    return buffer.getvalue()


SECRET_BODY = (
    "帮扶对象名单：[名单](files/bang-fu.txt)，[另一份](<files/he zuo.txt> \"合作社\")。\n\n"
    "![入户照片](images/ru-hu.png)\n\n"
    "[ref]: files/by-reference.txt\n"
)
SECRET_FILES = ["news/files/bang-fu.txt", "news/files/he zuo.txt", "news/images/ru-hu.png",
                "news/files/by-reference.txt", "news/images/cover.png"]


def site_with_secret(tmp_path: Path, **fields: object) -> Path:
    approved = {"status": "已审"} if fields.get("status") else {}  # the public page, on a site requiring approval
    files: dict[str, str | bytes] = {
        "content/news/a.md": article("公开文章", body="![社区全景](images/shared.png)", **approved),
        "content/news/secret.md": article("帮扶名单", body=SECRET_BODY, cover="images/cover.png", **fields),
        "content/news/files/bang-fu.txt": "帮扶名单\n",
        "content/news/files/he zuo.txt": "合作社\n",
        "content/news/files/by-reference.txt": "名单\n",
        "content/news/images/ru-hu.png": png("blue"),
        "content/news/images/cover.png": png("green"),
        "content/news/images/shared.png": png(),
        "content/images/logo.png": png("yellow"),  # linked by no page: a template may show it
    }
    return make_site(tmp_path, files, APPROVAL if fields.get("status") else None)


@pytest.mark.parametrize(
    "fields",
    [{"draft": True}, {"visibility": "internal"}, {"publish_date": "2030-01-01"}, {"status": "待审"}],
    ids=["draft", "internal", "future", "unapproved"],
)
def test_the_files_of_a_page_not_published_are_not_published(tmp_path: Path, fields: dict[str, object]) -> None:
    site = site_with_secret(tmp_path, **fields)
    out = tmp_path / "out"
    build_site(site, out)
    assert not (out / "news/secret/index.html").exists()
    for rel in SECRET_FILES:
        assert not (out / rel).exists(), rel
    assert (out / "news/images/shared.png").exists()
    assert (out / "images/logo.png").exists()


def test_the_internal_edition_publishes_the_files_of_internal_pages(tmp_path: Path) -> None:
    site = site_with_secret(tmp_path, visibility="internal")
    out = tmp_path / "internal"
    build(BuildOptions(site_dir=site, out_dir=out, now=NOW, edition="internal"))
    for rel in SECRET_FILES:
        assert (out / rel).exists(), rel


def test_a_file_linked_by_a_published_page_too_is_published(tmp_path: Path) -> None:
    site = site_with_secret(tmp_path, draft=True)
    (site / "content/achievements/b.md").parent.mkdir(parents=True)
    (site / "content/achievements/b.md").write_text(
        article("公开的名单说明", body="见[名单](../news/files/bang-fu.txt)。"), encoding="utf-8")
    out = tmp_path / "out"
    build_site(site, out)
    assert (out / "news/files/bang-fu.txt").read_text(encoding="utf-8") == "帮扶名单\n"
    assert not (out / "news/images/ru-hu.png").exists()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publishing_the_draft_publishes_its_files_in_an_incremental_build(tmp_path: Path) -> None:
    site = site_with_secret(tmp_path, draft=True)
    out = tmp_path / "out"
    build_site(site, out)
    assert not (out / "news/files/bang-fu.txt").exists()
    secret = site / "content/news/secret.md"
    for draft, expected in ((False, True), (True, False)):
        secret.write_text(article("帮扶名单", body=SECRET_BODY, cover="images/cover.png", draft=draft),
                          encoding="utf-8")
        result = build_site(site, out)
        assert not result.unchanged
        assert (out / "news/files/bang-fu.txt").exists() is expected
        fresh = tmp_path / f"fresh-{draft}"
        build(BuildOptions(site_dir=site, out_dir=fresh, now=NOW, cache=False))
        assert tree(out) == tree(fresh)
