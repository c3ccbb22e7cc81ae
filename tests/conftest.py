"""Shared pytest options and fixtures."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current build instead of comparing with it",
    )


@pytest.fixture
def rendering_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[int]]:
    """The ids of the processes that rendered a page, one per page, since the last call.

    A test-only wrapper around ``writers.pages.render_page``: forked worker processes inherit
    it and append their id to a file, so a test can tell that the pages really were spread
    over several processes (and not silently rendered in one).
    """
    from civicpress.writers import pages

    record = tmp_path / "rendering-processes"
    real = pages.render_page

    def recorded(*args: Any, **kwargs: Any) -> Any:
        with record.open("a", encoding="utf-8") as out:  # one short append: whole lines
            out.write(f"{os.getpid()}\n")
        time.sleep(0.01)  # a page takes a moment, as a real one does: every worker gets some
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_page", recorded)

    def taken() -> list[int]:
        ids = [int(line) for line in record.read_text(encoding="utf-8").split()] if record.exists() else []
        record.unlink(missing_ok=True)
        return ids

    return taken
