#!/usr/bin/env python3
"""How long ``python build.py serve`` takes from a save to the browsers being told to reload.

    python bench/serve_latency.py --site DIR [--edits 10]

Starts ``python build.py serve --site DIR --out TMP --port FREE`` as a child process, waits for its
first build, connects to the livereload websocket as livereload.js does (``hello``, then ``info``),
then ``--edits`` times appends a sentence to one article (as bench/run.py's ``editor()`` does) and
times the write until the ``reload`` message arrives. The article is restored afterwards.

Besides the total it splits each edit, from the server's own lines: the build (``已重新生成（… 秒）``),
the rest of the server's part (``已更新 … 个文件，已通知浏览器刷新（… 秒）`` counts from the watcher's report
to the reload sent), and what is left: the watcher noticing the save (the OS event, then ``STEP_MS``
of quiet) and the websocket delivering the message.

``measure_serve(site, edits)`` is the same measurement for other scripts (bench/run.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tornado.websocket import WebSocketClientConnection, websocket_connect

ROOT = Path(__file__).resolve().parent.parent
EDITED = "news"  # the section whose first article is edited, as in bench/run.py
START_TIMEOUT = 900.0  # the first build of a 10,000-page site, cold
RELOAD_TIMEOUT = 120.0  # one rebuild
# After a reload, before the next save: an editor saves seconds apart, and by then the search
# index of the previous save (made after its reload, on another thread) is done. Also long
# enough for a stray second reload to show up.
PAUSE = 3.0

READY = "预览地址："
BUILT = re.compile(r"已重新生成（([\d.]+) 秒）")
RELOADED = re.compile(r"已更新 (\d+) 个文件，已通知浏览器刷新（([\d.]+) 秒）")


@dataclass(frozen=True)
class Sample:
    total: float  # seconds from the write to the reload message arriving
    server: float | None  # seconds from the watcher's report to the reload sent, as the server logs it
    build: float | None  # seconds of the build, as the server prints it

    @property
    def outside(self) -> float | None:
        """The watcher noticing the save, plus the websocket delivering the message."""
        return None if self.server is None else self.total - self.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def edited_article(site: Path) -> Path:
    articles = sorted((site / "content" / EDITED).glob("*.md")) or sorted(
        p for p in (site / "content").rglob("*.md") if not p.name.startswith(("_", "."))
    )
    if not articles:
        raise SystemExit(f"no article to edit in {site / 'content'}")
    return articles[0]


class Server:
    """``build.py serve`` as a child process; its output lines are read by two threads."""

    def __init__(self, site: Path, out: Path, port: int) -> None:
        command = [sys.executable, str(ROOT / "build.py"), "serve", "--site", str(site), "--out", str(out)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        self.process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.transcript: list[str] = []
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.transcript.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: re.Pattern[str] | str, timeout: float, seen: list[str] | None = None) -> str:
        """The next line containing ``pattern``; the lines before it go to ``seen``.

        Exits when the server dies or takes too long.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit(f"timed out waiting for {pattern!r}:\n" + "\n".join(self.transcript[-20:]))
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.process.poll() is not None:
                    tail = "\n".join(self.transcript[-20:])
                    raise SystemExit(f"the server stopped ({self.process.returncode}):\n{tail}") from None
                continue
            if pattern in line if isinstance(pattern, str) else pattern.search(line):
                return line
            if seen is not None:
                seen.append(line)

    def drain(self) -> list[str]:
        drained = []
        with suppress(queue.Empty):
            while True:
                drained.append(self.lines.get_nowait())
        return drained

    def stop(self) -> None:
        if self.process.poll() is None:
            if os.name == "nt":
                self.process.terminate()
            else:
                self.process.send_signal(signal.SIGINT)  # Ctrl+C: the server's own clean stop
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def serving(site: Path) -> Iterator[tuple[Server, int]]:
    out = Path(tempfile.mkdtemp(prefix="civicpress-serve-bench-"))
    port = free_port()
    server = Server(site, out / "site", port)
    try:
        server.wait_for(READY, START_TIMEOUT)
        yield server, port
    finally:
        server.stop()
        shutil.rmtree(out, ignore_errors=True)


async def browser(port: int) -> WebSocketClientConnection:
    """A websocket that the server counts as a browser to reload."""
    ws = await asyncio.wait_for(websocket_connect(f"ws://127.0.0.1:{port}/livereload"), 10)
    await ws.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    hello = await asyncio.wait_for(ws.read_message(), 10)
    if not isinstance(hello, str) or json.loads(hello).get("command") != "hello":
        raise SystemExit(f"unexpected livereload handshake: {hello!r}")
    await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
    await asyncio.sleep(0.2)  # the server registers the browser on "info", which has no answer
    return ws


async def next_reload(ws: WebSocketClientConnection, timeout: float) -> None:
    while True:
        message = await asyncio.wait_for(ws.read_message(), timeout)
        if message is None:
            raise SystemExit("the server closed the livereload websocket")
        if isinstance(message, str) and json.loads(message).get("command") == "reload":
            return


async def drain_messages(ws: WebSocketClientConnection, seconds: float) -> int:
    """Waits ``seconds`` and counts the messages that came meanwhile (a second reload for one edit)."""
    count = 0
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(ws.read_message(), left)
        except asyncio.TimeoutError:
            break
        if message is None:
            break
        count += 1
    return count


async def edit_and_time(
    server: Server, port: int, article: Path, original: str, edits: int, pause: float = PAUSE
) -> list[Sample]:
    ws = await browser(port)
    samples = []
    try:
        for n in range(edits):
            server.drain()
            started = time.perf_counter()
            article.write_text(original + f"\n补充说明第{n}条。\n", encoding="utf-8")
            await next_reload(ws, RELOAD_TIMEOUT)
            total = time.perf_counter() - started
            before: list[str] = []
            reloaded = RELOADED.search(server.wait_for(RELOADED, 10, before))
            assert reloaded is not None
            # The build's line goes to stdout, the reload's to stderr: either may be read first.
            if not any(BUILT.search(line) for line in before):
                with suppress(SystemExit):  # a failed build prints no such line
                    before.append(server.wait_for(BUILT, 1.0, before))
            built = [m for line in before if (m := BUILT.search(line))]
            samples.append(Sample(total, float(reloaded.group(2)), float(built[-1].group(1)) if built else None))
            extra = await drain_messages(ws, pause)
            if extra:
                print(f"  (edit {n}: {extra} more message(s) after the reload)", file=sys.stderr)
    finally:
        ws.close()
    return samples


def measure_samples(site: Path, edits: int = 10, pause: float = PAUSE) -> list[Sample]:
    """Runs ``build.py serve`` on ``site``, edits one article ``edits`` times; the article is restored."""
    article = edited_article(site)
    saved = article.read_bytes()
    original = saved.decode("utf-8")
    try:
        with serving(site) as (server, port):
            return asyncio.run(edit_and_time(server, port, article, original, edits, pause))
    finally:
        article.write_bytes(saved)


def measure_serve(site: Path, edits: int = 10, pause: float = PAUSE) -> list[float]:
    """Seconds from each save to the reload message reaching a browser, ``edits`` saves ``pause`` s apart."""
    return [sample.total for sample in measure_samples(site, edits, pause)]


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def summary(samples: list[Sample]) -> str:
    def column(values: list[float | None]) -> tuple[str, str]:
        known = [v for v in values if v is not None]
        return (ms(statistics.median(known)), ms(max(known))) if known else ("—", "—")

    rows = [
        ("save → reload received (total)", column([s.total for s in samples])),
        ("  build (the server's 已重新生成)", column([s.build for s in samples])),
        (
            "  queue, reload sent (server's part − build)",
            column([s.server - s.build if s.server is not None and s.build is not None else None for s in samples]),
        ),
        ("  watcher noticing + websocket delivery (total − server's part)", column([s.outside for s in samples])),
    ]
    lines = [f"{len(samples)} edits", "", "| part | median ms | max ms |", "|---|---:|---:|"]
    lines += [f"| {name} | {median} | {top} |" for name, (median, top) in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True, help="the site folder (content/ and site_config.yaml)")
    parser.add_argument("--edits", type=int, default=10, help="how many saves to time (default 10)")
    parser.add_argument("--pause", type=float, default=PAUSE, help=f"seconds between saves (default {PAUSE})")
    args = parser.parse_args()
    if not (args.site / "site_config.yaml").is_file():
        raise SystemExit(f"{args.site} has no site_config.yaml")
    samples = measure_samples(args.site.resolve(), args.edits, args.pause)
    print(f"serve latency, {args.site}")
    print(summary(samples))
    print("each edit (ms): " + ", ".join(ms(s.total) for s in samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
