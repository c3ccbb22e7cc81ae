"""Files copied as they are: the theme's static files, the site's ``static/`` and content assets.

A file in the site's ``static/`` replaces the theme's file of the same name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from civicpress.model import OutputFile, Site
from civicpress.templating import THEME_DIR

SITE_STATIC = "static"


def write_static(site: Site, site_dir: Path) -> Iterator[OutputFile]:
    files: dict[str, Path] = {}
    for root in (THEME_DIR / "static", site_dir / SITE_STATIC):
        for rel in _files(root):
            files[rel] = root / rel
    for rel in site.assets:
        files[site.assets[rel].lstrip("/")] = site_dir / "content" / rel
    for rel in sorted(files):
        yield OutputFile(rel, files[rel].read_bytes())


def _files(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(dirpath) / name
            if name.startswith(".") or path.is_symlink():
                continue
            found.append(path.relative_to(root).as_posix())
    return sorted(found)
