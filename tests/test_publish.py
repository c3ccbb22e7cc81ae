"""publish: the only writer of the output folder: staged, swapped in whole, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitemaker import article, build_site, make_site

from civicpress.errors import BuildFailed, SiteError
from civicpress.model import OutputFile
from civicpress.publish import PublishReport, Staging, check_out_dir, recover


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def old_output(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "news" / "old").mkdir(parents=True)
    (out / "index.html").write_bytes("旧首页".encode())
    (out / "news" / "old" / "index.html").write_bytes("已删除的文章".encode())
    return out


def test_staging_writes_then_commit_swaps(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    staging = Staging(out)
    staging.write(OutputFile("index.html", "新首页".encode()))
    staging.write(OutputFile("news/a/index.html", b"<p>a</p>"))
    staging.write(OutputFile("活动/图片 1.png", b"\x89PNG"))
    # Nothing reaches the output folder before the commit.
    assert tree(out) == {"index.html": "旧首页".encode(), "news/old/index.html": "已删除的文章".encode()}
    assert staging.path.parent == out.parent
    report = staging.commit()
    assert tree(out) == {  # stale files of deleted pages are gone with the old folder
        "index.html": "新首页".encode(),
        "news/a/index.html": b"<p>a</p>",
        "活动/图片 1.png": b"\x89PNG",
    }
    assert report == PublishReport(files=3, bytes=len("新首页".encode()) + 8 + 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]  # no staging or old folder left


def test_commit_into_a_new_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    staging = Staging(out)
    staging.write(OutputFile("index.html", b"x"))
    staging.commit()
    assert tree(out) == {"index.html": b"x"}


def test_abort_leaves_the_old_folder_identical(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    before = tree(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    staging = Staging(out)
    staging.write(OutputFile("index.html", b"new"))
    staging.write(OutputFile("news/old/index.html", b"new"))
    staging.abort()
    assert tree(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes
    assert not staging.path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_duplicate_output_path(tmp_path: Path) -> None:
    staging = Staging(tmp_path / "output")
    staging.write(OutputFile("news/a/index.html", b"1"))
    for path in ("news/a/index.html", "news//a/./index.html"):
        with pytest.raises(SiteError) as caught:
            staging.write(OutputFile(path, b"2"))
        assert caught.value.findings[0].code == "duplicate-output"
        assert "news/a/index.html" in caught.value.findings[0].message
    staging.abort()


@pytest.mark.parametrize(
    "path", ["../x", "a/../../x", "news/../../etc/passwd", "/abs", "/etc/passwd", "", ".", "a\\..\\x"]
)
def test_unsafe_paths_are_refused(tmp_path: Path, path: str) -> None:
    staging = Staging(tmp_path / "output")
    with pytest.raises(ValueError, match="unsafe output path"):
        staging.write(OutputFile(path, b"x"))
    staging.abort()
    assert not (tmp_path / "x").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    before = tree(out)
    leftover_staging = tmp_path / ".output.staging"
    leftover_old = tmp_path / ".output.old"
    (leftover_staging / "half").mkdir(parents=True)
    (leftover_staging / "half" / "index.html").write_bytes(b"half-written")
    leftover_old.mkdir()
    (leftover_old / "index.html").write_bytes(b"previous")
    recover(out)  # at the start of a build
    staging = Staging(out)
    assert not leftover_old.exists()
    assert staging.path == leftover_staging
    assert tree(staging.path) == {}  # the half-written files are gone
    assert tree(out) == before
    staging.write(OutputFile("index.html", b"new"))
    staging.commit()
    assert tree(out) == {"index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


# ---------------------------------------------------------------- the output folder


@pytest.mark.parametrize("where", ["site", "parent", "grandparent"])
def test_check_out_dir_refuses_the_site_folder_and_its_parents(tmp_path: Path, where: str) -> None:
    site = make_site(tmp_path / "deep", {})
    out = {"site": site, "parent": site.parent, "grandparent": site.parent.parent}[where]
    with pytest.raises(SiteError) as caught:
        check_out_dir(out, site)
    assert caught.value.findings[0].code == "bad-out-dir"


def test_check_out_dir_sees_through_dots_and_links(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    with pytest.raises(SiteError):
        check_out_dir(site / "content" / "..", site)
    (tmp_path / "alias").symlink_to(site)
    with pytest.raises(SiteError):
        check_out_dir(tmp_path / "alias", site)


@pytest.mark.parametrize("inside", ["content", "templates", "static", "content/news", "content/_data", "templates/x"])
def test_check_out_dir_refuses_the_sites_own_folders(tmp_path: Path, inside: str) -> None:
    """The build replaces the whole output folder: it must never be one holding the editors' files."""
    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "static/my.css": "x", "templates/x/y.html": "y"})
    with pytest.raises(SiteError) as caught:
        check_out_dir(site / inside, site)
    assert caught.value.findings[0].code == "bad-out-dir"


@pytest.mark.parametrize("out", ["site/output", "public", "site/public/www"])
def test_check_out_dir_allows_separate_folders(tmp_path: Path, out: str) -> None:
    site = make_site(tmp_path, {})
    check_out_dir(tmp_path / out, site)


def test_a_build_into_a_content_folder_keeps_the_articles(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "content/news/b.md": article("乙")})
    before = tree(site / "content")
    with pytest.raises(SiteError):
        build_site(site, site / "content" / "news")
    assert tree(site / "content") == before


# ---------------------------------------------------------------- through a build


def test_failed_build_leaves_output_untouched(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    out = tmp_path / "output"
    build_site(site, out)
    before = tree(out)
    assert "news/a/index.html" in before
    (site / "content/news/b.md").write_text("---\ntitle: 乙\ndate: 2022年\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(site, out)
    assert tree(out) == before
    (site / "content/news/c.md").write_text(article("丙", body="[坏链](nope.md)"), encoding="utf-8")
    (site / "content/news/b.md").unlink()
    with pytest.raises(BuildFailed):  # an error found while writing: staging is thrown away
        build_site(site, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "site"]


def test_duplicate_output_in_a_build(tmp_path: Path) -> None:
    # A plain page called tags.md takes the URL of the tags index.
    site = make_site(tmp_path, {"content/tags.md": article("标签", None)})
    with pytest.raises(SiteError) as caught:
        build_site(site)
    assert caught.value.findings[0].code == "duplicate-output"
    assert not (tmp_path / "output").exists()


def test_rebuild_removes_deleted_pages(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "content/news/b.md": article("乙")})
    out = tmp_path / "output"
    build_site(site, out)
    assert (out / "news/b/index.html").exists()
    (site / "content/news/b.md").unlink()
    build_site(site, out)
    assert not (out / "news/b").exists()
    assert (out / "news/a/index.html").exists()
