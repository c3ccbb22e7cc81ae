"""Which files are photos, and under which name each is published.

Phones save HEIC/HEIF; browsers (and the print tools) do not all show it, so such a photo is
published as a JPEG of the same name (``IMG_0001.HEIC`` → ``IMG_0001.jpg``). The model links
articles to that name, the image stage writes it: both ask here. Standard library only.
"""

from __future__ import annotations

import posixpath

RASTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")  # published in their own format
CONVERTED_SUFFIXES = (".heic", ".heif")  # published as JPEG
PHOTO_SUFFIXES = RASTER_SUFFIXES + CONVERTED_SUFFIXES


def is_converted(path: str) -> bool:
    """A photo published in another format than its own (HEIC/HEIF → JPEG)."""
    return path.lower().endswith(CONVERTED_SUFFIXES)


def is_photo(path: str) -> bool:
    """A raster picture an article may show (by file name)."""
    return path.lower().endswith(PHOTO_SUFFIXES)


def published_path(path: str) -> str:
    """The path a content file is published at: its own, but ``.jpg`` for a HEIC/HEIF photo."""
    if is_converted(path):
        return posixpath.splitext(path)[0] + ".jpg"
    return path
