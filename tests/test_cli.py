"""The command line: commands, exit codes (0 ok, 1 site errors, 2 usage), Chinese messages, output folder.

Exit codes and the default command are checked on a real subprocess (what an editor runs); the
rest calls ``civicpress.cli.main`` in-process, which is much faster and returns the same code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
import yaml

from civicpress.cli import main


@cache
def repo_root() -> Path:
    """The checkout holding build.py, found from this file so the tests run from any folder."""
    root = Path(__file__).resolve().parent.parent
    assert (root / "build.py").is_file(), f"build.py not found in {root}"
    return root


def epoch(day: str) -> str:
    return str(int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()))


NOW_EPOCH = epoch("2024-06-01")  # "now" for every build here: never the day the tests run

CONFIG = """\
title: 测试社区
base_url: https://ce-shi.example.cn/
sections:
  - key: news
    title: 社区动态
  - key: events
    title: 活动纪实
"""


def article(title: str, day: str, extra: str = "", body: str = "社区居民积极参加。") -> str:
    return f"---\ntitle: {title}\ndate: {day}\n{extra}---\n{body}\n"


SITE: dict[str, str | None] = {
    "site_config.yaml": CONFIG,
    "content/news/yi-shi-hui.md": article("社区召开居民议事会", "2024-03-01"),
    "content/news/xiao-fang.md": article("社区开展消防演练", "2024-03-05"),
    "content/about.md": "---\ntitle: 关于我们\n---\n永丰社区位于城区东部。\n",
}


# ---------------------------------------------------------------- helpers


def make_site(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """A small valid site in ``root/site``; ``files`` add or replace files (None deletes one)."""
    site = root / "site"
    for rel, text in {**SITE, **(files or {})}.items():
        path = site / rel
        if text is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def run_cli(*args: str, cwd: Path | None = None, **env_extra: str) -> subprocess.CompletedProcess[str]:
    """``python build.py ARGS`` in a subprocess, started from ``cwd`` (the checkout by default)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["SOURCE_DATE_EPOCH"] = NOW_EPOCH
    env["PYTHONIOENCODING"] = "utf-8"  # pipes otherwise use the machine's locale encoding
    env.update(env_extra)
    command = [sys.executable, str(repo_root() / "build.py"), *args]
    proc = subprocess.run(
        command, cwd=cwd or repo_root(), env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process builds read "now" from SOURCE_DATE_EPOCH too."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW_EPOCH)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


def page_html(site: Path, output_path: str) -> Path:
    return site / "output" / output_path


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    loaded = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    assert isinstance(loaded, dict)
    return loaded


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command that must be refused as wrong usage; returns what it printed on stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


# ---------------------------------------------------------------- build, the default command


def test_no_arguments_builds_the_site_in_the_current_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    proc = run_cli(cwd=site)

    assert proc.returncode == 0, proc.stderr
    assert page_html(site, "index.html").is_file()
    assert "社区召开居民议事会" in page_html(site, "news/yi-shi-hui/index.html").read_text(encoding="utf-8")
    assert proc.stdout.strip().splitlines()[-1].startswith("完成")


def test_options_without_a_command_mean_build(tmp_path: Path, fixed_now: None) -> None:
    site = make_site(tmp_path)
    assert main(["--site", str(site), "--quiet"]) == 0
    assert page_html(site, "index.html").is_file()


def test_build_prints_the_closing_summary(tmp_path: Path, fixed_now: None, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path)
    assert main(["build", "--site", str(site)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("完成")
    assert "3 篇文章" in lines[-1]  # two news articles and the about page


def test_quiet_build_prints_nothing_on_success(
    tmp_path: Path, fixed_now: None, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path)
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- help and usage errors


def test_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：python build.py")
    for command in ("build", "serve", "new", "check"):
        assert command in out
    assert "生成网站" in out and "显示帮助" in out
    assert "usage:" not in out and "show this help" not in out


@pytest.mark.parametrize("command", ["build", "new", "check", "serve"])
def test_command_help_is_chinese(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"用法：python build.py {command} ")
    assert "显示帮助" in out and "usage:" not in out


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["frobnicate"], "无效的选择"),
        (["new"], "缺少参数"),
        (["new", "news"], "缺少参数"),
        (["serve", "--port", "abc"], "不是端口号"),
        (["build", "--nosuch"], "无法识别的参数"),
    ],
    ids=["unknown-command", "new-without-arguments", "new-without-title", "port-not-a-number", "unknown-option"],
)
def test_usage_errors_exit_2_in_chinese(args: list[str], phrase: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, *args)
    assert "错误：" in err and phrase in err
    assert "用法：" in err
    assert "usage:" not in err and "error:" not in err


@pytest.mark.parametrize("args", [["new"], ["serve", "--port", "abc"], ["check", "--site"]], ids=lambda a: a[0])
def test_usage_line_of_a_command_has_one_prefix(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, *args)
    assert f"用法：python build.py {args[0]} " in err
    assert "用法：用法：" not in err


def test_usage_error_exit_code_of_the_process() -> None:
    proc = run_cli("frobnicate")
    assert proc.returncode == 2
    assert "错误" in proc.stderr


# ---------------------------------------------------------------- new


def test_new_creates_a_pinyin_named_article_that_builds(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    # The article's date is "today" where the editor sits; fix the process's zone to the site's
    # (+08:00) so today's date is never a future date for the build, whatever this machine's zone.
    beijing = timezone(timedelta(hours=8))
    before = datetime.now(beijing).date()
    proc = run_cli("new", "news", "社区召开议事会", "--site", str(site), TZ="CST-8")
    after = datetime.now(beijing).date()

    assert proc.returncode == 0, proc.stderr
    created = site / "content" / "news" / "she-qu-zhao-kai-yi-shi-hui.md"
    assert created.is_file()
    assert "she-qu-zhao-kai-yi-shi-hui.md" in proc.stdout
    front = front_matter(created)
    assert front["title"] == "社区召开议事会"
    assert front["date"] in (before, after)
    assert front["draft"] is True  # a new article is the editor's draft until she says otherwise

    built = run_cli("build", "--site", str(site), TZ="CST-8", SOURCE_DATE_EPOCH="")
    assert built.returncode == 0, built.stderr
    assert not page_html(site, "news/she-qu-zhao-kai-yi-shi-hui/index.html").exists()
    assert "另有 1 篇草稿没有发布" in built.stdout

    text = created.read_text(encoding="utf-8")  # the editor deletes the draft line, as its comment says
    created.write_text(re.sub(r"(?m)^draft: true.*\n", "", text), encoding="utf-8")
    built = run_cli("build", "--site", str(site), TZ="CST-8", SOURCE_DATE_EPOCH="")
    assert built.returncode == 0, built.stderr
    html = page_html(site, "news/she-qu-zhao-kai-yi-shi-hui/index.html").read_text(encoding="utf-8")
    assert "社区召开议事会" in html
    assert "草稿" not in built.stdout


def test_new_writes_status_draft_where_approval_is_required(tmp_path: Path, fixed_now: None) -> None:
    site = make_site(tmp_path, {"site_config.yaml": CONFIG + "require_approval: true\n"})
    assert main(["new", "news", "社区召开议事会", "--site", str(site)]) == 0
    front = front_matter(site / "content" / "news" / "she-qu-zhao-kai-yi-shi-hui.md")
    assert front["status"] == "草稿"
    assert "draft" not in front  # one switch: the review status says it all


def test_build_counts_the_drafts_it_left_out(tmp_path: Path, fixed_now: None,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {
        "content/news/a.md": article("草稿一", "2024-03-01", "draft: true\n"),
        "content/news/b.md": article("草稿二", "2024-03-02", "status: 草稿\n"),
    })
    assert main(["build", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert "另有 2 篇草稿没有发布" in out
    assert "python build.py serve" in out  # where she can see them
    # status: 草稿 is a draft even where approval is not required: never published by accident.
    assert not (site / "output/news/b/index.html").exists()
    assert not (site / "output/news/a/index.html").exists()
    assert (site / "output/news/yi-shi-hui/index.html").exists()


def test_a_build_in_which_nothing_changed_still_says_what_it_left_out(
    tmp_path: Path, fixed_now: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """The drafts and unapproved articles are still waiting for the editor, whatever the cache knows."""
    site = make_site(tmp_path, {
        "site_config.yaml": CONFIG + "require_approval: true\n",
        "content/news/yi-shi-hui.md": article("社区召开居民议事会", "2024-03-01", "status: 已审\n"),
        "content/news/xiao-fang.md": article("社区开展消防演练", "2024-03-05", "status: 已审\n"),
        "content/news/a.md": article("草稿一", "2024-03-01", "draft: true\n"),
        "content/news/b.md": article("草稿二", "2024-03-02", "status: 草稿\n"),
        "content/news/c.md": article("待审一", "2024-03-03", "status: 待审\n"),
        "content/about.md": "---\ntitle: 关于我们\nstatus: 已审\n---\n永丰社区位于城区东部。\n",
    })
    for build in ("first", "unchanged"):
        assert main(["build", "--site", str(site)]) == 0
        out = capsys.readouterr().out
        assert ("没有变化" in out) is (build == "unchanged")
        assert "另有 2 篇草稿没有发布" in out, build
        assert "另有 1 篇文章尚未审核通过" in out, build
    (site / "content/news/a.md").write_text(article("草稿一", "2024-03-01", "status: 已审\n"), encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    assert main(["build", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert out.count("另有 1 篇草稿没有发布") == 2  # the count follows the content, not the first build
    assert "没有变化" in out


def test_drafts_are_marked_when_shown(tmp_path: Path, fixed_now: None) -> None:
    site = make_site(tmp_path, {
        "content/news/a.md": article("草稿一", "2024-03-01", "draft: true\n"),
        "content/news/b.md": article("待审稿", "2024-03-02", "status: 草稿\n"),
    })
    assert main(["build", "--site", str(site), "--drafts", "-q"]) == 0
    for name in ("a", "b"):
        html = (site / "output/news" / name / "index.html").read_text(encoding="utf-8")
        assert '<span class="draft-mark">草稿</span>' in html
    listing = (site / "output/news/index.html").read_text(encoding="utf-8")
    assert listing.count('<span class="draft-mark">草稿</span>') == 2
    published = (site / "output/news/yi-shi-hui/index.html").read_text(encoding="utf-8")
    assert "draft-mark" not in published


def test_new_twice_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path)
    folder = site / "content" / "news"
    assert main(["new", "news", "社区召开议事会", "--site", str(site)]) == 0
    first = folder / "she-qu-zhao-kai-yi-shi-hui.md"
    edited = first.read_text(encoding="utf-8") + "\n编辑已经写好的正文。\n"
    first.write_text(edited, encoding="utf-8")

    assert main(["new", "news", "社区召开议事会", "--site", str(site)]) == 0

    assert first.read_text(encoding="utf-8") == edited
    second = folder / "she-qu-zhao-kai-yi-shi-hui-2.md"
    assert front_matter(second)["title"] == "社区召开议事会"
    assert len(list(folder.glob("she-qu-zhao-kai-yi-shi-hui*.md"))) == 2


def test_new_in_an_unknown_section_names_the_sections(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path)
    before = snapshot(site)

    assert main(["new", "nosuchsection", "x", "--site", str(site)]) == 1

    err = capsys.readouterr().err
    assert "nosuchsection" in err and "news" in err and "events" in err
    assert snapshot(site) == before


# ---------------------------------------------------------------- check


def test_check_passes_a_good_site_and_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    before = snapshot(tmp_path)

    proc = run_cli("check", "--site", str(site))

    assert proc.returncode == 0, proc.stderr
    assert not (site / "output").exists()
    assert snapshot(tmp_path) == before


def test_check_fails_an_invalid_site_and_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/xiao-fang.md": article("社区开展消防演练", "2024-13-05")})
    before = snapshot(tmp_path)

    proc = run_cli("check", "--site", str(site))

    assert proc.returncode == 1
    assert "content/news/xiao-fang.md:3: 错误" in proc.stderr
    assert snapshot(tmp_path) == before


def test_check_finds_rendering_errors_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # check renders every page without writing, so a broken link is found as a build would find it.
    body = "见[通知](tong-zhi.md)。"
    site = make_site(tmp_path, {"content/news/xiao-fang.md": article("社区开展消防演练", "2024-03-05", body=body)})
    assert main(["check", "--site", str(site)]) == 1
    assert "content/news/xiao-fang.md:5: 错误" in capsys.readouterr().err
    assert not (site / "output").exists()


# ---------------------------------------------------------------- what gets published


def test_drafts_are_built_only_with_drafts_option(tmp_path: Path, fixed_now: None) -> None:
    draft = article("国庆假期值班安排（草稿）", "2024-03-10", extra="draft: true\n")
    site = make_site(tmp_path, {"content/news/zhi-ban.md": draft})
    output = page_html(site, "news/zhi-ban/index.html")

    assert main(["build", "--site", str(site), "--quiet"]) == 0
    assert not output.exists()
    assert "值班安排" not in page_html(site, "news/index.html").read_text(encoding="utf-8")

    assert main(["build", "--site", str(site), "--quiet", "--drafts"]) == 0
    assert output.is_file()


def test_future_pages_wait_for_their_date(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/yuan-dan.md": article("元旦联欢会通知", "2024-12-20")})
    output = page_html(site, "news/yuan-dan/index.html")

    assert run_cli("build", "--site", str(site), SOURCE_DATE_EPOCH=epoch("2024-06-01")).returncode == 0
    assert not output.exists()

    assert run_cli("build", "--site", str(site), "--drafts", SOURCE_DATE_EPOCH=epoch("2024-06-01")).returncode == 0
    assert output.is_file()

    assert run_cli("build", "--site", str(site), SOURCE_DATE_EPOCH=epoch("2025-01-01")).returncode == 0
    assert output.is_file()


def test_expired_pages_are_left_out(tmp_path: Path, fixed_now: None) -> None:
    notice = article("春节期间停水通知", "2024-01-20", extra="expiry_date: 2024-02-20\n")
    site = make_site(tmp_path, {"content/news/ting-shui.md": notice})

    assert main(["build", "--site", str(site), "--quiet"]) == 0

    assert not page_html(site, "news/ting-shui/index.html").exists()
    assert "停水通知" not in page_html(site, "news/index.html").read_text(encoding="utf-8")
    assert page_html(site, "news/yi-shi-hui/index.html").is_file()


# ---------------------------------------------------------------- the output folder


@pytest.mark.parametrize("where", ["site", "parent", "content"])
def test_out_inside_or_above_the_site_is_refused(
    where: str, tmp_path: Path, fixed_now: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # A build replaces its whole output folder: the site's own files must never be that folder.
    site = make_site(tmp_path)
    out = {"site": site, "parent": tmp_path, "content": site / "content"}[where]
    before = snapshot(tmp_path)

    assert main(["build", "--site", str(site), "--out", str(out)]) == 1

    assert "错误" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_out_at_the_site_folder_exits_1_from_the_process(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    before = snapshot(tmp_path)
    proc = run_cli("build", "--site", str(site), "--out", str(site))
    assert proc.returncode == 1
    assert "错误" in proc.stderr
    assert snapshot(tmp_path) == before


def test_files_of_a_deleted_page_disappear(tmp_path: Path, fixed_now: None) -> None:
    site = make_site(tmp_path)
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    assert page_html(site, "news/xiao-fang/index.html").is_file()

    (site / "content" / "news" / "xiao-fang.md").unlink()
    assert main(["build", "--site", str(site), "--quiet"]) == 0

    assert not page_html(site, "news/xiao-fang").exists()
    assert page_html(site, "news/yi-shi-hui/index.html").is_file()


def test_failed_build_leaves_the_last_good_output(
    tmp_path: Path, fixed_now: None, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path)
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    good = snapshot(site / "output")
    around = sorted(p.name for p in site.iterdir())

    # Two mistakes: one found while reading, one while rendering (after some pages are rendered).
    (site / "content" / "news" / "xiao-fang.md").write_text(article("社区开展消防演练", "2024-3-32"), encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 1
    assert snapshot(site / "output") == good

    (site / "content" / "news" / "xiao-fang.md").write_text(
        article("社区开展消防演练", "2024-03-05", body="见[通知](tong-zhi.md)。"), encoding="utf-8"
    )
    assert main(["build", "--site", str(site)]) == 1
    assert snapshot(site / "output") == good
    assert sorted(p.name for p in site.iterdir()) == around, "no staging folder may be left behind"
    assert "失败" in capsys.readouterr().err


def test_a_copy_of_the_checkout_builds_from_anywhere(tmp_path: Path) -> None:
    # build.py finds its package next to itself, not through PYTHONPATH or the current folder.
    site = make_site(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run_cli("build", "--site", str(site), "--out", str(tmp_path / "out"), cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    assert not any(elsewhere.iterdir())


def test_a_second_build_says_nothing_changed_and_no_cache_makes_everything(
    tmp_path: Path, fixed_now: None, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path)
    assert main(["build", "--site", str(site)]) == 0
    capsys.readouterr()
    assert main(["build", "--site", str(site)]) == 0
    assert "没有变化" in capsys.readouterr().out
    assert main(["build", "--site", str(site), "--no-cache"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    total = re.search(r"共 (\d+) 个文件", last)
    assert "没有变化" not in last and total and f"重新生成 {total.group(1)} 个" in last


# ---------------------------------------------------------------- version and entry points


def _version_of(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_version_on_build_py_and_python_m_civicpress(tmp_path: Path) -> None:
    import civicpress

    expected = f"civicpress {civicpress.__version__}"
    assert _version_of(run_cli("--version", cwd=tmp_path)) == expected
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(repo_root())
    env["PYTHONIOENCODING"] = "utf-8"
    by_module = subprocess.run([sys.executable, "-m", "civicpress", "--version"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert _version_of(by_module) == expected
    # python -m civicpress is the same command line: its help lists the commands.
    helped = subprocess.run([sys.executable, "-m", "civicpress", "-h"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert helped.returncode == 0 and "init" in helped.stdout


def test_version_is_kept_in_one_place() -> None:
    """pip installs the version ``--version`` shows: pyproject reads it from civicpress.__version__."""
    import tomllib

    pyproject = tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "civicpress.__version__"}


def test_console_script_runs_main() -> None:
    """``civicpress`` (pyproject's console script) is cli.main, the same command line as build.py."""
    import tomllib

    scripts = tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, function = scripts["civicpress"].partition(":")
    assert (module, function) == ("civicpress.cli", "main")


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    import civicpress

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"civicpress {civicpress.__version__}"


# ---------------------------------------------------------------- help in terminal columns
@pytest.mark.parametrize("command", [[], ["build"], ["serve"], ["deploy"], ["import"], ["init"], ["theme", "export"]])
def test_help_columns_line_up_for_chinese_text(command: list[str], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Every help text starts in one terminal column (a Chinese character is two), and no line is too wide."""
    from civicpress.cli import display_width

    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as exited:
        main([*command, "-h"])
    assert exited.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    starts: set[int] = set()
    body = lines[next(i for i, line in enumerate(lines) if line.endswith(":")):]  # the sections, not the usage
    for line in body:
        assert display_width(line) <= 80, line
        entry = re.match(r"^( +\S(?:.*?\S)?)( {2,})(\S.*)$", line)
        if entry:
            starts.add(display_width(entry.group(1) + entry.group(2)))
        elif re.match(r"^ {6,}\S", line):  # a help text going on under its first line
            starts.add(len(line) - len(line.lstrip(" ")))
    assert len(starts) == 1, "\n".join(body)


def test_wrapping_keeps_latin_words_whole_and_closing_marks_off_line_starts() -> None:
    from civicpress.cli import display_width, wrap_columns

    text = ("public（默认，公开版：隐藏内部内容和不公开的姓名，检查个人信息）"
            "或 internal（内部版，默认输出到 output-internal）")
    lines = wrap_columns(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(display_width(line) <= 22 for line in lines)  # a closing mark may hang one character over
    assert not any(line[0] in "，。）：" for line in lines)
    assert any(line.endswith("output-internal）") or line.startswith("output-internal") for line in lines)
