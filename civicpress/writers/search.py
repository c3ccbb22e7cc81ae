"""Full-text search for Chinese: the search page, and the Pagefind index made after the pages.

Pagefind's extended build segments Chinese into words (``<html lang="zh-CN">`` selects it), so
``供暖`` finds the article about heating. It reads the finished HTML, so it runs once every
page is staged and before anything is published (``index_shards``), in shards of about
SHARD_PAGES pages (``pagefind/<n>/``, see :class:`Shard`); it indexes only what the templates
mark ``data-pagefind-body`` (the articles and plain pages, not the lists). The search page
loads the bundle relatively from ``pagefind/0/``: no outside server is involved,
but browsers do not let a page opened from disk (``file://``) fetch the index, so searching
needs the site to be served (``python build.py serve``, or any web server); the page says so.

Pagefind is a dependency; on a computer without it the build warns and the search page only
explains that search is not available.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from civicpress.errors import Finding, Findings
from civicpress.model import OutputFile, Site
from civicpress.templating import THEME_DIR, Renderer
from civicpress.urls import output_path
from civicpress.writers.protocol import BuildInputs, Made

log = logging.getLogger(__name__)

SEARCH_URL = "/search/"
RANKED_MODULE = "search/pagefind.js"  # Pagefind's module wrapped to rank whole words first (theme/search/)
BUNDLE_DIR = "pagefind"
# What the search page loads; ``check`` (which writes nothing) takes them as present.
UI_NAMES = ("pagefind-ui.js", "pagefind-ui.css")
UI_FILES = tuple(f"{BUNDLE_DIR}/0/{name}" for name in UI_NAMES)
EXCLUDED = (".toc", ".meta")  # table of contents and the date/length line: noise in excerpts
# Pagefind also writes its other interfaces; the search page uses the default UI only, so these
# (280 KB, never loaded) are removed.
UNUSED = (
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT = 600


def find_indexer(findings: Findings) -> Path | None:
    """The Pagefind program, or None (with a warning) when it is not installed."""
    program: Path | None = None
    try:
        from pagefind.service import get_executable
    except ImportError:
        pass
    else:
        program = get_executable()
    if program is None or not program.exists():
        findings.warn(
            "search-unavailable",
            "没有安装 Pagefind，本次生成的网站没有搜索功能（其他功能不受影响）",
            None,
            "运行 python -m pip install \"pagefind[extended]\" 后重新生成网站。",
        )
        return None
    if "extended" not in program.name:
        log.warning("Pagefind 不是扩展版（extended），中文搜索只能按单字匹配：%s", program)
    return program


def write_search(site: Site, renderer: Renderer, enabled: bool) -> Iterator[OutputFile]:
    """The search page at /search/; without Pagefind it says that search is not available."""
    context: dict[str, Any] = {
        "site": site,
        "config": site.config,
        "data": site.data,
        "page_url": SEARCH_URL,
        "title": "搜索",
        "description": f"搜索{site.config.title}的文章",
        "search_enabled": enabled,
    }
    yield OutputFile(output_path(SEARCH_URL), renderer.render("search.html", context).encode())
    if enabled:
        yield OutputFile(RANKED_MODULE, (THEME_DIR / "search" / "pagefind.js").read_bytes())


DIGEST_FILE = ".civicpress-digest"  # what a shard's index was made from, inside it
SHARDS_FILE = "shards.json"  # in shard 0: the other shards, which the search page merges
SHARD_PAGES = 300  # pages per shard: Pagefind needs ~0.3 MB of memory and ~2 ms per page


@dataclass(frozen=True)
class Shard:
    """One part of the search index: a Pagefind bundle of some of the pages, in ``pagefind/<number>/``.

    Pagefind cannot update an index; it makes one from all its pages. Split in shards of
    SHARD_PAGES, an edited article costs one shard's indexing, and no Pagefind process needs
    the memory of the whole site. The search page merges the shards (Pagefind's mergeIndex).
    """

    number: int
    pages: tuple[str, ...]
    digest: str  # Pagefind, its options, the shards, and the (path, bytes hash) of these pages

    @property
    def folder(self) -> str:
        return f"{BUNDLE_DIR}/{self.number}"


def plan_shards(program: Path, site: Site, indexed: Mapping[str, str], per_shard: int | None = None) -> list[Shard]:
    """The shards of the pages ``indexed`` (site path → hash of its bytes), by a stable hash of the path.

    A page stays in its shard while the number of shards stays the same; shard 0 is never empty.
    """
    count = max(1, math.ceil(len(indexed) / (per_shard or SHARD_PAGES)))
    groups: dict[int, list[str]] = {}
    for path in sorted(indexed):
        number = int.from_bytes(hashlib.blake2b(path.encode(), digest_size=4).digest(), "big") % count
        groups.setdefault(number, []).append(path)
    ordered = [groups[number] for number in sorted(groups)]  # numbered 0… without gaps
    options = f"{site.config.relative_urls} {EXCLUDED} {SEGMENTATION}"
    head = f"{program.name} {program.stat().st_size} {options} {len(ordered)}"
    shards = []
    for number, paths in enumerate(ordered):
        hasher = hashlib.sha256(f"{head} {number}\n".encode())
        for path in paths:
            hasher.update(f"{path}\0{indexed[path]}\n".encode())
        shards.append(Shard(number, tuple(paths), hasher.hexdigest()))
    return shards


def index_shards(
    program: Path,
    shards: Sequence[Shard],
    source: Callable[[str], Path],
    folder: Callable[[str], Path],
    site: Site,
    findings: Findings,
    count: int,
    previous: Path | None = None,
    workers: int = 1,
) -> list[str]:
    """Make the bundle of each shard in ``folder(shard.folder)``; the bundles' files as site paths ([] on failure).

    ``shards`` are those to make, of ``count`` in all (shard 0 lists the others, made now or not).
    ``source(path)`` is where the page at ``path`` is now. Pagefind reads a folder: it gets one
    with only the shard's pages, as hard links (copies where links are refused). A shard whose
    bundle in ``previous`` (the output being replaced) was made from the same pages is copied.
    Up to ``workers`` Pagefind processes run at once.
    """
    def make(shard: Shard) -> list[str]:
        bundle = folder(shard.folder)
        old = previous / shard.folder if previous is not None else None
        if old is not None and _digest_of(old) == shard.digest:
            shutil.copytree(old, bundle, copy_function=_link)
        elif not _index_shard(program, shard, source, bundle, site, findings, count):
            return []
        return [f"{shard.folder}/{name}" for name in _bundle_files(bundle)]

    with ThreadPoolExecutor(max(1, workers)) as pool:  # Pagefind is a program: threads suffice
        made = list(pool.map(make, shards))
    return [] if not all(made) else sorted(path for paths in made for path in paths)


def _digest_of(bundle: Path) -> str:
    try:
        return (bundle / DIGEST_FILE).read_text()
    except OSError:
        return ""


def _index_shard(
    program: Path, shard: Shard, source: Callable[[str], Path], bundle: Path, site: Site, findings: Findings,
    count: int,
) -> bool:
    farm = bundle.resolve().parent / f".{bundle.name}.pages"  # absolute: Pagefind runs inside it
    shutil.rmtree(farm, ignore_errors=True)
    try:
        for path in shard.pages:
            _spaced_copy(source(path), farm / path)
        if not _run_pagefind(program, farm, site, findings):
            return False
        made = farm / BUNDLE_DIR
        if shard.number:  # the search page loads Pagefind's interface from shard 0 only
            for name in UI_NAMES:
                (made / name).unlink(missing_ok=True)
        else:
            (made / SHARDS_FILE).write_text(json.dumps(list(range(1, count))))
        (made / DIGEST_FILE).write_text(shard.digest)
        bundle.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(bundle, ignore_errors=True)
        os.replace(made, bundle)
        return True
    finally:
        shutil.rmtree(farm, ignore_errors=True)


# Whole words, whatever the segmenters. Pagefind's indexer cuts Chinese into jieba's words (党建,
# 党建引领) but the browser cuts the query with its own dictionary (Intl.Segmenter: 党|建), and each
# query word must begin an indexed word: 党建 then missed the pages saying 党建 and found those with
# 党员 and 建设. The two dictionaries never agree on every word, so neither is used: the copy
# Pagefind reads has a space between adjacent Han characters (every character an indexed word,
# with its position), search.js spaces the query the same way and asks for the exact phrase
# ("党 建": the characters next to each other, in order), and takes the spaces out of titles and
# excerpts. The published page is the one written; only Pagefind's copy is spaced.
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HAN_PAIR = re.compile(f"(?<={_HAN})(?={_HAN})")
_TAG = re.compile(r"(<[^>]*>)")
SEGMENTATION = "han-spaced-1"  # how the indexed copy is cut: in each shard's digest, so a change re-indexes


def han_spaced(html: str) -> str:
    """``html`` with a space between adjacent Han characters of its text (tags and attributes untouched)."""
    parts = _TAG.split(html)
    return "".join(part if index % 2 else _HAN_PAIR.sub(" ", part) for index, part in enumerate(parts))


def _spaced_copy(source: Path, target: Path) -> None:
    """The page as Pagefind reads it (``han_spaced``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(han_spaced(source.read_text(encoding="utf-8")), encoding="utf-8")


def _link(source: str | Path, target: str | Path) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _bundle_files(bundle: Path) -> list[str]:
    """The bundle's files, relative to it."""
    return sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())


def _run_pagefind(program: Path, folder: Path, site: Site, findings: Findings) -> list[str]:
    """Run Pagefind on ``folder``, writing to ``folder/pagefind``; the bundle's files ([] when it failed)."""
    command = [str(program), "--site", str(folder), "--output-subdir", BUNDLE_DIR, "--quiet"]
    if site.config.relative_urls:  # the site's own links name index.html; the results do too
        command.append("--keep-index-url")
    for selector in EXCLUDED:
        command += ["--exclude-selectors", selector]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(
            command, cwd=folder, env=environment, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        findings.add(_failed(str(exc)))
        return []
    log.debug("pagefind: %s%s", done.stdout, done.stderr)
    if done.returncode != 0:
        findings.add(_failed((done.stderr or done.stdout).strip()[-500:]))
        return []
    bundle = folder / BUNDLE_DIR
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return _bundle_files(bundle)


def _failed(detail: str) -> Finding:
    return Finding(
        "search-index",
        f"Pagefind 生成搜索索引失败：{detail}",
        None,
        "重新安装：python -m pip install --force-reinstall \"pagefind[extended]\"；仍然失败请把这段信息发给技术人员。",
    )


class SearchPageWriter:
    """The search page (the index itself is made from the finished pages: ``index_shards``)."""

    name = "search page"
    tracks = False

    def expected(self, inputs: BuildInputs) -> int:
        return 2 if inputs.search else 1

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        return write_search(inputs.site, inputs.renderer, inputs.search)
