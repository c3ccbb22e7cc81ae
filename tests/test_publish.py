"""publish: the only writer of the output folder: staged, swapped in whole, or not at all."""

from __future__ import annotations

import ctypes
import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sitemaker import NOW, article, build_site, make_site

from civicpress import publish
from civicpress.cli import main as cli
from civicpress.errors import BuildFailed, SiteError
from civicpress.model import OutputFile
from civicpress.pipeline import BuildOptions, build
from civicpress.publish import Patch, PublishFailed, PublishReport, Staging, check_out_dir, exchange, recover
from civicpress.rebuild.state import bytes_digest


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
    # A file of static/ at an article's address (a page on a name the site itself uses, such as
    # content/tags.md, is refused earlier, by the model: test_hostile_input).
    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "static/news/a/index.html": "<p>旧页</p>\n"})
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


# ---------------------------------------------------------------- one step decides which site is live


def digests(folder: Path) -> dict[str, str]:
    return {rel: bytes_digest(data) for rel, data in tree(folder).items()}


def test_an_incremental_commit_links_what_did_not_change(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    (out / "style.css").write_bytes(b"body{}")
    inode = (out / "style.css").stat().st_ino
    patch = Patch(out, digests(out))
    patch.write(OutputFile("index.html", "新首页".encode()))  # changed
    patch.write(OutputFile("style.css", b"body{}"))  # the same bytes: linked, not written
    patch.keep("news/old/index.html", 1)  # not made again: linked
    patch.write(OutputFile("news/new/index.html", b"new"))
    assert patch.changed == ("index.html", "news/new/index.html")
    assert tree(out)["index.html"] == "旧首页".encode()  # nothing live changes before the commit
    patch.commit()
    assert tree(out) == {"index.html": "新首页".encode(), "style.css": b"body{}",
                         "news/old/index.html": "已删除的文章".encode(), "news/new/index.html": b"new"}
    assert (out / "style.css").stat().st_ino == inode  # a hard link: no copy, its time kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_files_neither_made_nor_kept_are_not_in_the_new_site(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    patch = Patch(out, digests(out))
    patch.keep("index.html", 1)
    patch.commit()
    assert tree(out) == {"index.html": "旧首页".encode()}


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/x").write_bytes(b"a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b/y").write_bytes(b"b")
    assert exchange(tmp_path / "a", tmp_path / "b")  # Linux with a file system that has renameat2
    assert tree(tmp_path / "a") == {"y": b"b"} and tree(tmp_path / "b") == {"x": b"a"}


def failing_renameat2(code: int) -> Callable[[], Callable[..., int]]:
    def function(*args: object) -> int:
        ctypes.set_errno(code)
        return -1

    return lambda: function


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL])
def test_without_renameat2_two_renames_publish_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    monkeypatch.setattr(publish, "_renameat2", failing_renameat2(code))
    assert not exchange(tmp_path / "a", tmp_path / "b")
    out = old_output(tmp_path)
    patch = Patch(out, digests(out))
    patch.write(OutputFile("index.html", b"new"))
    patch.commit()
    assert tree(out) == {"index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_another_renameat2_error_is_not_taken_for_a_missing_feature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "_renameat2", failing_renameat2(errno.EACCES))
    out = old_output(tmp_path)
    before = tree(out)
    staging = Staging(out)
    staging.write(OutputFile("index.html", b"new"))
    with pytest.raises(PublishFailed) as caught:
        staging.commit()
    assert caught.value.findings[0].code == "publish-failed"
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]  # no staging folder left behind


@pytest.mark.parametrize("failing", [1, 2])
def test_a_refused_rename_leaves_the_old_site_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    """Windows refuses to rename a folder in which a file is open: the first or the second rename fails."""
    monkeypatch.setattr(publish, "_renameat2", failing_renameat2(errno.ENOSYS))
    out = old_output(tmp_path)
    before = tree(out)
    real, calls = os.replace, []

    def replace(source: Path, target: Path) -> None:
        calls.append(source)
        if len(calls) == failing:
            raise PermissionError(errno.EACCES, "另一个程序正在使用此文件", str(source))
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    staging = Staging(out)
    staging.write(OutputFile("index.html", b"new"))
    with pytest.raises(PublishFailed) as caught:
        staging.commit()
    assert "无法替换输出文件夹" in caught.value.findings[0].message
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_recover_brings_back_the_old_site_cut_between_the_two_renames(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    before = tree(out)
    out.rename(tmp_path / ".output.old")  # killed here: no output folder
    (tmp_path / ".output.staging").mkdir()
    (tmp_path / ".output.staging/index.html").write_bytes(b"new")
    recover(out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_recover_removes_an_old_site_that_was_replaced(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    (tmp_path / ".output.old").mkdir()  # killed after the second rename: output is the new site
    (tmp_path / ".output.old/index.html").write_bytes(b"older")
    (tmp_path / ".output.trash").mkdir()
    (tmp_path / ".output.link").symlink_to("output")
    before = tree(out)
    recover(out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_a_symlinked_output_is_switched_and_the_users_folder_left_alone(tmp_path: Path) -> None:
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_bytes(b"mine")
    out = tmp_path / "output"
    out.symlink_to("www", target_is_directory=True)
    for n in range(3):
        patch = Patch(out, digests(out))
        patch.write(OutputFile("index.html", f"第{n}版".encode()))
        patch.commit()
        assert out.is_symlink() and tree(out) == {"index.html": f"第{n}版".encode()}
        assert os.readlink(out) == f".output.site-{n % 2 + 1}"
        assert sorted(p.name for p in tmp_path.iterdir()) == [os.readlink(out), "output", "www"]
    assert tree(www) == {"index.html": b"mine"}  # not civicpress's: never deleted


def test_a_refused_publish_fails_the_build_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    out = tmp_path / "output"
    build_site(site, out)
    before = tree(out)
    (site / "content/news/a.md").write_text(article("甲", body="改过的正文。"), encoding="utf-8")

    def refused(tree: Path, out_dir: Path) -> None:
        raise PermissionError(errno.EACCES, "拒绝访问", str(out_dir))

    monkeypatch.setattr(publish, "swap_in", refused)
    assert cli(["build", "--site", str(site), "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert "无法替换输出文件夹" in error and "Traceback" not in error
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "site"]
    monkeypatch.undo()
    build_site(site, out)  # the state saved for the refused tree is not trusted for the old one
    fresh = tmp_path / "fresh"
    build(BuildOptions(site_dir=site, out_dir=fresh, now=NOW, cache=False))
    assert tree(out) == tree(fresh)


def test_a_kept_file_deleted_during_the_build_fails_the_commit(tmp_path: Path) -> None:
    out = old_output(tmp_path)
    patch = Patch(out, digests(out))
    patch.keep("news/old/index.html", 1)
    patch.write(OutputFile("index.html", b"new"))
    (out / "news/old/index.html").unlink()  # by hand, while the build ran
    with pytest.raises(PublishFailed) as caught:
        patch.commit()
    assert "news/old/index.html" in caught.value.findings[0].message
    assert tree(out) == {"index.html": "旧首页".encode()}  # nothing published
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def gone_soon(path: Path) -> bool:
    deadline = time.monotonic() + 20
    while os.path.lexists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not os.path.lexists(path)


def test_a_big_replaced_site_is_removed_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "REMOVE_LATER_FILES", 0)
    out = old_output(tmp_path)
    patch = Patch(out, digests(out))
    patch.write(OutputFile("index.html", b"new"))
    patch.commit()
    assert tree(out) == {"index.html": b"new"}  # live at once
    pending = [p for p in tmp_path.iterdir() if p.name != "output"]
    assert [p.name[:len(".output.deleting-")] for p in pending] == [".output.deleting-"]
    assert gone_soon(pending[0])
    # A remover that was stopped: the next build starts another.
    stopped = tmp_path / ".output.deleting-0000"
    (stopped / "a").mkdir(parents=True)
    (stopped / "a/index.html").write_bytes(b"old")
    recover(out)
    assert gone_soon(stopped)
    assert tree(out) == {"index.html": b"new"}
