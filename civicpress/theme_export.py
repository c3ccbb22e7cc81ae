"""``theme export 文件夹``: the default theme's templates and static files, copied out for editing.

The copy has the site folder's layout (``templates/``, ``static/``): copy the files to change into
the site's own ``templates/`` or ``static/`` folder, where a file of the same name replaces the
theme's (docs/content/theme.md lists every template and what it receives). A folder that already has
files is refused unless ``--force``, and then only the theme's own files are written; nothing is
ever written outside the folder, not even through a symbolic link inside it.
"""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from civicpress.errors import Location, SiteError
from civicpress.sitefolder import STATIC_DIR, TEMPLATES_DIR

PARTS = {TEMPLATES_DIR: "templates", STATIC_DIR: "static"}  # in the copy -> in civicpress/theme/


def theme_files() -> dict[str, Traversable]:
    """Every file of the default theme a site may replace, by its path in the copy."""
    found: dict[str, Traversable] = {}
    theme = files("civicpress") / "theme"
    for folder, source in PARTS.items():
        for item in sorted((theme / source).iterdir(), key=lambda t: t.name):
            if item.is_file():
                found[f"{folder}/{item.name}"] = item
    return found


def export_theme(target: Path, force: bool = False) -> list[str]:
    """Copy the theme into ``target``; returns the files written (relative, posix)."""
    if target.exists() and not target.is_dir():
        raise SiteError.single("theme-export-not-folder", f"{target} 是一个文件，不是文件夹", Location(str(target)),
                               "请换一个文件夹名，如 python build.py theme export 我的主题")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise SiteError.single(
            "theme-export-not-empty", f"文件夹 {target} 不是空的，没有写入任何文件", Location(str(target)),
            "请换一个新的文件夹名；确实要用主题的原始文件覆盖其中的同名文件时加 --force（其他文件不动）。",
        )
    root = target.resolve()
    chosen = theme_files()
    for rel in chosen:
        _inside(root, root / rel)  # every destination checked before the first write
    written: list[str] = []
    for rel, item in chosen.items():
        destination = root / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        _inside(root, destination)  # a folder made meanwhile could be a link: check again
        temporary = destination.with_name(f".{destination.name}.new")
        temporary.write_bytes(item.read_bytes())
        os.replace(temporary, destination)
        written.append(rel)
    return written


def _inside(root: Path, path: Path) -> None:
    """Refuse a destination that a symbolic link would take outside the folder."""
    real = path.parent.resolve() / path.name
    if path.is_symlink() or (real != root and root not in real.parents):
        raise SiteError.single(
            "theme-export-outside", f"{path} 指向文件夹 {root} 之外（符号链接），没有写入", Location(str(path)),
            "请删除这个链接，或换一个新的文件夹。",
        )
