"""``init``: a new site folder that builds and passes ``check`` at once.

The example site (``civicpress/starter/example/``: settings with Chinese comments, one article in
each section, data files, an exchange material) or, with ``--bare``, an empty skeleton
(``starter/bare/``); both get ``build.py``, ``.gitignore`` and the editors' notes (``编辑须知.md``).
The starter files ship as package data. The folder is made beside its final place and renamed
into it in one step: an interrupted ``init`` leaves no half site.
"""

from __future__ import annotations

import os
import shutil
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from civicpress.errors import Location, SiteError
from civicpress.sitefolder import CONFIG_FILE, CONTENT_DIR, DATA_DIR

SECTIONS = ("achievements", "events", "honors", "news")  # the starter's sections (site_config.yaml)
NOTES = "编辑须知.md"

BUILD_PY = '''#!/usr/bin/env python3
"""生成网站：python build.py；预览：python build.py serve；全部命令：python build.py -h"""

import sys

from civicpress.cli import main

if __name__ == "__main__":
    sys.exit(main())
'''

GITIGNORE = """# 生成的网站和缓存：每次生成都会重新做出，不必放进版本库
output/
output-internal/
.output*
.civicpress-cache/
__pycache__/
"""


def starter(bare: bool) -> Traversable:
    return files("civicpress") / "starter" / ("bare" if bare else "example")


def init_site(target: Path, bare: bool = False) -> list[str]:
    """Write a new site into ``target`` (absent or empty); returns the files written, relative."""
    _refuse_non_empty(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.init-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        written = _write_tree(starter(bare), staging)
        written += _write_extras(staging)
        for section in SECTIONS:
            (staging / CONTENT_DIR / section).mkdir(parents=True, exist_ok=True)
        (staging / CONTENT_DIR / DATA_DIR).mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.rmdir()  # empty (checked above): the renamed folder takes its place
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(written)


def _refuse_non_empty(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise SiteError.single("init-not-a-folder", f"{target} 已经是一个文件，不是文件夹", Location(str(target)),
                               "请换一个名字，如 python -m civicpress init 新社区")
    if target.is_dir() and any(target.iterdir()):
        existing = "，已经是一个网站文件夹" if (target / CONFIG_FILE).exists() else "，里面已经有文件"
        raise SiteError.single(
            "init-not-empty", f"文件夹 {target} 不是空的{existing}，没有写入任何文件", Location(str(target)),
            "init 只在新的或空的文件夹里建立网站，不会覆盖已有的文件。"
            "请换一个文件夹名，如 python -m civicpress init 新社区",
        )


def _write_tree(source: Traversable, destination: Path, prefix: str = "") -> list[str]:
    written: list[str] = []
    destination.mkdir(parents=True, exist_ok=True)
    for item in sorted(source.iterdir(), key=lambda t: t.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            written += _write_tree(item, destination / item.name, rel + "/")
        else:
            (destination / item.name).write_bytes(item.read_bytes())
            written.append(rel)
    return written


def _write_extras(folder: Path) -> list[str]:
    (folder / "build.py").write_text(BUILD_PY, encoding="utf-8", newline="\n")
    (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8", newline="\n")
    (folder / NOTES).write_bytes((files("civicpress") / "starter" / NOTES).read_bytes())
    return ["build.py", ".gitignore", NOTES]
