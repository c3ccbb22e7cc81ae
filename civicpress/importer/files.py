"""Where imported articles go: ``content/<section>/<slug>.md``, never over an existing file.

The name follows the site's slug rule (``slug_style`` in site_config.yaml), shortened at a word
boundary; when the name is taken (on disk, or by another article of the same import) ``-2``,
``-3`` … is added and the report says so.

An article is written whole or not at all (a temporary file beside it, then renamed), so an
import killed midway leaves no half article. Each article records which import made it
(``extra.source_digest``, and ``extra.part`` for ``--split``): running the same import again
finds the articles it already wrote in the section and skips them instead of adding ``-2``
copies.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from civicpress.sitefolder import CONTENT_DIR
from civicpress.urls import slugify

log = logging.getLogger(__name__)

SLUG_LIMIT = 60
# A write in progress: hidden and ``.tmp``, so a build never reads it as content (content._walk).
TEMP_PREFIX, TEMP_SUFFIX = ".civicpress-import-", ".tmp"
_DIGEST = re.compile(r"^\s+source_digest:\s*[\"']?([0-9a-f]{16})[\"']?\s*$", re.MULTILINE)
_PART = re.compile(r"^\s+part:\s*(\d+)\s*$", re.MULTILINE)
FRONT_MATTER_LIMIT = 64 * 1024  # where a front matter can be: the key is looked for only there


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


def existing(section: str, path: Path) -> Destination:
    """An article already in the section (an earlier import of the same source)."""
    return Destination(path, f"{CONTENT_DIR}/{section}/{path.name}", path.name, False)


def source_digest(data: bytes) -> str:
    """What identifies an imported file: a hash of its bytes (its name may differ from run to run)."""
    return hashlib.sha256(data).hexdigest()[:16]


def import_key(digest: str, part: int | None) -> str:
    """The key of one article of an import: the source's digest, and its part with ``--split``."""
    return digest if part is None else f"{digest}/{part}"


def earlier_imports(site_dir: Path, section: str) -> dict[str, Path]:
    """The articles of ``content/<section>/`` that an import wrote, by :func:`import_key`.

    Read from each file's front matter (``extra.source_digest`` and ``extra.part``), so an
    article the editor has since edited or renamed is still recognised.
    """
    folder = site_dir / CONTENT_DIR / section
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.md")):
        key = _key_in(path)
        if key is not None:
            found.setdefault(key, path)
    return found


def _key_in(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(FRONT_MATTER_LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return None
    lines = head.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    end = next((n for n, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if end is None:
        return None
    front = "\n".join(lines[1:end])
    digest, part = _DIGEST.search(front), _PART.search(front)
    if digest is None:
        return None
    return import_key(digest.group(1), int(part.group(1)) if part else None)


def remove_leftovers(site_dir: Path, section: str) -> None:
    """Temporary files of an import that was killed before it could rename them."""
    folder = site_dir / CONTENT_DIR / section
    if folder.is_dir():
        for stale in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            stale.unlink(missing_ok=True)


def write_picture(path: Path, data: bytes) -> None:
    """A picture of an imported Word file, written whole or not at all; one already there with these bytes is kept."""
    if path.exists() and path.read_bytes() == data:
        return  # an interrupted import run again: the picture was written before its article
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            raise FileExistsError(f"{path.name} 已存在")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write(destination: Destination, text: str) -> None:
    """Create the article whole or not at all; refuses to replace a file that appeared meanwhile.

    The text goes to a hidden temporary file in the same folder, reaches the disk, and only
    then takes the article's name (``os.replace`` is atomic within a folder): a kill, a power
    cut or a full disk leaves either no article or the whole one.
    """
    folder = destination.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if destination.path.exists():
            raise FileExistsError(f"{destination.rel} 已存在")
        os.replace(temporary, destination.path)
    finally:
        temporary.unlink(missing_ok=True)
