"""An import killed midway, and an import run twice: no half article, no ``-2`` duplicates.

The kill is real: the import runs in its own process, and a test-side wrapper around ``open``
(installed in that process only, before civicpress is imported) sends it SIGKILL halfway
through writing the n-th file it opens for writing inside ``content/``, as a power cut or a
closed window would. Nothing in civicpress knows about the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sitemaker import build_site, make_site

from civicpress.cli import main

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the test finds files by /proc/self/fd")

DRIVER = r"""
import builtins, io, os, signal, sys

content, kill_at, argv = os.path.realpath(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
real_open, opened = io.open, [0]


def where(file):
    name = os.readlink(f"/proc/self/fd/{file}") if isinstance(file, int) else os.fspath(file)
    return os.path.realpath(name)


class Dying:
    # a file that takes half of the first text written to it, reaches the disk, and dies
    def __init__(self, real):
        self._real = real

    def write(self, data):
        self._real.write(data[: len(data) // 2])
        self._real.flush()
        os.fsync(self._real.fileno())
        os.kill(os.getpid(), signal.SIGKILL)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._real.__exit__(*exc)


def dying_open(file, mode="r", *args, **kwargs):
    handle = real_open(file, mode, *args, **kwargs)
    if any(flag in mode for flag in "wxa") and where(file).startswith(content + os.sep):
        opened[0] += 1
        if opened[0] == kill_at:
            return Dying(handle)
    return handle


io.open = builtins.open = dying_open
from civicpress.cli import main

sys.exit(main(argv))
"""

PARAGRAPH = "社区党委坚持党建引领，组织志愿者开展入户走访，帮助困难家庭解决实际问题，群众满意度不断提高。"


def report(title: str, headings: tuple[str, ...] = ("一、主要做法", "二、取得成效", "三、下一步打算")) -> str:
    """A plain-text report long enough that half of its article cuts through the body."""
    parts = [title, "时间:2023-05-06"]
    for heading in headings:
        parts += [heading, PARAGRAPH * 3, PARAGRAPH * 2]
    return "\n".join(parts) + "\n"


TITLES = ("红星社区工作总结", "光明社区志愿服务报告", "东风社区网格化管理经验", "幸福里社区调解工作汇报")


def sources(folder: Path) -> list[str]:
    folder.mkdir()
    names = []
    for number, title in enumerate(TITLES):
        path = folder / f"材料{number}.txt"
        path.write_text(report(title), encoding="utf-8")
        os.utime(path, (1_700_000_000, 1_700_000_000))
        names.append(str(path))
    return names


def articles(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "content").rglob("*.md"))}


def import_args(site: Path, names: list[str], split: bool) -> list[str]:
    return ["import", *names, "--section", "news", "--site", str(site), *(["--split"] if split else [])]


def killed_import(site: Path, names: list[str], split: bool, kill_at: int) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", DRIVER, str(site / "content"), str(kill_at), *import_args(site, names, split)]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@linux_only
@pytest.mark.parametrize(("split", "kill_at"), [(False, 1), (False, 3), (True, 2)], ids=["first", "third", "split"])
def test_a_killed_import_leaves_whole_articles_and_a_rerun_completes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], split: bool, kill_at: int
) -> None:
    names = sources(tmp_path / "sources")
    reference = make_site(tmp_path / "reference", {})
    assert main(import_args(reference, names, split)) == 0
    expected = articles(reference)
    assert len(expected) > kill_at

    site = make_site(tmp_path / "interrupted", {})
    run = killed_import(site, names, split, kill_at)
    assert run.returncode == -signal.SIGKILL, run.stderr
    left = articles(site)
    # Every article on disk is whole: exactly what an uninterrupted import writes under that name.
    assert len(left) == kill_at - 1
    assert {name: expected.get(name) for name in left} == left
    strays = [p for p in (site / "content").rglob("*") if p.is_file() and p.suffix != ".md"]
    assert all(p.name.startswith(".") for p in strays), strays  # hidden: never read as content
    build_site(site)

    capsys.readouterr()
    assert main(import_args(site, names, split)) == 0  # the editor runs the same import again
    out = capsys.readouterr().out
    assert articles(site) == expected  # nothing doubled (-2), nothing lost, nothing changed
    assert out.count("已导入，跳过：") == kill_at - 1
    assert not [p for p in (site / "content").rglob("*") if p.is_file() and p.suffix != ".md"]
    build_site(site)


def test_an_import_run_twice_skips_what_it_imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = sources(tmp_path / "sources")
    site = make_site(tmp_path, {})
    assert main(import_args(site, names, False)) == 0
    first = articles(site)
    assert len(first) == len(TITLES)
    edited = next(iter(first))
    (site / edited).write_bytes(first[edited].replace("群众满意度".encode(), "居民满意度".encode()))  # the editor's fix
    capsys.readouterr()
    assert main(import_args(site, names, False)) == 0
    out = capsys.readouterr().out
    assert out.count("已导入，跳过：") == len(TITLES)
    assert f"已导入，跳过：{edited}" in out
    assert set(articles(site)) == set(first)  # no -2
    assert (site / edited).read_bytes() != first[edited]  # the editor's fix is kept
    assert out.rstrip().endswith(f"已导入 0 篇文章到栏目 news，{len(TITLES)} 篇此前已导入，跳过。")


def test_a_dry_run_after_an_import_shows_it_would_skip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = sources(tmp_path / "sources")
    site = make_site(tmp_path, {})
    assert main(import_args(site, names[:1], False)) == 0
    before = articles(site)
    capsys.readouterr()
    assert main([*import_args(site, names[:2], False), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("===== 将写入") == 1 and out.count("已导入，跳过：") == 1
    assert "将导入 1 篇文章到栏目 news，1 篇此前已导入，跳过。" in out
    assert articles(site) == before


def test_the_same_source_twice_in_one_run_gives_one_article(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    names = sources(tmp_path / "sources")
    site = make_site(tmp_path, {})
    assert main(import_args(site, [names[0], names[0]], False)) == 0
    assert len(articles(site)) == 1
    assert capsys.readouterr().out.count("已导入，跳过：") == 1


def test_a_changed_source_is_imported_again_beside_the_earlier_article(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Same file name, new text: a new version of the material, so a new article; the earlier one stays."""
    names = sources(tmp_path / "sources")
    site = make_site(tmp_path, {})
    assert main(import_args(site, names[:1], False)) == 0
    [(name, before)] = articles(site).items()
    Path(names[0]).write_text(report(TITLES[0]) + "附：下一年度计划另行印发。\n", encoding="utf-8")
    capsys.readouterr()
    assert main(import_args(site, names[:1], False)) == 0
    out = capsys.readouterr().out
    after = articles(site)
    assert len(after) == 2 and after[name] == before
    assert "已存在，改用" in out and "跳过" not in out


def test_an_article_of_the_editor_with_the_same_name_is_never_replaced(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    names = sources(tmp_path / "sources")
    own = "---\ntitle: 红星社区工作总结\ndate: 2023-01-01\n---\n编辑自己写的文章。\n"
    site = make_site(tmp_path, {"content/news/hong-xing-she-qu-gong-zuo-zong-jie.md": own})
    assert main(import_args(site, names[:1], False)) == 0
    assert (site / "content/news/hong-xing-she-qu-gong-zuo-zong-jie.md").read_text(encoding="utf-8") == own
    assert (site / "content/news/hong-xing-she-qu-gong-zuo-zong-jie-2.md").exists()
    assert "已存在，改用 hong-xing-she-qu-gong-zuo-zong-jie-2.md" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("cut", "code"),
    [("---\ntitle: 红星社区工作总结\ndate: 2023-05-", "文件头没有结束行"), ("", "文件开头缺少文件头")],
    ids=["cut-in-front-matter", "empty"],
)
def test_check_refuses_an_article_cut_by_an_older_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        cut: str, code: str) -> None:
    """An import before atomic writes could leave a file cut short: ``check`` names it, exit 1."""
    site = make_site(tmp_path, {"content/news/cut.md": cut})
    assert main(["check", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "content/news/cut.md" in err and code in err and "Traceback" not in err
