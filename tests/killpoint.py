"""Run a build in this process and SIGKILL it at the Nth rename of a watched path.

    python tests/killpoint.py --kill N [--after] [--no-exchange] [--shard-pages 3] \
        --watch PREFIX [--watch PREFIX …] --count FILE -- build --site S --out O
    python tests/killpoint.py … -- session --site S --out O      # a serve session: build, then after()

A call of ``os.replace``, ``os.rename`` or ``publish.exchange`` (renameat2) counts when one of its
paths starts with a watched prefix. The process kills itself with SIGKILL right before the Nth
counted call (``--after``: right after it returned). ``--no-exchange`` makes renameat2 fail with
ENOSYS, as on a file system without it. A run that ends normally writes its number of counted
calls to ``--count``, one line a call: its first path (the path renamed).
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Killer:
    def __init__(self, kill_at: int, after: bool, watched: list[str]) -> None:
        self.kill_at, self.after, self.watched = kill_at, after, watched
        self.calls: list[str] = []  # the first path of each counted call, in order
        self.lock = threading.Lock()  # Pagefind's shards are renamed from several threads

    def wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            paths = [os.fspath(a) for a in args[:2] if isinstance(a, (str, os.PathLike))]
            if not any(str(p).startswith(prefix) for p in paths for prefix in self.watched):
                return real(*args, **kwargs)
            with self.lock:
                self.calls.append(str(paths[0]))
                number = len(self.calls)
            if number == self.kill_at and not self.after:
                os.kill(os.getpid(), signal.SIGKILL)
            result = real(*args, **kwargs)
            if number == self.kill_at and self.after:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return counted


def no_renameat2() -> Callable[..., int]:
    def fails(*args: object) -> int:
        ctypes.set_errno(errno.ENOSYS)
        return -1

    return fails


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kill", type=int, default=0)
    parser.add_argument("--after", action="store_true")
    parser.add_argument("--no-exchange", action="store_true")
    parser.add_argument("--shard-pages", type=int, default=0)
    parser.add_argument("--watch", action="append", default=[])
    parser.add_argument("--count", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    from civicpress import publish
    from civicpress.writers import search

    killer = Killer(args.kill, args.after, args.watch)
    os.replace = killer.wrap(os.replace)
    os.rename = killer.wrap(os.rename)
    if hasattr(publish, "exchange"):  # (absent before publishing was made atomic: the test then shows why)
        publish.exchange = killer.wrap(publish.exchange)
    if args.no_exchange:
        publish._renameat2 = no_renameat2  # type: ignore[assignment]
    if args.shard_pages:
        search.SHARD_PAGES = args.shard_pages

    if command[0] == "session":
        from civicpress.pipeline import BuildOptions
        from civicpress.rebuild.session import BuildSession

        options = dict(zip(command[1::2], command[2::2], strict=True))
        session = BuildSession()
        session.build(BuildOptions(site_dir=Path(options["--site"]), out_dir=Path(options["--out"])))
        session.after()
        code = 0
    else:
        from civicpress.cli import main as cli

        code = cli(command)
    args.count.write_text("".join(f"{path}\n" for path in killer.calls), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
