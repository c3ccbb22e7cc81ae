"""The preview server: safe serving, the error overlay, the watcher and its rebuilds, the host warning.

Pure parts are called directly; the rest runs a real watcher on real files and a real server on
127.0.0.1 in a thread, always stopped within seconds (every wait has a timeout). No test asserts how
fast anything is: bench/serve_latency.py measures that.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import inspect
import ipaddress
import json
import logging
import os
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from civicpress.cli import main, make_parser
from civicpress.errors import Finding, Location, SiteError
from civicpress.pipeline import BuildOptions, BuildResult, build
from civicpress.serve import (
    OVERLAY_ID,
    BuildQueue,
    ChangeKind,
    Preview,
    Watcher,
    classify_change,
    content_type,
    inject_overlay,
    is_editor_temp,
    is_loopback,
    preview_url,
    resolve_request,
    run_build,
    serve,
    warn_if_exposed,
)

SECRET = "SECRET-7f3a-never-served"
CONFIG = f"""# {SECRET}
title: 测试
base_url: https://example.cn/
slug_style: unicode
sections: [{{key: news, title: 新闻}}]
"""
ARTICLE = "---\ntitle: 标题\ndate: 2022-09-19\ntags: [党建]\n---\n正文。\n"
BROKEN = "---\ntitle: [\ndate: 2022-09-19\n---\n正文。\n"
TIMEOUT = 5.0


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(
        root,
        {
            "site_config.yaml": CONFIG,
            "content/news/a.md": ARTICLE,
            "static/data.json": "{}",
            "static/字体/f.woff2": b"wOF2",
        },
    )
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root


def options_for(site: Path) -> BuildOptions:
    return BuildOptions(site_dir=site, out_dir=site / "output")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def watch_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("civicpress-watch")]


@contextmanager
def running(
    site: Path, build_function: Callable[[BuildOptions], BuildResult] = build, step_ms: int = 10
) -> Iterator[Preview]:
    preview = Preview(options_for(site), "127.0.0.1", free_port(), build_function, step_ms=step_ms)
    thread = threading.Thread(target=preview.run, daemon=True)
    thread.start()
    try:
        assert preview.ready.wait(TIMEOUT), "server did not start"
        yield preview
    finally:
        preview.stop()
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "server did not stop"
        assert not watch_threads(), "the watcher did not stop"


@contextmanager
def watching(site: Path, out: Path | None = None) -> Iterator[queue.Queue[frozenset[str]]]:
    """A real Watcher on the site; yields the queue of the batches it reports."""
    reports: queue.Queue[frozenset[str]] = queue.Queue()
    watcher = Watcher(site, out or site / "output", lambda paths, _: reports.put(paths))
    watcher.start()
    try:
        assert watcher.wait_ready(TIMEOUT), "the watcher did not start"
        yield reports
    finally:
        watcher.stop()
        assert not watch_threads(), "the watcher did not stop"


def next_report(reports: queue.Queue[frozenset[str]]) -> frozenset[str]:
    return reports.get(timeout=TIMEOUT)


def reported_within(reports: queue.Queue[frozenset[str]], seconds: float) -> set[str]:
    """Everything reported in the next ``seconds`` (to show that nothing was)."""
    found: set[str] = set()
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        with contextlib.suppress(queue.Empty):
            found |= reports.get(timeout=left)
    return found


async def reload_after(port: int, change: Callable[[], None]) -> dict[str, object]:
    """Connects to the livereload websocket as livereload.js does, makes the change, returns the next message."""
    ws = await asyncio.wait_for(websocket_connect(f"ws://127.0.0.1:{port}/livereload"), TIMEOUT)
    try:
        await ws.write_message(json.dumps({"command": "hello", "protocols": []}))
        await asyncio.wait_for(ws.read_message(), TIMEOUT)
        await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
        await asyncio.sleep(0.1)  # let the server register this browser
        change()
        message = await asyncio.wait_for(ws.read_message(), TIMEOUT)
        assert isinstance(message, str)
        decoded: dict[str, object] = json.loads(message)
        return decoded
    finally:
        ws.close()


def request(port: int, path: str, method: str = "GET") -> tuple[int, http.client.HTTPResponse, str]:
    """A raw request: http.client sends the path exactly as given (no normalising of ../)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, response, body
    finally:
        conn.close()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.03)


# --- path resolution (pure) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_path",
    [
        "/../site_config.yaml",  # what /..%2fsite_config.yaml and /%2e%2e/ decode to
        "/news/../../site_config.yaml",
        "/../../etc/passwd",
        "/..\\site_config.yaml",  # %5c: a separator on Windows
        "/...",
        "/C:/Windows/win.ini",
        "/index.html::$DATA",
        "/index.html\0.txt",
    ],
)
def test_resolve_refuses_paths_that_leave_the_output_folder(tmp_path: Path, url_path: str) -> None:
    write(tmp_path, {"out/index.html": "<p>home</p>", "site_config.yaml": SECRET})
    resolved = resolve_request(tmp_path / "out", url_path)
    assert resolved.status == 403
    assert resolved.file is None


def test_resolve_refuses_a_symlink_pointing_out(tmp_path: Path) -> None:
    write(tmp_path, {"out/page.html": "<p>in</p>", "secret.txt": SECRET})
    (tmp_path / "out" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "out" / "leakdir").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "out" / "alias.html").symlink_to(tmp_path / "out" / "page.html")
    assert resolve_request(tmp_path / "out", "/leak.txt").status == 403
    assert resolve_request(tmp_path / "out", "/leakdir/secret.txt").status == 403
    assert resolve_request(tmp_path / "out", "/alias.html").status == 200  # inside: fine


def test_resolve_folders_files_and_missing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, {"index.html": "home", "news/index.html": "news", "tags/党建/index.html": "tag", "a.css": ""})
    assert resolve_request(out, "/").file == (out / "index.html").resolve()
    assert resolve_request(out, "/news/").file == (out / "news" / "index.html").resolve()
    assert resolve_request(out, "//news//").status == 200
    assert resolve_request(out, "/a.css").status == 200
    assert resolve_request(out, "/tags/党建/").status == 200
    redirect = resolve_request(out, "/tags/党建")
    assert (redirect.status, redirect.location) == (301, "/tags/%E5%85%9A%E5%BB%BA/")
    assert resolve_request(out, "/missing/").status == 404
    assert resolve_request(tmp_path / "not-built-yet", "/").status == 404


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("atom.xml", "application/xml; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
        ("font.WOFF2", "font/woff2"),
        ("search.json", "application/json"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("unknown.zzz", "application/octet-stream"),
    ],
)
def test_content_types(name: str, expected: str) -> None:
    assert content_type(name) == expected


# --- the overlay (pure) -----------------------------------------------------------------------


def test_overlay_goes_after_body_and_is_escaped() -> None:
    page = b"<!DOCTYPE html><html><head></head><body class='x'><p>old</p></body></html>"
    shown = inject_overlay(page, ("content/a.md:2: 错误：<script>alert(1)</script>",)).decode()
    assert shown.index(OVERLAY_ID) > shown.index("<body class='x'>")
    assert shown.index(OVERLAY_ID) < shown.index("<p>old</p>")
    assert "构建失败" in shown
    assert "content/a.md:2" in shown
    assert "<script>alert" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "position:fixed" in shown
    assert "border:4px solid #d00" in shown


def test_overlay_only_when_there_are_problems() -> None:
    page = b"<html><body>x</body></html>"
    assert inject_overlay(page, ()) == page
    assert inject_overlay(b"<p>no body tag</p>", ("x",)).startswith(b"<p>no body tag</p>")


# --- change detection and debounce (pure) ----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["~$报告.docx", "~WRL0001.tmp", ".a.md.swp", "a.md.swp", ".#a.md", "a.md~", ".~lock.a.docx#", "4913"]
)
def test_editor_temp_files(name: str) -> None:
    assert is_editor_temp(name)
    assert classify_change(f"content/news/{name}") is None


def test_classify_change() -> None:
    assert classify_change("content/news/a.md") is ChangeKind.CONTENT
    assert classify_change("content/_data/stats.yaml") is ChangeKind.CONTENT
    assert classify_change("templates/base.html") is ChangeKind.TEMPLATE
    assert classify_change("static/字体/f.woff2") is ChangeKind.STATIC
    assert classify_change("site_config.yaml") is ChangeKind.CONFIG
    assert classify_change("content/.git/index") is None
    assert classify_change("output/index.html") is None
    assert not is_editor_temp("a.md")


def test_watcher_keeps_only_what_the_build_reads(tmp_path: Path, site: Path) -> None:
    watcher = Watcher(site, site / "output", lambda paths, detected: None)
    root = site.resolve()
    assert watcher.relevant(str(root / "content" / "news" / "a.md")) == "content/news/a.md"
    assert watcher.relevant(str(root / "site_config.yaml")) == "site_config.yaml"
    assert watcher.relevant(str(root / "templates" / "base.html")) == "templates/base.html"
    for ignored in [
        "output/index.html",
        "output",
        ".civicpress-cache/pages.db",
        "content/.civicpress-cache/x",
        "content/.git/index",
        "content/news/~$a.docx",
        "content/news/.a.md.swp",
        "content/news/4913",
        "notes.txt",
        "site_config.yaml.tmp",
    ]:
        assert watcher.relevant(str(root / ignored)) is None, ignored
    assert watcher.relevant(str(tmp_path / "secret.txt")) is None  # outside the site
    outside = Watcher(site, tmp_path / "out", lambda paths, detected: None)
    assert outside.relevant(str((tmp_path / "out" / "index.html").resolve())) is None


def test_watcher_reports_saves_and_ignores_the_rest(site: Path) -> None:
    with watching(site) as reports:
        write(site, {"content/news/b.md": ARTICLE})
        assert "content/news/b.md" in next_report(reports)
        write(site, {"site_config.yaml": CONFIG + "description: 新\n"})
        assert next_report(reports) == {"site_config.yaml"}
        ignored = {
            "output/index.html": "built",
            ".civicpress-cache/state.json": "{}",
            "content/.civicpress-cache/x": "x",
            "content/news/~$a.docx": "lock",
            "content/news/a.md.swp": "swap",
            "content/.hidden.md": "x",
            "notes.txt": "x",
        }
        write(site, ignored)
        assert reported_within(reports, 0.3) == set()


def test_watcher_follows_replaced_config_and_new_folders(site: Path) -> None:
    with watching(site) as reports:
        # Saving by writing a new file and renaming it over the old one (vim, many Windows editors).
        write(site, {"site_config.yaml.new": CONFIG + "description: 一\n"})
        os.replace(site / "site_config.yaml.new", site / "site_config.yaml")
        assert "site_config.yaml" in next_report(reports)
        write(site, {"site_config.yaml": CONFIG + "description: 二\n"})
        assert next_report(reports) == {"site_config.yaml"}
        # templates/ did not exist when the watch started.
        write(site, {"templates/base.html": "x"})
        assert "templates" in next_report(reports)  # once the new folder is watched: a build sees the file
        write(site, {"templates/base.html": "y"})
        found = reported_within(reports, 0.5)
        assert "templates/base.html" in found


def test_build_queue_never_overlaps_builds() -> None:
    builds = BuildQueue()
    assert builds.start() is None  # nothing changed
    builds.add({"content/a.md"}, 1.0)
    first = builds.start()
    assert first is not None and (first.paths, first.detected) == ({"content/a.md"}, 1.0)
    builds.add({"content/b.md"}, 2.0)  # saved while the first build runs
    builds.add({"content/c.md", "content/b.md"}, 2.5)
    assert builds.start() is None  # still building
    builds.done()
    second = builds.start()
    assert second is not None and second.paths == {"content/b.md", "content/c.md"}
    assert second.detected == 2.0  # timed from the first of them
    builds.done()
    builds.add((), 3.0)  # a report of nothing does not start a build
    assert builds.start() is None


# --- building -------------------------------------------------------------------------------


def test_run_build_reports_site_errors_with_file_and_line(site: Path) -> None:
    assert run_build(options_for(site)).ok
    write(site, {"content/news/a.md": BROKEN})
    outcome = run_build(options_for(site))
    assert not outcome.ok
    assert any("content/news/a.md:" in problem for problem in outcome.problems)
    assert (site / "output" / "news" / "a" / "index.html").read_text(encoding="utf-8").count("标题")


def test_run_build_survives_a_bug(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    def crash(options: BuildOptions) -> BuildResult:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="civicpress.serve"):
        outcome = run_build(options_for(site), crash)
    assert not outcome.ok and "RuntimeError: boom" in outcome.problems[0]
    assert any(record.exc_info for record in caplog.records)  # the traceback is logged


def test_run_build_keeps_all_findings() -> None:
    findings = (Finding("x", "一", Location("content/a.md", 3)), Finding("y", "二", Location("content/b.md", 1)))

    def fail(options: BuildOptions) -> BuildResult:
        raise SiteError(*findings)

    outcome = run_build(BuildOptions(Path("."), Path("out")), fail)
    assert outcome.problems == tuple(f.format() for f in findings)


# --- host -----------------------------------------------------------------------------------


def test_default_host_is_loopback() -> None:
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert make_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert preview_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert preview_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert preview_url("::1", 8000) == "http://[::1]:8000/"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("my-pc", False),
    ],
)
def test_non_loopback_host_warns(host: str, loopback: bool, caplog: pytest.LogCaptureFixture) -> None:
    assert is_loopback(host) is loopback
    with caplog.at_level(logging.WARNING, logger="civicpress.serve"):
        assert warn_if_exposed(host) is not loopback
    assert any("其他电脑" in r.getMessage() for r in caplog.records) is not loopback


# --- the real server ----------------------------------------------------------------------------


def test_server_never_serves_files_outside_output(site: Path) -> None:
    with running(site) as preview:
        (site / "output" / "leak.txt").symlink_to(site.parent / "secret.txt")
        for path in [
            "/../site_config.yaml",
            "/..%2fsite_config.yaml",
            "/news/..%2f..%2fsite_config.yaml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/..%5csite_config.yaml",
            "/%5c..%5c..%5csecret.txt",
            "//etc/passwd",
            "/leak.txt",
            "/%252e%252e/site_config.yaml",
        ]:
            status, _, body = request(preview.port, path)
            assert status in (403, 404), path
            assert SECRET not in body and "root:" not in body, path


def test_server_serves_pages_folders_and_types(site: Path) -> None:
    with running(site) as preview:
        port = preview.port
        status, response, body = request(port, "/")
        assert status == 200 and response.getheader("Content-Type") == "text/html; charset=utf-8"
        assert "livereload.js" in body  # livereload wraps our app and adds its script
        assert OVERLAY_ID not in body
        status, response, _ = request(port, "/news")
        assert (status, response.getheader("Location")) == (301, "/news/")
        status, _, body = request(port, "/news/a/")
        assert status == 200 and "标题" in body
        status, _, body = request(port, "/tags/%E5%85%9A%E5%BB%BA/")
        assert status == 200 and "党建" in body
        status, _, body = request(port, "/no/such/page/")
        own_404 = (site / "output" / "404.html").read_text(encoding="utf-8")
        assert status == 404 and own_404.split("</head>")[1] in body
        for path, expected in [
            ("/atom.xml", "application/xml"),
            ("/sitemap.xml", "application/xml"),
            ("/favicon.svg", "image/svg+xml"),
            ("/data.json", "application/json"),
            ("/%E5%AD%97%E4%BD%93/f.woff2", "font/woff2"),
        ]:
            status, response, _ = request(port, path)
            assert status == 200, path
            assert (response.getheader("Content-Type") or "").startswith(expected), path
        status, response, body = request(port, "/", method="HEAD")
        assert status == 200 and body == ""
        assert request(port, "/", method="POST")[0] == 405


def test_failed_rebuild_shows_overlay_over_last_good_site(site: Path) -> None:
    with running(site) as preview:
        port = preview.port
        write(site, {"content/news/a.md": BROKEN})
        wait_until(lambda: OVERLAY_ID in request(port, "/news/a/")[2], "the overlay")
        status, _, body = request(port, "/news/a/")
        assert status == 200
        assert "构建失败" in body and "content/news/a.md:" in body
        assert "正文" in body  # the last good page is still there, under the overlay
        assert OVERLAY_ID in request(port, "/no/such/page/")[2]  # on every HTML page
        assert OVERLAY_ID not in request(port, "/data.json")[2]  # but never in other files

        write(site, {"content/news/a.md": ARTICLE.replace("标题", "新标题")})
        wait_until(lambda: OVERLAY_ID not in request(port, "/news/a/")[2], "the overlay to go")
        assert "新标题" in request(port, "/news/a/")[2]


def test_burst_of_saves_gives_one_rebuild(site: Path) -> None:
    with running(site, step_ms=250) as preview:  # a quiet period a busy test machine cannot break
        assert preview.builds == 1
        for n in range(5):
            write(site, {f"content/news/b{n}.md": ARTICLE, f"content/news/~$b{n}.docx": "lock"})
            write(site, {"content/news/a.md": ARTICLE + f"第{n}次修改。\n"})
        wait_until(lambda: preview.builds == 2, "the rebuild")
        time.sleep(0.6)  # more than two quiet periods: no second build follows
        assert preview.builds == 2
        assert request(preview.port, "/news/b4/")[0] == 200
        assert "第4次修改" in request(preview.port, "/news/a/")[2]


def test_output_cache_and_temp_files_give_no_rebuild(site: Path) -> None:
    with running(site) as preview:
        write(
            site,
            {
                "content/news/~$a.docx": "x",
                "content/news/a.md.swp": "x",
                "content/news/.#a.md": "x",
                "output/extra.html": "x",
                "output/news/a/index.html": "changed by hand",
                ".civicpress-cache/state.json": "{}",
                "content/.civicpress-cache/x": "x",
            },
        )
        time.sleep(0.3)
        assert preview.builds == 1


def test_a_bug_in_the_build_does_not_stop_the_server(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def build_then_crash(options: BuildOptions) -> BuildResult:
        calls.append(options)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return build(options)

    with caplog.at_level(logging.ERROR, logger="civicpress.serve"), running(site, build_then_crash) as preview:
        write(site, {"content/news/b.md": ARTICLE})
        wait_until(lambda: OVERLAY_ID in request(preview.port, "/")[2], "the overlay")
        assert "RuntimeError: boom" in request(preview.port, "/")[2]
        assert request(preview.port, "/news/a/")[0] == 200
    assert any(record.exc_info for record in caplog.records)


def test_an_edit_gives_one_rebuild_and_a_reload(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="civicpress.serve"), running(site) as preview:
        edit = lambda: write(site, {"content/news/a.md": ARTICLE + "新的一段。\n"})  # noqa: E731
        message = asyncio.run(reload_after(preview.port, edit))
        assert message["command"] == "reload"
        assert preview.builds == 2  # the reload comes after the build
        assert "新的一段" in request(preview.port, "/news/a/")[2]
        time.sleep(0.3)  # many quiet periods: the one save gave one build
        assert preview.builds == 2
        assert len(preview.latencies) == 1
    shown = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any(m.startswith("已更新 1 个文件") and "秒）" in m for m in shown), shown


def test_cli_serve_reports_a_busy_port(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """"Address already in use" said in Chinese, with a port that is free to use instead."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--site", str(site), "--port", str(port)])
        err = capsys.readouterr().err
        assert code == 1
        assert f"端口 {port} 已被占用" in err
        assert "Address already in use" not in err and "Traceback" not in err
        suggested = re.search(r"python build.py serve --port (\d+)", err)
        assert suggested is not None, err
        other = int(suggested.group(1))
        assert other != port
        with socket.socket() as probe:  # the port it names is one the preview can take
            probe.bind(("127.0.0.1", other))


@pytest.mark.parametrize("port", ["0", "65536", "-1", "八千", "80.5"])
def test_cli_serve_refuses_an_invalid_port_in_chinese(site: Path, port: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--site", str(site), "--port", port])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "不是端口号" in err and "1 到 65535" in err
    assert not (site / "output").exists()  # nothing was built


def test_cli_serve_on_all_addresses_prints_the_address_a_phone_opens(site: Path) -> None:
    """`serve --host 0.0.0.0` names this computer's LAN address; the preview answers there."""
    import signal
    import subprocess
    import sys

    port = free_port()
    build_py = Path(__file__).resolve().parent.parent / "build.py"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, str(build_py), "serve", "--site", str(site), "--host", "0.0.0.0",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True, encoding="utf-8")
    try:
        assert proc.stdout is not None
        shown = ""
        while "手机" not in shown:
            line = proc.stdout.readline()
            assert line, proc.communicate()
            shown = line
        found = re.search(r"http://([0-9.]+):(\d+)/", shown)
        if found is None:  # a machine with no network at all: the line says how to find the address
            assert "ipconfig" in shown and str(port) in shown
            return
        address = found.group(1)
        assert int(found.group(2)) == port
        assert not ipaddress.ip_address(address).is_loopback
        conn = http.client.HTTPConnection(address, port, timeout=TIMEOUT)
        try:
            conn.request("GET", "/")
            response = conn.getresponse()
            assert response.status == 200
            assert "<html" in response.read().decode("utf-8")
        finally:
            conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "其他电脑也能看到" in err  # the warning that unpublished pages are visible on the network


def test_serve_refuses_to_serve_the_site_folder(site: Path) -> None:
    with pytest.raises(SiteError):
        serve(BuildOptions(site_dir=site, out_dir=site), port=free_port())
    assert os.path.exists(site / "site_config.yaml")


def test_cli_serve_previews_drafts_marked_as_drafts(site: Path) -> None:
    """What an editor runs: `python build.py serve` shows her draft, marked 草稿; Ctrl+C stops it."""
    import signal
    import subprocess
    import sys

    write(site, {"content/news/cao-gao.md": "---\ntitle: 还在写的稿子\ndate: 2022-09-20\ndraft: true\n---\n正文。\n"})
    port = free_port()
    build_py = Path(__file__).resolve().parent.parent / "build.py"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, str(build_py), "serve", "--site", str(site), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "serve did not answer"
            try:
                status, _, page = request(port, "/news/cao-gao/")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        assert '<span class="draft-mark">草稿</span>' in page
        _, _, listing = request(port, "/news/")
        assert "还在写的稿子" in listing and "draft-mark" in listing
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
