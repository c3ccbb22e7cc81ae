"""Where imported articles go: ``content/<section>/<slug>.md``, never over an existing file.

The name follows the site's slug rule (``slug_style`` in site_config.yaml), shortened at a word
boundary; when the name is taken (on disk, or by another article of the same import) ``-2``,
``-3`` … is added and the report says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from civicpress.content import CONTENT_DIR
from civicpress.urls import slugify

log = logging.getLogger(__name__)

SLUG_LIMIT = 60


@dataclass(frozen=True)
class Destination:
    path: Path  # where the file is written
    rel: str  # content/<section>/<name>.md, for messages
    wanted: str  # the name the slug rule gave, before any -2
    renamed: bool


def slug_for(title: str, style: str) -> str:
    slug = slugify(title, style) or "article"
    if len(slug) > SLUG_LIMIT:
        slug = slug[:SLUG_LIMIT].rsplit("-", 1)[0] or slug[:SLUG_LIMIT]
    return slug


def choose(site_dir: Path, section: str, title: str, style: str, taken: set[Path]) -> Destination:
    """A free file name for ``title``; ``taken`` holds the names this import already chose."""
    folder = site_dir / CONTENT_DIR / section
    base = slug_for(title, style)
    path, number = folder / f"{base}.md", 1
    while path.exists() or path in taken:
        number += 1
        path = folder / f"{base}-{number}.md"
    taken.add(path)
    if number > 1:
        log.info("%s.md exists, using %s", base, path.name)
    return Destination(path, f"{CONTENT_DIR}/{section}/{path.name}", f"{base}.md", number > 1)


def write(destination: Destination, text: str) -> None:
    """Create the file; refuses to replace one that appeared meanwhile."""
    destination.path.parent.mkdir(parents=True, exist_ok=True)
    with destination.path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
