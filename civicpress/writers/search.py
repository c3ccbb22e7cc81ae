"""Full-text search for Chinese: the search page, and the Pagefind index made after the pages.

Pagefind's extended build segments Chinese into words (``<html lang="zh-CN">`` selects it), so
``供暖`` finds the article about heating. It reads the finished HTML, so it runs on the staging
folder once every page is written and before the swap (``index_site``); it indexes only what
the templates mark ``data-pagefind-body`` (the articles and plain pages, not the lists). The
search page loads the bundle relatively from ``pagefind/``: no outside server is involved,
but browsers do not let a page opened from disk (``file://``) fetch the index, so searching
needs the site to be served (``python build.py serve``, or any web server); the page says so.

Pagefind is a dependency; on a computer without it the build warns and the search page only
explains that search is not available.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from civicpress.errors import Finding, Findings
from civicpress.model import OutputFile, Site
from civicpress.templating import Renderer
from civicpress.urls import output_path

log = logging.getLogger(__name__)

SEARCH_URL = "/search/"
BUNDLE_DIR = "pagefind"
# What the search page loads; ``check`` (which writes nothing) takes them as present.
UI_FILES = (f"{BUNDLE_DIR}/pagefind-ui.js", f"{BUNDLE_DIR}/pagefind-ui.css")
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


DIGEST_FILE = ".civicpress-digest"  # what the index was made from, beside the index


def index_site(
    program: Path,
    pages: Mapping[str, Path],
    bundle: Path,
    site: Site,
    findings: Findings,
    digest: str,
    previous: Path | None = None,
) -> list[str]:
    """Index ``pages`` (site path → the file holding it) into the folder ``bundle``; its files as site paths.

    Pagefind reads a folder: it gets one holding only the indexed pages, as hard links (copies
    where links are refused). When ``previous`` (the bundle of the output being replaced) was
    made from the same pages with the same Pagefind (``digest``), it is copied instead: Pagefind
    is the slowest step of a rebuild.
    """
    if previous is not None and (previous / DIGEST_FILE).is_file() and (previous / DIGEST_FILE).read_text() == digest:
        shutil.copytree(previous, bundle)
        return _bundle_files(bundle)
    farm = bundle.resolve().parent / f"{bundle.name}.pages"  # absolute: Pagefind runs inside it
    shutil.rmtree(farm, ignore_errors=True)
    try:
        for path, source in pages.items():
            _link(source, farm / path)
        if not _run_pagefind(program, farm, site, findings):
            return []
        os.replace(farm / BUNDLE_DIR, bundle)
    finally:
        shutil.rmtree(farm, ignore_errors=True)
    (bundle / DIGEST_FILE).write_text(digest)
    return _bundle_files(bundle)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def index_digest(program: Path, site: Site, pages: Iterable[tuple[str, str]]) -> str:
    """A hash of what the index depends on: Pagefind, its options, the (path, bytes hash) of the indexed pages."""
    hasher = hashlib.sha256()
    hasher.update(f"{program.name} {program.stat().st_size} {site.config.relative_urls} {EXCLUDED}".encode())
    for path, data_hash in sorted(pages):
        hasher.update(f"{path}\0{data_hash}\n".encode())
    return hasher.hexdigest()


def _bundle_files(bundle: Path) -> list[str]:
    """The bundle's files, as paths of the site (under pagefind/, whatever folder they were made in)."""
    return sorted(f"{BUNDLE_DIR}/{p.relative_to(bundle).as_posix()}" for p in bundle.rglob("*") if p.is_file())


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
