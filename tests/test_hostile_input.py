"""Hostile input: markup and template syntax in content is escaped or refused, never executed,
no path in content reaches outside the site folder, and nothing an editor writes can make the
build hang, crash with a traceback or publish something absurd: every such case is an error
naming the file and line, the build exits with 1 and the previous output stays as it was.

Covered elsewhere too: raw HTML and sanitizing (test_markup), `javascript:` links
(test_writers), the expression sandbox (test_expressions), YAML bombs (test_sources),
path traversal in the dev server (test_serve), one mistake per site through the command line
and the API (tests/sites/invalid/: slug-parent-folders, slug-reserved-output, markdown-too-deep,
markdown-emphasis-run, expression-too-large, expression-endless-loop).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitemaker import article, build_site, load, make_site
from test_invalid_sites import NOW, assert_no_traceback, fill_sentinel, repo_root, run_build, snapshot

from civicpress.errors import BuildFailed, Location
from civicpress.expressions import expand, make_environment
from civicpress.markup import MarkdownRenderer, plain_text
from civicpress.model import RESERVED_NAMES
from civicpress.templating import Renderer
from civicpress.writers.pages import PageLimits, PageRenderers, write_pages

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


def test_a_huge_file_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    big = article("甲", body="字" * (6 * 1024 * 1024 // 3 + 10))
    site = make_site(tmp_path, {"content/news/a.md": big})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert [(f.code, f.location) for f in caught.value.findings] == [
        ("file-too-large", Location("content/news/a.md"))
    ]


# ---------------------------------------------------------------- helpers for the command line


def refused_by_cli(tmp_path: Path, site: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], bool]:
    """Build ``site`` over an earlier output with the real command line: (the run, output unchanged)."""
    out = tmp_path / "out"
    fill_sentinel(out)
    before = snapshot(out)
    proc = run_build(site, out, *extra)
    return proc, snapshot(out) == before


def assert_refused(proc: subprocess.CompletedProcess[str], unchanged: bool, where: str) -> None:
    """Exit 1, no traceback, a Chinese error at ``where`` (``path:line``) with a hint, the old output kept."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_no_traceback(proc)
    assert f"{where}: 错误：" in proc.stderr, proc.stderr
    assert "提示：" in proc.stderr
    assert unchanged


def errors_of(site: Path, tmp_path: Path) -> list[tuple[str, Location | None]]:
    """The error findings of a build through the API, which must fail and leave no output."""
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    return [(f.code, f.location) for f in caught.value.findings if f.is_error]


# ---------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    "slug",
    ["../../../../evil", "../evil", "a/b", "..", ".", "..\\..\\evil", "C:\\evil", "con", "NUL.txt", "a:b",
     "a?b", ".hidden", "trailing."],
)
def test_a_slug_that_is_not_one_file_name_is_an_editor_error(tmp_path: Path, slug: str) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", slug=slug), "content/news/b.md": article("乙")})
    assert errors_of(site, tmp_path) == [("bad-slug", Location("content/news/a.md", 4))]


def test_a_slug_leaving_the_output_folder_through_the_cli(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", slug="../../../../evil")})
    proc, unchanged = refused_by_cli(tmp_path, site)
    assert_refused(proc, unchanged, "content/news/a.md:4")
    assert not list(tmp_path.rglob("evil"))


# What the writers publish besides the pages, sections and content files: a page there would
# collide with them (as a file, or as the folder its index.html needs).
RESERVED = ["atom.xml", "sitemap.xml", "robots.txt", "search", "pagefind", "print", "tags", "404.html",
            "index.html", "style.css", "site.js", "favicon.ico", "news"]


@pytest.mark.parametrize("slug", RESERVED)
def test_a_page_on_an_address_the_site_uses_is_an_error(tmp_path: Path, slug: str) -> None:
    files = {"content/news/a.md": article("甲"), "content/about.md": article("关于", date=None, slug=slug)}
    site = make_site(tmp_path, files)
    assert errors_of(site, tmp_path) == [("reserved-url", Location("content/about.md", 3))]


def test_a_page_file_named_like_the_search_page_is_an_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲"), "content/search.md": article("搜索", date=None)})
    assert errors_of(site, tmp_path) == [("reserved-url", Location("content/search.md"))]


def test_a_slug_on_a_content_file_is_an_error(tmp_path: Path) -> None:
    files = {"content/news/a.md": article("甲", slug="report.pdf"), "content/news/report.pdf": b"%PDF-1.4\n"}
    site = make_site(tmp_path, files)
    assert errors_of(site, tmp_path) == [("reserved-url", Location("content/news/a.md", 4))]


def test_a_reserved_slug_through_the_cli(tmp_path: Path) -> None:
    files = {"content/news/a.md": article("甲"), "content/about.md": article("关于", date=None, slug="sitemap.xml")}
    proc, unchanged = refused_by_cli(tmp_path, make_site(tmp_path, files))
    assert_refused(proc, unchanged, "content/about.md:3")


@pytest.mark.parametrize(
    ("record_slug", "url", "code"),
    [("../../evil", "/honors/:slug/", "bad-slug"), ("x", "/../../evil/:slug/", "bad-url"),
     ("x", "/search/:slug/", "reserved-url")],
)
def test_data_page_addresses_stay_inside_the_site(tmp_path: Path, record_slug: str, url: str, code: str) -> None:
    config = {"data_pages": [{"data": "honors", "url": url, "template": "honor.html", "title": "title"}]}
    honors = f"- title: 文明社区\n  slug: '{record_slug}'\n"
    files = {"content/news/a.md": article("甲"), "content/_data/honors.yaml": honors}
    site = make_site(tmp_path, files, config)
    errors = errors_of(site, tmp_path)
    assert [found for found, _ in errors] == [code]
    assert errors[0][1] is not None and errors[0][1].path == "site_config.yaml"


def test_the_reserved_names_cover_what_the_writers_publish(tmp_path: Path) -> None:
    """Every top-level name a build publishes besides pages, sections and content files is reserved."""
    files = {"content/news/a.md": article("甲", tags=["志愿服务"]), "content/about.md": article("关于", date=None),
             "content/materials/m.md": "---\ntitle: 交流材料\ndate: 2022-09-19\n---\n正文。\n"}
    site = make_site(tmp_path, files)
    build_site(site, tmp_path / "out")
    published = {p.name for p in (tmp_path / "out").iterdir()}
    own = {"news", "events", "honors", "achievements", "about"}  # the sections and the page
    assert {"print", "tags", "atom.xml", "404.html"} <= published  # the writers of this test all ran
    assert published - own <= set(RESERVED_NAMES), published - own - set(RESERVED_NAMES)


# ---------------------------------------------------------------- Markdown that would hang or exhaust the stack

DEEP_MARKDOWN = [
    ("list-indented", "\n".join("    " * i + "- 第一层" for i in range(300)), 5 + 32),
    ("list-one-line", "正文。\n\n" + "- " * 3000 + "x", 7),
    ("ordered-one-line", "1. " * 3000 + "x", 5),
    ("quote", "正文。\n" + "> " * 3000 + "x", 6),
    ("quote-per-line", "\n".join(">" * i + " 引文" for i in range(1, 3000)), 5 + 32),
    ("stars", "*" * 10000 + "x" + "*" * 10000, 5),
    ("underscores", "正文。\n\n" + "_" * 10000 + "x" + "_" * 10000, 7),
    ("strong", "**" * 5000 + "x" + "**" * 5000, 5),
    ("brackets", "[" * 10000 + "x", 5),
]


@pytest.mark.parametrize(("body", "line"), [(b, n) for _, b, n in DEEP_MARKDOWN], ids=[i for i, _, _ in DEEP_MARKDOWN])
def test_pathological_markdown_is_an_error_at_its_line_and_quick(tmp_path: Path, body: str, line: int) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body=body), "content/news/b.md": article("乙")})
    started = time.monotonic()
    errors = errors_of(site, tmp_path)
    assert time.monotonic() - started < 10
    assert errors == [("markdown-too-deep", Location("content/news/a.md", line))]


def test_a_3000_level_list_through_the_cli(tmp_path: Path) -> None:
    body = "正文。\n\n" + "\n".join(" " * i + "- 列表" for i in range(3000))  # 4.5 MB
    proc, unchanged = refused_by_cli(tmp_path, make_site(tmp_path, {"content/news/a.md": article("甲", body=body)}))
    assert_refused(proc, unchanged, "content/news/a.md:" + str(5 + 2 + 4 * 32))


@pytest.mark.parametrize(
    "body",
    ["- 一\n    - 二\n        - 三\n            - 四\n                - 五\n                    - 六",
     "> 一\n> > 二\n> > > 三", "*" * 3000, "分隔\n\n" + "_" * 3000 + "\n\n正文",
     "**加粗** *斜体* _下划线_ [链接](b.md)"],
    ids=["six-levels", "quotes", "star-rule", "underscore-rule", "inline"],
)
def test_ordinary_nesting_still_builds(tmp_path: Path, body: str) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body=body), "content/news/b.md": article("乙")})
    build_site(site, tmp_path / "out")
    assert (tmp_path / "out" / "news" / "a" / "index.html").is_file()


@pytest.mark.parametrize(
    "text",
    [*(piece * 200_000 for piece in ["![", "[", "[](", "{", "<", "[^", " \n", "|-", "- "]),
     "\n".join(" " * i + "- 列表" for i in range(3000))],
    ids=["image", "bracket", "link", "brace", "tag", "footnote", "blank-lines", "table", "list", "indented-list"],
)
def test_plain_text_of_repeated_markup_is_linear(text: str) -> None:
    """Summaries and search text are made of every article: no input may make that quadratic."""
    started = time.monotonic()
    plain_text(text)
    assert time.monotonic() - started < 2


# ---------------------------------------------------------------- what one page may cost


SLOW_BODY = "".join(f"第{i}条[^{i}]\n\n[^{i}]: 注释\n\n" for i in range(20000))  # ~20 s of Python-Markdown


def test_a_page_that_renders_too_long_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    files = {"content/news/slow.md": article("慢", body=SLOW_BODY), "content/news/fast.md": article("快")}
    site_dir = make_site(tmp_path, files)
    site, findings = load(site_dir)
    tools = PageRenderers(Renderer(site_dir), MarkdownRenderer(), limits=PageLimits(seconds=0.5))
    started = time.monotonic()
    made = {file.path for file in write_pages(site, tools, findings)}
    assert time.monotonic() - started < 5
    assert [(f.code, f.location) for f in findings.errors] == [("page-too-slow", Location("content/news/slow.md", 5))]
    assert "news/fast/index.html" in made and "news/slow/index.html" not in made
    assert threading.active_count() == 1  # the watch over the page has ended


def test_the_time_limit_stops_pages_in_worker_processes(tmp_path: Path) -> None:
    files = {f"content/news/p{n}.md": article(f"第{n}篇") for n in range(6)}
    files["content/news/slow.md"] = article("慢", body=SLOW_BODY)
    site_dir = make_site(tmp_path, files)
    site, findings = load(site_dir)
    # 2 s: an ordinary page on a busy machine stays well within it, the slow one (~20 s) does not
    tools = PageRenderers(Renderer(site_dir), MarkdownRenderer(), limits=PageLimits(seconds=2))
    started = time.monotonic()
    made = {file.path for file in write_pages(site, tools, findings, workers=2, min_pages=1)}
    assert time.monotonic() - started < 12
    assert [(f.code, f.location) for f in findings.errors] == [("page-too-slow", Location("content/news/slow.md", 5))]
    assert {f"news/p{n}/index.html" for n in range(6)} <= made


def test_every_kind_of_page_over_a_limit_is_reported_where_it_is_made_from(tmp_path: Path) -> None:
    """At the first body line of its text (article, section intro, home intro); else named by its output path."""
    files = {
        "content/_index.md": "---\ntitle: 欢迎\n---\n首页简介。\n",
        "content/news/_index.md": "---\ntitle: 社区动态\n---\n\n栏目简介。\n",
        "content/news/a.md": article("甲", tags=["党建"]),
        "content/about.md": article("关于我们", None),
    }
    site_dir = make_site(tmp_path, files, {"sections": [{"key": "news", "title": "社区动态"},
                                                        {"key": "events", "title": "活动纪实"}]})
    site, findings = load(site_dir)
    tools = PageRenderers(Renderer(site_dir), MarkdownRenderer(), limits=PageLimits(bytes=100))
    assert list(write_pages(site, tools, findings)) == []
    assert [(f.code, f.location, f.message.rpartition("上限")[2]) for f in findings.errors] == [
        ("page-too-large", Location("content/news/a.md", 7), ""),  # articles and plain pages first
        ("page-too-large", Location("content/about.md", 4), ""),
        ("page-too-large", Location("content/news/_index.md", 4), ""),  # the news list: at its intro
        ("page-too-large", None, "（events/index.html）"),  # a list without an intro
        ("page-too-large", None, "（tags/index.html）"),
        ("page-too-large", None, "（tags/dang-jian/index.html）"),
        ("page-too-large", Location("content/_index.md", 4), ""),  # the home page: at its intro
        ("page-too-large", None, "（404.html）"),
    ]


def test_a_page_over_the_size_limit_is_an_error_not_published(tmp_path: Path) -> None:
    # 36 KB of reference links that each repeat a 2,000-character address: a 12 MB page.
    body = "[a]: https://example.cn/" + "y" * 2000 + "\n\n" + "[a][] " * 6000
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body=body), "content/news/b.md": article("乙")})
    proc, unchanged = refused_by_cli(tmp_path, site)
    assert_refused(proc, unchanged, "content/news/a.md:5")


def test_an_expression_making_a_huge_text_is_refused_through_the_cli(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("甲", body="正文。\n{{ 'x' * 300000000 }}")})
    started = time.monotonic()
    proc, unchanged = refused_by_cli(tmp_path, site)
    assert time.monotonic() - started < 30
    assert_refused(proc, unchanged, "content/news/a.md:6")


# ---------------------------------------------------------------- symlinks


def _link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(target, path, target_is_directory=target.is_dir())
    except (OSError, NotImplementedError) as exc:  # Windows without the right to make links
        pytest.skip(f"cannot make a symbolic link here: {exc}")


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("content/news/linked.md", "secret.md"),
        ("content/news/linked.png", "secret.png"),
        ("content/news/linked-folder", "folder"),
        ("content/_data/secrets.yaml", "secrets.yaml"),
        ("static/linked.css", "secret.md"),
        ("static/linked-folder", "folder"),
        ("templates/article.html", "article.html"),
    ],
)
def test_a_symlink_in_the_site_is_refused_not_skipped(tmp_path: Path, link: str, target: str) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(article("机密"), encoding="utf-8")
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n")
    (outside / "folder" / "b.md").write_text(article("外部文件夹"), encoding="utf-8")
    (outside / "secrets.yaml").write_text("password: hunter2\n", encoding="utf-8")
    (outside / "article.html").write_text("{{ page.title }}\n", encoding="utf-8")
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    _link(site / link, outside / target)
    assert errors_of(site, tmp_path) == [("symlink", Location(link))]


def test_a_symlink_through_the_cli(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(article("机密"), encoding="utf-8")
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    _link(site / "content/news/linked.md", secret)
    proc, unchanged = refused_by_cli(tmp_path, site)
    assert_refused(proc, unchanged, "content/news/linked.md")
    assert "机密" not in proc.stdout + proc.stderr


# ---------------------------------------------------------------- an output folder that cannot be written


def in_own_mounts(script: str, **paths: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) in a mount namespace of its own, so its tmpfs mounts vanish with it.

    The variables are the ``paths`` plus REPO and PY; skipped where the system allows no such namespace.
    """
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False) if shutil.which(
        "unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs `unshare -rm` (a user and mount namespace) to mount a small or read-only disk")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({name: str(path) for name, path in paths.items()})
    env.update(REPO=str(repo_root()), PY=sys.executable, SOURCE_DATE_EPOCH=str(int(NOW.timestamp())),
               PYTHONIOENCODING="utf-8")
    return subprocess.run(["unshare", "-rm", "sh", "-c", "set -e\n" + script], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


BUILD_INTO = '''
set +e
cd "$REPO"
"$PY" build.py build --site "$SITE" --out "$OUT" > "$RESULT/stdout" 2> "$RESULT/stderr"
echo $? > "$RESULT/rc"
set -e
cp -a "$OUT" "$RESULT/after"
'''


@dataclass(frozen=True)
class DiskRun:
    code: int
    stderr: str
    unchanged: bool


def build_on_disk(tmp_path: Path, prepare: str, out_inside: str) -> DiskRun:
    """Build a small site into an output folder on a disk set up by ``prepare`` (with $DISK, $PREVIOUS)."""
    site = make_site(tmp_path, {f"content/news/p{n}.md": article(f"第{n}篇", body="正文。" * 200) for n in range(20)})
    previous, result, disk = tmp_path / "previous", tmp_path / "result", tmp_path / "disk"
    fill_sentinel(previous)
    result.mkdir()
    disk.mkdir()
    out = disk / out_inside
    done = in_own_mounts(prepare + BUILD_INTO, SITE=site, PREVIOUS=previous, RESULT=result, DISK=disk, OUT=out)
    assert done.returncode == 0, done.stderr
    stderr = (result / "stderr").read_text(encoding="utf-8")
    assert "Traceback" not in stderr, stderr
    assert str(out) in stderr, stderr  # the message names the folder
    return DiskRun(int((result / "rc").read_text()), stderr, snapshot(result / "after") == snapshot(previous))


def test_a_full_disk_is_a_message_and_the_old_output_stays(tmp_path: Path) -> None:
    prepare = '''
mount -t tmpfs -o size=256k tmpfs "$DISK"
cp -a "$PREVIOUS" "$OUT"
cat /dev/zero > "$DISK/filler" 2>/dev/null || true
'''
    run = build_on_disk(tmp_path, prepare, "out")
    assert run.code == 1 and run.unchanged
    assert "错误：" in run.stderr and "提示：" in run.stderr


def test_a_read_only_disk_is_a_message_and_the_old_output_stays(tmp_path: Path) -> None:
    prepare = '''
mount -t tmpfs -o size=4m tmpfs "$DISK"
cp -a "$PREVIOUS" "$OUT"
mount -o remount,ro "$DISK"
'''
    run = build_on_disk(tmp_path, prepare, "out")
    assert run.code == 1 and run.unchanged
    assert "错误：" in run.stderr and "提示：" in run.stderr


def test_a_folder_without_write_permission_is_a_message(tmp_path: Path) -> None:
    """Where no mount namespace can be made, a folder the user may not write to (root ignores this)."""
    site = make_site(tmp_path, {"content/news/a.md": article("甲")})
    parent = tmp_path / "locked"
    out = parent / "out"
    fill_sentinel(out)
    before = snapshot(out)
    parent.chmod(0o555)
    try:
        try:
            (parent / "probe").mkdir()
        except PermissionError:
            pass
        else:
            pytest.skip("this user may write into read-only folders (root, or Windows)")
        proc = run_build(site, out)
        assert_refused(proc, snapshot(out) == before, str(out))
    finally:
        parent.chmod(0o755)


def test_an_output_folder_that_is_a_mount_point_is_a_message(tmp_path: Path) -> None:
    prepare = '''
mkdir -p "$OUT"
mount -t tmpfs -o size=4m tmpfs "$OUT"
cp -a "$PREVIOUS/." "$OUT/"
'''
    run = build_on_disk(tmp_path, prepare, "out")
    assert run.code == 1 and run.unchanged  # a mount point cannot be renamed: EBUSY
    assert "错误：" in run.stderr and "提示：" in run.stderr


# ---------------------------------------------------------------- what one article's expressions may cost

COSTLY = {
    "repeat-text": "{{ 'x' * 300000000 }}",
    "repeat-list": "{{ [1] * 300000000 }}",
    "repeat-twice": "{{ 'x' * 100000 * 100000 }}",
    "repeat-list-of-texts": "{{ (['x' * 100000] * 1000) | join }}",
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "nested-loops-over-text": "{% for i in 'x' * 100000 %}{% for j in 'x' * 100000 %}{% endfor %}{% endfor %}",
    "loop-output": "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}",
    "huge-range": "{{ range(10 ** 9) | list }}",
    "power": "{{ 10 ** 300000000 }}",
    "power-of-power": "{{ (10 ** 100) ** 100000 }}",
    "center-filter": "{{ 'x' | center(300000000) }}",
    "center-method": "{{ 'x'.center(300000000) }}",
    "indent": "{{ 'x\\ny' | indent(300000000, true) }}",
    "format-width": "{{ '{:>300000000}'.format(1) }}",
    "format-nested-width": "{{ '{:>{w}}'.format(1, w=300000000) }}",
    "percent-width": "{{ '%300000000s' % 1 }}",
    "percent-star": "{{ '%*s' % (300000000, 1) }}",
    "format-filter": "{{ '%300000000s' | format(1) }}",
    "replace-method": "{{ ('x' * 100000).replace('', 'y' * 1000) }}",
    "replace-filter": "{{ ('x' * 100000) | replace('x', 'yy') }}",
    "join-method": "{{ ('x' * 100000).join(['a'] * 1000) }}",
    "macro-recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "macro-doubling": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "recursive-loop": "{% for x in [[1]] * 3 recursive %}{{ loop([[x]] * 3) }}{% endfor %}",
}


@pytest.mark.parametrize("text", list(COSTLY.values()), ids=list(COSTLY))
def test_costly_expressions_stop_at_a_limit_with_their_line(text: str) -> None:
    started = time.process_time()  # the work done, not the wall clock: a loaded machine stretches the latter
    result, finding = expand(make_environment(), "第一行\n" + text, {"data": {}}, Location("content/news/a.md"), 5)
    assert time.process_time() - started < 5
    assert result == "第一行\n" + text  # nothing half-made reaches the page
    assert finding is not None and finding.code == "expression-too-costly", finding
    assert finding.location == Location("content/news/a.md", 6)
    assert finding.hint


FINE = {
    "figure": ("{{ data.n | thousands }}", "12,345,678"),
    "percent": ("{{ '%d' % data.n }}/{{ '%.1f' | format(2.25) }}", "12345678/2.2"),
    "format": ("{{ '{:,}'.format(data.n) }}", "12,345,678"),
    "big-number": ("{{ 2 ** 64 }}", "18446744073709551616"),
    "loop-over-records": ("{% for r in data.rows %}{{ r }}{% endfor %}", "".join(map(str, range(5000)))),
    "long-enough-text": ("{{ ('x' * 99999) | length }}", "99999"),
    "padding": ("[{{ '12' | center(6) }}]", "[  12  ]"),
}


@pytest.mark.parametrize(("text", "expected"), list(FINE.values()), ids=list(FINE))
def test_ordinary_expressions_stay_within_the_limits(text: str, expected: str) -> None:
    data = {"n": 12345678, "rows": list(range(5000))}
    assert expand(make_environment(), text, {"data": data}, Location("content/news/a.md"), 5) == (expected, None)
