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
