"""The preview server: ``python build.py serve [--port 8000] [--host 127.0.0.1]``.

::

    a save ─► Watcher (OS notifications through watchfiles: content/, templates/, static/, site_config.yaml;
              skips editor temp files, dot files, .civicpress-cache/ and the output folder;
              a burst of saves ends after 10 ms without a new event)
           ─► BuildQueue (never two builds at once; saves during a build all go into the next one)
           ─► pipeline.build in a worker thread ─► PreviewState ─► livereload tells the browsers to reload
           ─► "已更新 1 个文件，已通知浏览器刷新（0.043 秒）": from the watcher's report to the reload sent
    a request ─► tornado ─► livereload's LiveScriptContainer (adds the reload script to HTML)
              ─► SiteApp (WSGI) ─► resolve_request (never a file outside output/)
              ─► the file, with the error overlay when the last build failed

A failed build leaves the last good site in ``output/`` (the pipeline guarantees it); the server shows the
problems on top of every page and keeps going. The small parts (``resolve_request``, ``content_type``,
``inject_overlay``, ``BuildQueue``, ``is_editor_temp``, ``classify_change``, ``Watcher.relevant``,
``run_build``) are tested directly; ``Preview`` is the only Tornado/livereload glue.

Why our own watcher instead of livereload's ``Watcher``: its folder check stops at the first changed
file (a ``git pull`` of 50 files trickles in one file per 800 ms poll), it reloads at most once every
3 seconds, and ``LiveReloadHandler.start_tasks`` runs once per process. Why watchfiles (Rust's notify)
instead of polling snapshots: the OS tells us about a save within milliseconds (inotify, FSEvents,
ReadDirectoryChangesW on Windows), where a snapshot of a 1,000-page site took 10 ms of CPU per look
(0.1 s at 10,000 pages) and a save waited for the next poll and then a quiet period (0.2 s + 0.2 s).
We keep livereload for what it does well: the reload script, the websocket and ``reload_waiters``.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import html
import ipaddress
import logging
import mimetypes
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop
from watchfiles import Change, watch
from watchfiles.main import FileChange

from civicpress.errors import SiteError
from civicpress.options import BuildOptions, BuildResult
from civicpress.pipeline import build
from civicpress.publish import check_out_dir
from civicpress.rebuild.session import BuildSession
from civicpress.sitefolder import CONFIG_FILE, CONTENT_DIR, INPUT_FOLDERS, STATIC_DIR, TEMPLATES_DIR

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
STEP_MS = 10  # a burst of saves ends after this long without a new event (Word, vim: a few ms apart)
DEBOUNCE_MS = 500  # ... or after this long, when changes keep coming (a long git checkout)
WAKE_MS = 200  # the watch threads look up at least this often: a new watch has started, or stop
RETRY_SECONDS = 0.5  # after a watch failed (a folder removed while it was being set up)
STOP_SECONDS = 5.0
WATCHED_FOLDERS = INPUT_FOLDERS
EXIT_OK = 0

BuildFunction = Callable[[BuildOptions], BuildResult]
ChangeCallback = Callable[[frozenset[str], float], None]  # site-relative paths, when reported
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


# ---------------------------------------------------------------------------------------------
# Which changes matter


class ChangeKind(enum.Enum):
    """What a changed file is; today every kind gives a full build (publish is fast enough)."""

    CONFIG = "config"
    TEMPLATE = "template"
    STATIC = "static"
    CONTENT = "content"


_KIND_BY_TOP = {
    CONFIG_FILE: ChangeKind.CONFIG,
    TEMPLATES_DIR: ChangeKind.TEMPLATE,
    STATIC_DIR: ChangeKind.STATIC,
    CONTENT_DIR: ChangeKind.CONTENT,
}
# Vim probes a folder with a file named 4913 before saving; Office and WPS write ~$name lock files,
# LibreOffice .~lock.name#, Emacs .#name and name~.
_TEMP_PREFIXES = ("~$", ".#", ".~")
_TEMP_SUFFIXES = ("~", ".tmp", ".swp", ".swo", ".swx", ".crdownload")


def is_editor_temp(name: str) -> bool:
    """A file an editor writes while saving, never part of the site."""
    lower = name.lower()
    return lower.startswith(_TEMP_PREFIXES) or lower.endswith(_TEMP_SUFFIXES) or name == "4913"


def classify_change(rel: str) -> ChangeKind | None:
    """The kind of a changed path (relative to the site, POSIX), or None if the build never reads it."""
    parts = rel.split("/")
    # The content reader skips hidden files and folders, so a change there changes nothing.
    if any(part.startswith(".") for part in parts) or is_editor_temp(parts[-1]):
        return None
    kind = _KIND_BY_TOP.get(parts[0])
    if kind is ChangeKind.CONFIG and len(parts) > 1:
        return None
    return kind


class Watcher:
    """OS change notifications for the files the build reads (watchfiles: Rust's notify).

    Two watches, each in its own thread: content/, templates/ and static/ with all their sub-folders,
    and the site folder alone (site_config.yaml, and those three folders coming or going, which
    restarts the first watch). The output folder and ``.civicpress-cache/`` are never watched, and
    their names are ignored when they show up in the site folder. ``on_change`` gets the changed paths
    relative to the site and the ``time.monotonic()`` of the report, on a watch thread.
    """

    def __init__(
        self,
        site_dir: Path,
        out_dir: Path | None,
        on_change: ChangeCallback,
        step_ms: int = STEP_MS,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        self.site_dir = site_dir.resolve()
        self._out = out_dir.resolve() if out_dir is not None else None
        self._on_change = on_change
        self._step_ms = step_ms
        self._debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._rewatch = threading.Event()  # set: the folder watch starts again (also set by stop)
        self._lock = threading.Lock()
        self._moved: set[str] = set()  # top folders that came or went, reported once the new watch runs
        self._watching = {"folders": threading.Event(), "site": threading.Event()}
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for name, target in (("folders", self._watch_folders), ("site", self._watch_site)):
            thread = threading.Thread(
                target=self._forever, args=(name, target), name=f"civicpress-watch-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def wait_ready(self, timeout: float) -> bool:
        """True once both watches run, so that every later save is seen."""
        deadline = time.monotonic() + timeout
        return all(event.wait(max(0.0, deadline - time.monotonic())) for event in self._watching.values())

    def stop(self) -> None:
        """Ends both watches; each notices within ``step_ms``."""
        self._stop.set()
        self._rewatch.set()
        for thread in self._threads:
            thread.join(STOP_SECONDS)

    def relevant(self, path: str) -> str | None:
        """The site-relative POSIX path of a changed file the build reads; None for anything else."""
        changed = Path(path)
        if self._out is not None and changed.is_relative_to(self._out):
            return None
        try:
            rel = changed.relative_to(self.site_dir).as_posix()
        except ValueError:
            return None
        return rel if classify_change(rel) is not None else None

    def _forever(self, name: str, watch_once: Callable[[], None]) -> None:
        while not self._stop.is_set():
            try:
                watch_once()
            except Exception:  # a folder removed while being set up, a notify error: log, try again
                log.exception("watching the %s failed", name)
                self._watching[name].set()  # the server must start anyway
                self._stop.wait(RETRY_SECONDS)

    def _changes(self, paths: list[Path], recursive: bool, stop: threading.Event) -> Iterator[set[FileChange]]:
        return watch(
            *paths,
            watch_filter=None,  # ours is relevant(): it knows the site and the output folder
            debounce=self._debounce_ms,
            step=self._step_ms,
            stop_event=stop,
            rust_timeout=WAKE_MS,
            yield_on_timeout=True,  # the first (maybe empty) yield tells that the watch runs
            raise_interrupt=False,
            recursive=recursive,
            ignore_permission_denied=True,
        )

    def _watch_folders(self) -> None:
        self._rewatch.clear()
        if self._stop.is_set():  # stop() sets _stop, then _rewatch: a stop is never cleared away
            return
        with self._lock:
            moved, self._moved = self._moved, set()
        folders = [self.site_dir / name for name in WATCHED_FOLDERS if (self.site_dir / name).is_dir()]
        try:
            if not folders:
                self._watching["folders"].set()
                self._report(moved)
                moved = set()
                self._rewatch.wait()
                return
            for changes in self._changes(folders, recursive=True, stop=self._rewatch):
                self._watching["folders"].set()
                # Files put into a new folder before its watch started are in this build too.
                self._report({rel for _, path in changes if (rel := self.relevant(path))} | moved)
                moved = set()
        finally:
            if moved:  # the watch never started: the next one reports them
                with self._lock:
                    self._moved |= moved

    def _watch_site(self) -> None:
        for changes in self._changes([self.site_dir], recursive=False, stop=self._stop):
            self._watching["site"].set()
            found = {(change, rel) for change, path in changes if (rel := self.relevant(path))}
            # "modified" on a folder is Windows telling that something inside changed: the folder watch has it.
            moved = {rel for change, rel in found if rel in WATCHED_FOLDERS and change is not Change.modified}
            if moved:
                with self._lock:
                    self._moved |= moved
                self._rewatch.set()
            self._report({rel for _, rel in found if rel not in WATCHED_FOLDERS})

    def _report(self, paths: set[str]) -> None:
        if paths:
            self._on_change(frozenset(paths), time.monotonic())


@dataclass(frozen=True)
class Batch:
    paths: frozenset[str]  # relative to the site, POSIX
    detected: float  # time.monotonic() when the watcher reported the first of them


class BuildQueue:
    """When to build: at once, but never during a build; saves during a build all go into the next one.

    The watcher already waits for the end of a burst of saves (``STEP_MS`` of quiet). Pure: the
    times are passed in.
    """

    def __init__(self) -> None:
        self.building = False
        self._paths: set[str] = set()
        self._detected = 0.0

    def add(self, paths: Iterable[str], detected: float) -> None:
        new = set(paths)
        if new:
            if not self._paths:
                self._detected = detected
            self._paths |= new

    def start(self) -> Batch | None:
        """The changes to build for now; None while a build runs or when nothing changed."""
        if self.building or not self._paths:
            return None
        batch = Batch(frozenset(self._paths), self._detected)
        self._paths.clear()
        self.building = True
        return batch

    def done(self) -> None:
        """The build finished; changes that came in meanwhile get the next one."""
        self.building = False


# ---------------------------------------------------------------------------------------------
# Building


@dataclass(frozen=True)
class BuildOutcome:
    seconds: float
    problems: tuple[str, ...] = ()  # formatted findings; empty when the build succeeded
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def _quietly(work: Callable[[], None]) -> None:
    """Run after-reload work; a failure there must not stop the server (the next build retries)."""
    try:
        work()
    except Exception:
        log.exception("updating the search index after a rebuild failed")


def run_build(options: BuildOptions, build_function: BuildFunction = build) -> BuildOutcome:
    """One build that never raises: an editor's mistake or a civicpress bug must not stop the server."""
    started = time.perf_counter()
    try:
        result = build_function(options)
    except SiteError as exc:
        problems = tuple(f.format() for f in exc.findings) or (str(exc) or "构建失败",)
        return BuildOutcome(time.perf_counter() - started, problems)
    except Exception as exc:
        log.exception("rebuild crashed (a bug in civicpress)")
        message = f"civicpress 内部错误（请把终端里的错误信息告诉开发者）：{type(exc).__name__}: {exc}"
        return BuildOutcome(time.perf_counter() - started, (message,))
    return BuildOutcome(result.seconds, warnings=tuple(f.format() for f in result.warnings))


class PreviewState:
    """What the server knows about the last build.

    Written by the build's completion callback and read by requests, both on the event loop thread.
    """

    def __init__(self) -> None:
        self.problems: tuple[str, ...] = ()

    def record(self, outcome: BuildOutcome) -> None:
        self.problems = outcome.problems


# ---------------------------------------------------------------------------------------------
# Serving the output folder


@dataclass(frozen=True)
class Resolved:
    status: int  # 200 file, 301 add a slash, 403 outside the output folder, 404 missing
    file: Path | None = None
    location: str | None = None


def resolve_request(root: Path, url_path: str) -> Resolved:
    """The file a decoded URL path names inside ``root``; never a file outside it."""
    segments = [s for s in url_path.split("/") if s not in ("", ".")]
    if any(_unsafe_segment(s) for s in segments):
        return Resolved(403)
    base = root.resolve()
    try:
        real = base.joinpath(*segments).resolve()  # follows symlinks, so a link pointing out is caught
    except (OSError, RuntimeError):  # a symlink loop
        return Resolved(404)
    if not real.is_relative_to(base):
        return Resolved(403)
    if real.is_dir():
        if not url_path.endswith("/"):
            # Relative links in the page only work from the folder URL.
            return Resolved(301, location=quote("/" + "/".join([*segments, ""])))
        return resolve_request(root, "/" + "/".join([*segments, "index.html"]))
    if real.is_file():
        return Resolved(200, real)
    return Resolved(404)


def _unsafe_segment(segment: str) -> bool:
    # "..", and "..." which Windows reads as "..": dots and spaces only. A backslash is a separator on
    # Windows, a colon a drive ("C:") or an NTFS stream ("a.html::$DATA"), NUL breaks the OS call.
    return not segment.strip(". ") or any(c in segment for c in "\\:\0")


_CONTENT_TYPES = {
    # Our own table first: on Windows, mimetypes reads the registry, which often says text/plain for .js.
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
}


def content_type(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name, strict=False)
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


HTML_TYPE = _CONTENT_TYPES[".html"]
TEXT_TYPE = _CONTENT_TYPES[".txt"]
OVERLAY_ID = "civicpress-build-error"
_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def overlay_html(problems: Iterable[str]) -> str:
    """The box shown on top of every page while the last build failed."""
    items = "".join(f'<li style="margin:4px 0;white-space:pre-wrap">{html.escape(p)}</li>' for p in problems)
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:2147483647;'
        "max-height:60vh;overflow:auto;box-sizing:border-box;margin:0;padding:12px 16px;background:#fff5f5;"
        'color:#222;border:4px solid #d00;font:15px/1.6 sans-serif;text-align:left">'
        '<h2 style="margin:0 0 4px;color:#d00;font-size:18px">构建失败</h2>'
        '<p style="margin:0 0 4px">下面显示的是上次成功生成的网站。改正这些问题并保存，页面会自动刷新。</p>'
        f'<ol style="margin:0;padding-left:1.5em">{items}</ol></div>'
    )


def inject_overlay(page: bytes, problems: tuple[str, ...]) -> bytes:
    """The page with the overlay right after ``<body>`` (or at the end), unchanged when there are no problems."""
    if not problems:
        return page
    box = overlay_html(problems).encode("utf-8")
    match = _BODY_OPEN.search(page)
    at = match.end() if match else len(page)
    return page[:at] + box + page[at:]


def _plain_page(title: str, text: str) -> bytes:
    # A <head> so that livereload can add its script: the page reloads once the site is fixed.
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>\n"
    ).encode()


_REASONS = {200: "OK", 301: "Moved Permanently", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str
    extra_headers: tuple[tuple[str, str], ...] = ()


class SiteApp:
    """A WSGI app serving the output folder, and nothing else, as the published site would be served."""

    def __init__(self, root: Path, state: PreviewState) -> None:
        self.root = root
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            response = self.respond(_url_path(environ), environ.get("QUERY_STRING", ""))
        else:
            page = _plain_page("405", "预览服务器只接受 GET 请求。")
            response = Response(405, page, HTML_TYPE, (("Allow", "GET, HEAD"),))
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            # Always fresh: after a reload the browser must see the new CSS and pages.
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            *response.extra_headers,
        ]
        start_response(f"{response.status} {_REASONS[response.status]}", headers)
        # tornado refuses a body for HEAD (livereload then sets Content-Length to 0, which browsers accept).
        return [b""] if method == "HEAD" else [response.body]

    def respond(self, url_path: str | None, query: str = "") -> Response:
        resolved = resolve_request(self.root, url_path) if url_path is not None else Resolved(404)
        if resolved.status == 301 and resolved.location:
            location = resolved.location + (f"?{query}" if query else "")
            return Response(301, b"", TEXT_TYPE, (("Location", location),))
        response = self._file(resolved.file) if resolved.status == 200 and resolved.file else None
        if response is None and resolved.status == 403:
            response = Response(403, _plain_page("403 禁止访问", "这个地址不在网站文件夹内。"), HTML_TYPE)
        if response is None:
            response = self._not_found()
        if response.content_type.startswith("text/html"):
            body = inject_overlay(response.body, self.state.problems)
            response = Response(response.status, body, response.content_type, response.extra_headers)
        return response

    def _file(self, path: Path, status: int = 200) -> Response | None:
        try:
            data = path.read_bytes()
        except OSError:  # the output folder is being swapped by a build right now
            return None
        return Response(status, data, content_type(path.name))

    def _not_found(self) -> Response:
        page = resolve_request(self.root, "/404.html")
        custom = self._file(page.file, 404) if page.file else None
        return custom or Response(404, _plain_page("404 未找到", "没有这个页面。"), HTML_TYPE)


def _url_path(environ: dict[str, Any]) -> str | None:
    """PATH_INFO as text: WSGI passes the percent-decoded bytes as latin-1; our URLs are UTF-8."""
    raw = str(environ.get("PATH_INFO", "")) or "/"
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


# ---------------------------------------------------------------------------------------------
# The terminal and the network


def say(text: str, error: bool = False) -> None:
    """The only print in this module: the lines the editor reads in the terminal."""
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


def report(outcome: BuildOutcome, first: bool = False) -> None:
    if not outcome.ok:
        for problem in outcome.problems:
            say(problem, error=True)
        say(f"构建失败：共 {len(outcome.problems)} 个问题。浏览器中仍显示上次成功生成的网站。", error=True)
        return
    for warning in outcome.warnings:
        say(warning, error=True)
    say(f"{'已生成' if first else '已重新生成'}（{outcome.seconds:.2f} 秒）")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a machine name or a LAN address: reachable from other computers
        return False


def warn_if_exposed(host: str) -> bool:
    """Warn when other computers can reach the preview; True if it warned."""
    if is_loopback(host):
        return False
    log.warning(
        "注意：预览服务器正在监听 %s，同一网络中的其他电脑也能看到这个尚未发布的网站。"
        "只在本机预览请去掉 --host 参数（默认 127.0.0.1）。",
        host,
    )
    return True


def preview_url(host: str, port: int) -> str:
    shown = host.strip("[]")
    if shown in ("", "0.0.0.0", "::"):  # listening everywhere: this computer reaches it at loopback
        shown = "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


# ---------------------------------------------------------------------------------------------
# The glue: tornado, livereload, the watch loop


class Preview:
    """One running preview: the server, the watcher and the rebuilds. No module-level state.

    ``run`` blocks (call it in a thread to test); ``stop`` ends it from any thread.
    """

    def __init__(
        self,
        options: BuildOptions,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        build_function: BuildFunction | None = None,
        step_ms: int = STEP_MS,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        self.options = options
        self.host = host
        self.port = port
        self.state = PreviewState()
        self.app = SiteApp(options.out_dir, self.state)
        self.ready = threading.Event()  # set once the server listens, the watcher runs and the first build is done
        self.builds = 0  # finished builds, the first included
        self.latencies: list[float] = []  # seconds from a batch's first report to its reload being sent
        # One session for all builds: unchanged files are not read again, the search index and the
        # saved state follow after the reload (``_after``).
        self._session = BuildSession() if build_function is None else None
        self._build_function = self._session.build if self._session else build_function or build
        self._queue = BuildQueue()
        self._watcher = Watcher(options.site_dir, options.out_dir, self._changed_threadsafe, step_ms, debounce_ms)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="civicpress-build")
        # The search index of a build is made here, while the next build may already run.
        self._search = ThreadPoolExecutor(max_workers=1, thread_name_prefix="civicpress-search")
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        """Listen, build once, then serve and rebuild on changes until ``stop()`` or Ctrl+C.

        Raises SiteError when the address cannot be used (port taken).
        """
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        io_loop: IOLoop | None = None
        try:
            io_loop = loop.run_until_complete(self._listen())
            # Watch before the first build, so a save during it is not missed: it waits for the loop.
            self._watcher.start()
            self._finish(run_build(self.options, self._build_function), first=True)
            if not self._watcher.wait_ready(STOP_SECONDS):
                log.warning("文件监视没有按时启动，保存后可能不会自动刷新。")
            say(f"预览地址：{preview_url(self.host, self.port)}（按 Ctrl+C 停止）")
            self.ready.set()
            loop.run_forever()
        finally:
            self._watcher.stop()  # first: no more changes reported to a closing loop
            self._executor.shutdown(wait=True, cancel_futures=True)  # a build in progress finishes
            self._search.shutdown(wait=True, cancel_futures=True)
            if self._session is not None:
                self._session.close(self.options.out_dir)
            if io_loop is not None:
                io_loop.close(all_fds=True)  # closes the listening socket and open connections
            else:
                loop.close()
            asyncio.set_event_loop(None)

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)

    async def _listen(self) -> IOLoop:
        server = Server(app=self.app)
        try:
            # debug=False: livereload's default restarts the whole process when a Python file changes.
            server.application(self.port, self.host, debug=False)
        except OSError as exc:
            raise SiteError.single(
                "serve-address",
                f"无法在 {self.host}:{self.port} 启动预览：{exc.strerror or exc}",
                None,
                "端口可能已被另一个程序（或另一个预览）占用，请用 --port 换一个，如 --port 8001。",
            ) from exc
        return IOLoop.current()

    def _changed_threadsafe(self, paths: frozenset[str], detected: float) -> None:
        # Runs on a watch thread: the event loop owns the queue.
        loop = self._loop
        with contextlib.suppress(RuntimeError):  # the loop closed while stopping
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._changed, paths, detected)

    def _changed(self, paths: frozenset[str], detected: float) -> None:
        log.debug("changed: %s", ", ".join(sorted(paths)))
        self._queue.add(paths, detected)
        self._start_next()

    def _start_next(self) -> None:
        batch = self._queue.start()
        if batch is None:
            return
        kinds = sorted({kind.value for kind in map(classify_change, batch.paths) if kind})
        log.debug("rebuilding for %s change(s): %s", len(batch.paths), ", ".join(kinds))
        future = self._executor.submit(run_build, self.options, self._build_function)
        future.add_done_callback(lambda done: self._build_finished(done, batch))

    def _build_finished(self, future: Future[BuildOutcome], batch: Batch) -> None:
        # Runs on the build thread: hand the outcome to the event loop, which owns the state.
        loop = self._loop
        if future.cancelled() or loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._finish, future.result(), False, batch)

    def _finish(self, outcome: BuildOutcome, first: bool = False, batch: Batch | None = None) -> None:
        self.state.record(outcome)
        self.builds += 1
        if first or batch is None:
            report(outcome, first=True)
            self._after()
            return
        self._queue.done()  # first: whatever fails below, the next save still rebuilds
        try:
            report(outcome)
            # Also after a failure: the overlay appears (or, once fixed, disappears) with the reload.
            LiveReloadHandler.reload_waiters(path="*")
            seconds = time.monotonic() - batch.detected
            self.latencies.append(seconds)
            log.info("已更新 %d 个文件，已通知浏览器刷新（%.3f 秒）", len(batch.paths), seconds)
        finally:
            self._after()
            self._start_next()  # the saves that came in during this build

    def _after(self) -> None:
        """The search index and saved state of the build just shown, on their own thread (builds go on)."""
        if self._session is not None:
            self._search.submit(_quietly, self._session.after)


def serve(options: BuildOptions, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """``python build.py serve``: preview the site with live reload. A SiteError goes to the CLI."""
    check_out_dir(options.out_dir, options.site_dir)  # never serve the site folder itself
    warn_if_exposed(host)
    # Every 404 (favicon.ico, a typo in a link) would be a warning line between the rebuild messages.
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    log.setLevel(logging.INFO)  # "已更新 … 个文件，已通知浏览器刷新（… 秒）" after each rebuild
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how a preview ends
        Preview(options, host, port).run()
    say("已停止。")
    return EXIT_OK


__all__ = [
    "Batch",
    "BuildOutcome",
    "BuildQueue",
    "ChangeKind",
    "Preview",
    "Resolved",
    "SiteApp",
    "Watcher",
    "classify_change",
    "content_type",
    "inject_overlay",
    "is_editor_temp",
    "resolve_request",
    "run_build",
    "serve",
]
