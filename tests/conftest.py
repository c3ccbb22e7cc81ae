"""Shared pytest options and fixtures."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent  # the checkout, whose own site is the sample site
SAMPLE_SITE = ("content", "site_config.yaml", "templates", "static")  # the sample site's sources
# What tools keep in the checkout (all in .gitignore); everything else must stay as it was.
TOOL_CACHES = frozenset({".git", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", ".venv"})
GOLDEN = "tests/golden/"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current build instead of comparing with it",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """``--update-golden`` runs in one process: two workers would rewrite tests/golden/ at once.

    (pyproject's addopts spread the suite over worker processes with pytest-xdist, whose own
    configure hook runs last and starts no workers once ``dist`` is "no".)
    """
    if config.getoption("--update-golden") and getattr(config.option, "dist", "no") != "no":
        config.option.dist, config.option.numprocesses, config.option.tx = "no", 0, []


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


@pytest.fixture(scope="session")
def copy_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Copy a site folder (the checkout's sample site, or one of tests/sites/) into a new temporary folder.

    A build writes its cache (.civicpress-cache/) into the site folder, and tests write only
    into temporary folders: a test builds the copy, never the checkout.
    """

    def copy(source: Path) -> Path:
        target = tmp_path_factory.mktemp(source.name or "site") / "site"
        if source == ROOT:
            target.mkdir()
            for name in SAMPLE_SITE:
                if (source / name).is_dir():
                    shutil.copytree(source / name, target / name)
                elif (source / name).is_file():
                    shutil.copy2(source / name, target / name)
        else:
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".civicpress-cache", "output", ".output*"))
        return target

    return copy


@pytest.fixture(scope="module")
def sample_site(copy_site: Callable[[Path], Path]) -> Path:
    """A copy of the checkout's sample site (content/, site_config.yaml), one per test module."""
    return copy_site(ROOT)


def checkout_files() -> dict[str, tuple[int, int]]:
    """(size, modification time) of every file in the checkout but the tools' caches."""
    found: dict[str, tuple[int, int]] = {}
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [name for name in folders if name not in TOOL_CACHES and not name.endswith(".egg-info")]
        for name in files:
            path = Path(folder, name)
            info = path.stat()
            found[path.relative_to(ROOT).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


@pytest.fixture(scope="session", autouse=True)
def checkout_stays_clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the run when a test wrote into the checkout: tests write only into temporary folders.

    Only ``--update-golden`` may change tests/golden/.
    """
    before = checkout_files()
    yield
    after = checkout_files()
    touched = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    if request.config.getoption("--update-golden"):
        touched = [path for path in touched if not path.startswith(GOLDEN)]
    if touched:
        pytest.fail(f"tests wrote into the checkout (copy the site to tmp_path first): {touched[:20]}", pytrace=False)
